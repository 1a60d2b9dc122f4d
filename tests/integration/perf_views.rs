//! Views of personal data are queued and written in batches (`app::audit_queue`): recorded
//! within the bounded delay, whole, and written when the server stops.

use std::time::{Duration, Instant};

use diesel::prelude::*;
use rocket::http::Status;

use mediation::db::schema::audit_log;

use crate::support::{connect, SaisineBuilder, TestApp, MEDIATOR_NAME, TODAY};

const VIEWED: &str = "donnees_personnelles_consultees";

/// (actor, target, details, ip) of every view, oldest first, read straight from the database.
fn views_in_database(app: &TestApp) -> Vec<(String, String, String, String)> {
    audit_log::table
        .filter(audit_log::action.eq(VIEWED))
        .order(audit_log::id.asc())
        .select((audit_log::actor, audit_log::target, audit_log::details, audit_log::ip))
        .load(&mut connect(&app.dir))
        .unwrap()
}

fn slow_app() -> TestApp {
    TestApp::configured(TODAY, |figment| figment.merge(("audit_flush_ms", 1000)))
}

#[test]
fn a_page_view_is_recorded_whole_after_a_flush() {
    let app = slow_app();
    let reference = app.create(&SaisineBuilder::default());
    let before = views_in_database(&app).len();
    assert_eq!(app.get(&format!("/saisines/{reference}")).status(), Status::Ok);
    mediation::app::audit_queue::flush_all();
    let views = views_in_database(&app);
    assert_eq!(views.len(), before + 1);
    let (actor, target, details, ip) = &views[before];
    assert_eq!((actor.as_str(), target.as_str(), details.as_str()), (MEDIATOR_NAME, reference.as_str(), ""));
    assert!(!ip.is_empty(), "the client's address is kept");
}

#[test]
fn a_view_is_written_within_the_bounded_delay_without_any_flush() {
    let app = slow_app();
    let reference = app.create(&SaisineBuilder::default());
    let before = views_in_database(&app).len();
    let viewed = Instant::now();
    assert_eq!(app.api_get(&format!("/api/v1/saisines/{reference}")).status(), Status::Ok);
    while views_in_database(&app).len() == before {
        assert!(viewed.elapsed() < Duration::from_secs(3), "the view waited more than its delay");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(views_in_database(&app)[before].2, "api");
}

#[test]
fn many_views_are_all_recorded() {
    let app = TestApp::new();
    let reference = app.create(&SaisineBuilder::default());
    let before = views_in_database(&app).len();
    for _ in 0..30 {
        assert_eq!(app.api_get(&format!("/api/v1/saisines/{reference}")).status(), Status::Ok);
    }
    mediation::app::audit_queue::flush_all();
    assert_eq!(views_in_database(&app).len(), before + 30);
}

#[test]
fn a_stopping_server_writes_the_views_it_holds() {
    let mut app = slow_app();
    let reference = app.create(&SaisineBuilder::default());
    let before = views_in_database(&app).len();
    assert_eq!(app.get(&format!("/saisines/{reference}")).status(), Status::Ok);
    // The server goes away (its state dropped) before the delay has passed.
    app.browser = app.anonymous();
    assert_eq!(views_in_database(&app).len(), before + 1, "the view was written at the stop");
}
