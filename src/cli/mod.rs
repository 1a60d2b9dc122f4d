//! The command line: `mediation serve` (default), `mediation migrate`, `mediation user add`,
//! `mediation report`.

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
    /// Gère les comptes.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Écrit le bilan annuel en PDF.
    Report(report::ReportArgs),
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(),
        Command::Migrate => migrate(),
        Command::User(command) => user::run(command),
        Command::Report(args) => report::run(args),
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
    rocket::execute(async { crate::rocket().launch().await.map(|_| ()).map_err(|e| e.to_string()) })
}

fn migrate() -> Result<(), String> {
    let config = AppConfig::from_figment(&config::figment()).map_err(|e| e.to_string())?;
    let applied = db::pool::migrate(&config.database_url()).map_err(|e| e.to_string())?;
    println!("{applied} migration(s) appliquée(s).");
    Ok(())
}
