//! The application's own sink: each message read becomes what `app::mailbox` decides (a new
//! saisine, a reply joined to its saisine, an automatic reply set aside, an unparsed message
//! kept), recorded once per message.

use std::sync::Arc;

use super::{MessageSink, SinkError, SinkOutcome};
use crate::app::mailbox::{ingest, Ingested, Source};
use crate::app::AppError;
use crate::config::AppConfig;
use crate::db::DbPool;
use crate::domain::clock::Clock;

/// Records each message through the application layer, on a pooled connection.
#[derive(Clone)]
pub struct AppSink {
    pub pool: DbPool,
    pub clock: Arc<dyn Clock>,
    /// The application's own sender address (`mail_from`): its own messages are set aside.
    pub own_address: Option<String>,
}

impl AppSink {
    pub fn new(pool: DbPool, clock: Arc<dyn Clock>, config: &AppConfig) -> AppSink {
        let own_address = Source::from_config(config, "").own_address;
        AppSink { pool, clock, own_address }
    }
}

impl MessageSink for AppSink {
    fn record(&self, mailbox: &str, raw: &[u8]) -> Result<SinkOutcome, SinkError> {
        let source = Source { mailbox: mailbox.to_string(), own_address: self.own_address.clone() };
        let mut conn = self.pool.get().map_err(|e| SinkError(format!("base de données indisponible : {e}")))?;
        // The error's text goes to the log: a database error carries no message content, any
        // other refusal is told in fixed words.
        let outcome = ingest(&mut conn, &source, raw, self.clock.now()).map_err(|e| {
            SinkError(match e {
                AppError::Db(e) => format!("base de données : {e}"),
                _ => "enregistrement du courriel refusé".into(),
            })
        })?;
        Ok(match outcome {
            Ingested::NewSaisine { reference } => SinkOutcome::Created { reference },
            Ingested::JoinedSaisine { reference } => SinkOutcome::Joined { reference },
            Ingested::Ignored { reason } => SinkOutcome::Ignored { reason: reason.label().to_string() },
            Ingested::Unparsed => SinkOutcome::Unparsed,
            Ingested::AlreadyRecorded => SinkOutcome::AlreadyRecorded,
        })
    }
}
