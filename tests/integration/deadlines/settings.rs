//! The deadline settings: administrators change them, with checked input; working days move
//! the deadlines over weekends and French public holidays.

use mediation::auth::Role;
use rocket::http::Status;

use super::{go_to, read, sweep, waiting_saisine};
use crate::support::{Browser, SaisineBuilder, TestApp};

const DEFAULTS: [(&str, &str); 6] = [
    ("take_up_days", "7"),
    ("handling_days", "30"),
    ("documents_days", "30"),
    ("reminder_days", "10"),
    ("grace_days", "15"),
    ("day_count", "calendaires"),
];

fn set(admin: &Browser, changes: &[(&str, &str)]) -> Status {
    let fields: Vec<(&str, &str)> = DEFAULTS
        .iter()
        .map(|(name, value)| *changes.iter().find(|(n, _)| n == name).unwrap_or(&(*name, *value)))
        .collect();
    admin.post_form("/admin/delais", &fields).status()
}

#[test]
fn administrators_change_the_deadlines_with_checked_input() {
    let app = TestApp::new();
    let admin = app.browser_as(Role::Admin);
    let page = read(&admin, "/admin/delais");
    assert!(page.contains(r#"name="take_up_days" type="text" value="7""#), "defaults shown");
    assert!(page.contains(r#"<option value="calendaires" selected>"#));

    let refused = admin.post_form(
        "/admin/delais",
        &[
            ("take_up_days", "sept"),
            ("handling_days", "30"),
            ("documents_days", "20"),
            ("reminder_days", "25"),
            ("grace_days", "15"),
            ("day_count", "ouvres"),
        ],
    );
    assert_eq!(refused.status(), Status::UnprocessableEntity);
    let page = refused.into_string().unwrap().replace("&#x27;", "'");
    assert!(page.contains("indiquez un nombre entier de jours"), "{page}");
    assert!(page.contains("la relance doit venir avant l'échéance"));
    assert!(page.contains(r#"value="sept""#) && page.contains(r#"value="25""#), "what was typed is kept");
    assert!(page.contains(r#"<option value="ouvres" selected>"#));
    assert!(read(&admin, "/admin/delais").contains(r#"value="7""#), "nothing saved");

    assert_eq!(set(&admin, &[("take_up_days", "5"), ("day_count", "ouvres")]), Status::SeeOther);
    let page = read(&admin, "/admin/delais");
    assert!(page.contains("Délais enregistrés.") && page.contains(r#"name="take_up_days" type="text" value="5""#));
    let audit = app.audit_actions();
    assert!(audit.iter().any(|(action, _, target)| action == "delais_modifies" && target == "delais"));

    assert_eq!(app.post_form("/admin/delais", &DEFAULTS).status(), Status::Forbidden, "mediators cannot");
    assert!(read(&app.browser, "/a-traiter").contains("prise en charge 5 j"), "the queue uses them at once");
}

#[test]
fn working_days_move_the_deadlines_over_french_holidays() {
    let app = TestApp::on("2026-05-05");
    let admin = app.browser_as(Role::Admin);
    assert_eq!(set(&admin, &[("day_count", "ouvres"), ("grace_days", "2")]), Status::SeeOther);

    // Received Thursday 30 April: 1 May, 8 May and two weekends are not counted.
    let received = app.create(&SaisineBuilder::default().received_on("2026-04-30"));
    let page = read(&app.browser, "/a-traiter");
    assert!(page.contains("Prise en charge à faire au plus tard le 13/05/2026 (dans 8 jours)"), "{page}");
    let show = read(&app.browser, &format!("/saisines/{received}"));
    assert!(show.contains("jours ouvrés"));

    // Due Wednesday 13 May; Ascension on the 14th: the 2 days of grace are the 15th and the 18th.
    let before_ascension = waiting_saisine(&app, "2026-05-04", "2026-05-05", "2026-05-13");
    // Due Friday 22 May; Whit Monday on the 25th: the grace days are the 26th and the 27th.
    let before_whit_monday = waiting_saisine(&app, "2026-05-04", "2026-05-05", "2026-05-22");
    let show = read(&app.browser, &format!("/saisines/{before_ascension}"));
    // 10 working days after Tuesday 5 May, over 8 May and Ascension.
    assert!(show.contains("à envoyer à partir du 21/05/2026"), "{show}");
    assert!(show.contains("le 19/05/2026 si les pièces ne sont pas reçues"));

    go_to(&app, "2026-05-14");
    assert_eq!(sweep(&app).flagged, [before_ascension.as_str()]);
    go_to(&app, "2026-05-18");
    assert!(sweep(&app).abandoned.is_empty());
    go_to(&app, "2026-05-19");
    assert_eq!(sweep(&app).abandoned, [before_ascension.as_str()]);
    assert_eq!(app.saisine(&before_ascension)["closed_on"], "2026-05-19");

    go_to(&app, "2026-05-27");
    assert_eq!(sweep(&app).abandoned, Vec::<String>::new());
    go_to(&app, "2026-05-28");
    assert_eq!(sweep(&app).abandoned, [before_whit_monday.as_str()]);
}

#[test]
fn a_documents_request_proposes_the_due_date_of_the_settings() {
    let app = TestApp::new(); // Monday 15 June 2026
    let reference = app.create(&SaisineBuilder::default());
    app.step(&reference, "prise-en-charge", serde_json::json!({}));
    let page = read(&app.browser, &format!("/saisines/{reference}"));
    assert!(page.contains(r#"name="due_on" type="date" value="2026-07-15""#), "30 calendar days");
    let admin = app.browser_as(Role::Admin);
    assert_eq!(set(&admin, &[("day_count", "ouvres")]), Status::SeeOther);
    let page = read(&app.browser, &format!("/saisines/{reference}"));
    // 30 working days from 15 June: 14 July is a holiday.
    assert!(page.contains(r#"name="due_on" type="date" value="2026-07-28""#), "30 working days");
}
