//! `mediation user add`: accounts from the command line (the first administrator included).

use std::io::{BufRead, IsTerminal};

use clap::{Args, Subcommand};

use crate::app::{accounts, Actor, AppError};
use crate::auth::Role;
use crate::config::{self, AppConfig};
use crate::db::{self, users};

#[derive(Subcommand)]
pub enum UserCommand {
    /// Crée un compte ; le mot de passe est demandé deux fois, ou lu sur l'entrée standard.
    Add(AddArgs),
}

#[derive(Args)]
pub struct AddArgs {
    /// Adresse e-mail du compte (son identifiant de connexion).
    email: String,
    /// Rôle : admin, mediateur ou lecteur.
    #[arg(long, default_value = "mediateur")]
    role: String,
    /// Nom affiché (par défaut, la partie de l'adresse avant @).
    #[arg(long)]
    name: Option<String>,
    /// Lit le mot de passe sur la première ligne de l'entrée standard (pour les scripts).
    #[arg(long)]
    password_stdin: bool,
}

pub fn run(command: UserCommand) -> Result<(), String> {
    match command {
        UserCommand::Add(args) => add(args),
    }
}

fn read_password(from_stdin: bool) -> Result<String, String> {
    if from_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(|e| format!("lecture du mot de passe : {e}"))?;
        return Ok(line.trim_end_matches(['\n', '\r']).to_string());
    }
    let first = rpassword::prompt_password("Mot de passe : ").map_err(|e| e.to_string())?;
    let second = rpassword::prompt_password("Mot de passe (confirmation) : ").map_err(|e| e.to_string())?;
    if first != second {
        return Err("les deux mots de passe saisis sont différents".into());
    }
    Ok(first)
}

fn add(args: AddArgs) -> Result<(), String> {
    let role: Role = args.role.parse()?;
    if args.email.parse::<crate::domain::contact::Email>().is_err() {
        return Err(format!("adresse e-mail invalide : {}", args.email));
    }
    let name = args.name.clone().unwrap_or_else(|| args.email.split('@').next().unwrap_or(&args.email).to_string());
    let secret = read_password(args.password_stdin)?;
    let config = AppConfig::from_figment(&config::figment()).map_err(|e| e.to_string())?;
    db::pool::migrate(&config.database_url()).map_err(|e| e.to_string())?;
    let mut conn = db::pool::connect(&config.database_url()).map_err(|e| e.to_string())?;
    let at = crate::domain::clock::Clock::now(&crate::domain::clock::SystemClock).naive_utc();
    let actor = Actor::system("ligne de commande");
    let id =
        accounts::create_with_password(&mut conn, &args.email, &name, role, &secret, &actor, at).map_err(
            |e| match e {
                AppError::Domain(d) => {
                    d.field_errors().first().map(|f| f.message.clone()).unwrap_or_else(|| d.to_string())
                }
                other => other.to_string(),
            },
        )?;
    println!("Compte {} créé (n° {}, rôle {}).", users::email_key(&args.email), id.0, role.label());
    if role.requires_second_factor() {
        println!("À la première connexion, il faudra activer le second facteur (TOTP).");
    }
    Ok(())
}
