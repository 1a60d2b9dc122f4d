//! The outbox's rules: the states of a message waiting to leave, and when to try again.

use chrono::{Duration, NaiveDateTime};
use serde::Serialize;

/// Where a message stands. Stored as its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum OutboxStatus {
    /// Waiting for its first try, or for the next one after a temporary failure.
    Pending,
    Sent,
    /// The server refused it for good, or every try failed: an administrator decides.
    Failed,
    Cancelled,
}

impl OutboxStatus {
    pub const ALL: [OutboxStatus; 4] =
        [OutboxStatus::Pending, OutboxStatus::Sent, OutboxStatus::Failed, OutboxStatus::Cancelled];

    pub fn code(self) -> &'static str {
        match self {
            OutboxStatus::Pending => "en_attente",
            OutboxStatus::Sent => "envoye",
            OutboxStatus::Failed => "echec",
            OutboxStatus::Cancelled => "annule",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OutboxStatus::Pending => "en attente d'envoi",
            OutboxStatus::Sent => "envoyé",
            OutboxStatus::Failed => "échec d'envoi",
            OutboxStatus::Cancelled => "annulé",
        }
    }

    pub fn from_code(code: &str) -> Option<OutboxStatus> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// An administrator may send it again (a failure, or a cancelled message).
    pub fn can_resend(self) -> bool {
        matches!(self, OutboxStatus::Failed | OutboxStatus::Cancelled)
    }

    pub fn can_cancel(self) -> bool {
        matches!(self, OutboxStatus::Pending | OutboxStatus::Failed)
    }
}

/// Tries before a message that keeps meeting temporary failures is marked failed (about
/// two days with the delays below).
pub const MAX_ATTEMPTS: i32 = 12;

/// How long a message stays claimed by a worker that tries to send it: a worker that died
/// mid-send leaves it to the next one after this.
pub const CLAIM_MINUTES: i64 = 10;

/// What the outbox does after a failed try number `attempts` (1 for the first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterFailure {
    RetryAt(NaiveDateTime),
    GiveUp,
}

/// Backoff: 1, 2, 5, 10, 30 minutes, then every hour, up to `MAX_ATTEMPTS` tries. A
/// permanent refusal gives up at once.
pub fn after_failure(attempts: i32, permanent: bool, now: NaiveDateTime) -> AfterFailure {
    if permanent || attempts >= MAX_ATTEMPTS {
        return AfterFailure::GiveUp;
    }
    let minutes = match attempts {
        i32::MIN..=1 => 1,
        2 => 2,
        3 => 5,
        4 => 10,
        5 => 30,
        _ => 60 * i64::from(attempts - 5).min(8),
    };
    AfterFailure::RetryAt(now + Duration::minutes(minutes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_end() {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 12, 5).unwrap().and_hms_opt(10, 0, 0).unwrap();
        let delay = |n| match after_failure(n, false, now) {
            AfterFailure::RetryAt(at) => (at - now).num_minutes(),
            AfterFailure::GiveUp => -1,
        };
        let delays: Vec<i64> = (1..MAX_ATTEMPTS).map(delay).collect();
        assert!(delays.windows(2).all(|w| w[0] <= w[1]), "{delays:?}");
        assert_eq!(delay(MAX_ATTEMPTS), -1);
        assert_eq!(after_failure(1, true, now), AfterFailure::GiveUp);
        for status in OutboxStatus::ALL {
            assert_eq!(OutboxStatus::from_code(status.code()), Some(status));
        }
    }
}
