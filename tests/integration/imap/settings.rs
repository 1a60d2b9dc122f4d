//! The mailbox settings (TOML, environment, password file) and the errors an operator reads.

use std::process::{Command, Output};
use std::sync::Arc;

use mediation::config::AppConfig;
use mediation::imap::{fetch_once, Account, ImapSettings};
use rocket::figment::providers::{Format, Serialized, Toml};
use rocket::figment::Figment;

use super::server::USER_PASSWORD;
use super::{append, block_on, dovecot, folders, message, messages, options, DbSink};
use crate::support::TestDir;

fn settings_from(figment: Figment) -> Result<Option<ImapSettings>, String> {
    let config = AppConfig::from_figment(&figment).map_err(|e| e.to_string())?;
    ImapSettings::from_config(&config).map_err(|e| e.to_string())
}

fn base() -> Figment {
    Figment::from(Serialized::defaults(AppConfig::default()))
}

#[test]
fn settings_read_from_toml_a_list_or_one_string_and_a_password_file() {
    assert!(settings_from(base()).expect("sans IMAP").is_none(), "pas d'imap_url : pas de relève, pas d'erreur");

    let toml = r#"
        imap_url = ["imaps://mediation%40cpam.fr:p%C3%A2t%C3%A9%20%26%20caf%C3%A9@imap.cpam.fr/INBOX",
                    "imap://generique@imap.cpam.fr:1143/Bo%C3%AEte%20g%C3%A9n%C3%A9rique"]
        imap_processed_folder = "Messages traités"
        imap_interval_minutes = 10
    "#;
    let dir = tempfile::tempdir().expect("dossier");
    let file = dir.path().join("imap-password");
    std::fs::write(&file, "secret du fichier\n").expect("fichier");
    let without_file = settings_from(base().merge(Toml::string(toml)));
    assert!(without_file.expect_err("mot de passe manquant").contains("le mot de passe manque"));

    let settings = settings_from(base().merge(Toml::string(toml)).merge(("imap_password_file", &file)))
        .expect("réglages")
        .expect("IMAP configuré");
    assert_eq!(settings.processed_folder, "Messages traités");
    assert_eq!(settings.interval_minutes, 10);
    let [first, second] = &settings.accounts[..] else { panic!("deux boîtes : {settings:?}") };
    assert_eq!((first.user.as_str(), first.host.as_str(), first.port), ("mediation@cpam.fr", "imap.cpam.fr", 993));
    assert_eq!(first.password(), "secret du fichier", "le fichier l'emporte sur l'adresse");
    assert_eq!((second.port, second.mailbox.as_str()), (1143, "Boîte générique"));
    assert_eq!(second.password(), "secret du fichier");

    // Without the file, the URL's own password, percent-decoded.
    let one = "imaps://mediation%40cpam.fr:p%C3%A2t%C3%A9%20%26%20caf%C3%A9@imap.cpam.fr/INBOX";
    let settings = settings_from(base().merge(("imap_url", one))).expect("réglages").expect("IMAP configuré");
    assert_eq!(settings.accounts[0].password(), "pâté & café");
    assert_eq!(settings.processed_folder, "Traités", "dossier par défaut");
    assert_eq!(settings.interval_minutes, 5, "intervalle par défaut");

    // One string holding several URLs (as MEDIATION_IMAP_URL does), separated by spaces.
    let two = "imaps://a:x@imap.cpam.fr/INBOX \n imaps://b:y@imap.cpam.fr/Partenaires";
    let settings = settings_from(base().merge(("imap_url", two))).expect("réglages").expect("IMAP configuré");
    assert_eq!(
        settings.accounts.iter().map(Account::label).collect::<Vec<_>>(),
        ["a@imap.cpam.fr/INBOX", "b@imap.cpam.fr/Partenaires"]
    );

    let unreadable = settings_from(base().merge(("imap_url", one)).merge(("imap_password_file", "/absent/imap")));
    assert!(unreadable.expect_err("fichier absent").contains("mot de passe IMAP illisible"));
    let looping = settings_from(base().merge(("imap_url", one)).merge(("imap_processed_folder", "INBOX")));
    assert!(looping.expect_err("même dossier").contains("ne peut pas être la boîte relevée"));
}

#[test]
fn a_percent_encoded_password_logs_in() {
    let dir = TestDir::new();
    let server = dovecot();
    let password = "pâté & café/100 %";
    server.user_with_password("depot-accents", password);
    let encoded = percent_encoding::utf8_percent_encode(password, percent_encoding::NON_ALPHANUMERIC);
    let url = format!("imap://depot-accents:{encoded}@127.0.0.1:{}/INBOX?tls=none", server.port);
    let account = Account::parse(&url, false).expect("adresse");
    assert_eq!(account.password(), password);
    append("depot-accents", "INBOX", &message("accents-1", "Mot de passe accentué"));
    let report = block_on(fetch_once(&account, &options(), Arc::new(DbSink::new(&dir))));
    assert!(report.failure.is_none(), "{:?}", report.failure);
    assert_eq!(report.moved, 1);
}

#[test]
fn a_wrong_password_is_told_in_french_and_nothing_moves() {
    let dir = TestDir::new();
    dovecot().user("depot-refus");
    append("depot-refus", "INBOX", &message("refus-1", "Refus"));
    let url = dovecot().url("depot-refus", "INBOX").replace(USER_PASSWORD, "mauvais-mot-de-passe");
    let wrong = Account::parse(&url, false).expect("adresse");
    let sink = Arc::new(DbSink::new(&dir));
    let report = block_on(fetch_once(&wrong, &options(), sink.clone()));
    let error = report.failure.expect("connexion refusée").to_string();
    assert_eq!(error, "le serveur IMAP 127.0.0.1 a refusé l'identifiant ou le mot de passe");
    assert!(sink.recorded().is_empty());
    assert_eq!(messages("depot-refus", "INBOX").map(|m| m.len()), Some(1));
    assert!(!folders("depot-refus").iter().any(|(name, _)| name == "Traités"));

    // The command for cron says so and fails.
    let out = mail_fetch(&dir, &[("MEDIATION_IMAP_URL", &url)]);
    assert!(!out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Relève de depot-refus@127.0.0.1/INBOX : 0 message(s) lu(s)"), "{stdout}");
    assert!(stdout.contains("relève interrompue : le serveur IMAP 127.0.0.1 a refusé"), "{stdout}");
    assert!(!stdout.contains("mauvais-mot-de-passe"), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("1 boîte(s) aux lettres non relevée(s) entièrement"), "{stderr}");
}

#[test]
fn no_tls_is_refused_towards_any_host_but_loopback() {
    let dir = TestDir::new();
    // `tls=none` towards any other host: refused when the settings are read…
    let remote = "imap://mediation:secret@imap.cpam.fr/INBOX?tls=none";
    let refused = AppConfig::from_figment(&base().merge(("imap_url", remote))).expect_err("refusé").to_string();
    assert!(refused.contains("« tls=none » (connexion non chiffrée) n'est permis que vers l'adresse locale"));
    assert!(!refused.contains("secret"), "{refused}");
    // …by the command…
    let out = mail_fetch(&dir, &[("MEDIATION_IMAP_URL", remote)]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("n'est permis que vers l'adresse locale") && !stderr.contains("secret"), "{stderr}");
    // …and by the server, which does not start.
    let figment = crate::support::test_figment(&dir).merge(("imap_url", remote));
    let rocket = mediation::web::build(figment, Arc::new(mediation::domain::clock::SystemClock));
    let error = rocket::local::blocking::Client::untracked(rocket).expect_err("le serveur refuse de démarrer");
    assert!(matches!(error.kind(), rocket::error::ErrorKind::FailedFairings(_)));
}

#[test]
fn the_command_reads_every_mailbox_of_the_environment() {
    let dir = TestDir::new();
    let server = dovecot();
    for user in ["depot-cron-a", "depot-cron-b"] {
        server.user(user);
        append(user, "INBOX", &message(&format!("{user}-1"), "Relève par cron"));
    }
    // Two URLs in one variable, without their password: the file gives it.
    let urls = ["depot-cron-a", "depot-cron-b"]
        .map(|user| server.url(user, "INBOX").replace(&format!(":{USER_PASSWORD}@"), "@"))
        .join(" ");
    let file = dir.path().join("imap-password");
    std::fs::write(&file, format!("{USER_PASSWORD}\n")).expect("fichier");
    let file = file.display().to_string();
    let out = mail_fetch(
        &dir,
        &[
            ("MEDIATION_IMAP_URL", &urls),
            ("MEDIATION_IMAP_PASSWORD_FILE", &file),
            ("MEDIATION_IMAP_PROCESSED_FOLDER", "Relevés"),
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    for user in ["depot-cron-a", "depot-cron-b"] {
        assert!(stdout.contains(&format!("Relève de {user}@127.0.0.1/INBOX : 1 message(s) lu(s)")), "{stdout}");
        assert!(folders(user).iter().any(|(name, _)| name == "Relevés"), "dossier créé pour {user}");
    }
}

fn mail_fetch(dir: &TestDir, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mediation"));
    command
        .args(["mail", "fetch"])
        .env("MEDIATION_DATA_DIR", dir.path())
        .env("MEDIATION_DATABASE_URL", &dir.url)
        .env("ROCKET_CONFIG", dir.path().join("absent.toml"));
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("mediation mail fetch")
}
