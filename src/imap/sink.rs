//! The application's own sink: each message read becomes what `app::mailbox` decides (a new
//! saisine, a reply joined to its saisine, an automatic reply set aside, an unparsed message
//! kept), recorded once per message.

use std::sync::Arc;

use super::{MessageSink, SinkError, SinkOutcome};
use crate::db::DbPool;
use crate::domain::clock::Clock;

/// Records each message through the application layer, on a pooled connection.
#[derive(Clone)]
pub struct AppSink {
    pub pool: DbPool,
    pub clock: Arc<dyn Clock>,
}

impl AppSink {
    pub fn new(pool: DbPool, clock: Arc<dyn Clock>) -> AppSink {
        AppSink { pool, clock }
    }
}

impl MessageSink for AppSink {
    fn record(&self, _mailbox: &str, _raw: &[u8]) -> Result<SinkOutcome, SinkError> {
        // Until the use case that turns a message into a saisine is wired here, nothing is
        // recorded, so every message stays in its mailbox for a later pass.
        Err(SinkError("l'enregistrement des courriels reçus n'est pas encore branché".into()))
    }
}
