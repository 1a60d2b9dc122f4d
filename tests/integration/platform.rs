//! What the whole application promises: health, headers, persistence across restarts, static files.

use std::sync::Arc;

use rocket::http::{Header, Status};
use rocket::local::blocking::Client;

use mediation::domain::clock::FixedClock;

use crate::support::{api_token, create_user, noon, test_figment, SaisineBuilder, TestApp, TODAY};

#[test]
fn healthz_answers_when_the_database_does() {
    let app = TestApp::new();
    let response = app.get("/healthz");
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(response.into_string().unwrap(), "ok");
}

#[test]
fn pages_carry_the_security_headers_and_are_never_cached() {
    let app = TestApp::new();
    let response = app.get("/saisines");
    let headers = response.headers();
    let csp = headers.get_one("Content-Security-Policy").unwrap();
    assert!(csp.contains("default-src 'none'") && !csp.contains("unsafe-inline"));
    assert_eq!(headers.get_one("X-Frame-Options"), Some("DENY"));
    assert_eq!(headers.get_one("X-Content-Type-Options"), Some("nosniff"));
    assert_eq!(headers.get_one("Cache-Control"), Some("no-store"));
    assert!(headers.get_one("Referrer-Policy").is_some());
    let page = response.into_string().unwrap();
    // Scripts are the application's own files (the keyboard shortcuts), never inline.
    assert_eq!(page.matches("<script").count(), page.matches(r#"<script src="/static/"#).count(), "no inline script");
    assert!(!page.contains("style="), "no inline style");
}

#[test]
fn the_stylesheet_is_served_by_the_application() {
    let app = TestApp::new();
    let response = app.get("/static/app.css");
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(response.content_type(), Some(rocket::http::ContentType::CSS));
    assert!(response.into_string().unwrap().contains(":focus-visible"));
    assert_eq!(app.get("/static/../Cargo.toml").status(), Status::NotFound);
}

#[test]
fn a_restart_keeps_every_saved_saisine() {
    let dir = crate::support::TestDir::new();
    let user = create_user(&dir, "marie@cpam.test", "Marie", mediation::auth::Role::Mediateur);
    let bearer = Header::new("Authorization", format!("Bearer {}", api_token(&dir, user)));
    let start =
        || Client::tracked(mediation::web::build(test_figment(&dir), Arc::new(FixedClock(noon(TODAY))))).unwrap();
    let client = start();
    let body = SaisineBuilder::default().json().to_string();
    for _ in 0..3 {
        let response = client
            .post("/api/v1/saisines")
            .header(rocket::http::ContentType::JSON)
            .header(bearer.clone())
            .body(body.clone())
            .dispatch();
        assert_eq!(response.status(), Status::Created);
    }
    drop(client);
    let client = start();
    let list: serde_json::Value = client.get("/api/v1/saisines").header(bearer.clone()).dispatch().into_json().unwrap();
    assert_eq!(list["total"], 3);
    // The sequence goes on after the restart.
    let response =
        client.post("/api/v1/saisines").header(rocket::http::ContentType::JSON).header(bearer).body(body).dispatch();
    assert_eq!(response.into_json::<serde_json::Value>().unwrap()["reference"], "2026-0004");
    let key = dir.path().join("secret_key");
    assert!(key.exists(), "the secret key is created once and kept");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600, "readable by its owner only");
}

#[test]
fn the_reference_lists_are_seeded() {
    let app = TestApp::new();
    let (status, body) = app.get_json("/api/v1/referentiels");
    assert_eq!(status, Status::Ok);
    assert_eq!(body["motifs"].as_array().unwrap().len(), 8);
    assert_eq!(body["partners"].as_array().unwrap().len(), 6);
    assert_eq!(body["outcomes"].as_array().unwrap().len(), 7);
    assert_eq!(body["channels"][5]["code"], "boite_generique");
}

#[test]
fn the_migrate_command_applies_the_migrations_once() {
    let dir = tempfile::TempDir::new().unwrap();
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_mediation"))
            .arg("migrate")
            .env("MEDIATION_DATA_DIR", dir.path())
            .env_remove("MEDIATION_DATABASE_URL")
            .current_dir(dir.path())
            .output()
            .expect("mediation migrate")
    };
    let first = run();
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let applied: u32 = String::from_utf8_lossy(&first.stdout).split(' ').next().unwrap().parse().unwrap();
    assert!(applied >= 2, "every migration runs on a new database");
    assert!(dir.path().join("mediation.sqlite").exists());
    let second = run();
    assert!(String::from_utf8_lossy(&second.stdout).starts_with("0 migration(s)"));
}
