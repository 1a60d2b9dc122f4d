//! Anonymisation past the retention period: every personal field and free text gone, from
//! every table (read from the schema, never from a list kept by hand) and from the database
//! file's bytes; what is within its retention untouched; the job idempotent, safe with two
//! instances, audited; `--dry-run` and `--retention-months` on the command line.

use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel::{PgConnection, SqliteConnection};
use mediation::app::anonymise::{self, AnonymiseReport, RunOptions};
use mediation::db::{attachments, saisines as store, schema, DbConn};
use mediation::domain::Reference;
use serde_json::{json, Value};

use crate::support::{connect, database_bytes, nir_with_key, SaisineBuilder, TestApp, TestDir};

/// Every personal value and free text the saisine below carries, as written and as stored.
struct Person {
    name: &'static str,
    nir: String,
    email: &'static str,
    phone_typed: &'static str,
    phone_digits: &'static str,
    address: &'static str,
    summary: &'static str,
    note: &'static str,
    description: &'static str,
    closing: &'static str,
    old_address: &'static str,
    contact_name: &'static str,
    contact_email: &'static str,
    file_name: &'static str,
    file_content: &'static [u8],
}

fn person() -> Person {
    Person {
        name: "Zéphyrine Quasimodo-Œillet",
        nir: nir_with_key("2840575123456"),
        email: "zephyrine.quasimodo@exemple.fr",
        phone_typed: "06 71 82 93 04",
        phone_digits: "0671829304",
        address: "17 impasse des Tilleuls-Argentés\r\n01000 Bourg",
        summary: "Résumé confidentiel : indemnités après l'opération du genou",
        note: "Note privée : la personne rappelle le mardi",
        description: "Avis d'arrêt de travail de l'hôpital Saint-Quentin",
        closing: "Synthèse : versement régularisé après rappel au service",
        old_address: "3 chemin du Moulin-Bleuté",
        contact_name: "Hortense Partenaire-Unique",
        contact_email: "hortense.partenaire@ccas.test",
        file_name: "arret-Quasimodo.pdf",
        file_content: b"%PDF-1.4 contenu-piece-jointe-Quasimodo-confidentiel",
    }
}

impl Person {
    /// What must be found nowhere after anonymisation.
    fn needles(&self) -> Vec<String> {
        let mut needles: Vec<String> = [
            "Quasimodo",
            "quasimodo",
            self.nir.as_str(),
            self.email,
            self.phone_typed,
            self.phone_digits,
            "Tilleuls-Argentés",
            "genou",
            "mardi",
            "Saint-Quentin",
            "régularisé",
            "Moulin-Bleuté",
            "Hortense",
            "hortense.partenaire",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        needles.push(String::from_utf8_lossy(self.file_content).to_string());
        needles
    }
}

/// A closed saisine carrying every kind of personal data: an edit in its history, a note, a
/// documents request, a closing summary, a partner contact, an attachment.
fn full_saisine(app: &TestApp, p: &Person, received_on: &str) -> String {
    let builder = SaisineBuilder::default()
        .received_on(received_on)
        .name(p.name)
        .set("nir", json!(p.nir))
        .set("email", json!(p.email))
        .set("phone", json!(p.phone_typed))
        .set("address", json!(p.old_address))
        .set("summary", json!(p.summary));
    let reference = app.create(&builder);
    let response = app.patch_json(&format!("/api/v1/saisines/{reference}"), &json!({ "address": p.address }));
    assert_eq!(response.status(), rocket::http::Status::Ok);
    app.step(&reference, "prise-en-charge", json!({ "date": received_on }));
    app.step(&reference, "notes", json!({ "text": p.note }));
    app.step(
        &reference,
        "demande-pieces",
        json!({ "date": received_on, "due_on": "2030-01-01", "description": p.description }),
    );
    app.step(&reference, "reception-pieces", json!({ "date": received_on }));
    app.step(&reference, "cloture", json!({ "date": received_on, "outcome": "paiement_recu", "summary": p.closing }));
    let mut conn = connect(&app.dir);
    let id = store::id_of(&mut conn, reference.parse::<Reference>().unwrap()).unwrap();
    let file = attachments::NewAttachment {
        file_name: p.file_name.into(),
        content_type: "application/pdf".into(),
        data: p.file_content.to_vec(),
    };
    attachments::add(&mut conn, id, &file, "Marie", chrono::Utc::now().naive_utc()).unwrap();
    diesel::update(schema::saisines::table.find(id.0))
        .set((
            schema::saisines::partner_contact_name.eq(p.contact_name),
            schema::saisines::partner_contact_email.eq(p.contact_email),
            schema::saisines::partner_contact_phone.eq("04 74 00 00 00"),
        ))
        .execute(&mut conn)
        .unwrap();
    // A letter to the person, kept with the saisine: its recipient, address and text.
    use mediation::domain::letters::{Delivery, LetterDraft, Recipient};
    let settings = mediation::app::letters::MailSettings::from_config(&mediation::config::AppConfig::default());
    let body = format!("Madame, Monsieur {},\n{}\n{}", p.name, p.summary, p.closing);
    let order = mediation::app::letters::LetterOrder {
        kind: "libre".into(),
        recipient: Recipient::Person,
        delivery: Delivery::Post,
        letter: LetterDraft::check("Votre dossier", &body).unwrap(),
        attachments: Vec::new(),
        satisfaction: false,
    };
    let actor = mediation::app::Actor::system("Marie");
    let stamp = mediation::app::Stamp { actor: &actor, at: chrono::Utc::now().naive_utc() };
    mediation::app::letters::send(&mut conn, reference.parse().unwrap(), &order, &settings, &stamp).unwrap();
    reference
}

fn run(app: &TestApp, options: RunOptions) -> AnonymiseReport {
    anonymise::run(&mut connect(&app.dir), app.clock.as_ref(), options).expect("anonymisation")
}

fn everything() -> RunOptions {
    RunOptions { dry_run: false, retention_months: Some(0) }
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct Found {
    #[diesel(sql_type = Text)]
    value: String,
}

/// Every value of every column of every table holding `needle`, as `table.column: value`.
fn found_in_tables(dir: &TestDir, needle: &str) -> Vec<String> {
    match connect(dir) {
        DbConn::Sqlite(mut conn) => found_in_sqlite(&mut conn, needle),
        DbConn::Postgresql(mut conn) => found_in_postgres(&mut conn, needle),
    }
}

fn found_in_sqlite(conn: &mut SqliteConnection, needle: &str) -> Vec<String> {
    let tables: Vec<Name> = diesel::sql_query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__diesel%'",
    )
    .load(conn)
    .unwrap();
    let mut found = Vec::new();
    for table in tables {
        let columns: Vec<Name> =
            diesel::sql_query(format!("SELECT name FROM pragma_table_info('{}')", table.name)).load(conn).unwrap();
        for column in columns {
            let query = format!(
                "SELECT CAST(\"{c}\" AS TEXT) AS value FROM \"{t}\" WHERE instr(CAST(\"{c}\" AS BLOB), CAST(? AS BLOB)) > 0",
                c = column.name,
                t = table.name
            );
            let rows: Vec<Found> = diesel::sql_query(query).bind::<Text, _>(needle).load(conn).unwrap();
            found.extend(rows.into_iter().map(|r| format!("{}.{}: {}", table.name, column.name, r.value)));
        }
    }
    found
}

#[derive(QueryableByName)]
struct PgColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
}

fn found_in_postgres(conn: &mut PgConnection, needle: &str) -> Vec<String> {
    let columns: Vec<PgColumn> = diesel::sql_query(
        "SELECT table_name::text AS table_name, column_name::text AS column_name, data_type::text AS data_type \
         FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE '__diesel%'",
    )
    .load(conn)
    .unwrap();
    let mut found = Vec::new();
    for c in columns {
        let query = if c.data_type == "bytea" {
            format!(
                "SELECT encode(\"{c}\", 'escape') AS value FROM \"{t}\" WHERE position(convert_to($1, 'UTF8') in \"{c}\") > 0",
                c = c.column_name,
                t = c.table_name
            )
        } else {
            format!(
                "SELECT \"{c}\"::text AS value FROM \"{t}\" WHERE position($1 in \"{c}\"::text) > 0",
                c = c.column_name,
                t = c.table_name
            )
        };
        let rows: Vec<Found> = diesel::sql_query(query).bind::<Text, _>(needle).load(conn).unwrap();
        found.extend(rows.into_iter().map(|r| format!("{}.{}: {}", c.table_name, c.column_name, r.value)));
    }
    found
}

/// Whether `needle` is in the bytes, as is or as the hex text a PostgreSQL dump gives binary in.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    let hex = hex::encode(needle).into_bytes();
    [needle, hex.as_slice()].iter().any(|n| haystack.windows(n.len()).any(|w| w == *n))
}

#[test]
fn every_personal_field_is_gone_from_every_table_and_from_the_file() {
    let app = TestApp::new();
    let p = person();
    let reference = full_saisine(&app, &p, "2026-02-02");
    // Before: each needle is somewhere (the test can fail).
    for needle in ["Quasimodo", "Moulin-Bleuté", "Hortense", "mardi"] {
        assert!(!found_in_tables(&app.dir, needle).is_empty(), "{needle} absent avant l'anonymisation");
    }
    assert!(contains(&database_bytes(&app.dir), p.file_content));
    let report = run(&app, everything());
    assert_eq!(report.anonymised, vec![reference.clone()]);
    for needle in p.needles() {
        assert_eq!(found_in_tables(&app.dir, &needle), Vec::<String>::new(), "{needle} reste en base");
    }
    let bytes = database_bytes(&app.dir);
    for needle in p.needles() {
        assert!(!contains(&bytes, needle.as_bytes()), "{needle} reste dans les octets du fichier");
    }
    // The search keys are cleared, the marker is set.
    let mut conn = connect(&app.dir);
    let (name_key, email_key, phone_key, nir, marked): (
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<chrono::NaiveDateTime>,
    ) = schema::saisines::table
        .filter(schema::saisines::reference.eq(&reference))
        .select((
            schema::saisines::name_key,
            schema::saisines::email_key,
            schema::saisines::phone_key,
            schema::saisines::nir,
            schema::saisines::anonymised_at,
        ))
        .first(&mut conn)
        .unwrap();
    assert_eq!((name_key.as_str(), email_key, phone_key, nir), ("", None, None, None));
    assert!(marked.is_some());
    // The timeline keeps its entries and dates, with the texts replaced.
    let kinds = app.timeline_kinds(&reference);
    assert_eq!(
        kinds,
        [
            "creee",
            "modifiee",
            "prise_en_charge",
            "note",
            "pieces_demandees",
            "pieces_recues",
            "cloturee",
            "courrier_envoye",
            "anonymisee"
        ]
    );
    let (_, timeline) = app.get_json(&format!("/api/v1/saisines/{reference}/evenements"));
    let text = timeline.to_string();
    assert!(text.contains("données anonymisées"), "{text}");
    assert!(text.contains("paiement_recu"), "{text}");
    // What the figures need stays.
    let saisine = app.saisine(&reference);
    assert_eq!(saisine["status"], "cloturee");
    assert_eq!(saisine["outcome"], "paiement_recu");
    assert_eq!(saisine["process"], "revenus_remplacement");
    assert_eq!(saisine["motifs"], json!(["paiement_non_recu"]));
}

#[test]
fn a_saisine_within_its_retention_is_untouched_and_the_job_is_audited() {
    let app = TestApp::new();
    let p = person();
    // Closed 14/06/2021: five years (the default) passed on 14/06/2026; today is 15/06/2026.
    let old = full_saisine(&app, &p, "2021-06-14");
    let recent = full_saisine(&app, &p, "2021-06-16");
    let open = app.create(&SaisineBuilder::default().received_on("2020-01-06"));
    let before = app.saisine(&recent);
    let dry = run(&app, RunOptions { dry_run: true, retention_months: None });
    assert_eq!((dry.anonymised.clone(), dry.retention_months), (vec![old.clone()], 60));
    assert_eq!(app.saisine(&old)["requester_name"], json!(p.name), "une simulation ne change rien");
    let report = run(&app, RunOptions::default());
    assert_eq!(report.anonymised, vec![old.clone()]);
    assert_eq!(app.saisine(&recent), before);
    assert_eq!(app.saisine(&open)["requester_name"], "Jeanne Martin");
    assert!(app.saisine(&old)["requester_name"].is_null());
    let anonymised: Vec<(String, String, String)> =
        app.audit_actions().into_iter().filter(|(action, _, _)| action == "saisine_anonymisee").collect();
    assert_eq!(anonymised, vec![("saisine_anonymisee".into(), anonymise::JOB_ACTOR.into(), old.clone())]);
    // Reopening it is refused by the rules.
    let response = app.post_json(
        &format!("/api/v1/saisines/{old}/reouverture"),
        &json!({ "date": "2026-06-15", "reason": "Rappel" }),
    );
    let status = response.status();
    let body: Value = response.into_json().unwrap_or(Value::Null);
    assert_eq!(status.code, 409, "{body}");
    assert_eq!(body["code"], "anonymised", "{body}");
    // Nor edited, nor noted: no personal data comes back.
    let edit = app.patch_json(&format!("/api/v1/saisines/{old}"), &json!({ "requester_name": "Jeanne Martin" }));
    assert_eq!(edit.status().code, 409);
    let note = app.post_json(&format!("/api/v1/saisines/{old}/notes"), &json!({ "text": "Appel de Mme Martin" }));
    assert_eq!(note.status().code, 409);
    assert!(app.saisine(&old)["requester_name"].is_null());
}

#[test]
fn a_second_run_finds_nothing_and_two_instances_at_once_anonymise_each_saisine_once() {
    let app = TestApp::new();
    let p = person();
    let references: Vec<String> = (0..6).map(|_| full_saisine(&app, &p, "2026-01-05")).collect();
    let (dir, clock) = (&app.dir, app.clock.clone());
    let reports: Vec<AnonymiseReport> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let clock = clock.clone();
                scope.spawn(move || anonymise::run(&mut connect(dir), clock.as_ref(), everything()).expect("run"))
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("thread")).collect()
    });
    let mut done: Vec<String> = reports.iter().flat_map(|r| r.anonymised.clone()).collect();
    done.sort();
    let mut expected = references.clone();
    expected.sort();
    assert_eq!(done, expected, "chaque saisine anonymisée une fois, par l'une ou l'autre instance");
    assert!(reports.iter().all(|r| r.failed == 0));
    for reference in &references {
        let kinds = app.timeline_kinds(reference);
        assert_eq!(kinds.iter().filter(|k| *k == "anonymisee").count(), 1);
    }
    let audits = app.audit_actions().into_iter().filter(|(a, _, _)| a == "saisine_anonymisee").count();
    assert_eq!(audits, references.len());
    let again = run(&app, everything());
    assert!(again.is_empty(), "{again:?}");
}

#[test]
fn the_audit_log_keeps_its_records_for_its_retention_only() {
    let app = TestApp::on("2019-03-01");
    app.create(&SaisineBuilder::default().received_on("2019-02-01"));
    app.clock.advance(chrono::Duration::days(365 * 7));
    app.create(&SaisineBuilder::default().received_on("2026-01-05"));
    let old_before = app.audit_actions().len();
    let report = run(&app, RunOptions::default());
    assert!(report.audit_purged > 0);
    let after = app.audit_actions();
    assert_eq!(after.len(), old_before - report.audit_purged + 1);
    assert_eq!(after.last().map(|a| a.0.as_str()), Some("journal_purge"));
    // The database still refuses to delete a recent record.
    let deleted = diesel::delete(schema::audit_log::table).execute(&mut connect(&app.dir));
    assert!(deleted.is_err(), "le journal récent reste en ajout seul");
}

fn cli(dir: &TestDir, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_mediation"))
        .arg("anonymise")
        .args(args)
        .env("MEDIATION_DATA_DIR", dir.path())
        .env("MEDIATION_DATABASE_URL", &dir.url)
        .output()
        .expect("mediation anonymise")
}

#[test]
fn the_command_line_lists_on_a_dry_run_and_overrides_the_retention() {
    let app = TestApp::new();
    let closed = app.create(&SaisineBuilder::default().received_on("2026-01-05"));
    app.step(&closed, "cloture", json!({ "date": "2026-01-06", "outcome": "orientation", "summary": "Orientée." }));
    let dry = cli(&app.dir, &["--dry-run", "--retention-months", "0"]);
    let out = String::from_utf8_lossy(&dry.stdout).to_string();
    assert!(dry.status.success(), "{out}{}", String::from_utf8_lossy(&dry.stderr));
    assert!(out.contains("Simulation") && out.contains(&closed), "{out}");
    assert_eq!(app.saisine(&closed)["requester_name"], "Jeanne Martin");
    let kept = cli(&app.dir, &[]);
    assert!(kept.status.success());
    assert_eq!(app.saisine(&closed)["requester_name"], "Jeanne Martin", "60 mois par défaut : rien à faire");
    let done = cli(&app.dir, &["--retention-months", "0"]);
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    assert!(String::from_utf8_lossy(&done.stdout).contains(&closed));
    assert!(app.saisine(&closed)["requester_name"].is_null());
}

#[test]
fn an_anonymised_saisine_is_no_longer_a_possible_duplicate() {
    let app = TestApp::new();
    let first = app.create(&SaisineBuilder::default().received_on("2026-06-01"));
    app.step(&first, "cloture", json!({ "date": "2026-06-01", "outcome": "orientation", "summary": "Orientée." }));
    let second = app.create(&SaisineBuilder::default().received_on("2026-06-03"));
    let page = app.browser.page(&format!("/saisines/{second}"));
    assert!(page.contains("Doublon possible") && page.contains(&first), "{page}");
    run(&app, everything());
    let page = app.browser.page(&format!("/saisines/{second}"));
    assert!(!page.contains("Doublon possible"), "{page}");
}
