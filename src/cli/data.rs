//! `mediation copy-data` (SQLite ⇄ PostgreSQL) and `mediation backup` (SQLite, online).

use std::path::PathBuf;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use crate::config::{self, AppConfig};
use crate::db::{self, copy};

#[derive(Args)]
pub struct CopyArgs {
    /// Base source (sqlite://fichier ou postgres://…).
    #[arg(long)]
    from: String,
    /// Base cible, vide (elle est migrée si besoin).
    #[arg(long)]
    to: String,
}

#[derive(Args)]
pub struct BackupArgs {
    /// Fichier de sauvegarde à créer (il ne doit pas exister).
    file: PathBuf,
}

fn text<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

pub fn copy_data(args: CopyArgs) -> Result<(), String> {
    db::pool::migrate(&args.from).map_err(text)?;
    db::pool::migrate(&args.to).map_err(text)?;
    let mut source = db::pool::connect(&args.from).map_err(text)?;
    let mut target = db::pool::connect(&args.to).map_err(text)?;
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} lignes ({eta} restantes)")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let copied = copy::copy_database(&mut source, &mut target, &mut |total| bar.set_length(total), &mut |n| bar.inc(n))
        .map_err(text)?;
    bar.finish_and_clear();
    for (table, count) in &copied {
        println!("{table:<20} {count:>10}");
    }
    let total: i64 = copied.iter().map(|(_, n)| n).sum();
    println!("Copie terminée : {total} lignes, comptes vérifiés.");
    Ok(())
}

pub fn backup(args: BackupArgs) -> Result<(), String> {
    let config = AppConfig::from_figment(&config::figment()).map_err(text)?;
    let mut conn = db::pool::connect(&config.database_url()).map_err(text)?;
    copy::backup_sqlite(&mut conn, &args.file).map_err(text)?;
    println!("Sauvegarde écrite dans {}.", args.file.display());
    Ok(())
}
