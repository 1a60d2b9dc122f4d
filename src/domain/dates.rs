//! Dates as people type them: `YYYY-MM-DD` (forms, API, CSV) or `DD/MM/YYYY` (French sheets).

use chrono::NaiveDate;

pub fn parse_date(input: &str) -> Option<NaiveDate> {
    let text = input.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y")).ok()
}

/// `25/11/2026`: how dates are shown to users.
pub fn french(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_formats() {
        let expected = NaiveDate::from_ymd_opt(2026, 3, 9);
        assert_eq!(parse_date("2026-03-09"), expected);
        assert_eq!(parse_date(" 09/03/2026 "), expected);
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(parse_date("9 mars"), None);
    }
}
