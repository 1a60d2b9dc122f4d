//! The client's address: no header a client writes is believed unless an administrator named
//! the proxy allowed to write it; the release profile listens on the loopback interface.

use std::net::SocketAddr;

use diesel::prelude::*;
use rocket::figment::providers::{Format, Toml};
use rocket::figment::Figment;
use rocket::http::{ContentType, Header, Status};

use crate::support::{connect, Browser, TestApp, TODAY};

const CLIENT: &str = "198.51.100.7";
const SPOOFED: &str = "203.0.113.9";

/// One failed sign-in sent from `remote`, with a `X-Real-IP` header naming `header`.
fn failed_sign_in(browser: &Browser, remote: &str, header: &str) -> Status {
    let body = serde_urlencoded::to_string([
        ("csrf_token", browser.csrf().as_str()),
        ("email", "personne@cpam.test"),
        ("password", "mauvais-mot-de-passe"),
    ])
    .unwrap();
    let remote: SocketAddr = format!("{remote}:40000").parse().unwrap();
    browser
        .client
        .post("/connexion")
        .remote(remote)
        .header(ContentType::Form)
        .header(Header::new("X-Real-IP", header.to_string()))
        .body(body)
        .dispatch()
        .status()
}

/// The addresses the audit log recorded for failed sign-ins.
fn recorded_addresses(app: &TestApp) -> Vec<String> {
    use mediation::db::schema::audit_log;
    audit_log::table
        .filter(audit_log::action.eq("connexion_echouee"))
        .order(audit_log::id.asc())
        .select(audit_log::ip)
        .load(&mut connect(&app.dir))
        .unwrap()
}

#[test]
fn out_of_the_box_a_client_header_does_not_change_the_recorded_address() {
    let app = TestApp::new();
    let browser = app.anonymous();
    assert_eq!(failed_sign_in(&browser, CLIENT, SPOOFED), Status::Unauthorized);
    assert_eq!(recorded_addresses(&app), [CLIENT]);
}

#[test]
fn the_sign_in_throttle_holds_whatever_address_the_client_claims() {
    let app = TestApp::new();
    let browser = app.anonymous();
    for n in 0..mediation::app::accounts::FAILURES_PER_ADDRESS {
        let claimed = format!("192.0.2.{}", n + 1);
        assert_eq!(failed_sign_in(&browser, CLIENT, &claimed), Status::Unauthorized);
    }
    assert_eq!(failed_sign_in(&browser, CLIENT, "192.0.2.200"), Status::TooManyRequests);
}

#[test]
fn a_trusted_proxy_names_the_client_and_nobody_else_does() {
    let app = TestApp::configured(TODAY, |figment| {
        figment.merge(("trusted_proxies", "127.0.0.1")).merge(("client_ip_header", "X-Real-IP"))
    });
    let browser = app.anonymous();
    failed_sign_in(&browser, "127.0.0.1", SPOOFED);
    failed_sign_in(&browser, CLIENT, "192.0.2.1");
    assert_eq!(recorded_addresses(&app), [SPOOFED, CLIENT]);
}

#[test]
fn an_invalid_proxy_address_stops_the_start() {
    let dir = crate::support::TestDir::new();
    let figment = crate::support::test_figment(&dir).merge(("trusted_proxies", "127.0.0.300"));
    let rocket = mediation::web::build(figment, std::sync::Arc::new(mediation::domain::clock::SystemClock));
    let error = rocket::local::blocking::Client::tracked(rocket).expect_err("the start is refused");
    assert!(matches!(error.kind(), rocket::error::ErrorKind::FailedFairings(_)));
}

/// Rocket's defaults under the shipped `Rocket.toml` (the environment left out).
fn rocket_toml() -> Figment {
    Figment::from(rocket::Config::default())
        .merge(Toml::file(concat!(env!("CARGO_MANIFEST_DIR"), "/Rocket.toml")).nested())
}

#[test]
fn the_release_profile_listens_on_the_loopback_interface() {
    let release: rocket::Config = rocket_toml().select("release").extract().unwrap();
    assert!(release.address.is_loopback(), "release address: {}", release.address);
    let default: rocket::Config = rocket_toml().select("default").extract().unwrap();
    assert!(default.address.is_loopback());
}

#[test]
fn rocket_reads_no_address_header_of_its_own() {
    assert_eq!(rocket_toml().select("release").extract::<rocket::Config>().unwrap().ip_header, None);
    let effective: rocket::Config = mediation::config::figment().extract().unwrap();
    assert_eq!(effective.ip_header, None);
}

#[test]
fn the_partner_form_limit_holds_whatever_address_the_client_claims() {
    use crate::partner::{token as partner_token, valid_fields as partner_fields};
    let app = TestApp::configured(TODAY, |f| f.merge(("partner_form_per_hour", 2)));
    let partner = app.anonymous();
    let tokens: Vec<String> = (0..3).map(|_| partner_token(&partner)).collect();
    app.clock.advance(chrono::Duration::seconds(20));
    let remote: SocketAddr = format!("{CLIENT}:40000").parse().unwrap();
    let statuses: Vec<Status> = tokens
        .iter()
        .enumerate()
        .map(|(n, token)| {
            let fields = partner_fields(token);
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let (content_type, body) = crate::partner::multipart(&fields, &[]);
            partner
                .client
                .post("/partenaires/saisine")
                .remote(remote)
                .header(content_type)
                .header(Header::new("X-Real-IP", format!("192.0.2.{}", n + 1)))
                .body(body)
                .dispatch()
                .status()
        })
        .collect();
    assert_eq!(statuses, [Status::SeeOther, Status::SeeOther, Status::TooManyRequests]);
}
