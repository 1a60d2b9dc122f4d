//! Settings: `Rocket.toml`, then `ROCKET_*` and `MEDIATION_*` environment variables (figment).

use std::path::{Path, PathBuf};

use rocket::figment::providers::{Env, Format, Serialized, Toml};
use rocket::figment::Figment;
use rocket::figment::Profile;
use serde::{Deserialize, Serialize};

/// The mediation's own details, printed on forms and documents.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct MediationInfo {
    pub name: String,
    pub address: String,
    pub email: String,
    pub phone: String,
}

impl Default for MediationInfo {
    fn default() -> Self {
        MediationInfo {
            name: "Médiation de la CPAM".into(),
            address: String::new(),
            email: String::new(),
            phone: String::new(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct AppConfig {
    /// Where the SQLite file, the secret key and other files live.
    pub data_dir: PathBuf,
    /// `sqlite://path` or a plain path; defaults to `<data_dir>/mediation.sqlite`.
    pub database_url: Option<String>,
    pub database_pool_size: u32,
    /// Saisines per page in lists.
    pub page_size: i64,
    pub mediation: MediationInfo,
    /// Behind a reverse proxy that terminates TLS: mark cookies Secure and send HSTS.
    pub secure_cookies: bool,
    /// The partner form: submissions per client address and hour, and the form token's
    /// shortest and longest age.
    pub partner_form_per_hour: i64,
    pub partner_form_min_seconds: i64,
    pub partner_form_max_minutes: i64,
    /// The address the set-up link is printed with (e.g. `https://mediation.cpam.fr`).
    pub public_url: Option<String>,
    /// Minutes between two runs of the deadline sweep inside the server; 0 turns it off
    /// (e.g. when `mediation sweep` runs from cron instead).
    pub sweep_interval_minutes: u64,
    /// E-mail: the SMTP server in lettre's URL form (`smtps://user:password@host`,
    /// `smtp://127.0.0.1:2525` for a local relay); none: nothing is sent.
    pub smtp_url: Option<String>,
    /// A file holding the SMTP password (`MEDIATION_SMTP_PASSWORD_FILE`), instead of the URL's.
    pub smtp_password_file: Option<PathBuf>,
    /// The sender of every e-mail (`Médiation CPAM <mediation@cpam.fr>`).
    pub mail_from: Option<String>,
    /// Where the team's notifications of new partner saisines go.
    pub team_address: Option<String>,
    /// Seconds between two runs of the delivery worker inside the server; 0 turns it off
    /// (e.g. when `mediation mail send` runs from cron instead).
    pub mail_interval_seconds: u64,
    /// The reverse proxies' own addresses: only a connection from one of them may name the
    /// client's address in `client_ip_header`. Empty (the default): no header is believed.
    #[serde(deserialize_with = "string_or_list")]
    pub trusted_proxies: Vec<String>,
    /// The header the trusted proxies write the client's address in.
    pub client_ip_header: String,
    /// Milliseconds a view of personal data waits at most before its audit record is written
    /// (views are written in batches; 1 to 1,000).
    pub audit_flush_ms: u64,
    /// SQLite's page cache for the whole pool, in MiB, shared out among its connections.
    pub sqlite_cache_mib: u32,
    /// Seconds a statement of the server may run before it is cancelled on PostgreSQL, and a read
    /// of a page or of the API on SQLite (`db::interrupt`) (0: no bound).
    pub statement_timeout_seconds: u64,
    /// The mailboxes read over IMAP, one URL each (`imaps://user:password@host/INBOX`): a TOML
    /// list, or one string with the URLs separated by spaces. None: nothing is read.
    #[serde(deserialize_with = "words_or_list")]
    pub imap_url: Vec<String>,
    /// A file holding the IMAP password (`MEDIATION_IMAP_PASSWORD_FILE`), over every URL's.
    pub imap_password_file: Option<PathBuf>,
    /// Where a recorded message is moved (created when missing).
    pub imap_processed_folder: String,
    /// Minutes between two passes of the mailbox reader inside the server; 0 turns it off
    /// (e.g. when `mediation mail fetch` runs from cron instead).
    pub imap_interval_minutes: u64,
}

/// A list setting given as a TOML list or as one string (`MEDIATION_TRUSTED_PROXIES=a,b`).
fn string_or_list<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(deserializer)? {
        OneOrMany::One(text) => vec![text],
        OneOrMany::Many(list) => list,
    })
}

/// A list setting given as a TOML list or as one string of words separated by spaces
/// (`MEDIATION_IMAP_URL="imaps://… imaps://…"`).
fn words_or_list<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    let list = string_or_list(deserializer)?;
    Ok(list.iter().flat_map(|item| item.split_whitespace()).map(str::to_string).collect())
}

impl Default for AppConfig {
    fn default() -> Self {
        AppConfig {
            data_dir: PathBuf::from("data"),
            database_url: None,
            database_pool_size: 8,
            page_size: 50,
            mediation: MediationInfo::default(),
            secure_cookies: false,
            public_url: None,
            partner_form_per_hour: 10,
            partner_form_min_seconds: 3,
            partner_form_max_minutes: 120,
            sweep_interval_minutes: 60,
            trusted_proxies: Vec::new(),
            client_ip_header: "X-Real-IP".into(),
            smtp_url: None,
            smtp_password_file: None,
            mail_from: None,
            team_address: None,
            mail_interval_seconds: 30,
            audit_flush_ms: 200,
            sqlite_cache_mib: 32,
            statement_timeout_seconds: 30,
            imap_url: Vec::new(),
            imap_password_file: None,
            imap_processed_folder: "Traités".into(),
            imap_interval_minutes: 5,
        }
    }
}

impl AppConfig {
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("mediation.sqlite").display()))
    }

    pub fn from_figment(figment: &Figment) -> Result<Self, ConfigError> {
        let config: AppConfig = figment.extract().map_err(|e| ConfigError::Invalid(e.to_string()))?;
        config.proxies()?;
        crate::imap::ImapSettings::check(&config).map_err(|e| ConfigError::Invalid(e.to_string()))?;
        Ok(config)
    }

    /// The trusted proxies' addresses, checked.
    pub fn proxies(&self) -> Result<Vec<std::net::IpAddr>, ConfigError> {
        crate::web::client_address::parse_list(&self.trusted_proxies)
            .map_err(|bad| ConfigError::Invalid(format!("trusted_proxies : « {bad} » n'est pas une adresse IP")))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration invalide : {0}")]
    Invalid(String),
    #[error("clé secrète : {0}")]
    SecretKey(String),
}

/// Body limits that fit the application: a CSV file to import may weigh up to 20 MiB, so a
/// multipart form may carry 24 MiB; attachments (5 MB each) are checked by the application,
/// which then answers with a message rather than a cut connection.
fn default_limits() -> rocket::data::Limits {
    use rocket::data::ToByteUnit;
    rocket::data::Limits::default()
        .limit("form", 64.kibibytes())
        .limit("data-form", 24.mebibytes())
        .limit("file", 20.mebibytes())
        .limit("json", 1.mebibytes())
}

/// Rocket's settings, with our defaults under `Rocket.toml`, and the `ROCKET_*` then
/// `MEDIATION_*` environment variables over it.
pub fn figment() -> Figment {
    Figment::from(rocket::Config::default())
        // Rocket would believe `X-Real-IP` from anyone: the application reads the client's
        // address itself (`trusted_proxies`, `client_ip_header`).
        .merge(("ip_header", false))
        .merge(Serialized::defaults(AppConfig::default()))
        .merge(Serialized::default("limits", default_limits()))
        // A stopping server (SIGTERM, Ctrl-C) lets requests finish for 2 s, then closes the
        // connections within 2 s more (Rocket's defaults are 2 and 3).
        .merge(Serialized::default("shutdown.grace", 2))
        .merge(Serialized::default("shutdown.mercy", 2))
        .merge(Toml::file(Env::var_or("ROCKET_CONFIG", "Rocket.toml")).nested())
        .merge(Env::prefixed("ROCKET_").ignore(&["PROFILE"]).global())
        .merge(Env::prefixed("MEDIATION_").global())
        .select(Profile::from_env_or("ROCKET_PROFILE", rocket::Config::DEFAULT_PROFILE))
}

/// Adds the secret key that signs and encrypts cookies when none is configured: created once
/// in the data directory (mode 0600) and reused, so that sessions survive a restart.
pub fn with_secret_key(figment: Figment) -> Result<Figment, ConfigError> {
    // Rocket's own defaults hold an all-zero key: only a real one counts as configured.
    let configured =
        figment.extract_inner::<rocket::config::SecretKey>("secret_key").map(|k| !k.is_zero()).unwrap_or(false);
    if configured {
        return Ok(figment);
    }
    let config = AppConfig::from_figment(&figment)?;
    let key = load_or_create_secret(&config.data_dir)?;
    Ok(figment.merge(("secret_key", key)))
}

fn load_or_create_secret(data_dir: &Path) -> Result<String, ConfigError> {
    let path = data_dir.join("secret_key");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let key = existing.trim().to_string();
        if key.len() == 64 && key.chars().all(|c| c.is_ascii_hexdigit()) {
            return Ok(key);
        }
        return Err(ConfigError::SecretKey(format!(
            "{} ne contient pas une clé de 64 caractères hexadécimaux",
            path.display()
        )));
    }
    std::fs::create_dir_all(data_dir)
        .map_err(|e| ConfigError::SecretKey(format!("création de {} : {e}", data_dir.display())))?;
    let bytes: [u8; 32] = rand::random();
    let key = hex::encode(bytes);
    write_private(&path, &key).map_err(|e| ConfigError::SecretKey(format!("écriture de {} : {e}", path.display())))?;
    tracing::info!(path = %path.display(), "clé secrète créée");
    Ok(key)
}

#[cfg(unix)]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    file.write_all(content.as_bytes())?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    std::fs::write(path, content)
}
