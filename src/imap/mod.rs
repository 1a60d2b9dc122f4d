//! The mediation's mailboxes over IMAP: the settings (`settings.rs`), the connection
//! (`connect.rs`) and one pass over a mailbox (`fetch.rs`). What a message becomes is not
//! decided here: each raw message is handed to a [`MessageSink`], whose unique key per message
//! makes the whole exactly-once (a message recorded twice answers `AlreadyRecorded`).
//!
//! A message leaves the mailbox (moved to the processed folder) only after the sink has
//! recorded it, so a fetcher killed half-way loses nothing: the next pass records it again
//! (`AlreadyRecorded`) and moves it.

mod connect;
mod fetch;
mod report;
pub mod settings;
mod sink;

pub use fetch::{fetch_all, fetch_once, FetchOptions, MAX_MESSAGE_BYTES};
pub use report::MailboxReport;
pub use settings::{Account, ImapSettings};
pub use sink::AppSink;

/// Where each fetched message goes.
pub trait MessageSink: Send + Sync + 'static {
    /// Records one raw message read from `mailbox` (an account's label, see
    /// [`Account::label`]). Must be idempotent: the same message recorded again answers
    /// [`SinkOutcome::AlreadyRecorded`], even from two callers at once.
    fn record(&self, mailbox: &str, raw: &[u8]) -> Result<SinkOutcome, SinkError>;
}

/// What the sink did with a message; the message is moved to the processed folder after any
/// of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SinkOutcome {
    /// A new saisine was created.
    Created { reference: String },
    /// The message joined an existing saisine.
    Joined { reference: String },
    /// Recognised and set aside (automatic reply, delivery failure…).
    Ignored { reason: String },
    /// Kept as is in the « non traités » list.
    Unparsed,
    /// Recorded by an earlier pass (or by another fetcher at the same time).
    AlreadyRecorded,
}

/// The sink could not record the message: it stays in the mailbox for the next pass. The text
/// goes to the log, so it must not carry personal data.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct SinkError(pub String);

/// Why a mailbox could not be read, in French for the operator.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ImapError {
    #[error("réglage imap_url invalide : {0}")]
    Settings(String),
    #[error("mot de passe IMAP illisible ({0})")]
    PasswordFile(String),
    #[error("serveur IMAP {host} injoignable : {reason}")]
    Unreachable { host: String, reason: String },
    #[error("connexion chiffrée avec {host} impossible : {reason}")]
    Tls { host: String, reason: String },
    #[error("le serveur IMAP {host} a refusé l'identifiant ou le mot de passe")]
    Login { host: String },
    #[error("le serveur IMAP {host} ne répond pas (délai dépassé pendant : {during})")]
    Timeout { host: String, during: String },
    #[error("dossier IMAP « {folder} » : {reason}")]
    Folder { folder: String, reason: String },
    #[error("échange IMAP interrompu avec {host} : {reason}")]
    Protocol { host: String, reason: String },
}
