//! E-mail through SMTP (lettre): the settings, a message written once with its Message-ID,
//! and its delivery. Messages are composed when they are queued and sent byte for byte, so
//! a resend after a crash is the same message with the same Message-ID.

use std::time::{Duration, UNIX_EPOCH};

use chrono::NaiveDateTime;
use lettre::address::Envelope;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Address, Message, SmtpTransport, Transport};

use crate::config::AppConfig;

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("réglage smtp_url invalide : {0}")]
    Url(String),
    #[error("réglage mail_from manquant ou invalide (attendu « Médiation <mediation@exemple.fr> »)")]
    From,
    #[error("mot de passe SMTP illisible ({0})")]
    PasswordFile(String),
    #[error("adresse du destinataire invalide")]
    Recipient,
    #[error("message impossible à composer : {0}")]
    Compose(String),
}

/// What the application sends with: the SMTP server and the sender's address.
#[derive(Clone)]
pub struct Mailer {
    transport: SmtpTransport,
    pub from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from.email.domain()).finish()
    }
}

/// The sender's address, when the settings name one.
pub fn sender(config: &AppConfig) -> Result<Mailbox, MailError> {
    config.mail_from.as_deref().ok_or(MailError::From)?.parse().map_err(|_| MailError::From)
}

impl Mailer {
    /// The mailer the settings describe; `None` without `smtp_url` (nothing is sent then).
    pub fn from_config(config: &AppConfig) -> Result<Option<Mailer>, MailError> {
        let Some(url) = config.smtp_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) else {
            return Ok(None);
        };
        let from = sender(config)?;
        // The URL's own password never reaches an error message.
        let mut builder = SmtpTransport::from_url(url).map_err(|_| MailError::Url(redact(url)))?;
        if let Some(file) = &config.smtp_password_file {
            let password = std::fs::read_to_string(file)
                .map_err(|e| MailError::PasswordFile(format!("{} : {e}", file.display())))?
                .trim_end_matches(['\r', '\n'])
                .to_string();
            let parsed = url::Url::parse(url).map_err(|_| MailError::Url(redact(url)))?;
            let user = percent_decode(parsed.username());
            builder = builder.credentials(Credentials::new(user, password));
        }
        let transport = builder.timeout(Some(Duration::from_secs(30))).build();
        Ok(Some(Mailer { transport, from }))
    }

    /// Hands one message to the server.
    pub fn send(&self, recipient: &str, message: &[u8]) -> Result<(), SendError> {
        let to: Address = recipient
            .parse()
            .map_err(|_| SendError { permanent: true, reason: "adresse du destinataire invalide".into() })?;
        let envelope = Envelope::new(Some(self.from.email.clone()), vec![to])
            .map_err(|e| SendError { permanent: true, reason: e.to_string() })?;
        self.transport
            .send_raw(&envelope, message)
            .map(|_| ())
            .map_err(|e| SendError { permanent: e.is_permanent(), reason: describe(&e) })
    }
}

/// A failed delivery: refused for good (5xx, bad address) or to try again.
#[derive(Debug, Clone)]
pub struct SendError {
    pub permanent: bool,
    pub reason: String,
}

/// The server's answer or the connection problem, in French where we can say it.
fn describe(error: &lettre::transport::smtp::Error) -> String {
    if let Some(code) = error.status() {
        let kind = if error.is_permanent() { "refus définitif" } else { "refus temporaire" };
        return format!("{kind} du serveur ({code}) : {error}");
    }
    if error.is_timeout() {
        return "le serveur SMTP ne répond pas (délai dépassé)".into();
    }
    format!("serveur SMTP injoignable : {error}")
}

fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            if parsed.password().is_some() {
                let _ = parsed.set_password(Some("***"));
            }
            parsed.to_string()
        }
        Err(_) => "(adresse illisible)".into(),
    }
}

fn percent_decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("u={}", text.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// A file joined to a message.
#[derive(Debug, Clone)]
pub struct MailAttachment {
    pub file_name: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

/// What a message says, before it is written out.
#[derive(Debug, Clone)]
pub struct Outgoing<'a> {
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub attachments: &'a [MailAttachment],
    pub message_id: &'a str,
    /// When it was written (UTC): its `Date` header.
    pub at: NaiveDateTime,
}

/// A Message-ID unique to one outbox row: `<random@sender's domain>`.
pub fn new_message_id(from: &Mailbox) -> String {
    let bytes: [u8; 16] = rand::random();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("<{hex}.mediation@{}>", from.email.domain())
}

/// The whole message, headers and attachments, as it will be sent.
pub fn compose(from: &Mailbox, message: &Outgoing) -> Result<Vec<u8>, MailError> {
    let to: Mailbox = message.to.parse().map_err(|_| MailError::Recipient)?;
    let seconds = u64::try_from(message.at.and_utc().timestamp()).unwrap_or(0);
    let builder = Message::builder()
        .message_id(Some(message.message_id.to_string()))
        .date(UNIX_EPOCH + Duration::from_secs(seconds))
        .from(from.clone())
        .to(to)
        .subject(message.subject);
    let text = SinglePart::plain(message.body.to_string());
    let email = if message.attachments.is_empty() {
        builder.singlepart(text)
    } else {
        let mut parts = MultiPart::mixed().singlepart(text);
        for file in message.attachments {
            let kind = ContentType::parse(&file.content_type)
                .or_else(|_| ContentType::parse("application/octet-stream"))
                .map_err(|e| MailError::Compose(e.to_string()))?;
            parts = parts.singlepart(Attachment::new(file.file_name.clone()).body(file.data.clone(), kind));
        }
        builder.multipart(parts)
    }
    .map_err(|e| MailError::Compose(e.to_string()))?;
    Ok(email.formatted())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_carries_its_id_subject_and_date() {
        let from: Mailbox = "Médiation <mediation@cpam.example>".parse().unwrap();
        let id = new_message_id(&from);
        assert!(id.starts_with('<') && id.ends_with("@cpam.example>"));
        let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 5).unwrap().and_hms_opt(9, 30, 0).unwrap();
        let raw = compose(
            &from,
            &Outgoing {
                to: "zoe@example.org",
                subject: "[Médiation 2026-0042] Réponse",
                body: "Été",
                attachments: &[],
                message_id: &id,
                at,
            },
        )
        .unwrap();
        let text = String::from_utf8_lossy(&raw);
        assert!(text.contains(&format!("Message-ID: {id}")), "{text}");
        assert!(text.contains("Date: Sat, 05 Dec 2026 09:30:00"), "{text}");
        assert!(compose(
            &from,
            &Outgoing { to: "pas une adresse", subject: "x", body: "x", attachments: &[], message_id: &id, at }
        )
        .is_err());
    }
}
