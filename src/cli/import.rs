//! `mediation import FICHIER.csv`: brings saisines in from a spreadsheet.

use std::io::Read;
use std::path::PathBuf;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use crate::app::import::{self, ImportOptions, ImportReport};
use crate::config::{self, AppConfig};
use crate::db::{self, audit::Actor};
use crate::domain::clock::{Clock, SystemClock};

#[derive(Args)]
pub struct ImportArgs {
    /// Fichier CSV au format d'échange (UTF-8 ou Windows-1252, séparé par ; ou ,).
    file: PathBuf,
    /// Écrit les lignes valides même si d'autres sont invalides (et liste les rejetées).
    #[arg(long)]
    skip_invalid: bool,
    /// Vérifie et compte sans rien écrire.
    #[arg(long)]
    dry_run: bool,
}

/// What the check pass found, before anything is written.
fn print_report(report: &ImportReport) {
    if let Some(at) = &report.already_imported {
        if report.created + report.updated == 0 {
            println!("Ce fichier a déjà été importé le {at} (heure de Paris), il ne changerait rien.");
        } else {
            println!("Ce fichier a déjà été importé le {at} (heure de Paris) ; des saisines ont changé depuis.");
        }
    }
    for error in &report.errors {
        eprintln!("ligne {}, colonne {} : {}", error.line, error.column, error.message);
    }
    if report.error_count > report.errors.len() as u64 {
        eprintln!("… et {} autre(s) erreur(s).", report.error_count - report.errors.len() as u64);
    }
    println!(
        "{} ligne(s) : {} à créer, {} à modifier, {} inchangée(s), {} rejetée(s).",
        report.lines, report.created, report.updated, report.unchanged, report.rejected
    );
    if report.sweep_abandon_count > 0 {
        println!(
            "{} saisine(s) en attente de pièces que la prochaine veille clôturera pour abandon (échéance et grâce passées) :",
            report.sweep_abandon_count
        );
        for line in &report.sweep_abandons {
            println!(
                "  ligne {} ({}) : pièces attendues le {}, abandon daté du {}",
                line.line, line.reference, line.due_on, line.abandon_on
            );
        }
        let listed = report.sweep_abandons.len() as u64;
        if report.sweep_abandon_count > listed {
            println!("  … et {} autre(s).", report.sweep_abandon_count - listed);
        }
    }
}

pub fn run(args: ImportArgs) -> Result<(), String> {
    let config = AppConfig::from_figment(&config::figment()).map_err(|e| e.to_string())?;
    db::pool::migrate(&config.database_url()).map_err(|e| e.to_string())?;
    let mut conn = db::pool::connect(&config.database_url()).map_err(|e| e.to_string())?;
    let path = args.file.clone();
    let open = move || -> std::io::Result<Box<dyn Read>> {
        Ok(Box::new(std::io::BufReader::new(std::fs::File::open(&path)?)))
    };
    let file_name = args.file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let options = ImportOptions { file_name, skip_invalid: args.skip_invalid, dry_run: args.dry_run };
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos} lignes écrites ({per_sec})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    let actor = Actor::system("import en ligne de commande");
    let at = SystemClock.now().naive_utc();
    let report = import::run_checked(&mut conn, &open, &options, &actor, at, &mut |n| bar.inc(n), &mut |checked| {
        bar.suspend(|| print_report(checked))
    })
    .map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    match (report.written, report.error_count) {
        (true, _) => {
            println!("Import terminé.");
            Ok(())
        }
        (false, 0) if args.dry_run => Ok(()),
        (false, 0) => {
            println!("Rien à écrire : le fichier ne change rien.");
            Ok(())
        }
        (false, _) => Err("rien n'a été écrit : corrigez les lignes signalées, ou relancez avec --skip-invalid".into()),
    }
}
