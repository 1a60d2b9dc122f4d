//! How long personal data is kept: closed saisines keep theirs for a number of months after
//! closing, then are anonymised (their figures stay); the audit log keeps its records for a
//! number of months. Administrators set both.

use chrono::{Months, NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::changes::FieldChange;
use super::error::{DomainError, FieldError};
use super::event::EventDetails;

/// What every removed text becomes, in the timeline and in the saisine.
pub const ANONYMISED_TEXT: &str = "données anonymisées";

/// The retention periods, as administrators set them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RetentionSettings {
    /// Months after closing during which a saisine keeps its personal data.
    pub closed_months: u32,
    /// Months the audit log keeps a record.
    pub audit_months: u32,
}

/// Five years after closing: the usual limitation period for a claim against the fund's
/// decision is far shorter, and five years lets a person come back about the same matter.
/// One year of audit log: long enough to answer a question about an access, short enough not
/// to become a file of its own (CNIL's recommendation for access logs: six months to a year).
pub const DEFAULT_CLOSED_MONTHS: u32 = 60;
pub const DEFAULT_AUDIT_MONTHS: u32 = 12;

/// Longest period accepted: a hundred years is a typing mistake.
const MAX_MONTHS: u32 = 600;

impl Default for RetentionSettings {
    fn default() -> Self {
        RetentionSettings { closed_months: DEFAULT_CLOSED_MONTHS, audit_months: DEFAULT_AUDIT_MONTHS }
    }
}

impl RetentionSettings {
    /// The last closing date whose saisines are due for anonymisation on `today`, with
    /// `months` of retention (0: every closed saisine): the latest date `d` with
    /// `d + months <= today`. Counting back from today is not enough at the end of a month:
    /// 31 March + 1 month is 30 April, while 30 April − 1 month is 30 March.
    pub fn closed_on_or_before(months: u32, today: NaiveDate) -> NaiveDate {
        let months = Months::new(months);
        let mut last = today.checked_sub_months(months).unwrap_or(NaiveDate::MIN);
        while let Some(next) = last.succ_opt().filter(|d| d.checked_add_months(months).is_some_and(|end| end <= today))
        {
            last = next;
        }
        last
    }

    /// Audit records written before this moment are past their retention.
    pub fn audit_before(&self, now: NaiveDateTime) -> NaiveDateTime {
        now.checked_sub_months(Months::new(self.audit_months)).unwrap_or(NaiveDateTime::MIN)
    }
}

/// Is a saisine closed on `closed_on` past `months` of retention on `today`?
pub fn is_due(closed_on: NaiveDate, months: u32, today: NaiveDate) -> bool {
    closed_on.checked_add_months(Months::new(months)).is_some_and(|end| end <= today)
}

/// The form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetentionDraft {
    pub closed_months: String,
    pub audit_months: String,
}

fn months_field(value: &str, field: &str, min: u32, errors: &mut Vec<FieldError>) -> u32 {
    match value.trim().parse::<u32>() {
        Ok(months) if (min..=MAX_MONTHS).contains(&months) => months,
        Ok(_) => {
            errors.push(FieldError::new(
                field,
                "out_of_range",
                format!("indiquez un nombre de mois de {min} à {MAX_MONTHS}"),
            ));
            0
        }
        Err(_) => {
            errors.push(FieldError::new(field, "not_a_number", "indiquez un nombre entier de mois"));
            0
        }
    }
}

impl RetentionDraft {
    /// Checks both fields at once. At least one month each: anonymising on the day of closing
    /// would leave no time to reopen a saisine closed by mistake (the command line's
    /// `--retention-months 0` does it on purpose, for one run).
    pub fn validate(&self) -> Result<RetentionSettings, DomainError> {
        let mut errors = Vec::new();
        let closed_months = months_field(&self.closed_months, "closed_months", 1, &mut errors);
        let audit_months = months_field(&self.audit_months, "audit_months", 1, &mut errors);
        if !errors.is_empty() {
            return Err(DomainError::Invalid(errors));
        }
        Ok(RetentionSettings { closed_months, audit_months })
    }
}

impl From<&RetentionSettings> for RetentionDraft {
    fn from(s: &RetentionSettings) -> Self {
        RetentionDraft { closed_months: s.closed_months.to_string(), audit_months: s.audit_months.to_string() }
    }
}

/// The fields of an edit's history whose values stay after anonymisation: the codes and dates
/// the figures are made of. Every other field (the person, the texts) loses its values.
const KEPT_FIELDS: &[&str] = &["received_on", "channel", "requester_type", "partner", "process", "motifs"];

/// A timeline entry as it reads once anonymised: its kind, dates and outcome stay; its texts
/// and the values of personal fields become [`ANONYMISED_TEXT`].
pub fn anonymised_details(details: &EventDetails) -> EventDetails {
    let blank = |text: &Option<String>| text.as_ref().map(|_| ANONYMISED_TEXT.to_string());
    let changes = details
        .changes
        .iter()
        .map(|change| {
            if KEPT_FIELDS.contains(&change.field.as_str()) {
                change.clone()
            } else {
                FieldChange { field: change.field.clone(), old: ANONYMISED_TEXT.into(), new: ANONYMISED_TEXT.into() }
            }
        })
        .collect();
    EventDetails {
        description: blank(&details.description),
        text: blank(&details.text),
        quoted: blank(&details.quoted),
        changes,
        ..details.clone()
    }
}

/// Erasing a saisine before its term needs a reason, kept in the audit log.
pub fn check_erasure_reason(reason: &str) -> Result<(), DomainError> {
    super::lifecycle::check_text("reason", reason, "indiquez pourquoi la saisine est anonymisée avant son terme")
}

/// An anonymised saisine takes no new personal data nor free text: no edit, no note.
pub fn check_writable(anonymised: bool) -> Result<(), DomainError> {
    if anonymised {
        return Err(DomainError::refused(
            "anonymised",
            "cette saisine est anonymisée : elle ne peut plus être modifiée ; enregistrez une nouvelle saisine",
        ));
    }
    Ok(())
}

/// Only a closed saisine is anonymised, and only once.
pub fn check_anonymisable(closed: bool, anonymised: bool) -> Result<(), DomainError> {
    if anonymised {
        return Err(DomainError::refused("already_anonymised", "cette saisine est déjà anonymisée"));
    }
    if !closed {
        return Err(DomainError::refused(
            "not_closed",
            "clôturez d'abord la saisine : seule une saisine clôturée peut être anonymisée",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn a_saisine_is_due_once_its_months_have_passed() {
        assert!(!is_due(date("2021-06-16"), 60, date("2026-06-15")));
        assert!(is_due(date("2021-06-15"), 60, date("2026-06-15")));
        assert!(is_due(date("2026-06-15"), 0, date("2026-06-15")));
        // The end of a short month: 31 March + 1 month is 30 April.
        assert!(!is_due(date("2026-03-31"), 1, date("2026-04-29")));
        assert!(is_due(date("2026-03-31"), 1, date("2026-04-30")));
        // The query's bound agrees with the rule, day by day, over two years.
        let mut today = date("2025-01-01");
        while today < date("2027-01-01") {
            for months in [0, 1, 6, 60] {
                let bound = RetentionSettings::closed_on_or_before(months, today);
                assert!(is_due(bound, months, today), "{bound} {months} {today}");
                assert!(!is_due(bound.succ_opt().unwrap(), months, today), "{bound} {months} {today}");
            }
            today = today.succ_opt().unwrap();
        }
    }

    #[test]
    fn the_form_is_checked_field_by_field() {
        let draft = RetentionDraft { closed_months: "0".into(), audit_months: "douze".into() };
        let error = draft.validate().unwrap_err();
        let fields: Vec<&str> = error.field_errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["closed_months", "audit_months"]);
        let ok = RetentionDraft { closed_months: " 36 ".into(), audit_months: "6".into() }.validate().unwrap();
        assert_eq!(ok, RetentionSettings { closed_months: 36, audit_months: 6 });
    }

    #[test]
    fn an_anonymised_entry_keeps_its_dates_codes_and_outcome() {
        let change =
            |field: &str, old: &str, new: &str| FieldChange { field: field.into(), old: old.into(), new: new.into() };
        let details = EventDetails {
            date: Some(date("2026-06-01")),
            outcome: Some(crate::domain::Outcome::Orientation),
            text: Some("Mme Martin a rappelé".into()),
            description: Some("Avis d'arrêt de travail".into()),
            changes: vec![change("channel", "courriel", "telephone"), change("address", "1 rue A", "2 rue B")],
            ..Default::default()
        };
        let anonymised = anonymised_details(&details);
        assert_eq!(anonymised.date, details.date);
        assert_eq!(anonymised.outcome, details.outcome);
        assert_eq!(anonymised.text.as_deref(), Some(ANONYMISED_TEXT));
        assert_eq!(anonymised.description.as_deref(), Some(ANONYMISED_TEXT));
        assert_eq!(anonymised.changes[0], details.changes[0]);
        assert_eq!(anonymised.changes[1], change("address", ANONYMISED_TEXT, ANONYMISED_TEXT));
        assert_eq!(anonymised_details(&EventDetails::default()), EventDetails::default());
    }

    #[test]
    fn an_anonymised_or_open_saisine_is_not_anonymised_again() {
        assert!(check_anonymisable(true, false).is_ok());
        assert_eq!(check_anonymisable(true, true).unwrap_err().code(), "already_anonymised");
        assert_eq!(check_anonymisable(false, false).unwrap_err().code(), "not_closed");
    }
}
