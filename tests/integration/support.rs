//! The test application: a fresh SQLite file per test, a clock moved by hand, accounts
//! created directly in the database, and fixture builders.

use std::cell::RefCell;
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use rocket::http::{ContentType, Header, Status};
use rocket::local::blocking::{Client, LocalResponse};
use serde_json::{json, Value};
use tempfile::TempDir;

use mediation::auth::{password, tokens, Role, UserId};
use mediation::db::users::NewAccount;
use mediation::db::{api_tokens, pool, users, DbConn};
use mediation::domain::clock::ManualClock;

/// The day the tests live on (a Monday).
pub const TODAY: &str = "2026-06-15";
/// The password of every test account.
pub const PASSWORD: &str = "cheval-agrafe-batterie-42";
pub const MEDIATOR_EMAIL: &str = "marie@cpam.test";
pub const MEDIATOR_NAME: &str = "Marie Médiatrice";

pub fn noon(date: &str) -> DateTime<Utc> {
    let day: chrono::NaiveDate = date.parse().expect("date de test");
    Utc.from_utc_datetime(&day.and_hms_opt(10, 0, 0).expect("heure"))
}

/// Set to a PostgreSQL server's URL, the suite runs there, each test in a database of its own.
pub const POSTGRES_ENV: &str = "MEDIATION_TEST_DATABASE_URL";

/// A test's folder and database: a SQLite file in the folder, or a PostgreSQL database of its
/// own (dropped at the end) when `MEDIATION_TEST_DATABASE_URL` is set.
pub struct TestDir {
    dir: TempDir,
    pub url: String,
    postgres: Option<(String, String)>,
}

impl std::ops::Deref for TestDir {
    type Target = TempDir;
    fn deref(&self) -> &TempDir {
        &self.dir
    }
}

impl TestDir {
    pub fn new() -> Self {
        match std::env::var(POSTGRES_ENV).ok().filter(|u| !u.trim().is_empty()) {
            None => Self::sqlite(),
            Some(server) => Self::on_postgres(server),
        }
    }

    fn on_postgres(server: String) -> Self {
        let dir = TempDir::new().expect("dossier temporaire");
        let unique = tokens::new_token().to_lowercase().replace(['-', '_'], "");
        let name = format!("mediation_test_{}_{}", std::process::id(), &unique[..12]);
        admin_sql(&server, &format!("CREATE DATABASE \"{name}\""));
        let (base, query) =
            server.split_once('?').map(|(b, q)| (b, format!("?{q}"))).unwrap_or((server.as_str(), String::new()));
        let url = format!("{}/{name}{query}", &base[..base.rfind('/').expect("URL PostgreSQL avec un nom de base")]);
        TestDir { dir, url, postgres: Some((server, name)) }
    }

    /// A SQLite test database, whatever the environment says.
    pub fn sqlite() -> Self {
        let dir = TempDir::new().expect("dossier temporaire");
        let url = format!("sqlite://{}", dir.path().join("test.sqlite").display());
        TestDir { dir, url, postgres: None }
    }

    /// A PostgreSQL test database on the server `MEDIATION_TEST_DATABASE_URL` names.
    pub fn postgres() -> Self {
        let server = std::env::var(POSTGRES_ENV).expect("MEDIATION_TEST_DATABASE_URL : un serveur PostgreSQL");
        Self::on_postgres(server)
    }

    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }
}

impl Drop for TestDir {
    fn drop(&mut self) {
        if let Some((server, name)) = &self.postgres {
            admin_sql(server, &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
        }
    }
}

fn admin_sql(server: &str, sql: &str) {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let mut conn = diesel::PgConnection::establish(server).expect("serveur PostgreSQL des tests");
    conn.batch_execute(sql).expect(sql);
}

pub fn database_url(dir: &TestDir) -> String {
    dir.url.clone()
}

/// The figment of a test: its own data directory and database.
pub fn test_figment(dir: &TestDir) -> rocket::figment::Figment {
    mediation::config::figment()
        .merge(("data_dir", dir.path().to_path_buf()))
        .merge(("database_url", database_url(dir)))
        .merge(("log_level", "off"))
        // Tests run the deadline sweep themselves, on the day they choose.
        .merge(("sweep_interval_minutes", 0))
}

/// A direct connection to a test's database, migrated.
pub fn connect(dir: &TestDir) -> DbConn {
    let url = database_url(dir);
    pool::migrate(&url).expect("migrations");
    pool::connect(&url).expect("connexion")
}

/// Creates an account straight in the database.
pub fn create_user(dir: &TestDir, email: &str, name: &str, role: Role) -> UserId {
    let hash = password::hash(PASSWORD).expect("empreinte");
    let account = NewAccount {
        email,
        display_name: name,
        role,
        password_hash: &hash,
        must_change_password: false,
        password_expires_at: None,
    };
    users::create(&mut connect(dir), &account, noon(TODAY).naive_utc()).expect("compte")
}

/// A personal API token for an account.
pub fn api_token(dir: &TestDir, user: UserId) -> String {
    let token = tokens::new_token();
    api_tokens::create(&mut connect(dir), user, "tests", &tokens::digest(&token), noon(TODAY).naive_utc())
        .expect("jeton");
    token
}

/// An account's id, by e-mail.
pub fn user_id(dir: &TestDir, email: &str) -> UserId {
    UserId(users::row_by_email(&mut connect(dir), email).expect("base").expect("compte").id)
}

/// The value of the first `csrf_token` field of a page.
pub fn csrf_of(page: &str) -> String {
    let marker = r#"name="csrf_token" value=""#;
    let start = page.find(marker).expect("jeton CSRF dans la page") + marker.len();
    page[start..start + page[start..].find('"').expect("fin du jeton")].to_string()
}

/// A browser: its own cookie jar, signed in or not.
pub struct Browser {
    pub client: Client,
    csrf: RefCell<Option<String>>,
}

impl From<Client> for Browser {
    fn from(client: Client) -> Self {
        Browser { client, csrf: RefCell::new(None) }
    }
}

impl Browser {
    pub fn get(&self, uri: &str) -> LocalResponse<'_> {
        self.client.get(uri.to_string()).dispatch()
    }

    pub fn page(&self, uri: &str) -> String {
        let response = self.get(uri);
        assert_eq!(response.status(), Status::Ok, "GET {uri}");
        response.into_string().expect("page")
    }

    /// The CSRF token of the current session, read from a page.
    pub fn csrf(&self) -> String {
        if let Some(token) = self.csrf.borrow().clone() {
            return token;
        }
        let page = self.get("/connexion").into_string().unwrap_or_default();
        let token = csrf_of(&page);
        *self.csrf.borrow_mut() = Some(token.clone());
        token
    }

    pub fn forget_csrf(&self) {
        *self.csrf.borrow_mut() = None;
    }

    /// Posts a form with its CSRF token.
    pub fn post_form(&self, uri: &str, fields: &[(&str, &str)]) -> LocalResponse<'_> {
        let token = self.csrf();
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(uri, &all)
    }

    /// Posts a form exactly as given (no CSRF token added).
    pub fn post_raw(&self, uri: &str, fields: &[(&str, &str)]) -> LocalResponse<'_> {
        let body = serde_urlencoded::to_string(fields).expect("formulaire");
        self.client.post(uri.to_string()).header(ContentType::Form).body(body).dispatch()
    }

    /// Signs in with a password; the session's token replaces the pre-session one.
    pub fn sign_in(&self, email: &str, password: &str) -> Status {
        self.forget_csrf();
        let status = self.post_form("/connexion", &[("email", email), ("password", password)]).status();
        self.forget_csrf();
        status
    }
}

pub struct TestApp {
    pub dir: TestDir,
    pub clock: Arc<ManualClock>,
    /// Signed in as the mediator.
    pub browser: Browser,
    /// The mediator's API token.
    pub token: String,
    figment: rocket::figment::Figment,
}

impl TestApp {
    pub fn new() -> Self {
        Self::on(TODAY)
    }

    /// An application whose clock starts on `date`.
    pub fn on(date: &str) -> Self {
        Self::configured(date, |figment| figment)
    }

    /// An application with settings of its own on top of the test's.
    pub fn configured(
        date: &str,
        configure: impl FnOnce(rocket::figment::Figment) -> rocket::figment::Figment,
    ) -> Self {
        Self::in_dir(TestDir::new(), date, configure)
    }

    /// An application on a given test database.
    pub fn in_dir(
        dir: TestDir,
        date: &str,
        configure: impl FnOnce(rocket::figment::Figment) -> rocket::figment::Figment,
    ) -> Self {
        let clock = Arc::new(ManualClock::new(noon(date)));
        let figment = configure(test_figment(&dir));
        let mediator = create_user(&dir, MEDIATOR_EMAIL, MEDIATOR_NAME, Role::Mediateur);
        let token = api_token(&dir, mediator);
        let app = TestApp { browser: Self::new_browser(&figment, &clock), dir, clock, token, figment };
        assert_eq!(app.browser.sign_in(MEDIATOR_EMAIL, PASSWORD), Status::SeeOther);
        app
    }

    fn new_browser(figment: &rocket::figment::Figment, clock: &Arc<ManualClock>) -> Browser {
        let rocket = mediation::web::build(figment.clone(), clock.clone());
        Browser { client: Client::tracked(rocket).expect("application de test"), csrf: RefCell::new(None) }
    }

    /// Another browser on the same application, signed in as nobody.
    pub fn anonymous(&self) -> Browser {
        Self::new_browser(&self.figment, &self.clock)
    }

    /// A browser signed in as a new account of `role` (administrators enrol their second factor).
    pub fn browser_as(&self, role: Role) -> Browser {
        let email = format!("{}@cpam.test", role.code());
        let name = format!("{} de test", role.label());
        create_user(&self.dir, &email, &name, role);
        let browser = self.anonymous();
        assert_eq!(browser.sign_in(&email, PASSWORD), Status::SeeOther);
        if role == Role::Admin {
            enrol_second_factor(&browser, &self.clock);
        }
        browser
    }

    /// An API token for a new account of `role`.
    pub fn token_as(&self, role: Role, email: &str) -> String {
        let user = create_user(&self.dir, email, email, role);
        api_token(&self.dir, user)
    }

    pub fn get(&self, uri: &str) -> LocalResponse<'_> {
        self.browser.get(uri)
    }

    pub fn post_form(&self, uri: &str, fields: &[(&str, &str)]) -> LocalResponse<'_> {
        self.browser.post_form(uri, fields)
    }

    fn bearer(&self) -> Header<'static> {
        Header::new("Authorization", format!("Bearer {}", self.token))
    }

    pub fn api_get(&self, uri: &str) -> LocalResponse<'_> {
        self.browser.client.get(uri.to_string()).header(self.bearer()).dispatch()
    }

    pub fn post_json(&self, uri: &str, body: &Value) -> LocalResponse<'_> {
        self.browser
            .client
            .post(uri.to_string())
            .header(ContentType::JSON)
            .header(self.bearer())
            .body(body.to_string())
            .dispatch()
    }

    pub fn patch_json(&self, uri: &str, body: &Value) -> LocalResponse<'_> {
        self.browser
            .client
            .patch(uri.to_string())
            .header(ContentType::JSON)
            .header(self.bearer())
            .body(body.to_string())
            .dispatch()
    }

    pub fn get_json(&self, uri: &str) -> (Status, Value) {
        let response = self.api_get(uri);
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

    /// The audit log's actions, oldest first (views waiting in the queue written first).
    pub fn audit_actions(&self) -> Vec<(String, String, String)> {
        use diesel::prelude::*;
        mediation::app::audit_queue::flush_all();
        use mediation::db::schema::audit_log;
        audit_log::table
            .order(audit_log::id.asc())
            .select((audit_log::action, audit_log::actor, audit_log::target))
            .load(&mut connect(&self.dir))
            .expect("journal")
    }
}

/// RFC 4648 base32 (no padding), to read the seed an enrolment page shows.
pub fn base32_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut bits: u64 = 0;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.chars().filter(|c| *c != '=') {
        let value = ALPHABET.find(c.to_ascii_uppercase()).expect("base32") as u64;
        bits = (bits << 5) | value;
        count += 5;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    out
}

/// The seed shown on the enrolment page.
pub fn enrolment_secret(page: &str) -> Vec<u8> {
    let marker = r#"<code class="secret">"#;
    let start = page.find(marker).expect("clé affichée") + marker.len();
    base32_decode(&page[start..start + page[start..].find('<').expect("fin de clé")])
}

/// Goes through the enrolment page with a valid code; returns the seed and recovery codes.
pub fn enrol_second_factor(browser: &Browser, clock: &ManualClock) -> (Vec<u8>, Vec<String>) {
    use mediation::domain::clock::Clock;
    let page = browser.page("/compte/double-facteur");
    let secret = enrolment_secret(&page);
    let code = mediation::auth::totp::code_at(&secret, clock.now().timestamp() as u64);
    let response = browser.post_form("/compte/double-facteur", &[("code", &code)]);
    assert_eq!(response.status(), Status::Ok, "enrôlement refusé");
    let page = response.into_string().expect("codes");
    let codes = page
        .split("<li><code>")
        .skip(1)
        .map(|part| part[..part.find('<').expect("fin")].to_string())
        .collect::<Vec<_>>();
    assert_eq!(codes.len(), 10);
    browser.forget_csrf();
    (secret, codes)
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

/// Everything the database holds, as bytes to search: the SQLite files, or a PostgreSQL dump.
pub fn database_bytes(dir: &TestDir) -> Vec<u8> {
    use diesel::connection::SimpleConnection;
    if dir.is_postgres() {
        let dump = std::process::Command::new("pg_dump").args(["--data-only", &dir.url]).output().expect("pg_dump");
        assert!(dump.status.success(), "{}", String::from_utf8_lossy(&dump.stderr));
        return dump.stdout;
    }
    connect(dir).batch_execute("PRAGMA wal_checkpoint(TRUNCATE);").expect("checkpoint");
    let mut bytes = std::fs::read(dir.path().join("test.sqlite")).expect("fichier SQLite");
    if let Ok(wal) = std::fs::read(dir.path().join("test.sqlite-wal")) {
        bytes.extend(wal);
    }
    bytes
}

/// Everything the application logged in this test binary, captured once for all tests.
pub fn captured_logs() -> String {
    use std::io::Write;
    use std::sync::{Mutex, OnceLock};
    static BUFFER: OnceLock<&'static Mutex<Vec<u8>>> = OnceLock::new();

    struct Sink(&'static Mutex<Vec<u8>>);
    impl Write for Sink {
        fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
            if let Ok(mut buffer) = self.0.lock() {
                buffer.extend_from_slice(data);
            }
            Ok(data.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    let buffer = BUFFER.get_or_init(|| {
        let buffer: &'static Mutex<Vec<u8>> = Box::leak(Box::new(Mutex::new(Vec::new())));
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(mediation::logging::DEFAULT_FILTER))
            .with_ansi(false)
            .with_writer(move || Sink(buffer))
            .finish();
        // Also bridges the `log` records of Rocket, as the binary does.
        let _ = tracing_subscriber::util::SubscriberInitExt::try_init(subscriber);
        buffer
    });
    buffer.lock().map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default()
}

/// Creates a saisine through the API of an asynchronous client: its status and reference.
pub async fn create_async(
    client: &rocket::local::asynchronous::Client,
    body: String,
    bearer: String,
) -> (Status, Option<String>) {
    let response = client
        .post("/api/v1/saisines")
        .header(ContentType::JSON)
        .header(Header::new("Authorization", bearer))
        .body(body)
        .dispatch()
        .await;
    let status = response.status();
    let json: Value = response.into_json().await.unwrap_or(Value::Null);
    (status, json["reference"].as_str().map(str::to_string))
}
