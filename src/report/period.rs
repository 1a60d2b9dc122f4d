//! The stretch of reception dates a report covers: a calendar year, or any range of days.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::domain::dates::{french, parse_date};

/// Reception dates from `first` to `last`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Period {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

/// The years a report may be asked for: the application records nothing before 2000.
pub const FIRST_YEAR: i32 = 2000;
pub const LAST_YEAR: i32 = 2999;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("année invalide : {0} (attendu une année entre 2000 et 2999)")]
    Year(i32),
    #[error("la date de fin précède la date de début")]
    Reversed,
    #[error("la période ne peut pas dépasser {MAX_YEARS} ans")]
    TooLong,
}

/// The longest period a report covers: its charts show one bar a month.
pub const MAX_YEARS: i32 = 5;

impl Period {
    /// A calendar year.
    pub fn year(year: i32) -> Result<Period, PeriodError> {
        if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
            return Err(PeriodError::Year(year));
        }
        match (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31)) {
            (Some(first), Some(last)) => Ok(Period { first, last }),
            _ => Err(PeriodError::Year(year)),
        }
    }

    /// Any range of days, `first` to `last` included.
    pub fn between(first: NaiveDate, last: NaiveDate) -> Result<Period, PeriodError> {
        if last < first {
            return Err(PeriodError::Reversed);
        }
        if !(FIRST_YEAR..=LAST_YEAR).contains(&first.year()) || !(FIRST_YEAR..=LAST_YEAR).contains(&last.year()) {
            return Err(PeriodError::Year(if first.year() < FIRST_YEAR { first.year() } else { last.year() }));
        }
        if (last - first).num_days() > i64::from(MAX_YEARS) * 366 {
            return Err(PeriodError::TooLong);
        }
        Ok(Period { first, last })
    }

    /// A period as a person types it: two dates, `AAAA-MM-JJ` or `JJ/MM/AAAA`; the error says
    /// which date is missing or what is wrong with the range, in French.
    pub fn parse(first: Option<&str>, last: Option<&str>) -> Result<Period, String> {
        let date = |value: Option<&str>, what: &str| {
            value.and_then(parse_date).ok_or_else(|| format!("indiquez la date de {what} (JJ/MM/AAAA)"))
        };
        let (first, last) = (date(first, "début")?, date(last, "fin")?);
        Period::between(first, last).map_err(|e| e.to_string())
    }

    /// A year as written in an address (`2021`): four digits of a year a report may cover.
    pub fn parse_year(text: &str) -> Option<i32> {
        let year: i32 = text.parse().ok().filter(|_| text.len() == 4)?;
        Period::year(year).ok().map(|_| year)
    }

    /// The calendar year this period is exactly, if it is one.
    pub fn whole_year(&self) -> Option<i32> {
        let year = self.first.year();
        (Period::year(year).ok() == Some(*self)).then_some(year)
    }

    /// The same dates one year earlier (29 February becomes the 28th): what the change is
    /// measured against.
    pub fn previous(&self) -> Option<Period> {
        Some(Period { first: year_before(self.first)?, last: year_before(self.last)? })
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.first <= date && date <= self.last
    }

    /// "année 2021", or "du 01/01/2021 au 30/06/2021".
    pub fn label(&self) -> String {
        match self.whole_year() {
            Some(year) => format!("année {year}"),
            None => format!("du {} au {}", french(self.first), french(self.last)),
        }
    }

    /// "en 2021", or "du 01/01/2021 au 30/06/2021", inside a sentence.
    pub fn in_sentence(&self) -> String {
        match self.whole_year() {
            Some(year) => format!("en {year}"),
            None => self.label(),
        }
    }

    /// "2021", or "la période du 01/01/2021 au 30/06/2021": what a change is measured against.
    pub fn as_reference(&self) -> String {
        match self.whole_year() {
            Some(year) => year.to_string(),
            None => format!("la période {}", self.label()),
        }
    }

    /// Every (year, month) the period touches, in order.
    pub fn months(&self) -> Vec<(i32, u32)> {
        let mut months = Vec::new();
        let (mut year, mut month) = (self.first.year(), self.first.month());
        while (year, month) <= (self.last.year(), self.last.month()) {
            months.push((year, month));
            (year, month) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
        }
        months
    }
}

fn year_before(date: NaiveDate) -> Option<NaiveDate> {
    date.with_year(date.year() - 1).or_else(|| NaiveDate::from_ymd_opt(date.year() - 1, date.month(), 28))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn a_year_and_its_previous_year() {
        let year = Period::year(2021).unwrap();
        assert_eq!(year.whole_year(), Some(2021));
        assert_eq!(year.previous(), Period::year(2020).ok());
        assert_eq!(year.label(), "année 2021");
        assert_eq!(year.months().len(), 12);
        assert!(Period::year(1999).is_err());
    }

    #[test]
    fn a_range_compares_with_the_same_dates_a_year_earlier() {
        let range = Period::between(d("2024-01-15"), d("2024-02-29")).unwrap();
        assert_eq!(range.whole_year(), None);
        assert_eq!(range.previous(), Period::between(d("2023-01-15"), d("2023-02-28")).ok());
        assert_eq!(range.label(), "du 15/01/2024 au 29/02/2024");
        assert_eq!(range.months(), vec![(2024, 1), (2024, 2)]);
        assert_eq!(Period::between(d("2024-02-01"), d("2024-01-01")), Err(PeriodError::Reversed));
        assert_eq!(Period::between(d("2010-01-01"), d("2020-01-01")), Err(PeriodError::TooLong));
        assert_eq!(Period::between(d("1999-12-01"), d("2000-01-31")), Err(PeriodError::Year(1999)));
    }
}
