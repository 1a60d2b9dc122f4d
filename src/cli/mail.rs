//! `mediation mail send`: delivers the outbox once (for cron, when the server's own worker
//! is off with `mail_interval_seconds = 0`); `mediation mail fetch`: reads the mediation's
//! mailboxes once (for cron, when `imap_interval_minutes = 0`).

use clap::Subcommand;

use crate::config::{self, AppConfig};
use crate::db;
use crate::domain::clock::SystemClock;
use crate::mail::Mailer;

#[derive(Subcommand)]
pub enum MailCommand {
    /// Écrit les synthèses quotidiennes dues (à partir de 7 h), puis remet au serveur SMTP les
    /// courriels en attente dont l'envoi est dû ; sans effet si rejouée.
    Send,
    /// Relève une fois chaque boîte aux lettres configurée (imap_url) : chaque message est
    /// enregistré puis rangé dans le dossier des messages traités ; sans effet si rejouée.
    Fetch,
}

pub fn run(command: MailCommand) -> Result<(), String> {
    match command {
        MailCommand::Send => send(),
        MailCommand::Fetch => fetch(),
    }
}

fn send() -> Result<(), String> {
    let config = AppConfig::from_figment(&config::figment()).map_err(|e| e.to_string())?;
    let mailer = Mailer::from_config(&config)
        .map_err(|e| e.to_string())?
        .ok_or("l'envoi de courriels n'est pas configuré : réglez smtp_url (ou MEDIATION_SMTP_URL) et mail_from")?;
    let url = config.database_url();
    db::pool::migrate(&url).map_err(|e| e.to_string())?;
    let mut conn = db::pool::connect(&url).map_err(|e| e.to_string())?;
    let settings = crate::app::letters::MailSettings::from_config(&config);
    let now = crate::domain::clock::Clock::now(&SystemClock).naive_utc();
    let digests = crate::app::notifications::queue_digests(&mut conn, &settings, now).map_err(|e| e.to_string())?;
    let report = crate::app::outbox::deliver_due(&mut conn, &mailer, &SystemClock).map_err(|e| e.to_string())?;
    println!("Envoi des courriels : {} ; {digests} synthèse(s) quotidienne(s) écrite(s).", report.summary());
    Ok(())
}

fn fetch() -> Result<(), String> {
    let config = AppConfig::from_figment(&config::figment()).map_err(|e| e.to_string())?;
    let settings = crate::imap::ImapSettings::from_config(&config)
        .map_err(|e| e.to_string())?
        .ok_or("la relève des courriels n'est pas configurée : réglez imap_url (ou MEDIATION_IMAP_URL)")?;
    let url = config.database_url();
    db::pool::migrate(&url).map_err(|e| e.to_string())?;
    let pool_settings = db::pool::PoolSettings {
        size: 2,
        sqlite_cache_mib: 32,
        statement_timeout_seconds: config.statement_timeout_seconds,
    };
    let pool = db::pool::build_pool(&url, pool_settings).map_err(|e| e.to_string())?;
    let sink = std::sync::Arc::new(crate::imap::AppSink::new(pool, std::sync::Arc::new(SystemClock), &config));
    let runtime = rocket::tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("démarrage impossible : {e}"))?;
    let reports = runtime.block_on(crate::imap::fetch_all(&settings, sink));
    let mut failed = 0;
    for report in &reports {
        println!("Relève de {} : {}.", report.mailbox, report.summary());
        for reference in &report.created {
            println!("  saisine créée : {reference}");
        }
        for reference in &report.joined {
            println!("  message rattaché à la saisine {reference}");
        }
        if let Some(e) = &report.failure {
            println!("  relève interrompue : {e}");
            failed += 1;
        }
    }
    if failed > 0 {
        return Err(format!("{failed} boîte(s) aux lettres non relevée(s) entièrement"));
    }
    Ok(())
}
