//! The one way the mailbox tests hand a message to the application: [`deliver`] places it in
//! a mailbox of the real IMAP server (dovecot, APPEND) and runs the application's fetcher on
//! it, which hands the bytes it read to the use case, then moves the message away.

use base64::Engine;
use mediation::app::mailbox::{ingest, Ingested, Source};
use mediation::domain::clock::Clock;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use mediation::imap::{fetch_once, MessageSink, SinkError, SinkOutcome};

use crate::support::{database_url, TestApp};

/// The application's own sender in these tests (as `mail::FROM` of the correspondence tests).
pub const OWN_ADDRESS: &str = "mediation@cpam.test";

pub fn source() -> Source {
    Source { mailbox: "INBOX".into(), own_address: Some(OWN_ADDRESS.into()) }
}

/// Hands one raw message to the application through a mailbox of its own on the IMAP server,
/// at the app's time; answers what the use case made of it.
pub fn deliver(app: &TestApp, raw: &[u8]) -> Ingested {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let user = format!("boite-{}", NEXT.fetch_add(1, Ordering::SeqCst));
    let account = crate::imap::account(&user, "INBOX");
    crate::imap::append(&user, "INBOX", raw);
    let sink = Arc::new(IngestSink { url: database_url(&app.dir), now: app.clock.now(), outcome: Mutex::default() });
    let report = crate::imap::block_on(fetch_once(&account, &crate::imap::options(), sink.clone()));
    assert_eq!((report.read, report.moved), (1, 1), "message relu puis rangé : {report:?}");
    let outcome = sink.outcome.lock().expect("résultat").take();
    outcome.expect("message remis à l'application")
}

/// Hands bytes straight to the use case: for what no IMAP server would store (NUL bytes, no
/// header at all), which the use case must still survive.
pub fn deliver_direct(app: &TestApp, raw: &[u8]) -> Ingested {
    let mut conn = mediation::db::pool::connect(&database_url(&app.dir)).expect("connexion");
    ingest(&mut conn, &source(), raw, app.clock.now()).expect("message enregistré")
}

/// The use case behind the fetcher, keeping its answer for the test.
struct IngestSink {
    url: String,
    now: chrono::DateTime<chrono::Utc>,
    outcome: Mutex<Option<Ingested>>,
}

impl MessageSink for IngestSink {
    fn record(&self, _mailbox: &str, raw: &[u8]) -> Result<SinkOutcome, SinkError> {
        let mut conn = mediation::db::pool::connect(&self.url).map_err(|e| SinkError(e.to_string()))?;
        let outcome = ingest(&mut conn, &source(), raw, self.now).map_err(|e| SinkError(e.to_string()))?;
        let answer = match &outcome {
            Ingested::NewSaisine { reference } => SinkOutcome::Created { reference: reference.clone() },
            Ingested::JoinedSaisine { reference } => SinkOutcome::Joined { reference: reference.clone() },
            Ingested::Ignored { reason } => SinkOutcome::Ignored { reason: reason.label().into() },
            Ingested::Unparsed => SinkOutcome::Unparsed,
            Ingested::AlreadyRecorded => SinkOutcome::AlreadyRecorded,
        };
        *self.outcome.lock().expect("résultat") = Some(outcome);
        Ok(answer)
    }
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
