//! The import obeys the rules every other entry point obeys: lines are replayed through the
//! lifecycle's moves, a waiting line gets a real documents request, rows are the spreadsheet's,
//! references from other systems are kept, masked exports and masked values are refused, and a
//! file imported before says so.

use chrono::{TimeZone, Utc};
use mediation::auth::Role;
use mediation::db::audit::Actor;
use mediation::domain::clock::FixedClock;
use mediation::domain::deadlines::DeadlineSettings;
use rocket::http::Status;
use serde_json::{json, Value};

use crate::import::{run_cli, write};
use crate::partner::multipart;
use crate::support::{connect, noon, Browser, SaisineBuilder, TestApp};

const HEADER: &str = "reference;received_on;channel;requester_type;partner;process;motifs;status;taken_on;outcome;closed_on;requester_name;nir;email;phone;summary;documents_requested_on;documents_due_on";

/// A line of `HEADER`: the reference, dates and status cells given, the rest fixed.
fn line(reference: &str, received: &str, status: &str, taken: &str, outcome: &str, closed: &str, docs: &str) -> String {
    format!(
        "{reference};{received};courriel;assure;;droits;information;{status};{taken};{outcome};{closed};;;;;;{docs}"
    )
}

fn file(lines: &[String]) -> String {
    let mut text = HEADER.to_string();
    for l in lines {
        text.push('\n');
        text.push_str(l);
    }
    text.push('\n');
    text
}

/// A page's text with the escapes Tera writes for `/` and `'` undone.
fn unescaped(page: String) -> String {
    page.replace("&#x2F;", "/").replace("&#x27;", "'")
}

/// Uploads a file for its preview; returns the status and the page.
fn preview(admin: &Browser, name: &str, content: &[u8]) -> (Status, String) {
    let (content_type, body) = multipart(&[("csrf_token", &admin.csrf())], &[("file", name, content)]);
    let response = admin.client.post("/admin/import").header(content_type).body(body).dispatch();
    (response.status(), unescaped(response.into_string().unwrap_or_default()))
}

/// Confirms the import a preview page offers.
fn confirm(admin: &Browser, page: &str) -> Status {
    let start = page.find("/admin/import/").expect("a confirmation form");
    let action = page[start..start + page[start..].find('"').unwrap()].to_string();
    admin.post_form(&action, &[]).status()
}

/// The (row, column) of each error listed on a preview page.
fn errors_of(page: &str) -> Vec<(u64, String)> {
    page.split("<td class=\"number\">")
        .skip(1)
        .filter_map(|cell| {
            let (row, rest) = cell.split_once("</td>")?;
            let column = rest.strip_prefix("<td><code>")?.split_once("</code>")?.0;
            Some((row.parse().ok()?, column.to_string()))
        })
        .collect()
}

fn expected(rows: &[(u64, &str)]) -> Vec<(u64, String)> {
    rows.iter().map(|(r, c)| (*r, c.to_string())).collect()
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).to_string()
}

#[test]
fn dates_in_the_future_are_refused_with_their_row_and_column() {
    let app = TestApp::new(); // today: 15 June 2026
    let admin = app.browser_as(Role::Admin);
    let csv = file(&[
        line("", "2026-06-01", "en_cours", "2026-06-16", "", "", ";"),
        line("", "2026-06-01", "cloturee", "2026-06-02", "explications", "2026-07-01", ";"),
        line("", "2026-06-20", "recue", "", "", "", ";"),
        line("", "2026-06-01", "attente_pieces", "2026-06-02", "", "", "2026-06-20;"),
        line("", "2026-06-01", "en_cours", "2026-06-15", "", "", ";"),
    ]);
    let (status, page) = preview(&admin, "futur.csv", csv.as_bytes());
    assert_eq!(status, Status::UnprocessableEntity);
    assert_eq!(
        errors_of(&page),
        expected(&[(2, "taken_on"), (3, "closed_on"), (4, "received_on"), (5, "documents_requested_on")])
    );
    assert!(page.contains("prise en charge : la date ne peut pas être dans le futur"), "{page}");
    assert_eq!(app.count(), 0);
}

#[test]
fn missing_take_up_dates_and_a_closing_before_the_take_up_are_refused() {
    let app = TestApp::new();
    let admin = app.browser_as(Role::Admin);
    let csv = file(&[
        line("", "2026-03-01", "en_cours", "", "", "", ";"),
        line("", "2026-03-01", "attente_pieces", "", "", "", ";"),
        line("", "2026-03-01", "cloturee", "", "explications", "2026-03-05", ";"),
        line("", "2026-03-01", "cloturee", "", "orientation", "2026-03-05", ";"),
        line("", "2026-03-01", "cloturee", "2026-03-10", "accord_amiable", "2026-03-08", ";"),
    ]);
    let (status, page) = preview(&admin, "regles.csv", csv.as_bytes());
    assert_eq!(status, Status::UnprocessableEntity);
    assert_eq!(errors_of(&page), expected(&[(2, "taken_on"), (3, "taken_on"), (4, "taken_on"), (6, "closed_on")]));
    assert!(page.contains("ne peut être clôturée que par une orientation"));
    assert!(page.contains("clôture : la date ne peut pas précéder le 10/03/2026"));
}

/// The deadline settings, changed as an administrator would.
fn set_documents_days(app: &TestApp, documents_days: u32, reminder_days: u32) {
    let settings = DeadlineSettings { documents_days, reminder_days, ..DeadlineSettings::default() };
    let actor = Actor::system("test");
    mediation::app::admin::save_deadlines(&mut connect(&app.dir), &settings, &actor, noon("2026-06-15").naive_utc())
        .expect("délais");
}

#[test]
fn a_waiting_line_gets_a_documents_request_dated_by_the_settings_that_the_sweep_follows() {
    let app = TestApp::new();
    set_documents_days(&app, 12, 5);
    let admin = app.browser_as(Role::Admin);
    let csv = file(&[
        line("MED-1", "2026-06-01", "attente_pieces", "2026-06-02", "", "", ";"),
        line("", "2026-06-01", "attente_pieces", "2026-06-03", "", "", "2026-06-04;2026-06-30"),
    ]);
    let (status, page) = preview(&admin, "attente.csv", csv.as_bytes());
    assert_eq!(status, Status::Ok, "{page}");
    assert_eq!(confirm(&admin, &page), Status::Ok);

    let (_, events) = app.get_json("/api/v1/saisines/2026-0001/evenements");
    let kinds: Vec<&str> = events.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["importee", "pieces_demandees"]);
    assert_eq!(events[1]["date"], "2026-06-02");
    assert_eq!(events[1]["due_on"], "2026-06-14", "12 days, from the settings: not a constant");
    assert!(events[1]["description"].as_str().unwrap().contains("import"));
    assert_eq!(app.saisine("2026-0001")["documents_due_on"], "2026-06-14");
    let (_, given) = app.get_json("/api/v1/saisines/2026-0002/evenements");
    assert_eq!((given[1]["date"].as_str(), given[1]["due_on"].as_str()), (Some("2026-06-04"), Some("2026-06-30")));

    // The queue asks for a reminder (due after 5 days), and recording one takes it off.
    assert!(app.browser.page("/a-traiter").contains("2026-0001"));
    let reminded = app.post_json("/api/v1/saisines/2026-0001/relance", &json!({"date": "2026-06-15"}));
    assert_eq!(reminded.status(), Status::Ok);
    assert_eq!(app.timeline_kinds("2026-0001").last().map(String::as_str), Some("relance"));

    // The sweep closes it as abandon after the grace days, like any other wait.
    let later = FixedClock(Utc.with_ymd_and_hms(2026, 7, 1, 10, 0, 0).unwrap());
    let report = mediation::app::sweep::run(&mut connect(&app.dir), &later).expect("veille");
    assert_eq!(report.abandoned, ["2026-0001"]);
    assert_eq!(app.saisine("2026-0001")["outcome"], "abandon");
}

#[test]
fn the_preview_lists_the_lines_the_next_sweep_would_close_before_anything_is_written() {
    let app = TestApp::new(); // 15 June 2026; documents 30 days, grace 15 days
    let admin = app.browser_as(Role::Admin);
    let csv = file(&[
        line("A-ANCIENNE", "2026-02-01", "attente_pieces", "2026-02-02", "", "", ";"),
        line("A-RECENTE", "2026-06-01", "attente_pieces", "2026-06-02", "", "", ";2026-06-10"),
        line("A-DATEE", "2026-01-05", "attente_pieces", "2026-01-06", "", "", "2026-01-07;2026-02-01"),
        line("EN-COURS", "2026-01-05", "en_cours", "2026-01-06", "", "", ";"),
    ]);
    let (status, page) = preview(&admin, "veille.csv", csv.as_bytes());
    assert_eq!(status, Status::Ok);
    assert!(page.contains("2 saisines que la prochaine veille clôturera pour abandon"), "{page}");
    assert!(page.contains("<td class=\"number\">2</td><td>A-ANCIENNE</td><td>04/03/2026</td><td>20/03/2026</td>"));
    assert!(page.contains("<td class=\"number\">4</td><td>A-DATEE</td><td>01/02/2026</td><td>17/02/2026</td>"));
    assert!(!page.contains("<td>A-RECENTE</td>") && !page.contains("<td>EN-COURS</td>"));
    assert_eq!(app.count(), 0, "a preview writes nothing");

    let path = write(&app.dir, "veille.csv", csv.as_bytes());
    let output = run_cli(&app.dir, &["--dry-run"], &path);
    assert!(output.status.success());
    let text = stdout(&output);
    assert!(text.contains("que la prochaine veille clôturera pour abandon"), "{text}");
    assert!(text.contains("ligne 2 (A-ANCIENNE)") && text.contains("ligne 4 (A-DATEE)"), "{text}");
    assert!(!text.contains("EN-COURS"));
}

/// A file whose records hold line breaks inside quoted cells, with an empty row before the last,
/// and `eol` everywhere.
fn multi_line_file(eol: &str) -> String {
    let records = [
        format!("2026-0001;2026-03-01;courriel;assure;;droits;information;recue;;;;;;;;\"première{eol}seconde\";;"),
        format!("2026-0002;2026-03-01;fax;assure;;droits;information;recue;;;;;;;;\"a{eol}b{eol}c\";;"),
        format!("2026-0003;2026-03-01;courriel;assure;;droits;information;recue;;;;;;;;\"x{eol}{eol}y\";;"),
        String::new(),
        "2026-0004;hier;courriel;assure;;droits;information;recue;;;;;;;;;;".to_string(),
    ];
    let mut text = HEADER.to_string();
    for record in records {
        text.push_str(eol);
        text.push_str(&record);
    }
    text.push_str(eol);
    text
}

#[test]
fn rows_are_the_spreadsheet_s_whatever_the_line_ends_and_the_breaks_inside_cells() {
    let app = TestApp::new();
    let admin = app.browser_as(Role::Admin);
    for (eol, name) in [("\n", "lf.csv"), ("\r\n", "crlf.csv"), ("\r", "cr.csv")] {
        let (status, page) = preview(&admin, name, multi_line_file(eol).as_bytes());
        assert_eq!(status, Status::UnprocessableEntity, "{name}");
        assert_eq!(errors_of(&page), expected(&[(3, "channel"), (6, "received_on")]), "{name}");
        assert!(page.contains("<dt>Lignes lues</dt><dd>4</dd>"), "{name}");
    }
    // The same rows from the command line, on a CRLF file.
    let path = write(&app.dir, "crlf.csv", multi_line_file("\r\n").as_bytes());
    let errors = String::from_utf8_lossy(&run_cli(&app.dir, &[], &path).stderr).to_string();
    assert!(errors.contains("ligne 3, colonne channel") && errors.contains("ligne 6, colonne received_on"), "{errors}");
    // A multi-line cell arrives whole.
    let valid = multi_line_file("\r\n").replace(";fax;", ";courriel;").replace(";hier;", ";2026-03-02;");
    let path = write(&app.dir, "valide.csv", valid.as_bytes());
    assert!(run_cli(&app.dir, &[], &path).status.success());
    assert_eq!(app.saisine("2026-0001")["summary"], "première\r\nseconde");
}

#[test]
fn references_from_another_system_are_kept_searched_exported_and_a_second_import_changes_nothing() {
    let app = TestApp::new();
    let csv = file(&[
        line("MED-2021-0288", "2021-03-01", "cloturee", "2021-03-02", "explications", "2021-03-20", ";"),
        line("21/288", "2021-04-01", "recue", "", "", "", ";"),
    ]);
    let path = write(&app.dir, "ancien-logiciel.csv", csv.as_bytes());
    let first = run_cli(&app.dir, &[], &path);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    assert!(stdout(&first).contains("2 à créer"));
    assert_eq!(app.saisine("2021-0001")["external_reference"], "MED-2021-0288");
    assert_eq!(app.saisine("2021-0002")["external_reference"], "21/288");
    let page = app.browser.page("/saisines/2021-0001");
    assert!(page.contains("MED-2021-0288"), "shown on the saisine's page");
    let found = app.browser.page("/saisines?q=MED-2021-0288");
    // Each row's checkbox carries its reference.
    let row = |reference: &str| format!(r#"name="ids" value="{reference}""#);
    assert!(found.contains(&row("2021-0001")) && !found.contains(&row("2021-0002")), "searchable: {found}");
    let found = app.browser.page("/saisines?q=21%2F288");
    assert!(found.contains(&row("2021-0002")));

    let second = run_cli(&app.dir, &[], &path);
    assert!(stdout(&second).contains("0 à créer, 0 à modifier, 2 inchangée(s)"), "{}", stdout(&second));
    assert_eq!(app.count(), 2);

    // The export carries both references, and imports back unchanged.
    let admin = app.browser_as(Role::Admin);
    let exported = admin.get("/saisines/export-complet.csv").into_string().unwrap();
    assert!(exported.contains("\r\n2021-0001;2021-03-01;") && exported.contains(";MED-2021-0288;"), "{exported}");
    let path = write(&app.dir, "export.csv", exported.as_bytes());
    let back = run_cli(&app.dir, &[], &path);
    assert!(stdout(&back).contains("0 à créer, 0 à modifier, 2 inchangée(s)"), "{}", stdout(&back));
    // The application's own numbering goes on.
    assert_eq!(app.create(&SaisineBuilder::default().received_on("2021-05-01")), "2021-0003");
}

#[test]
fn a_masked_export_is_marked_and_refused_and_so_are_masked_values() {
    let app = TestApp::new();
    app.create(&SaisineBuilder::default());
    let reader = app.browser_as(Role::Lecteur);
    let masked = reader.get("/saisines/export.csv").into_string().unwrap();
    assert!(masked.contains(";masque\r\n") && masked.trim_end().ends_with(";oui"), "{masked}");
    let admin = app.browser_as(Role::Admin);
    let (status, page) = preview(&admin, "masque.csv", masked.as_bytes());
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(page.contains("ce fichier est un export masqué"), "{page}");
    let path = write(&app.dir, "masque.csv", masked.as_bytes());
    let output = run_cli(&app.dir, &[], &path);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("export masqué"));

    // Without its marker column, the masked values are refused one by one.
    let unmarked =
        format!("{HEADER}\n;2026-06-01;courriel;assure;;droits;information;recue;;;;J••• M•••;;j•••@exemple.fr;;;;\n");
    let (status, page) = preview(&admin, "sans-marque.csv", unmarked.as_bytes());
    assert_eq!(status, Status::UnprocessableEntity);
    assert_eq!(errors_of(&page), expected(&[(2, "requester_name"), (2, "email")]));
    assert_eq!(app.count(), 1);
}

#[test]
fn masking_characters_are_refused_on_the_form_and_the_api() {
    let app = TestApp::new();
    let api = app.post_json(
        "/api/v1/saisines",
        &SaisineBuilder::default().name("J••• M•••").set("email", json!("j•••@exemple.fr")).json(),
    );
    assert_eq!(api.status(), Status::UnprocessableEntity);
    let error: Value = api.into_json().unwrap();
    let fields: Vec<&str> = error["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["requester_name", "email"]);
    assert_eq!(error["errors"][0]["code"], "masked_value");

    let form = app.post_form(
        "/saisines",
        &[
            ("received_on", "2026-06-01"),
            ("channel", "courriel"),
            ("requester_type", "assure"),
            ("requester_name", "J••• M•••"),
            ("process", "droits"),
            ("motifs", "information"),
        ],
    );
    assert_eq!(form.status(), Status::UnprocessableEntity);
    let page = unescaped(form.into_string().unwrap());
    assert!(page.contains("caractères de masquage"), "{page}");
    assert!(page.contains("J••• M•••"), "what was typed is shown back");
    assert_eq!(app.count(), 0);
}

#[test]
fn uploading_a_file_already_imported_says_so() {
    let app = TestApp::new();
    let admin = app.browser_as(Role::Admin);
    let csv = file(&[line("2026-0007", "2026-06-01", "recue", "", "", "", ";")]);
    let (_, page) = preview(&admin, "juin.csv", csv.as_bytes());
    assert!(!page.contains("déjà été importé"));
    assert_eq!(confirm(&admin, &page), Status::Ok);
    // Same content under another name: 10:00 UTC is noon in Paris in June.
    let (status, again) = preview(&admin, "juin-copie.csv", csv.as_bytes());
    assert_eq!(status, Status::Ok);
    assert!(
        again.contains("Ce fichier a déjà été importé le 15/06/2026 à 12:00 (heure de Paris), il ne changerait rien"),
        "{again}"
    );
    let path = write(&app.dir, "juin.csv", csv.as_bytes());
    assert!(stdout(&run_cli(&app.dir, &["--dry-run"], &path)).contains("déjà été importé le 15/06/2026 à 12:00"));
}

#[test]
fn export_then_import_into_an_empty_database_then_export_gives_the_same_file() {
    let app = TestApp::new();
    let waiting = app.create(&SaisineBuilder::default().motifs(&["indu", "erreur_calcul"]));
    app.step(&waiting, "prise-en-charge", json!({"date": "2026-06-02"}));
    app.step(&waiting, "demande-pieces", json!({"date": "2026-06-03", "due_on": "2026-07-03", "description": "RIB"}));
    let closed = app.create(&SaisineBuilder::default().received_on("2025-12-30").name("=Zoé; \"L'Hôte\""));
    app.step(&closed, "prise-en-charge", json!({"date": "2026-01-05"}));
    app.step(&closed, "cloture", json!({"date": "2026-02-01", "outcome": "accord_amiable", "summary": "Accord"}));
    let csv = file(&[line("MED-9", "2026-05-01", "en_cours", "2026-05-02", "", "", ";")]);
    let path = write(&app.dir, "autre.csv", csv.as_bytes());
    assert!(run_cli(&app.dir, &[], &path).status.success());

    let exported = app.browser_as(Role::Admin).get("/saisines/export-complet.csv").into_string().unwrap();
    assert!(exported.contains(";2026-06-03;2026-07-03;non\r\n"), "the wait's dates are exported: {exported}");
    let other = TestApp::new();
    let path = write(&other.dir, "export.csv", exported.as_bytes());
    let imported = run_cli(&other.dir, &[], &path);
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    let again = other.browser_as(Role::Admin).get("/saisines/export-complet.csv").into_string().unwrap();
    assert_eq!(again, exported);
}

#[test]
fn a_saisine_an_import_puts_on_hold_gets_its_documents_request_and_an_unchanged_wait_keeps_its_dates() {
    let app = TestApp::new();
    set_documents_days(&app, 20, 5);
    let open = file(&[line("2026-0001", "2026-06-01", "en_cours", "2026-06-02", "", "", ";")]);
    assert!(run_cli(&app.dir, &[], &write(&app.dir, "ouvert.csv", open.as_bytes())).status.success());
    let waiting = file(&[line("2026-0001", "2026-06-01", "attente_pieces", "2026-06-02", "", "", "2026-06-05;")]);
    let path = write(&app.dir, "attente.csv", waiting.as_bytes());
    assert!(stdout(&run_cli(&app.dir, &[], &path)).contains("1 à modifier"));
    assert_eq!(app.timeline_kinds("2026-0001"), ["importee", "modifiee", "pieces_demandees"]);
    assert_eq!(app.saisine("2026-0001")["documents_due_on"], "2026-06-25");
    // A file without the wait's dates leaves them as they are, even after the settings change.
    set_documents_days(&app, 40, 5);
    let undated = file(&[line("2026-0001", "2026-06-01", "attente_pieces", "2026-06-02", "", "", ";")]);
    let path = write(&app.dir, "sans-dates.csv", undated.as_bytes());
    assert!(stdout(&run_cli(&app.dir, &[], &path)).contains("0 à modifier, 1 inchangée(s)"));
    assert_eq!(app.saisine("2026-0001")["documents_due_on"], "2026-06-25");
}

#[test]
fn today_is_the_paris_date_at_23_30_utc() {
    let app = TestApp::new();
    app.clock.advance(chrono::Duration::minutes(13 * 60 + 30)); // 15 June, 23:30 UTC: the 16th in Paris
    let admin = app.browser_as(Role::Admin);
    let csv = file(&[
        line("", "2026-06-15", "en_cours", "2026-06-16", "", "", ";"),
        line("", "2026-06-15", "en_cours", "2026-06-17", "", "", ";"),
    ]);
    let (_, page) = preview(&admin, "minuit.csv", csv.as_bytes());
    assert_eq!(errors_of(&page), expected(&[(3, "taken_on")]));
}
