//! The time the rules see: the real clock in production, a fixed one in tests.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Paris;

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;

    /// Today's date in France, where the mediation works.
    fn today(&self) -> NaiveDate {
        self.now().with_timezone(&Paris).date_naive()
    }
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock stopped at one instant.
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}
