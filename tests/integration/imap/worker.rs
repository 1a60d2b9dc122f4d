//! The server's own reader: a pass at start, then every `imap_interval_minutes`; counts in the
//! log (never an address or a subject), and a clean stop on SIGTERM.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{append, dovecot, message};
use crate::support::TestDir;

#[test]
fn the_server_reads_the_mailbox_logs_counts_only_and_stops_on_sigterm() {
    let dir = TestDir::new();
    let server = dovecot();
    server.user("depot-serveur");
    append("depot-serveur", "INBOX", &message("serveur-1", "Objet confidentiel"));
    let log_path = dir.path().join("serveur.log");
    let log = std::fs::File::create(&log_path).expect("journal");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mediation"))
        .arg("serve")
        .env("MEDIATION_DATA_DIR", dir.path())
        .env("MEDIATION_DATABASE_URL", &dir.url)
        .env("ROCKET_CONFIG", dir.path().join("absent.toml"))
        .env("ROCKET_PORT", port.to_string())
        .env("ROCKET_ADDRESS", "127.0.0.1")
        .env("RUST_LOG", "info")
        .env("MEDIATION_SWEEP_INTERVAL_MINUTES", "0")
        .env("MEDIATION_MAIL_INTERVAL_SECONDS", "0")
        .env("MEDIATION_IMAP_URL", server.url("depot-serveur", "INBOX"))
        .env("MEDIATION_IMAP_INTERVAL_MINUTES", "1")
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("mediation serve");
    let read = |path: &std::path::Path| std::fs::read_to_string(path).unwrap_or_default();
    let started = Instant::now();
    while !read(&log_path).contains("1 message(s) lu(s)") {
        if started.elapsed() > Duration::from_secs(120) || child.try_wait().ok().flatten().is_some() {
            let _ = child.kill();
            panic!("pas de relève dans le journal :\n{}", read(&log_path));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let kill = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status().expect("kill");
    assert!(kill.success());
    let asked = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("attente") {
            break status;
        }
        if asked.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("le serveur tournait encore 30 s après SIGTERM :\n{}", read(&log_path));
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "arrêt propre : {status:?}");
    let log = read(&log_path);
    let pass = log.lines().find(|l| l.contains("1 message(s) lu(s)")).expect("ligne de la relève");
    assert!(pass.contains("boite=1"), "{pass}");
    assert!(log.contains("relève des courriels arrêtée"), "{log}");
    for secret in ["depot-serveur", "amelie", "Amélie", "confidentiel", super::server::USER_PASSWORD] {
        assert!(!log.contains(secret), "« {secret} » dans le journal :\n{log}");
    }
}
