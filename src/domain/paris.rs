//! Instants as people in France read and type them. The database and the API keep UTC; every
//! date and time shown to a person goes through here, and so does every day a person types as
//! a filter bound (a day in Paris is not a day in UTC, and two of them a year are not 24 hours).

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;

/// A UTC instant as it reads on a clock in France.
pub fn in_paris(at: NaiveDateTime) -> DateTime<chrono_tz::Tz> {
    at.and_utc().with_timezone(&Paris)
}

/// The date in France of a UTC instant.
pub fn paris_date(at: NaiveDateTime) -> NaiveDate {
    in_paris(at).date_naive()
}

/// `05/12/2026 à 14:30`: a UTC instant, in France's time.
pub fn paris_datetime(at: NaiveDateTime) -> String {
    in_paris(at).format("%d/%m/%Y à %H:%M").to_string()
}

/// `05/12/2026 à 14:30:07`: the same to the second, where the order of close events matters
/// (the audit log).
pub fn paris_datetime_seconds(at: NaiveDateTime) -> String {
    in_paris(at).format("%d/%m/%Y à %H:%M:%S").to_string()
}

/// `05/12/2026`: the date in France of a UTC instant.
pub fn paris_day(at: NaiveDateTime) -> String {
    paris_date(at).format("%d/%m/%Y").to_string()
}

/// The UTC instant at which `day` begins in France. Midnight always exists there (the clocks
/// change at 2 or 3 in the morning), but the earliest reading is taken should it ever be
/// ambiguous, and the first instant after a gap otherwise.
pub fn paris_midnight(day: NaiveDate) -> NaiveDateTime {
    let midnight = day.and_time(chrono::NaiveTime::MIN);
    match Paris.from_local_datetime(&midnight) {
        LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => at.naive_utc(),
        LocalResult::None => {
            let after = midnight + chrono::Duration::hours(1);
            Paris
                .from_local_datetime(&after)
                .earliest()
                .map(|at| at.naive_utc())
                .unwrap_or(after - chrono::Duration::hours(1))
        }
    }
}

/// The UTC instants `[start, end)` of the days `from` to `to` (both included) typed by a
/// person in France; either bound may be left open.
pub fn paris_days(from: Option<NaiveDate>, to: Option<NaiveDate>) -> (Option<NaiveDateTime>, Option<NaiveDateTime>) {
    (from.map(paris_midnight), to.and_then(|d| d.succ_opt()).map(paris_midnight))
}

/// The API's form of an instant: UTC with its offset (`2026-06-15T10:00:00Z`).
pub fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn late_evening_utc_is_the_next_day_in_paris() {
        assert_eq!(paris_datetime(at("2026-06-14 23:30")), "15/06/2026 à 01:30");
        assert_eq!(paris_datetime(at("2026-12-31 23:30")), "01/01/2027 à 00:30");
        assert_eq!(paris_date(at("2026-06-14 23:30")), d("2026-06-15"));
        assert_eq!(paris_day(at("2026-06-14 21:59")), "14/06/2026");
        assert_eq!(paris_datetime_seconds(at("2026-01-10 08:05")), "10/01/2026 à 09:05:00");
    }

    #[test]
    fn both_daylight_saving_changes() {
        // Last Sunday of March 2026 (29th): 01:00 UTC is 03:00 in Paris, summer time begins.
        assert_eq!(paris_datetime(at("2026-03-29 00:59")), "29/03/2026 à 01:59");
        assert_eq!(paris_datetime(at("2026-03-29 01:00")), "29/03/2026 à 03:00");
        // Last Sunday of October 2026 (25th): 01:00 UTC is 02:00 again, winter time.
        assert_eq!(paris_datetime(at("2026-10-25 00:59")), "25/10/2026 à 02:59");
        assert_eq!(paris_datetime(at("2026-10-25 01:00")), "25/10/2026 à 02:00");
    }

    #[test]
    fn a_typed_day_is_midnight_to_midnight_in_paris() {
        assert_eq!(paris_midnight(d("2026-01-15")), at("2026-01-14 23:00"));
        assert_eq!(paris_midnight(d("2026-07-15")), at("2026-07-14 22:00"));
        // The day of each change is 23 and 25 hours long.
        let (start, end) = paris_days(Some(d("2026-03-29")), Some(d("2026-03-29")));
        assert_eq!((start, end), (Some(at("2026-03-28 23:00")), Some(at("2026-03-29 22:00"))));
        let (start, end) = paris_days(Some(d("2026-10-25")), Some(d("2026-10-25")));
        assert_eq!((start, end), (Some(at("2026-10-24 22:00")), Some(at("2026-10-25 23:00"))));
        assert_eq!(paris_days(None, None), (None, None));
    }

    #[test]
    fn the_api_writes_an_offset() {
        let json = serde_json::to_string(&utc(at("2026-06-15 10:00"))).unwrap();
        assert_eq!(json, "\"2026-06-15T10:00:00Z\"");
    }
}
