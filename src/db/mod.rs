//! The database layer: schema, rows, queries. Everything here speaks Diesel's DSL.
//!
//! A look-up by a unique key reads with `get_result`, not `first`: `first` adds `LIMIT ?`, and
//! SQLite plans with the value bound to a LIMIT, so it prepares such a statement again at each
//! execution (Diesel binds its parameters anew every time); that was an eighth of the server's
//! time on API creations. `first` stays where several rows may match.

pub mod api_tokens;
pub mod attachments;
pub mod audit;
pub mod bounded_count;
pub mod bulk;
pub mod cancel;
pub mod checkpoint;
pub mod connection;
pub mod copy;
pub mod deadline_settings;
pub mod digests;
pub mod duplicates;
pub mod events;
pub mod figures;
pub mod followups;
pub mod group_commit;
pub mod import;
pub mod inbound;
pub mod indicators;
pub mod interrupt;
pub mod letters;
pub mod list;
pub mod list_counts;
pub mod list_sort;
pub mod memo;
pub mod merges;
pub mod models;
pub mod name_walk;
pub mod outbox;
pub mod person;
pub mod pool;
pub mod queue;
pub mod reference_lists;
pub mod referrals;
pub mod report;
pub mod retention;
pub mod saisines;
pub mod satisfaction;
pub mod saved_views;
pub mod schedule;
pub mod schema;
pub mod search_keys;
pub mod sessions;
pub mod setup;
mod text_search;
pub mod users;
pub mod write_gate;

pub use pool::{DbBackend, DbConn, DbPool};

use crate::domain::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("requête : {0}")]
    Query(#[from] diesel::result::Error),
    #[error("pool de connexions : {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("connexion : {0}")]
    Connection(#[from] diesel::ConnectionError),
    #[error("migrations : {0}")]
    Migration(String),
    #[error("configuration de la base : {0}")]
    Config(String),
    #[error("données enregistrées incohérentes : {0}")]
    Corrupt(String),
    #[error("introuvable")]
    NotFound,
    /// A read stopped because it ran too long or nobody waited for it any more (`interrupt`).
    #[error("lecture interrompue : {0:?}")]
    Interrupted(interrupt::Interruption),
    #[error(transparent)]
    Domain(#[from] DomainError),
}

pub type DbResult<T> = Result<T, DbError>;
