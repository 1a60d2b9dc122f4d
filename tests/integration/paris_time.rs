//! Every date and time a person reads is France's, whatever UTC says: late in the evening
//! (23:30 UTC is already tomorrow in Paris) and on both daylight-saving changes. The API keeps
//! UTC, written with its offset.

use chrono::{DateTime, Utc};
use mediation::auth::Role;
use mediation::domain::clock::Clock;
use rocket::http::{ContentType, Status};
use serde_json::json;

use crate::partner::{multipart, send, token, valid_fields};
use crate::report_data::pdf_text;
use crate::support::{Browser, SaisineBuilder, TestApp, MEDIATOR_EMAIL, PASSWORD};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

fn instant(text: &str) -> DateTime<Utc> {
    text.parse().expect("instant de test")
}

/// Moves the clock to a UTC instant and signs the mediator in again (sessions last 12 hours).
fn at(app: &TestApp, when: &str) {
    let by = instant(when) - app.clock.now();
    app.clock.advance(by);
    assert_eq!(app.browser.sign_in(MEDIATOR_EMAIL, PASSWORD), Status::SeeOther);
}

fn anonymous() -> SaisineBuilder {
    SaisineBuilder::default().set("nir", json!(null)).set("email", json!(null))
}

fn upload(app: &TestApp, reference: &str) {
    let csrf = app.browser.csrf();
    let (content_type, body) = multipart(&[("csrf_token", &csrf)], &[("file", "rib.pdf", PDF)]);
    let response =
        app.browser.client.post(format!("/saisines/{reference}/pieces")).header(content_type).body(body).dispatch();
    assert_eq!(response.status(), Status::SeeOther);
}

/// A page with the slashes Tera escapes written back, to read dates as a person does.
fn read(browser: &Browser, uri: &str) -> String {
    browser.page(uri).replace("&#x2F;", "/")
}

/// The audit log's page for one target, between two days typed as a person types them.
fn journal(admin: &Browser, target: &str, from: &str, to: &str) -> String {
    read(admin, &format!("/admin/journal?target={target}&from={from}&to={to}"))
}

#[test]
fn half_past_eleven_utc_is_already_tomorrow_in_paris() {
    let app = TestApp::new();
    at(&app, "2026-06-14T23:30:00Z");
    // Recorded today in Paris (15 June): not "in the future".
    let reference = app.create(&anonymous().received_on("2026-06-15"));
    // A take-up without a date is dated the Paris day; the day after is refused as future.
    let refused =
        app.post_json(&format!("/api/v1/saisines/{reference}/prise-en-charge"), &json!({"date": "2026-06-16"}));
    assert_eq!(refused.status(), Status::UnprocessableEntity);
    // The form proposes the Paris day, and a form step left without a date is dated so.
    let page = read(&app.browser, &format!("/saisines/{reference}"));
    assert!(
        page.contains(r#"id="prise-en-charge-date" name="date" value="2026-06-15""#)
            || page.contains(r#"value="2026-06-15""#)
    );
    assert!(!page.contains("2026-06-14"), "nothing on the page is UTC's day");
    let taken = app.post_form(&format!("/saisines/{reference}/prise-en-charge"), &[("date", "")]);
    assert_eq!(taken.status(), Status::SeeOther);
    assert_eq!(app.saisine(&reference)["taken_on"], "2026-06-15");
    upload(&app, &reference);

    let page = read(&app.browser, &format!("/saisines/{reference}"));
    assert!(page.contains("Prise en charge</strong> — le 15/06/2026 à 01:30 par"), "timeline: {page}");
    assert!(page.contains("Ko, le 15/06/2026 à 01:30, Marie Médiatrice)"), "attachments: {page}");
    assert!(!page.contains("23:30"));

    // The API keeps UTC and says so.
    let saisine = app.saisine(&reference);
    assert_eq!(saisine["created_at"], "2026-06-14T23:30:00Z");
    assert_eq!(saisine["updated_at"], "2026-06-14T23:30:00Z");
    let (_, events) = app.get_json(&format!("/api/v1/saisines/{reference}/evenements"));
    for event in events.as_array().expect("événements") {
        assert_eq!(event["occurred_at"], "2026-06-14T23:30:00Z", "{event}");
    }

    // Tokens: created and last used at 01:30 in Paris.
    let created = app.post_form("/compte/jetons", &[("name", "script du soir")]);
    assert_eq!(created.status(), Status::Ok);
    let tokens = read(&app.browser, "/compte/jetons");
    assert!(tokens.contains("<th scope=\"row\">script du soir</th>\n      <td>15/06/2026 à 01:30</td>"), "{tokens}");
    assert_eq!(tokens.matches("<td>15/06/2026 à 01:30</td>").count(), 2, "and the API token's last use: {tokens}");

    // The audit log: the hour read in Paris, and the day typed in Paris selects it.
    let admin = app.browser_as(Role::Admin);
    let log = journal(&admin, &reference, "15/06/2026", "15/06/2026");
    assert!(log.contains("<td>15/06/2026 à 01:30:00</td>"), "{log}");
    let yesterday = journal(&admin, &reference, "2026-06-14", "2026-06-14");
    assert!(!yesterday.contains("à 01:30:00"), "23:30 UTC on the 14th belongs to the 15th in Paris");
    let unreadable = read(&admin, "/admin/journal?from=31/02/2026");
    assert!(unreadable.contains("date « du » illisible"), "{unreadable}");
    assert!(unreadable.contains(r#"value="31/02/2026""#), "what was typed stays");
}

#[test]
fn the_hour_follows_both_daylight_saving_changes() {
    let app = TestApp::on("2026-03-20");
    // (UTC instant, what a person in Paris reads, the Paris day it belongs to)
    let cases = [
        ("2026-03-28T22:59:00Z", "28/03/2026 à 23:59", "2026-03-28"),
        ("2026-03-28T23:00:00Z", "29/03/2026 à 00:00", "2026-03-29"),
        ("2026-03-29T00:30:00Z", "29/03/2026 à 01:30", "2026-03-29"),
        ("2026-03-29T01:00:00Z", "29/03/2026 à 03:00", "2026-03-29"),
        ("2026-03-29T21:59:00Z", "29/03/2026 à 23:59", "2026-03-29"),
        ("2026-03-29T22:00:00Z", "30/03/2026 à 00:00", "2026-03-30"),
        ("2026-10-24T21:59:00Z", "24/10/2026 à 23:59", "2026-10-24"),
        ("2026-10-24T22:00:00Z", "25/10/2026 à 00:00", "2026-10-25"),
        ("2026-10-25T00:30:00Z", "25/10/2026 à 02:30", "2026-10-25"),
        ("2026-10-25T01:00:00Z", "25/10/2026 à 02:00", "2026-10-25"),
        ("2026-10-25T22:59:00Z", "25/10/2026 à 23:59", "2026-10-25"),
        ("2026-10-25T23:00:00Z", "26/10/2026 à 00:00", "2026-10-26"),
    ];
    let mut references = Vec::new();
    for (when, _, day) in cases {
        at(&app, when);
        let reference = app.create(&anonymous().received_on(day));
        app.step(&reference, "prise-en-charge", json!({}));
        assert_eq!(app.saisine(&reference)["taken_on"], day, "{when}");
        assert_eq!(app.saisine(&reference)["created_at"], when);
        references.push(reference);
    }
    let admin = app.browser_as(Role::Admin);
    for ((when, shown, _), reference) in cases.iter().zip(&references) {
        let page = read(&app.browser, &format!("/saisines/{reference}"));
        assert!(page.contains(&format!("Prise en charge</strong> — le {shown} par")), "{when}: {shown}");
        let log = journal(&admin, reference, "", "");
        assert!(log.contains(&format!("<td>{shown}:00</td>")), "{when}: {shown}");
    }
    // The days of the changes are 23 and 25 hours long; each typed day selects exactly its own.
    for (index, (when, _, day)) in cases.iter().enumerate() {
        let reference = &references[index];
        let own = journal(&admin, reference, day, day);
        assert!(own.contains(&format!("<td>{}", cases[index].1)), "{when} on {day}");
        let day: chrono::NaiveDate = day.parse().unwrap();
        for other in [day.pred_opt().unwrap(), day.succ_opt().unwrap()] {
            let page = journal(&admin, reference, &other.to_string(), &other.to_string());
            assert!(!page.contains(&format!("<td>{}", cases[index].1)), "{when} is not on {other}");
        }
    }
}

#[test]
fn a_partner_reads_the_paris_day_and_hour_on_the_confirmation_and_the_acknowledgement() {
    let app = TestApp::new();
    at(&app, "2026-06-14T23:29:30Z");
    let partner = app.anonymous();
    let form_token = token(&partner);
    app.clock.advance(chrono::Duration::seconds(30));
    let response = send(&partner, &valid_fields(&form_token), &[]);
    assert_eq!(response.status(), Status::SeeOther);
    let confirmation_uri = response.headers().get_one("Location").expect("confirmation").to_string();
    let confirmation = partner.page(&confirmation_uri).replace("&#x2F;", "/").replace("&amp;", "&");
    assert!(confirmation.contains("Reçue le 15/06/2026 à 01:30 (heure de Paris)"), "{confirmation}");
    let start = confirmation.find("/partenaires/accuse/").expect("lien");
    let link = &confirmation[start..start + confirmation[start..].find('"').expect("fin du lien")];
    let pdf = partner.get(link);
    assert_eq!(pdf.content_type(), Some(ContentType::PDF));
    let (_, text) = pdf_text(&pdf.into_bytes().expect("PDF"));
    assert!(text.contains("15/06/2026 à 01:30"), "{text}");
    assert!(text.contains("Document établi le 15/06/2026"), "{text}");
    assert!(!text.contains("14/06/2026"));
    assert_eq!(app.saisine("2026-0001")["received_on"], "2026-06-15");
}

#[test]
fn the_report_is_dated_on_the_paris_day() {
    let app = TestApp::on("2026-12-31");
    app.create(&anonymous().received_on("2026-12-01"));
    at(&app, "2026-12-31T23:30:00Z");
    let page = read(&app.browser, "/rapports/2026");
    assert!(page.contains("chiffres arrêtés au 01/01/2027"), "{page}");
    let response = app.get("/rapports/2026.pdf");
    let (_, text) = pdf_text(&response.into_bytes().expect("PDF"));
    assert!(text.contains("Généré le 01/01/2027"), "{text}");
}
