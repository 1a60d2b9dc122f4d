//! How long a session lives: 30 minutes without activity, 12 hours in all.

use chrono::{Duration, NaiveDateTime};

pub const IDLE_MINUTES: i64 = 30;
pub const ABSOLUTE_HOURS: i64 = 12;
/// `last_seen_at` is written at most this often, so that reads do not all become writes.
pub const TOUCH_EVERY_SECONDS: i64 = 60;

pub fn is_expired(created_at: NaiveDateTime, last_seen_at: NaiveDateTime, now: NaiveDateTime) -> bool {
    now - last_seen_at >= Duration::minutes(IDLE_MINUTES) || now - created_at >= Duration::hours(ABSOLUTE_HOURS)
}

pub fn needs_touch(last_seen_at: NaiveDateTime, now: NaiveDateTime) -> bool {
    now - last_seen_at >= Duration::seconds(TOUCH_EVERY_SECONDS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_and_absolute_limits() {
        let start = NaiveDateTime::parse_from_str("2026-06-15 08:00", "%Y-%m-%d %H:%M").unwrap();
        assert!(!is_expired(start, start, start + Duration::minutes(29)));
        assert!(is_expired(start, start, start + Duration::minutes(30)));
        let active = start + Duration::hours(11) + Duration::minutes(50);
        assert!(!is_expired(start, active, active + Duration::minutes(5)));
        assert!(is_expired(start, active, start + Duration::hours(12)));
    }
}
