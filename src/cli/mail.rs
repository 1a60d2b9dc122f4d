//! `mediation mail send`: delivers the outbox once (for cron, when the server's own worker
//! is off with `mail_interval_seconds = 0`).

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
}

pub fn run(command: MailCommand) -> Result<(), String> {
    match command {
        MailCommand::Send => send(),
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
