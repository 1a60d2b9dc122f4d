//! Dates as people type them: `YYYY-MM-DD` (forms, API, CSV) or `DD/MM/YYYY` (French sheets).

use chrono::{Datelike, NaiveDate};

pub fn parse_date(input: &str) -> Option<NaiveDate> {
    let text = input.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y")).ok()
}

/// `25/11/2026`: how dates are shown to users. Written directly: every row of a list shows a
/// few, and chrono parses its format string again on each call (1.5 % of a list page).
pub fn french(date: NaiveDate) -> String {
    match date.year() {
        year @ 0..=9999 => format!("{:02}/{:02}/{year:04}", date.day(), date.month()),
        _ => date.format("%d/%m/%Y").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn french_dates_are_written_as_chrono_writes_them(days in -1_000_000i32..4_000_000) {
            let date = NaiveDate::from_num_days_from_ce_opt(days).expect("a day");
            proptest::prop_assert_eq!(french(date), date.format("%d/%m/%Y").to_string());
        }
    }

    #[test]
    fn both_formats() {
        let expected = NaiveDate::from_ymd_opt(2026, 3, 9);
        assert_eq!(parse_date("2026-03-09"), expected);
        assert_eq!(parse_date(" 09/03/2026 "), expected);
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(parse_date("9 mars"), None);
    }
}
