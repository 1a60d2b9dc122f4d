//! `mediation report --year Y --output FILE.pdf`: the annual report from the command line.

use std::path::PathBuf;

use clap::Args;

use crate::config::{self, AppConfig};
use crate::db;
use crate::domain::clock::{Clock, SystemClock};
use crate::report::{pdf, Period};

#[derive(Args)]
pub struct ReportArgs {
    /// Année du bilan (saisines reçues du 1er janvier au 31 décembre).
    #[arg(long)]
    year: i32,
    /// Fichier PDF à écrire.
    #[arg(long, short)]
    output: PathBuf,
}

pub fn run(args: ReportArgs) -> Result<(), String> {
    let period = Period::year(args.year).map_err(|e| e.to_string())?;
    let config = AppConfig::from_figment(&config::figment()).map_err(|e| e.to_string())?;
    db::pool::migrate(&config.database_url()).map_err(|e| e.to_string())?;
    let mut conn = db::pool::connect(&config.database_url()).map_err(|e| e.to_string())?;
    let aggregates = db::report::aggregates(&mut conn, period).map_err(|e| e.to_string())?;
    let labels = db::report::list_labels(&mut conn).map_err(|e| e.to_string())?;
    let today = SystemClock.today();
    let head = db::letters::letterhead(&mut conn, &config.mediation).map_err(|e| e.to_string())?;
    let (answers, satisfied) =
        db::satisfaction::counts(&mut conn, period.first, period.last).map_err(|e| e.to_string())?;
    let view = crate::report::build_view(period, &aggregates, &labels, &head.name, today)
        .with_satisfaction(answers, satisfied)
        .with_logo(head.logo.map(|(bytes, _)| bytes));
    let bytes = pdf::render(&view).map_err(|e| e.to_string())?;
    std::fs::write(&args.output, bytes).map_err(|e| format!("écriture de {} : {e}", args.output.display()))?;
    println!("Bilan {} écrit dans {} ({} saisines).", args.year, args.output.display(), aggregates.received);
    Ok(())
}
