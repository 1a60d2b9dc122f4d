//! Encrypted connections: IMAP over TLS and STARTTLS against dovecot's own certificate, trusted
//! only by the command run with `SSL_CERT_FILE` (the system's store does not know it).

use std::process::Command;
use std::sync::Arc;

use mediation::imap::{fetch_once, Account};

use super::server::USER_PASSWORD;
use super::{append, block_on, dovecot, message, messages, options, DbSink};
use crate::support::TestDir;

#[test]
fn imaps_and_starttls_with_a_trusted_certificate() {
    let dir = TestDir::new();
    let server = dovecot();
    for user in ["depot-imaps", "depot-starttls-ok"] {
        server.user(user);
        append(user, "INBOX", &message(&format!("{user}-1"), "Connexion chiffrée"));
    }
    let urls = format!(
        "imaps://depot-imaps:{USER_PASSWORD}@localhost:{}/INBOX imap://depot-starttls-ok:{USER_PASSWORD}@localhost:{}/INBOX",
        server.tls_port, server.port
    );
    let out = Command::new(env!("CARGO_BIN_EXE_mediation"))
        .args(["mail", "fetch"])
        .env("MEDIATION_DATA_DIR", dir.path())
        .env("MEDIATION_DATABASE_URL", &dir.url)
        .env("ROCKET_CONFIG", dir.path().join("absent.toml"))
        .env("MEDIATION_IMAP_URL", &urls)
        .env("SSL_CERT_FILE", server.certificate())
        .output()
        .expect("mediation mail fetch");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    for user in ["depot-imaps", "depot-starttls-ok"] {
        assert!(stdout.contains(&format!("Relève de {user}@localhost/INBOX : 1 message(s) lu(s)")), "{stdout}");
    }
}

#[test]
fn an_unknown_certificate_is_refused_and_nothing_is_sent_in_clear() {
    let dir = TestDir::new();
    let server = dovecot();
    server.user("depot-certificat");
    append("depot-certificat", "INBOX", &message("certificat-1", "Certificat inconnu"));
    for url in [
        format!("imaps://depot-certificat:{USER_PASSWORD}@localhost:{}/INBOX", server.tls_port),
        // Plain IMAP without `tls=none`: STARTTLS first, so the login never leaves in clear.
        format!("imap://depot-certificat:{USER_PASSWORD}@127.0.0.1:{}/INBOX", server.port),
    ] {
        let account = Account::parse(&url, false).expect("adresse");
        let report = block_on(fetch_once(&account, &options(), Arc::new(DbSink::new(&dir))));
        let error = report.failure.expect("certificat refusé").to_string();
        assert!(error.starts_with(&format!("connexion chiffrée avec {} impossible", account.host)), "{error}");
        assert!(!error.contains(USER_PASSWORD), "{error}");
    }
    assert_eq!(messages("depot-certificat", "INBOX").map(|m| m.len()), Some(1));
}
