//! Correspondence: templates, letters at each step, the outbox and its delivery through a
//! real SMTP server (aiosmtpd).

mod copy;
mod delivery;
mod digest;
mod letters;
mod partner;
mod satisfaction;
pub mod smtp;
mod templates;

use mediation::app::outbox::DeliveryReport;
use mediation::config::AppConfig;
use mediation::mail::Mailer;
use rocket::http::Status;
use serde_json::json;

use crate::support::{connect, SaisineBuilder, TestApp, TODAY};

pub const FROM: &str = "Médiation CPAM <mediation@cpam.test>";

/// An application that sends through `smtp_url`; its own worker is off, so each test says
/// when the outbox is delivered.
pub fn mail_app(smtp_url: &str) -> TestApp {
    let url = smtp_url.to_string();
    TestApp::configured(TODAY, move |figment| {
        figment.merge(("smtp_url", url)).merge(("mail_from", FROM)).merge(("mail_interval_seconds", 0))
    })
}

pub fn mailer(smtp_url: &str) -> Mailer {
    let config = AppConfig { smtp_url: Some(smtp_url.into()), mail_from: Some(FROM.into()), ..AppConfig::default() };
    Mailer::from_config(&config).expect("réglages SMTP").expect("SMTP configuré")
}

/// One run of the outbox's delivery, as `mediation mail send` does it.
pub fn deliver(app: &TestApp, smtp_url: &str) -> DeliveryReport {
    mediation::app::outbox::deliver_due(&mut connect(&app.dir), &mailer(smtp_url), app.clock.as_ref())
        .expect("envoi des courriels")
}

/// A saisine from a person with this address.
pub fn saisine_for(app: &TestApp, email: &str) -> String {
    app.create(&SaisineBuilder::default().set("email", json!(email)))
}

/// What a page shows, with Tera's escaping undone.
pub fn text(page: &str) -> String {
    page.replace("&#x27;", "'")
        .replace("&#x2F;", "/")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The content of the textarea `id`, unescaped.
pub fn textarea(page: &str, id: &str) -> String {
    let start = page.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("pas de champ {id}"));
    let open = start + page[start..].find('>').expect("balise");
    let close = open + page[open..].find("</textarea>").expect("fin du champ");
    text(&page[open + 1..close])
}

/// The value of the input `id`, unescaped.
pub fn input(page: &str, id: &str) -> String {
    let start = page.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("pas de champ {id}"));
    let value = start + page[start..].find("value=\"").expect("valeur") + 7;
    let end = value + page[value..].find('"').expect("fin de valeur");
    text(&page[value..end])
}

/// Posts a step with its letter; `letter` is `apercu`, `courriel` or `courrier`.
pub fn step_with_letter(app: &TestApp, reference: &str, step: &str, fields: &[(&str, &str)]) -> (Status, String) {
    let response = app.post_form(&format!("/saisines/{reference}/{step}"), fields);
    let status = response.status();
    (status, response.into_string().unwrap_or_default())
}

/// Text of a PDF, through poppler's pdftotext.
pub fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("dossier");
    let file = dir.path().join("courrier.pdf");
    std::fs::write(&file, pdf).expect("écriture du PDF");
    let out = std::process::Command::new("pdftotext").arg(&file).arg("-").output().expect("pdftotext");
    assert!(out.status.success(), "pdftotext : {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}
