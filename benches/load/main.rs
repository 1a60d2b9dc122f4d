//! Load benchmark of the whole application (issue 13), not a test: builds a database of the
//! given sizes through the real bulk import, starts the release server, signs in, and measures
//! requests per second and p50/p95/p99 latencies for each page and write, at 1, 4 and 16
//! clients. Prints a Markdown table for the README.
//!
//! cargo bench --bench load                       # 10,000 saisines, 5 s per measure
//! cargo bench --bench load -- --sizes 10000,1000000 --seconds 10
//! MEDIATION_LOAD_DATABASE_URL=postgres://…/vide cargo bench --bench load   # on an empty PostgreSQL database
//! cargo bench --bench load -- --keep /tmp/banc --only liste --clients 4   # data imported once, kept
//!
//! The load tool runs on the same machine as the server: both share its cores.

mod client;
mod dataset;
mod server;

use client::{input_value, measure, Answer, Client, Measure};
use server::{Scratch, Server};

struct Options {
    sizes: Vec<u64>,
    seconds: f64,
    clients: Vec<usize>,
    /// Only the measures whose name holds one of these words (`--only liste,file`).
    only: Vec<String>,
    /// A folder kept between runs: the data set of each size is imported there once
    /// (`--keep /tmp/banc`); the database named by `MEDIATION_LOAD_DATABASE_URL` must then be
    /// kept with it.
    keep: Option<std::path::PathBuf>,
}

impl Options {
    fn wants(&self, name: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|word| name.contains(word.as_str()))
    }
}

fn options() -> Options {
    let args: Vec<String> = std::env::args().collect();
    let value = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let list = |text: String| text.split(',').filter_map(|v| v.trim().parse().ok()).collect::<Vec<_>>();
    Options {
        sizes: value("--sizes").map(list).unwrap_or_else(|| vec![10_000]),
        seconds: value("--seconds").and_then(|v| v.parse().ok()).unwrap_or(5.0),
        clients: value("--clients")
            .map(|v| list(v).into_iter().map(|n| n as usize).collect())
            .unwrap_or(vec![1, 4, 16]),
        only: value("--only").map(|v| v.split(',').map(str::to_string).collect()).unwrap_or_default(),
        keep: value("--keep").map(std::path::PathBuf::from),
    }
}

fn row(name: &str, clients: usize, m: &Measure) {
    println!(
        "| {name} | {clients} | {:.0} | {:.1} | {:.1} | {:.1} | {} |",
        m.per_second(),
        m.percentile_ms(0.50),
        m.percentile_ms(0.95),
        m.percentile_ms(0.99),
        m.errors
    );
}

/// The list's 100th page: the cursor is followed from the first page.
fn page_100(client: &Client) -> Result<String, String> {
    let mut path = "/saisines".to_string();
    for _ in 1..100 {
        let (_, page) = client.get_page(&path).map_err(|e| format!("{path} : {e}"))?;
        let start =
            page.find(r#"rel="next""#).and_then(|end| page[..end].rfind("href=\"")).ok_or("pas de page suivante")?;
        let link = &page[start + 6..];
        path = link[..link.find('"').ok_or("lien illisible")?].replace("&amp;", "&").replace("&#x2F;", "/");
    }
    Ok(path)
}

fn any_reference(client: &Client) -> Result<String, String> {
    let (_, body) = client.get_page("/api/v1/saisines?limit=1")?;
    let start = body.find(r#""reference":""#).ok_or("aucune saisine")? + 13;
    Ok(body[start..start + body[start..].find('"').ok_or("référence illisible")?].to_string())
}

fn creation(client: &Client, n: usize) -> Answer {
    let body = format!(
        r#"{{"channel":"telephone","requester_type":"assure","process":"frais_sante","motifs":["information"],"requester_name":"Charge {n}","summary":"Créée par le banc de charge"}}"#
    );
    client.post_json("/api/v1/saisines", &body)
}

/// Partners write from many addresses: each submission comes from its own (10.x.y.z), so the
/// per-address limit is measured as it works in real use, not as one address sending them all.
/// The addresses go on from a start drawn from the clock, so that a run reusing kept data within
/// the hour does not send again from the addresses of the previous one.
fn partner_submission(client: &Client, _: usize) -> Answer {
    static NEXT: std::sync::OnceLock<std::sync::atomic::AtomicUsize> = std::sync::OnceLock::new();
    let next = NEXT.get_or_init(|| {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        std::sync::atomic::AtomicUsize::new(nanos as usize)
    });
    let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let address = format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255);
    let (_, page) = client.get_page_for(&address, "/partenaires/saisine")?;
    let token = input_value(&page, "form_token").ok_or("jeton du formulaire absent")?;
    let name = format!("Personne {n}");
    let fields = [
        ("form_token", token.as_str()),
        ("partner", "service_social"),
        ("organisation", "CCAS de Lyon"),
        ("contact_name", "Claire Assistante"),
        ("contact_email", "claire@ccas.example.fr"),
        ("requester_name", name.as_str()),
        ("consent", "on"),
        ("process", "frais_sante"),
        ("motifs", "paiement_non_recu"),
        ("account", "Soins non remboursés depuis trois mois malgré plusieurs relances."),
    ];
    client.post_form_for(&address, "/partenaires/saisine", &fields).map(|(status, body)| (status, body.len()))
}

fn measure_size(size: u64, options: &Options) -> Result<(), String> {
    let scratch = Scratch::new(&size.to_string(), options.keep.as_deref());
    let data = scratch.path.join("data");
    let ready = scratch.path.join("importé");
    if ready.exists() {
        println!("\n### {size} saisines (données de {})\n", scratch.path.display());
    } else {
        let csv = scratch.path.join("saisines.csv");
        let today = chrono::Utc::now().date_naive();
        dataset::write_csv(&csv, size, today).map_err(|e| e.to_string())?;
        let imported = server::prepare(&data, &csv)?;
        std::fs::write(&ready, b"").map_err(|e| e.to_string())?;
        println!("\n### {size} saisines (import : {:.1} s)\n", imported.as_secs_f64());
    }
    let server = Server::start(&data)?;
    let idle = server.rss_mib().unwrap_or(f64::NAN);
    let client =
        Client::sign_in(&server.base, server::EMAIL, server::PASSWORD).map_err(|e| format!("connexion : {e}"))?;
    let deep = page_100(&client).map_err(|e| format!("page 100 : {e}"))?;
    let reference = any_reference(&client).map_err(|e| format!("une référence : {e}"))?;
    println!("| mesure | clients | req/s | p50 ms | p95 ms | p99 ms | erreurs |\n|---|---|---|---|---|---|---|");
    let pages: Vec<(&str, String)> = vec![
        ("liste", "/saisines".into()),
        ("liste filtrée (en cours)", "/saisines?status=en_cours".into()),
        ("recherche par nom", "/saisines?q=Dubois".into()),
        ("liste, page 100", deep),
        ("fiche d'une saisine", format!("/saisines/{reference}")),
        ("file « à traiter »", "/a-traiter".into()),
        ("API : liste", "/api/v1/saisines".into()),
        ("fichier statique", "/static/app.css".into()),
    ];
    for (name, path) in pages.into_iter().filter(|(name, _)| options.wants(name)) {
        for &clients in &options.clients {
            let path = path.clone();
            let m = measure(&client, clients, options.seconds, &[200], move |c, _| c.get(&path));
            row(name, clients, &m);
        }
    }
    for &clients in options.clients.iter().filter(|_| options.wants("API : création")) {
        row("API : création", clients, &measure(&client, clients, options.seconds, &[201], creation));
    }
    for &clients in options.clients.iter().filter(|_| options.wants("formulaire partenaire")) {
        // A partner is not signed in: the form is measured as partners send it.
        let partner = Client::new(&server.base);
        row("formulaire partenaire", clients, &measure(&partner, clients, options.seconds, &[303], partner_submission));
    }
    let loaded = server.rss_mib().unwrap_or(f64::NAN);
    std::thread::sleep(std::time::Duration::from_secs(10));
    let after = server.rss_mib().unwrap_or(f64::NAN);
    println!("\nMémoire du serveur (RSS) : {idle:.0} Mio au repos, {loaded:.0} Mio après la charge, {after:.0} Mio 10 s plus tard.");
    match server.stop() {
        Some(took) => println!("Arrêt sur SIGTERM : {:.2} s.", took.as_secs_f64()),
        None => println!("Arrêt sur SIGTERM : pas arrêté en 30 s."),
    }
    Ok(())
}

fn main() {
    let options = options();
    println!("Banc de charge de Médiation — {}", chrono::Utc::now().format("%Y-%m-%d"));
    for &size in &options.sizes {
        if let Err(e) = measure_size(size, &options) {
            eprintln!("{size} saisines : {e}");
            std::process::exit(1);
        }
    }
}
