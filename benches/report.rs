//! The annual report on a year of 100,000 saisines (plus 30,000 the year before and 5,000
//! after), in a SQLite file: the bare aggregate queries, the statistics (queries, figures,
//! wording), and statistics plus the PDF. Run with `cargo bench --bench report`.

use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use criterion::{criterion_group, criterion_main, Criterion};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use mediation::db::audit::Actor;
use mediation::db::saisines::Stamp;
use mediation::db::{bulk, pool, report, DbConn};
use mediation::domain::{
    Action, Channel, Lifecycle, MotifCode, Outcome, PartnerCode, Process, Requester, RequesterType, SaisineFacts,
};
use mediation::report::{pdf, Period};

const YEAR: i32 = 2025;
const MOTIFS: [&str; 8] = [
    "paiement_non_recu",
    "delai_traitement",
    "refus_prise_en_charge",
    "indu",
    "erreur_calcul",
    "difficulte_contact",
    "information",
    "autre_motif",
];
const PARTNERS: [&str; 3] = ["defenseur_des_droits", "service_social", "france_services"];

fn day(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_add_days(Days::new(days)).unwrap_or(date)
}

fn facts(rng: &mut StdRng, received_on: NaiveDate) -> SaisineFacts {
    let channel = Channel::ALL[rng.gen_range(0..Channel::ALL.len())];
    let partner = (channel == Channel::BoiteGenerique).then(|| PartnerCode(PARTNERS[rng.gen_range(0..3)].into()));
    let mut motifs: Vec<MotifCode> =
        (0..rng.gen_range(1..=2)).map(|_| MotifCode(MOTIFS[rng.gen_range(0..MOTIFS.len())].into())).collect();
    motifs.sort();
    motifs.dedup();
    let n = rng.gen_range(0..1_000_000);
    SaisineFacts {
        received_on,
        channel,
        requester_type: RequesterType::ALL[rng.gen_range(0..RequesterType::ALL.len())],
        requester: Requester {
            name: Some(format!("Personne {n}")),
            email: format!("personne.{n}@exemple.fr").parse().ok(),
            ..Requester::default()
        },
        partner,
        process: Process::ALL[rng.gen_range(0..Process::ALL.len())],
        motifs,
        summary: Some("Indemnités journalières non versées depuis trois mois malgré l'envoi des attestations.".into()),
    }
}

/// Most saisines are taken up within days, some wait for documents, most are closed.
fn lifecycle(rng: &mut StdRng, received_on: NaiveDate) -> Lifecycle {
    let today = NaiveDate::from_ymd_opt(2030, 1, 1).unwrap_or(received_on);
    let apply = |l: Lifecycle, a: Action| l.apply(&a, today).unwrap_or(l);
    let mut l = Lifecycle::new(received_on);
    let taken = day(received_on, rng.gen_range(0..15));
    l = apply(l, Action::TakeUp { on: taken });
    let mut last = taken;
    if rng.gen_bool(0.3) {
        let on = day(taken, rng.gen_range(0..5));
        l = apply(l, Action::RequestDocuments { on, due_on: day(on, 30), description: "RIB".into() });
        last = day(on, rng.gen_range(1..40));
        l = apply(l, Action::ReceiveDocuments { on: last });
    }
    if rng.gen_bool(0.9) {
        let outcome = Outcome::ALL[rng.gen_range(0..Outcome::ALL.len())];
        let on = day(last, rng.gen_range(0..60));
        l = apply(l, Action::Close { on, outcome: Some(outcome), summary: "Fin.".into() });
    }
    l
}

fn year_of_saisines(rng: &mut StdRng, year: i32, count: usize) -> Vec<(SaisineFacts, Lifecycle)> {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    (0..count)
        .map(|_| {
            let received_on = day(first, rng.gen_range(0..365));
            (facts(rng, received_on), lifecycle(rng, received_on))
        })
        .collect()
}

fn load(conn: &mut DbConn) {
    let mut rng = StdRng::seed_from_u64(2025);
    let actor = Actor::system("banc d'essai");
    let at = NaiveDate::from_ymd_opt(2026, 1, 2).and_then(|d| d.and_hms_opt(9, 0, 0)).unwrap_or_default();
    let stamp = Stamp { actor: &actor, at };
    let started = Instant::now();
    for (year, count) in [(YEAR - 1, 30_000), (YEAR, 100_000), (YEAR + 1, 5_000)] {
        let saisines = year_of_saisines(&mut rng, year, count);
        bulk::insert_saisines(conn, &saisines, &stamp).expect("chargement des saisines");
    }
    println!("135 000 saisines chargées en {:.1} s", started.elapsed().as_secs_f64());
}

fn statistics(conn: &mut DbConn, period: Period) -> mediation::report::ReportView {
    let aggregates = report::aggregates(conn, period).expect("agrégats");
    let labels = report::list_labels(conn).expect("libellés");
    let today = NaiveDate::from_ymd_opt(2026, 1, 15).unwrap_or_default();
    mediation::report::build_view(period, &aggregates, &labels, "Médiation de la CPAM (banc d'essai)", today)
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::TempDir::new().expect("dossier temporaire");
    let url = format!("sqlite://{}", dir.path().join("bench.sqlite").display());
    pool::migrate(&url).expect("migrations");
    let mut conn = pool::connect(&url).expect("connexion");
    load(&mut conn);
    let period = Period::year(YEAR).expect("année");
    let view = statistics(&mut conn, period);
    let bytes = pdf::render(&view).expect("PDF");
    println!("{} saisines en {YEAR} ; PDF de {} Ko", view.key_figures[0].value, bytes.len() / 1024);

    let mut group = c.benchmark_group("bilan annuel, 100 000 saisines");
    group.sample_size(20).measurement_time(Duration::from_secs(8));
    group.bench_function("requêtes d'agrégation seules", |b| b.iter(|| report::aggregates(&mut conn, period)));
    group.bench_function("statistiques", |b| b.iter(|| statistics(&mut conn, period)));
    group.bench_function("statistiques + PDF", |b| b.iter(|| pdf::render(&statistics(&mut conn, period))));
    group.bench_function("PDF seul", |b| b.iter(|| pdf::render(&view)));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
