//! The application layer: the use cases every entry point (pages, API, CLI, import, partner
//! form, sweep) goes through. A use case owns its transaction, its timeline entry and its
//! audit record; the domain decides what is allowed; `db` only stores and reads.
//!
//! Error policy: use cases fail with [`AppError`], which keeps the domain's refusal (shown to
//! the user as is) apart from a missing record and from a storage failure (logged, never shown).

pub mod accounts;
pub mod admin;
pub mod anonymise;
pub mod attachments;
pub mod audit_queue;
pub mod bulk;
pub mod duplicates;
pub mod followups;
pub mod import;
mod letter_output;
pub mod letters;
pub mod mailbox;
pub mod notifications;
pub mod outbox;
pub mod referrals;
pub mod rights;
pub mod saisines;
pub mod satisfaction;
pub mod saved_views;
pub mod schedule;
pub mod sweep;
pub mod tokens;

use crate::db::DbError;
use crate::domain::DomainError;

pub use crate::db::audit::Actor;
pub use crate::db::saisines::Stamp;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The rules refuse: the message is for the user.
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error("introuvable")]
    NotFound,
    /// The storage failed: the message is for the log.
    #[error(transparent)]
    Db(DbError),
}

impl From<DbError> for AppError {
    fn from(error: DbError) -> Self {
        match error {
            DbError::NotFound => AppError::NotFound,
            DbError::Domain(e) => AppError::Domain(e),
            other => AppError::Db(other),
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(error: diesel::result::Error) -> Self {
        AppError::Db(error.into())
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// A use case's write transaction (BEGIN IMMEDIATE on SQLite); nested, a savepoint.
pub fn write<T>(
    conn: &mut crate::db::DbConn,
    work: impl FnOnce(&mut crate::db::DbConn) -> AppResult<T>,
) -> AppResult<T> {
    crate::db::pool::write_transaction_as(conn, work)
}
