//! French public holidays (jours fériés of metropolitan France) and working days.
//! Pure calendar arithmetic: Easter comes from the Gregorian computus.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// Easter Sunday of a Gregorian year (anonymous Gregorian algorithm, "Meeus/Jones/Butcher").
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// The eleven public holidays of a year, in date order, with their French names.
pub fn public_holidays(year: i32) -> Vec<(NaiveDate, &'static str)> {
    let fixed = [
        (1, 1, "Jour de l'an"),
        (5, 1, "Fête du Travail"),
        (5, 8, "Victoire 1945"),
        (7, 14, "Fête nationale"),
        (8, 15, "Assomption"),
        (11, 1, "Toussaint"),
        (11, 11, "Armistice 1918"),
        (12, 25, "Noël"),
    ];
    let mut days: Vec<(NaiveDate, &'static str)> =
        fixed.iter().filter_map(|&(m, d, name)| NaiveDate::from_ymd_opt(year, m, d).map(|date| (date, name))).collect();
    if let Some(easter) = easter_sunday(year) {
        days.push((easter + Duration::days(1), "Lundi de Pâques"));
        days.push((easter + Duration::days(39), "Ascension"));
        days.push((easter + Duration::days(50), "Lundi de Pentecôte"));
    }
    days.sort();
    days
}

pub fn is_public_holiday(date: NaiveDate) -> bool {
    public_holidays(date.year()).iter().any(|(day, _)| *day == date)
}

/// Monday to Friday and not a public holiday.
pub fn is_working_day(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !is_public_holiday(date)
}

/// The `count`-th working day after `from` (`from` itself when `count` is 0).
pub fn add_working_days(from: NaiveDate, count: u32) -> NaiveDate {
    let mut day = from;
    let mut left = count;
    while left > 0 {
        let Some(next) = day.succ_opt() else { return day };
        day = next;
        if is_working_day(day) {
            left -= 1;
        }
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn easter_by_the_computus() {
        let known = [
            (2019, "2019-04-21"),
            (2024, "2024-03-31"),
            (2025, "2025-04-20"),
            (2026, "2026-04-05"),
            (2027, "2027-03-28"),
            (2038, "2038-04-25"),
            (2285, "2285-03-22"),
        ];
        for (year, easter) in known {
            assert_eq!(easter_sunday(year), Some(d(easter)), "{year}");
        }
    }

    #[test]
    fn eleven_holidays_with_the_movable_ones_of_2026() {
        let days = public_holidays(2026);
        assert_eq!(days.len(), 11);
        let dates: Vec<NaiveDate> = days.iter().map(|(date, _)| *date).collect();
        for expected in ["2026-04-06", "2026-05-14", "2026-05-25", "2026-05-01", "2026-05-08", "2026-11-11"] {
            assert!(dates.contains(&d(expected)), "{expected}");
        }
        assert!(days.iter().any(|(date, name)| *date == d("2026-05-14") && *name == "Ascension"));
        assert!(is_public_holiday(d("2025-06-09")), "Lundi de Pentecôte 2025");
        assert!(!is_public_holiday(d("2026-05-15")), "the bridge after Ascension is worked");
    }

    #[test]
    fn weekends_and_holidays_are_not_working_days() {
        assert!(is_working_day(d("2026-06-15")), "a Monday");
        assert!(!is_working_day(d("2026-06-13")), "a Saturday");
        assert!(!is_working_day(d("2026-06-14")), "a Sunday");
        assert!(!is_working_day(d("2026-04-06")), "Easter Monday");
        assert!(!is_working_day(d("2026-12-25")), "Christmas, a Friday");
    }

    #[test]
    fn counting_working_days_across_may_and_its_bridges() {
        // May 2026: Fri 1 May, Fri 8 May, Thu 14 May (Ascension), Mon 25 May (Whit Monday).
        assert_eq!(add_working_days(d("2026-04-30"), 1), d("2026-05-04"), "over 1 May and the weekend");
        assert_eq!(add_working_days(d("2026-05-07"), 1), d("2026-05-11"), "over 8 May and the weekend");
        assert_eq!(add_working_days(d("2026-05-13"), 1), d("2026-05-15"), "over Ascension");
        assert_eq!(add_working_days(d("2026-05-22"), 1), d("2026-05-26"), "over Whit Monday");
        // May 2026 has 21 weekdays, 4 of them holidays: its 17 working days end on Friday 29.
        assert_eq!(add_working_days(d("2026-04-30"), 17), d("2026-05-29"));
        assert_eq!(add_working_days(d("2026-04-30"), 0), d("2026-04-30"));
    }

    #[test]
    fn counting_over_easter_monday() {
        // Thursday 2 April 2026 + 2 working days: Friday 3, (weekend, Easter Monday 6) Tuesday 7.
        assert_eq!(add_working_days(d("2026-04-02"), 2), d("2026-04-07"));
    }
}
