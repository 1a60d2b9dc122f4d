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
    copy::check_empty(&mut target).map_err(text)?;
    let expected = copy::row_counts(&mut source).map_err(text)?;
    let total: i64 = expected.iter().map(|(_, n)| n).sum();
    let bar = ProgressBar::new(total.max(0) as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} lignes ({eta} restantes)")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    // One transaction: an interrupted copy leaves the target empty, ready for another try.
    db::pool::write_transaction(&mut target, |target| copy::copy_all(&mut source, target, &mut |n| bar.inc(n)))
        .map_err(text)?;
    bar.finish_and_clear();
    let copied = copy::row_counts(&mut target).map_err(text)?;
    let mismatches: Vec<String> = expected
        .iter()
        .zip(&copied)
        .filter(|(a, b)| a.1 != b.1)
        .map(|((table, want), (_, got))| format!("{table} : {want} dans la source, {got} dans la cible"))
        .collect();
    if !mismatches.is_empty() {
        return Err(format!("les comptes diffèrent : {}", mismatches.join(" ; ")));
    }
    for (table, count) in &copied {
        println!("{table:<20} {count:>10}");
    }
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
