//! No input makes a request handler's panic visible: the client gets a plain 500 (a page, or
//! JSON under /api) and the log says where it happened, never the panic's message, which may
//! quote what was typed.

use std::sync::Arc;

use mediation::domain::clock::FixedClock;
use rocket::http::{ContentType, Status};
use rocket::local::blocking::Client;
use rocket::{get, routes};
use serde_json::{json, Value};

use crate::support::{captured_logs, noon, test_figment, SaisineBuilder, TestApp, TestDir, TODAY};

const SECRET: &str = "Jeanne Secrète 2840575123456";

#[get("/essai-panique")]
fn page_that_panics() -> &'static str {
    panic!("{SECRET}")
}

#[get("/essai-panique-bloquante")]
async fn blocking_work_that_panics() -> Result<&'static str, String> {
    rocket::tokio::task::spawn_blocking(|| -> &'static str { panic!("{SECRET}") })
        .await
        .map_err(|_| "tâche interrompue".to_string())
}

#[test]
fn a_panicking_handler_answers_500_and_its_message_stays_out_of_the_log() {
    captured_logs();
    let dir = TestDir::new();
    let rocket = mediation::web::build(test_figment(&dir), Arc::new(FixedClock(noon(TODAY))))
        .mount("/", routes![page_that_panics, blocking_work_that_panics])
        .mount("/api/v1", routes![page_that_panics]);
    let client = Client::tracked(rocket).unwrap();

    let page = client.get("/essai-panique").dispatch();
    assert_eq!(page.status(), Status::InternalServerError);
    assert_eq!(page.content_type(), Some(ContentType::HTML));
    assert!(!page.into_string().unwrap().contains(SECRET));

    let api = client.get("/api/v1/essai-panique").dispatch();
    assert_eq!(api.status(), Status::InternalServerError);
    let body: Value = api.into_json().unwrap();
    assert_eq!(body["code"], "internal");

    client.get("/essai-panique-bloquante").dispatch();
    let logs = captured_logs();
    assert!(logs.contains("panique pendant une requête"), "the panic is logged, where it happened");
    assert!(!logs.contains("Jeanne Secrète") && !logs.contains("2840575123456"), "{logs}");
}

#[test]
fn a_nir_with_an_accent_never_reaches_the_log() {
    captured_logs();
    let app = TestApp::new();
    // Twelve digits, an accented letter, two digits: multi-byte text where digits are expected.
    let typed = "185057512398É12";
    let response = app.post_json("/api/v1/saisines", &SaisineBuilder::default().set("nir", json!(typed)).json());
    assert!(response.status() == Status::UnprocessableEntity || response.status() == Status::InternalServerError);
    assert!(!response.into_string().unwrap_or_default().contains("185057512398"));
    let page = app.post_form(
        "/saisines",
        &[
            ("received_on", "2026-06-10"),
            ("channel", "courriel"),
            ("requester_type", "assure"),
            ("nir", typed),
            ("process", "css"),
            ("motifs", "indu"),
        ],
    );
    assert_ne!(page.status(), Status::SeeOther);
    let logs = captured_logs();
    assert!(!logs.contains("185057512398"), "the typed NIR is in the log");
    assert_eq!(app.count(), 0);
}
