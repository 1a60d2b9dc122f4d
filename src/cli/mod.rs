//! The command line: `mediation serve` (default), `mediation migrate`, `mediation sweep`,
//! `mediation user add`, `mediation copy-data`, `mediation backup`, `mediation import`,
//! `mediation report`, `mediation mail send`, `mediation mail fetch`, `mediation anonymise`.

mod data;
mod import;
mod mail;
mod report;
mod user;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{self, AppConfig};
use crate::db;

#[derive(Parser)]
#[command(name = "mediation", version, about = "Suivi des saisines de la médiation d'une CPAM")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Démarre le serveur web (commande par défaut).
    Serve,
    /// Applique les migrations de la base de données, puis s'arrête.
    Migrate,
    /// Veille des délais (pour cron) : signale les pièces non reçues à l'échéance et clôture pour
    /// abandon les saisines restées sans réponse après les jours de grâce ; sans effet si rejouée.
    Sweep,
    /// Gère les comptes.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Copie toute une base vers une base vide (SQLite ⇄ PostgreSQL), puis vérifie les comptes.
    CopyData(data::CopyArgs),
    /// Sauvegarde cohérente d'une base SQLite, même pendant que le serveur tourne.
    Backup(data::BackupArgs),
    /// Importe des saisines d'un fichier CSV (tout ou rien, sauf --skip-invalid).
    Import(import::ImportArgs),
    /// Écrit le bilan annuel en PDF.
    Report(report::ReportArgs),
    /// Courriels : `mediation mail send` remet les courriels en attente au serveur SMTP ;
    /// `mediation mail fetch` relève les boîtes aux lettres de la médiation (IMAP).
    #[command(subcommand)]
    Mail(mail::MailCommand),
    /// Anonymise les saisines clôturées au-delà de la durée de conservation et supprime les
    /// enregistrements du journal d'audit au-delà de la sienne (pour cron) ; sans effet si rejouée.
    Anonymise(AnonymiseArgs),
}

#[derive(clap::Args)]
struct AnonymiseArgs {
    /// Liste ce qui serait anonymisé, sans rien changer.
    #[arg(long)]
    dry_run: bool,
    /// Durée de conservation (en mois après la clôture) pour cette exécution, au lieu du
    /// réglage ; 0 : toutes les saisines clôturées.
    #[arg(long, value_name = "N")]
    retention_months: Option<u32>,
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(),
        Command::Migrate => migrate(),
        Command::Sweep => sweep(),
        Command::User(command) => user::run(command),
        Command::CopyData(args) => data::copy_data(args),
        Command::Backup(args) => data::backup(args),
        Command::Import(args) => import::run(args),
        Command::Report(args) => report::run(args),
        Command::Mail(command) => mail::run(command),
        Command::Anonymise(args) => anonymise(args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("erreur : {message}");
            ExitCode::FAILURE
        }
    }
}

fn serve() -> Result<(), String> {
    crate::memory::bound_for_server();
    rocket::execute(async {
        match crate::rocket().launch().await {
            Ok(_) => Ok(()),
            // Connections still open after the grace and mercy periods were cut: every write is
            // a transaction (committed or not), and the view audit was flushed at shutdown, so
            // the stop is complete; it is said, not treated as a failure.
            Err(e) if matches!(e.kind(), rocket::error::ErrorKind::Shutdown(..)) => {
                tracing::warn!("arrêt : des connexions encore ouvertes après le délai de grâce ont été coupées");
                Ok(())
            }
            Err(e) => Err(e.to_string()),
        }
    })
}

fn migrate() -> Result<(), String> {
    let config = AppConfig::from_figment(&config::figment()).map_err(|e| e.to_string())?;
    let applied = db::pool::migrate(&config.database_url()).map_err(|e| e.to_string())?;
    println!("{applied} migration(s) appliquée(s).");
    Ok(())
}

fn sweep() -> Result<(), String> {
    let config = AppConfig::from_figment(&config::figment()).map_err(|e| e.to_string())?;
    let url = config.database_url();
    db::pool::migrate(&url).map_err(|e| e.to_string())?;
    let report = crate::app::sweep::run_on(&url, &crate::domain::clock::SystemClock).map_err(|e| e.to_string())?;
    println!("Veille des délais : {}.", report.summary());
    for reference in &report.flagged {
        println!("  pièces non reçues à l'échéance : {reference}");
    }
    for reference in &report.abandoned {
        println!("  clôturée pour abandon : {reference}");
    }
    if report.failed > 0 {
        return Err(format!("{} saisine(s) non traitée(s) : voir le journal", report.failed));
    }
    Ok(())
}

fn anonymise(args: AnonymiseArgs) -> Result<(), String> {
    let config = AppConfig::from_figment(&config::figment()).map_err(|e| e.to_string())?;
    let url = config.database_url();
    db::pool::migrate(&url).map_err(|e| e.to_string())?;
    let options = crate::app::anonymise::RunOptions { dry_run: args.dry_run, retention_months: args.retention_months };
    let report =
        crate::app::anonymise::run_on(&url, &crate::domain::clock::SystemClock, options).map_err(|e| e.to_string())?;
    if report.dry_run {
        println!("Simulation (rien n'est modifié) : {}.", report.summary());
    } else {
        println!("Anonymisation : {}.", report.summary());
    }
    for reference in &report.anonymised {
        println!("  {reference}");
    }
    if report.failed > 0 {
        return Err(format!("{} saisine(s) non traitée(s) : voir le journal", report.failed));
    }
    Ok(())
}
