//! The mailboxes to read, from `imap_url` (one URL per mailbox) and `imap_password_file`.
//!
//! `imaps://user:password@host:993/INBOX` (TLS from the start), `imap://…:143/INBOX` (STARTTLS,
//! required), `imap://…?tls=none` (no encryption: only towards a loopback address, a local test
//! server). User and password are percent-decoded; the password file, when set, overrides
//! every URL's password.

use std::net::IpAddr;
use std::path::Path;

use percent_encoding::percent_decode_str;

use super::ImapError;
use crate::config::AppConfig;

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte (`imaps://`, port 993).
    Tls,
    /// Plain connection upgraded with STARTTLS before the login (`imap://`, port 143).
    StartTls,
    /// No encryption at all (`?tls=none`): loopback only.
    None,
}

/// One mailbox of one account.
#[derive(Clone, PartialEq, Eq)]
pub struct Account {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: String,
    password: String,
    /// The mailbox's name as the user wrote it (UTF-8), `INBOX` by default.
    pub mailbox: String,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("mailbox", &self.mailbox)
            .finish_non_exhaustive()
    }
}

impl Account {
    /// How the mailbox is named to the sink and to the operator: `user@host/mailbox` (never
    /// the password).
    pub fn label(&self) -> String {
        format!("{}@{}/{}", self.user, self.host, self.mailbox)
    }

    pub fn password(&self) -> &str {
        &self.password
    }

    /// The same mailbox with another password (the password file's).
    pub fn with_password(mut self, password: &str) -> Account {
        self.password = password.to_string();
        self
    }

    /// Reads one `imap_url`. `has_password_file`: a password may be missing from the URL.
    pub fn parse(text: &str, has_password_file: bool) -> Result<Account, ImapError> {
        let invalid = |why: &str| ImapError::Settings(format!("{} : {why}", redact(text)));
        let url = url::Url::parse(text.trim()).map_err(|e| invalid(&format!("adresse illisible ({e})")))?;
        let (tls, default_port) = match url.scheme() {
            "imaps" => (Security::Tls, 993),
            "imap" => (Security::StartTls, 143),
            other => return Err(invalid(&format!("le schéma doit être imaps:// ou imap://, pas « {other}:// »"))),
        };
        let host = url.host_str().filter(|h| !h.is_empty()).ok_or_else(|| invalid("le nom du serveur manque"))?;
        let host = host.trim_start_matches('[').trim_end_matches(']').to_string();
        let mut security = tls;
        for (key, value) in url.query_pairs() {
            match (key.as_ref(), value.as_ref()) {
                ("tls", "none") if tls == Security::StartTls => security = Security::None,
                ("tls", "none") => return Err(invalid("« tls=none » ne va pas avec imaps:// (prenez imap://)")),
                _ => return Err(invalid(&format!("paramètre inconnu « {key} » (seul « tls=none » est admis)"))),
            }
        }
        if security == Security::None && !is_loopback(&host) {
            return Err(invalid(&format!(
                "« tls=none » (connexion non chiffrée) n'est permis que vers l'adresse locale (127.0.0.1, ::1, \
                 localhost), pas vers « {host} » : utilisez imaps:// ou imap:// avec STARTTLS"
            )));
        }
        let user = decode(url.username()).map_err(|_| invalid("identifiant mal encodé"))?;
        if user.is_empty() {
            return Err(invalid("l'identifiant manque (imaps://identifiant:mot-de-passe@serveur/INBOX)"));
        }
        let password = decode(url.password().unwrap_or_default()).map_err(|_| invalid("mot de passe mal encodé"))?;
        if password.is_empty() && !has_password_file {
            return Err(invalid("le mot de passe manque : dans l'adresse ou dans MEDIATION_IMAP_PASSWORD_FILE"));
        }
        let path = decode(url.path().trim_start_matches('/')).map_err(|_| invalid("nom de dossier mal encodé"))?;
        let mailbox = if path.is_empty() { "INBOX".to_string() } else { path };
        Ok(Account { host, port: url.port().unwrap_or(default_port), security, user, password, mailbox })
    }
}

/// The whole IMAP side of the settings.
#[derive(Debug, Clone)]
pub struct ImapSettings {
    pub accounts: Vec<Account>,
    /// Where a recorded message goes (UTF-8; created when missing).
    pub processed_folder: String,
    /// Minutes between two passes of the server's worker (0: no worker).
    pub interval_minutes: u64,
}

impl ImapSettings {
    /// Checks the settings without reading any file: at start-up, for every command.
    pub fn check(config: &AppConfig) -> Result<(), ImapError> {
        Self::parse(config).map(|_| ())
    }

    /// The mailboxes to read, with the password file read; `None` without `imap_url`.
    pub fn from_config(config: &AppConfig) -> Result<Option<ImapSettings>, ImapError> {
        let Some(mut settings) = Self::parse(config)? else { return Ok(None) };
        if let Some(file) = &config.imap_password_file {
            let password = read_password(file)?;
            settings.accounts = settings.accounts.into_iter().map(|a| a.with_password(&password)).collect();
        }
        Ok(Some(settings))
    }

    fn parse(config: &AppConfig) -> Result<Option<ImapSettings>, ImapError> {
        let urls: Vec<&str> = config.imap_url.iter().map(|u| u.trim()).filter(|u| !u.is_empty()).collect();
        if urls.is_empty() {
            return Ok(None);
        }
        let has_file = config.imap_password_file.is_some();
        let accounts = urls.iter().map(|u| Account::parse(u, has_file)).collect::<Result<Vec<_>, _>>()?;
        let processed_folder = config.imap_processed_folder.trim().to_string();
        if processed_folder.is_empty() {
            return Err(ImapError::Settings("imap_processed_folder est vide".into()));
        }
        if let Some(same) = accounts.iter().find(|a| a.mailbox == processed_folder) {
            return Err(ImapError::Settings(format!(
                "le dossier des messages traités (imap_processed_folder) ne peut pas être la boîte relevée elle-même \
                 (« {} »)",
                same.mailbox
            )));
        }
        Ok(Some(ImapSettings { accounts, processed_folder, interval_minutes: config.imap_interval_minutes }))
    }
}

fn read_password(file: &Path) -> Result<String, ImapError> {
    let text =
        std::fs::read_to_string(file).map_err(|e| ImapError::PasswordFile(format!("{} : {e}", file.display())))?;
    let password = text.trim_end_matches(['\r', '\n']).to_string();
    if password.is_empty() {
        return Err(ImapError::PasswordFile(format!("{} est vide", file.display())));
    }
    Ok(password)
}

/// A loopback address, or `localhost` (which RFC 6761 keeps on the machine itself).
fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost") || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn decode(text: &str) -> Result<String, std::str::Utf8Error> {
    percent_decode_str(text).decode_utf8().map(|t| t.into_owned())
}

/// The URL with its password hidden, for error messages.
fn redact(text: &str) -> String {
    match url::Url::parse(text.trim()) {
        Ok(mut url) => {
            if url.password().is_some() {
                let _ = url.set_password(Some("***"));
            }
            url.to_string()
        }
        Err(_) => "(adresse illisible)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_an_imaps_url_with_encoded_credentials() {
        let account = Account::parse("imaps://mediation%40cpam.fr:p%40ss%3Aw%C3%B6rd@imap.cpam.fr/INBOX", false)
            .expect("adresse valide");
        assert_eq!(account.host, "imap.cpam.fr");
        assert_eq!(account.port, 993);
        assert_eq!(account.security, Security::Tls);
        assert_eq!(account.user, "mediation@cpam.fr");
        assert_eq!(account.password(), "p@ss:wörd");
        assert_eq!(account.mailbox, "INBOX");
        assert_eq!(account.label(), "mediation@cpam.fr@imap.cpam.fr/INBOX");
        assert!(!format!("{account:?}").contains("p@ss"));
    }

    #[test]
    fn imap_means_starttls_and_a_mailbox_may_be_named() {
        let account = Account::parse("imap://u:p@imap.cpam.fr/Bo%C3%AEte%20g%C3%A9n%C3%A9rique", false).unwrap();
        assert_eq!((account.port, account.security), (143, Security::StartTls));
        assert_eq!(account.mailbox, "Boîte générique");
        assert_eq!(Account::parse("imap://u:p@h", false).unwrap().mailbox, "INBOX");
    }

    #[test]
    fn no_encryption_only_towards_loopback() {
        for host in ["127.0.0.1", "127.0.0.2", "[::1]", "localhost"] {
            let account = Account::parse(&format!("imap://u:p@{host}:1143/INBOX?tls=none"), false).unwrap();
            assert_eq!(account.security, Security::None, "{host}");
        }
        for host in ["imap.cpam.fr", "10.0.0.1", "192.168.1.10", "[2001:db8::1]"] {
            let error = Account::parse(&format!("imap://u:secret@{host}/INBOX?tls=none"), false).unwrap_err();
            let text = error.to_string();
            assert!(text.contains("n'est permis que vers l'adresse locale"), "{text}");
            assert!(!text.contains("secret"), "{text}");
        }
        assert!(Account::parse("imaps://u:p@127.0.0.1/INBOX?tls=none", false).is_err());
    }

    #[test]
    fn refuses_what_cannot_work() {
        for url in ["http://u:p@h/INBOX", "imaps://h/INBOX", "imaps://u@h/INBOX", "imaps://u:p@h/?starttls=1"] {
            assert!(Account::parse(url, false).is_err(), "{url}");
        }
        assert!(Account::parse("imaps://u@h/INBOX", true).is_ok());
    }
}
