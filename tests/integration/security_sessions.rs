//! Sessions and secrets: browser-session cookies, no start without a secret key, and the
//! partner form's token accepted once, whichever instance receives it.

use std::time::{Duration as StdDuration, Instant};

use chrono::Duration;
use rocket::http::{ContentType, Status};
use rocket::local::blocking::LocalResponse;

use crate::support::{Browser, TestApp, MEDIATOR_EMAIL, PASSWORD};

/// The `Set-Cookie` line of `name` in a response.
fn set_cookie(response: &LocalResponse<'_>, name: &str) -> String {
    response
        .headers()
        .get("Set-Cookie")
        .find(|c| c.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("cookie {name} absent"))
        .to_string()
}

fn assert_browser_session(cookie: &str) {
    let lower = cookie.to_ascii_lowercase();
    assert!(!lower.contains("expires=") && !lower.contains("max-age="), "cookie kept on disk: {cookie}");
    assert!(lower.contains("httponly") && lower.contains("samesite=strict"), "{cookie}");
}

#[test]
fn the_pre_sign_in_and_session_cookies_end_with_the_browser() {
    let app = TestApp::new();
    let browser = app.anonymous();
    let page = browser.get("/connexion");
    assert_browser_session(&set_cookie(&page, "mediation_csrf"));
    let token = crate::support::csrf_of(&page.into_string().unwrap());
    let body = serde_urlencoded::to_string([
        ("csrf_token", token.as_str()),
        ("email", MEDIATOR_EMAIL),
        ("password", PASSWORD),
    ])
    .unwrap();
    let signed_in = browser.client.post("/connexion").header(ContentType::Form).body(body).dispatch();
    assert_eq!(signed_in.status(), Status::SeeOther);
    assert_browser_session(&set_cookie(&signed_in, "mediation_session"));
}

#[test]
fn an_unreadable_secret_key_stops_the_start_with_a_clear_message() {
    let dir = crate::support::TestDir::new();
    std::fs::write(dir.path().join("secret_key"), "pas une clé").unwrap();
    let rocket = mediation::web::build(
        crate::support::test_figment(&dir),
        std::sync::Arc::new(mediation::domain::clock::SystemClock),
    );
    let error = rocket::local::blocking::Client::tracked(rocket).expect_err("no start without a secret key");
    assert!(matches!(error.kind(), rocket::error::ErrorKind::FailedFairings(_)));
}

#[test]
fn the_server_binary_refuses_to_start_without_its_secret_key() {
    let dir = tempfile::TempDir::new().unwrap();
    // A directory where the key file should be: it can be neither read nor created.
    std::fs::create_dir(dir.path().join("secret_key")).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mediation"))
        .arg("serve")
        .env("MEDIATION_DATA_DIR", dir.path())
        .env_remove("MEDIATION_DATABASE_URL")
        .env_remove("ROCKET_SECRET_KEY")
        .env("ROCKET_PORT", "0")
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("mediation serve");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > StdDuration::from_secs(60) {
            child.kill().unwrap();
            panic!("the server started without its secret key");
        }
        std::thread::sleep(StdDuration::from_millis(100));
    };
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!status.success());
    assert!(stderr.contains("clé secrète") && stderr.contains("ne démarre pas"), "{stderr}");
}

fn submit<'c>(partner: &'c Browser, token: &str) -> LocalResponse<'c> {
    crate::partner::send(partner, &crate::partner::valid_fields(token), &[])
}

#[test]
fn a_partner_form_token_is_accepted_once_across_instances() {
    let app = TestApp::new();
    // Two instances of the application on one database.
    let (first, second) = (app.anonymous(), app.anonymous());
    let token = crate::partner::token(&first);
    app.clock.advance(Duration::seconds(20));
    assert_eq!(submit(&first, &token).status(), Status::SeeOther);
    let replayed = submit(&second, &token);
    assert_eq!(replayed.status(), Status::UnprocessableEntity);
    assert!(replayed.into_string().unwrap().contains("déjà été envoyé"));
    assert_eq!(submit(&first, &token).status(), Status::UnprocessableEntity);
    assert_eq!(app.count(), 1, "one saisine for one token");
    // A fresh token still works.
    let fresh = crate::partner::token(&second);
    app.clock.advance(Duration::seconds(20));
    assert_eq!(submit(&second, &fresh).status(), Status::SeeOther);
    assert_eq!(app.count(), 2);
}
