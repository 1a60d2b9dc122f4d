//! The one way the mailbox tests hand a message to the application: [`deliver`]. Today it calls
//! the use case directly; routed through the real IMAP server, every test runs the same.

use base64::Engine;
use mediation::app::mailbox::{ingest, Ingested, Source};
use mediation::domain::clock::Clock;

use crate::support::{connect, TestApp};

/// The application's own sender in these tests (as `mail::FROM` of the correspondence tests).
pub const OWN_ADDRESS: &str = "mediation@cpam.test";

pub fn source() -> Source {
    Source { mailbox: "INBOX".into(), own_address: Some(OWN_ADDRESS.into()) }
}

/// Hands one raw message to the application, as the mailbox reader does, at the app's time.
pub fn deliver(app: &TestApp, raw: &[u8]) -> Ingested {
    ingest(&mut connect(&app.dir), &source(), raw, app.clock.now()).expect("message enregistré")
}

/// A message as it travels: CRLF line ends.
pub fn crlf(text: &str) -> Vec<u8> {
    text.replace("\r\n", "\n").replace('\n', "\r\n").into_bytes()
}

/// The reference of a new saisine, or a failure saying what happened instead.
pub fn new_saisine(outcome: Ingested) -> String {
    match outcome {
        Ingested::NewSaisine { reference } => reference,
        other => panic!("nouvelle saisine attendue : {other:?}"),
    }
}

pub fn joined(outcome: Ingested) -> String {
    match outcome {
        Ingested::JoinedSaisine { reference } => reference,
        other => panic!("rattachement attendu : {other:?}"),
    }
}

/// A small but real PDF and PNG.
pub fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

pub fn png() -> Vec<u8> {
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, 2, 2);
        encoder.set_color(png::ColorType::Rgb);
        let mut writer = encoder.write_header().expect("en-tête PNG");
        writer.write_image_data(&[0u8; 12]).expect("image");
    }
    bytes
}

/// Base64 cut in lines of 76 characters, as mail clients write it.
pub fn base64_lines(data: &[u8]) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(data);
    encoded.as_bytes().chunks(76).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("\n")
}

/// The timeline of a saisine as the API gives it (kind and details).
pub fn timeline(app: &TestApp, reference: &str) -> Vec<serde_json::Value> {
    let (_, body) = app.get_json(&format!("/api/v1/saisines/{reference}/evenements"));
    body.as_array().expect("historique").clone()
}

/// The last entry of a kind (its details flattened in, as the API writes them).
pub fn last_entry(app: &TestApp, reference: &str, kind: &str) -> serde_json::Value {
    timeline(app, reference)
        .into_iter()
        .rev()
        .find(|e| e["kind"] == kind)
        .unwrap_or_else(|| panic!("pas d'entrée {kind}"))
}
