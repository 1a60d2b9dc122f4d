//! Account lock-out after repeated failures: 5 failures lock for 15 minutes, and each new
//! lock in a row doubles the time, up to a day.

use chrono::{Duration, NaiveDateTime};

pub const FAILURES_BEFORE_LOCK: i32 = 5;
const FIRST_LOCK_MINUTES: i64 = 15;
const LONGEST_LOCK_MINUTES: i64 = 24 * 60;

/// What a failed sign-in leaves on the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AfterFailure {
    pub failed_attempts: i32,
    pub lock_count: i32,
    pub locked_until: Option<NaiveDateTime>,
}

/// Counts a failure; the fifth in a row locks the account.
pub fn after_failure(failed_attempts: i32, lock_count: i32, now: NaiveDateTime) -> AfterFailure {
    after_counted(failed_attempts + 1, lock_count, now)
}

/// What the account becomes once the database counted `failed_attempts` failures in a row:
/// locked from the fifth on (the counter then starts again).
pub fn after_counted(failed_attempts: i32, lock_count: i32, now: NaiveDateTime) -> AfterFailure {
    if failed_attempts < FAILURES_BEFORE_LOCK {
        return AfterFailure { failed_attempts, lock_count, locked_until: None };
    }
    let minutes = (FIRST_LOCK_MINUTES << lock_count.clamp(0, 10)).min(LONGEST_LOCK_MINUTES);
    AfterFailure {
        failed_attempts: 0,
        lock_count: lock_count + 1,
        locked_until: Some(now + Duration::minutes(minutes)),
    }
}

pub fn is_locked(locked_until: Option<NaiveDateTime>, now: NaiveDateTime) -> bool {
    locked_until.is_some_and(|until| until > now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn fifth_failure_locks_for_fifteen_minutes_then_longer() {
        let now = t("2026-06-15 10:00");
        let mut state = AfterFailure { failed_attempts: 0, lock_count: 0, locked_until: None };
        for _ in 0..4 {
            state = after_failure(state.failed_attempts, state.lock_count, now);
            assert_eq!(state.locked_until, None);
        }
        state = after_failure(state.failed_attempts, state.lock_count, now);
        assert_eq!(state.locked_until, Some(t("2026-06-15 10:15")));
        assert!(is_locked(state.locked_until, t("2026-06-15 10:14")));
        assert!(!is_locked(state.locked_until, t("2026-06-15 10:15")));
        for _ in 0..5 {
            state = after_failure(state.failed_attempts, state.lock_count, now);
        }
        assert_eq!(state.locked_until, Some(t("2026-06-15 10:30")));
    }
}
