//! The test application: a fresh SQLite file per test, a fixed clock, and fixture builders.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use rocket::http::{ContentType, Status};
use rocket::local::blocking::{Client, LocalResponse};
use serde_json::{json, Value};
use tempfile::TempDir;

use mediation::domain::clock::FixedClock;

/// The day the tests live on (a Monday).
pub const TODAY: &str = "2026-06-15";

pub fn noon(date: &str) -> DateTime<Utc> {
    let day: chrono::NaiveDate = date.parse().expect("date de test");
    Utc.from_utc_datetime(&day.and_hms_opt(10, 0, 0).expect("heure"))
}

/// The figment of a test: its own data directory and database file.
pub fn test_figment(dir: &TempDir) -> rocket::figment::Figment {
    let path = dir.path();
    mediation::config::figment()
        .merge(("data_dir", path.to_path_buf()))
        .merge(("database_url", format!("sqlite://{}", path.join("test.sqlite").display())))
        .merge(("log_level", "off"))
}

pub struct TestApp {
    pub client: Client,
    pub dir: TempDir,
}

impl TestApp {
    pub fn new() -> Self {
        Self::on(TODAY)
    }

    /// An application whose clock is stopped on `date`.
    pub fn on(date: &str) -> Self {
        Self::configured(date, |figment| figment)
    }

    /// An application with settings of its own on top of the test's.
    pub fn configured(
        date: &str,
        configure: impl FnOnce(rocket::figment::Figment) -> rocket::figment::Figment,
    ) -> Self {
        let dir = TempDir::new().expect("dossier temporaire");
        let rocket = mediation::web::build(configure(test_figment(&dir)), Arc::new(FixedClock(noon(date))));
        let client = Client::tracked(rocket).expect("application de test");
        TestApp { client, dir }
    }

    pub fn get(&self, uri: &str) -> LocalResponse<'_> {
        self.client.get(uri.to_string()).dispatch()
    }

    pub fn post_form(&self, uri: &str, fields: &[(&str, &str)]) -> LocalResponse<'_> {
        let body = serde_urlencoded::to_string(fields).expect("formulaire");
        self.client.post(uri.to_string()).header(ContentType::Form).body(body).dispatch()
    }

    pub fn post_json(&self, uri: &str, body: &Value) -> LocalResponse<'_> {
        self.client.post(uri.to_string()).header(ContentType::JSON).body(body.to_string()).dispatch()
    }

    pub fn patch_json(&self, uri: &str, body: &Value) -> LocalResponse<'_> {
        self.client.patch(uri.to_string()).header(ContentType::JSON).body(body.to_string()).dispatch()
    }

    pub fn get_json(&self, uri: &str) -> (Status, Value) {
        let response = self.get(uri);
        let status = response.status();
        (status, response.into_json().unwrap_or(Value::Null))
    }

    /// Creates a saisine through the API and returns its reference.
    pub fn create(&self, saisine: &SaisineBuilder) -> String {
        let response = self.post_json("/api/v1/saisines", &saisine.json());
        assert_eq!(response.status(), Status::Created, "création refusée : {:?}", response.into_string());
        let body: Value = response.into_json().expect("JSON");
        body["reference"].as_str().expect("référence").to_string()
    }

    /// Runs a move through the API and asserts it succeeded.
    pub fn step(&self, reference: &str, step: &str, body: Value) -> Value {
        let response = self.post_json(&format!("/api/v1/saisines/{reference}/{step}"), &body);
        let status = response.status();
        let json: Value = response.into_json().unwrap_or(Value::Null);
        assert_eq!(status, Status::Ok, "{step} refusé : {json}");
        json
    }

    pub fn saisine(&self, reference: &str) -> Value {
        let (status, body) = self.get_json(&format!("/api/v1/saisines/{reference}"));
        assert_eq!(status, Status::Ok);
        body
    }

    pub fn timeline_kinds(&self, reference: &str) -> Vec<String> {
        let (_, body) = self.get_json(&format!("/api/v1/saisines/{reference}/evenements"));
        body.as_array().expect("liste").iter().map(|e| e["kind"].as_str().unwrap_or_default().to_string()).collect()
    }

    pub fn count(&self) -> i64 {
        let (_, body) = self.get_json("/api/v1/saisines");
        body["total"].as_i64().expect("total")
    }
}

/// Computes a valid NIR key for a 13-character body (2A/2B read as 19/18).
pub fn nir_with_key(body: &str) -> String {
    let digits = body.replace("2A", "19").replace("2B", "18");
    let number: u64 = digits.parse().expect("chiffres");
    format!("{body}{:02}", 97 - number % 97)
}

/// A saisine to create, valid by default; each setter changes one field.
#[derive(Clone)]
pub struct SaisineBuilder {
    fields: serde_json::Map<String, Value>,
}

impl Default for SaisineBuilder {
    fn default() -> Self {
        let base = json!({
            "received_on": "2026-06-01",
            "channel": "courriel",
            "requester_type": "assure",
            "requester_name": "Jeanne Martin",
            "nir": nir_with_key("2840575123456"),
            "email": "jeanne.martin@exemple.fr",
            "phone": "06 12 34 56 78",
            "address": "1 rue de la Paix\n75002 Paris",
            "process": "revenus_remplacement",
            "motifs": ["paiement_non_recu"],
            "summary": "Indemnités journalières non versées depuis mars."
        });
        SaisineBuilder { fields: base.as_object().cloned().unwrap_or_default() }
    }
}

impl SaisineBuilder {
    pub fn set(mut self, field: &str, value: Value) -> Self {
        self.fields.insert(field.to_string(), value);
        self
    }

    pub fn received_on(self, date: &str) -> Self {
        self.set("received_on", json!(date))
    }

    pub fn channel(self, channel: &str) -> Self {
        self.set("channel", json!(channel))
    }

    pub fn process(self, process: &str) -> Self {
        self.set("process", json!(process))
    }

    pub fn motifs(self, motifs: &[&str]) -> Self {
        self.set("motifs", json!(motifs))
    }

    pub fn partner(self, partner: &str) -> Self {
        self.set("partner", json!(partner))
    }

    pub fn name(self, name: &str) -> Self {
        self.set("requester_name", json!(name))
    }

    pub fn json(&self) -> Value {
        Value::Object(self.fields.clone())
    }
}
