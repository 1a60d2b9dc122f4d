//! Importing 100,000 lines of the CSV interchange format into a new SQLite database, the
//! whole run (detection, checking pass, writing pass). Run with `cargo bench --bench import`.
//! Memory: `MEDIATION_IMPORT_LINES=N cargo bench --bench import` runs one import of N lines
//! instead, and prints its time and the process's peak resident size (see the README).
//! PostgreSQL: `MEDIATION_IMPORT_DATABASE_URL=postgres://user@host/db` imports into a new
//! database created on that server for each run (and dropped after it).

use std::io::{BufWriter, Read, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};

use mediation::app::import::{self, ImportOptions};
use mediation::db::audit::Actor;
use mediation::db::pool;

const HEADER: &str = "reference;received_on;channel;requester_type;partner;process;motifs;status;taken_on;outcome;closed_on;requester_name;nir;email;phone;summary";
const CHANNELS: [&str; 5] = ["courriel", "Compte ameli", "Téléphone", "courrier", "accueil"];
const MOTIFS: [&str; 4] = ["Paiement non reçu", "delai_traitement", "indu|erreur_calcul", "information"];

/// A file of `lines` saisines over 2024, a third of each status, French dates and labels.
fn write_file(path: &Path, lines: usize) {
    let mut out = BufWriter::new(std::fs::File::create(path).expect("fichier"));
    writeln!(out, "{HEADER}").expect("écriture");
    for i in 0..lines {
        let day = 1 + (i % 28);
        let month = 1 + (i / 28) % 12;
        let status = match i % 3 {
            0 => "Reçue;;;".to_string(),
            1 => format!("en_cours;{:02}/{month:02}/2024;;", (day + 1).min(28)),
            _ => format!("cloturee;{:02}/{month:02}/2024;paiement_recu;28/{month:02}/2024", (day + 1).min(28)),
        };
        writeln!(
            out,
            "2024-{:05};{day:02}/{month:02}/2024;{};Assuré;;revenus_remplacement;{};{status};Personne {i};;p{i}@exemple.fr;;Texte libre de la saisine {i}",
            i + 1,
            CHANNELS[i % CHANNELS.len()],
            MOTIFS[i % MOTIFS.len()],
        )
        .expect("écriture");
    }
}

/// The PostgreSQL server named by `MEDIATION_IMPORT_DATABASE_URL`, if any.
fn postgres_server() -> Option<String> {
    std::env::var("MEDIATION_IMPORT_DATABASE_URL").ok().filter(|u| !u.trim().is_empty())
}

/// A new, empty database for one run: a SQLite file in `dir`, or a database of its own on the
/// PostgreSQL server; the second value drops it.
fn new_database(dir: &Path) -> (String, Option<Box<dyn FnOnce()>>) {
    let name = format!("bench_import_{}", rand::random::<u32>());
    let Some(server) = postgres_server() else {
        return (format!("sqlite://{}", dir.join(format!("{name}.sqlite")).display()), None);
    };
    let admin = move |sql: String| {
        use diesel::{Connection, RunQueryDsl};
        let mut conn = diesel::PgConnection::establish(&server).expect("serveur PostgreSQL");
        diesel::sql_query(sql).execute(&mut conn).expect("administration PostgreSQL");
    };
    admin(format!("CREATE DATABASE \"{name}\""));
    let server = postgres_server().unwrap_or_default();
    let (base, query) = server.split_once('?').map(|(b, q)| (b, format!("?{q}"))).unwrap_or((&server, String::new()));
    let url = format!("{}/{name}{query}", &base[..base.rfind('/').expect("URL PostgreSQL avec un nom de base")]);
    (url, Some(Box::new(move || admin(format!("DROP DATABASE \"{name}\" WITH (FORCE)")))))
}

fn import_once(file: &Path, dir: &Path) -> Duration {
    let (url, drop_database) = new_database(dir);
    pool::migrate(&url).expect("migrations");
    let mut conn = pool::connect(&url).expect("connexion");
    let path = file.to_path_buf();
    let open = move || -> std::io::Result<Box<dyn Read>> {
        Ok(Box::new(std::io::BufReader::new(std::fs::File::open(&path)?)))
    };
    let options = ImportOptions { file_name: "bench.csv".into(), skip_invalid: false, dry_run: false };
    let started = Instant::now();
    let report = import::run(
        &mut conn,
        &open,
        &options,
        &Actor::system("banc d'essai"),
        chrono::Utc::now().naive_utc(),
        &mut |_| {},
    )
    .expect("import");
    let elapsed = started.elapsed();
    assert!(report.written && report.error_count == 0, "{report:?}");
    drop(conn);
    if let Some(drop_database) = drop_database {
        drop_database();
    }
    elapsed
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_string())
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::TempDir::new().expect("dossier");
    if let Some(lines) = std::env::var("MEDIATION_IMPORT_LINES").ok().and_then(|v| v.parse::<usize>().ok()) {
        let file = dir.path().join("import.csv");
        write_file(&file, lines);
        let took = import_once(&file, dir.path());
        println!("{lines} lignes : {:.2} s, pic de mémoire résidente {} Kio", took.as_secs_f64(), peak_rss_kib());
        return;
    }
    let file = dir.path().join("import-100k.csv");
    write_file(&file, 100_000);
    let mut group = c.benchmark_group("import");
    group.sample_size(10).measurement_time(Duration::from_secs(60));
    let backend = if postgres_server().is_some() { "PostgreSQL" } else { "SQLite" };
    group.bench_function(format!("100000 lignes, {backend}"), |b| {
        b.iter_custom(|iterations| (0..iterations).map(|_| import_once(&file, dir.path())).sum())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
