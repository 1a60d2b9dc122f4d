//! A mediator's access to unmasked personal data is recorded wherever it happens: the case
//! page, the edit form, every API answer that carries the saisine whole, downloads.

use diesel::prelude::*;
use rocket::http::Status;
use serde_json::json;

use crate::support::{connect, SaisineBuilder, TestApp};

const VIEWED: &str = "donnees_personnelles_consultees";

/// The details of every "personal data viewed" record about `reference`, oldest first.
fn views(app: &TestApp, reference: &str) -> Vec<String> {
    use mediation::db::schema::audit_log;
    // Views are queued and written in batches: write what waits first.
    mediation::app::audit_queue::flush_all();
    audit_log::table
        .filter(audit_log::action.eq(VIEWED))
        .filter(audit_log::target.eq(reference))
        .order(audit_log::id.asc())
        .select(audit_log::details)
        .load(&mut connect(&app.dir))
        .unwrap()
}

#[test]
fn every_api_answer_that_carries_personal_data_is_recorded() {
    let app = TestApp::new();
    let reference = app.create(&SaisineBuilder::default());
    assert_eq!(views(&app, &reference), ["api : création"]);
    let patched = app.patch_json(&format!("/api/v1/saisines/{reference}"), &json!({ "summary": "Précisions." }));
    assert_eq!(patched.status(), Status::Ok);
    app.step(&reference, "prise-en-charge", json!({}));
    let assigned = app.post_json(&format!("/api/v1/saisines/{reference}/attribution"), &json!({ "assignee": null }));
    assert_eq!(assigned.status(), Status::Ok);
    app.saisine(&reference);
    app.timeline_kinds(&reference);
    assert_eq!(
        views(&app, &reference),
        [
            "api : création",
            "api : modification",
            "api : prise-en-charge",
            "api : attribution",
            "api",
            "api : historique"
        ]
    );
}

#[test]
fn opening_the_edit_form_is_recorded_and_a_refused_move_records_nothing() {
    let app = TestApp::new();
    let reference = app.create(&SaisineBuilder::default());
    let before = views(&app, &reference).len();
    assert_eq!(app.get(&format!("/saisines/{reference}/modifier")).status(), Status::Ok);
    assert_eq!(views(&app, &reference)[before..], ["modification"]);
    // A move the saisine's stage refuses sends no saisine back, so records no view.
    let refused = app.post_json(&format!("/api/v1/saisines/{reference}/reception-pieces"), &json!({}));
    assert_ne!(refused.status(), Status::Ok);
    assert_eq!(views(&app, &reference).len(), before + 1);
}
