//! The mediation's deadlines: the settings administrators change, and the dates they give a
//! saisine. The handling clock is net: it stops while the mediation waits for documents.

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use super::error::{DomainError, FieldError};
use super::holidays::add_working_days;
use super::lifecycle::{Lifecycle, Stage};

/// How days are counted: every day, or Monday to Friday outside French public holidays.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DayCount {
    #[default]
    Calendar,
    Working,
}

impl DayCount {
    pub fn code(self) -> &'static str {
        match self {
            DayCount::Calendar => "calendaires",
            DayCount::Working => "ouvres",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DayCount::Calendar => "jours calendaires",
            DayCount::Working => "jours ouvrés (hors week-ends et jours fériés)",
        }
    }

    pub fn from_code(code: &str) -> Option<DayCount> {
        [DayCount::Calendar, DayCount::Working].into_iter().find(|c| c.code() == code.trim())
    }
}

/// The delays the application watches, as administrators set them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DeadlineSettings {
    /// Days from reception to the prise en charge.
    pub take_up_days: u32,
    /// Days from reception to closing, net of the waits for documents.
    pub handling_days: u32,
    /// Days the person is given to send requested documents (the proposed due date).
    pub documents_days: u32,
    /// Days after a documents request when a reminder is due.
    pub reminder_days: u32,
    /// Days after the due date before the saisine is closed as `abandon`.
    pub grace_days: u32,
    pub day_count: DayCount,
}

impl Default for DeadlineSettings {
    fn default() -> Self {
        DeadlineSettings {
            take_up_days: 7,
            handling_days: 30,
            documents_days: 30,
            reminder_days: 10,
            grace_days: 15,
            day_count: DayCount::Calendar,
        }
    }
}

/// A handling deadline this close (in days) puts the saisine on the queue.
pub const NEAR_DEADLINE_DAYS: i64 = 5;

/// The settings as typed in the administrators' form.
#[derive(Debug, Clone, Default)]
pub struct SettingsDraft {
    pub take_up_days: String,
    pub handling_days: String,
    pub documents_days: String,
    pub reminder_days: String,
    pub grace_days: String,
    pub day_count: String,
}

fn days_field(value: &str, field: &str, min: u32, max: u32, errors: &mut Vec<FieldError>) -> u32 {
    match value.trim().parse::<u32>() {
        Ok(days) if (min..=max).contains(&days) => days,
        Ok(_) => {
            errors.push(FieldError::new(
                field,
                "out_of_range",
                format!("indiquez un nombre de jours de {min} à {max}"),
            ));
            0
        }
        Err(_) => {
            errors.push(FieldError::new(field, "not_a_number", "indiquez un nombre entier de jours"));
            0
        }
    }
}

impl SettingsDraft {
    /// Checks every field at once; each error names its field, in French.
    pub fn validate(&self) -> Result<DeadlineSettings, DomainError> {
        let mut errors = Vec::new();
        let take_up_days = days_field(&self.take_up_days, "take_up_days", 1, 90, &mut errors);
        let handling_days = days_field(&self.handling_days, "handling_days", 1, 365, &mut errors);
        let documents_days = days_field(&self.documents_days, "documents_days", 1, 365, &mut errors);
        let reminder_days = days_field(&self.reminder_days, "reminder_days", 1, 365, &mut errors);
        let grace_days = days_field(&self.grace_days, "grace_days", 0, 365, &mut errors);
        let day_count = DayCount::from_code(&self.day_count).unwrap_or_else(|| {
            errors.push(FieldError::new("day_count", "unknown_code", "choisissez jours calendaires ou jours ouvrés"));
            DayCount::Calendar
        });
        if documents_days > 0 && reminder_days >= documents_days {
            errors.push(FieldError::new(
                "reminder_days",
                "reminder_after_due",
                "la relance doit venir avant l'échéance laissée pour fournir les pièces",
            ));
        }
        if !errors.is_empty() {
            return Err(DomainError::Invalid(errors));
        }
        Ok(DeadlineSettings { take_up_days, handling_days, documents_days, reminder_days, grace_days, day_count })
    }
}

impl From<&DeadlineSettings> for SettingsDraft {
    fn from(s: &DeadlineSettings) -> Self {
        SettingsDraft {
            take_up_days: s.take_up_days.to_string(),
            handling_days: s.handling_days.to_string(),
            documents_days: s.documents_days.to_string(),
            reminder_days: s.reminder_days.to_string(),
            grace_days: s.grace_days.to_string(),
            day_count: s.day_count.code().to_string(),
        }
    }
}

/// A documents request still waiting for an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    pub since: NaiveDate,
    pub due_on: NaiveDate,
}

impl Wait {
    pub fn of(lifecycle: &Lifecycle) -> Option<Wait> {
        match lifecycle.stage {
            Stage::AwaitingDocuments { since, due_on } => Some(Wait { since, due_on }),
            _ => None,
        }
    }
}

/// What the sweep does about a wait whose due date has passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUp {
    /// Record, once, that the documents did not come by the due date.
    FlagOverdue,
    /// Close the saisine as `abandon`, dated `on` (the first day after the grace days).
    Abandon { on: NaiveDate },
}

impl DeadlineSettings {
    /// `days` after `from`, counted as the settings say.
    pub fn add_days(&self, from: NaiveDate, days: u32) -> NaiveDate {
        match self.day_count {
            DayCount::Calendar => from + Duration::days(i64::from(days)),
            DayCount::Working => add_working_days(from, days),
        }
    }

    /// The due date proposed to a documents request made on `on`.
    pub fn default_due_on(&self, on: NaiveDate) -> NaiveDate {
        self.add_days(on, self.documents_days)
    }

    /// The last day for the prise en charge.
    pub fn take_up_due(&self, received_on: NaiveDate) -> NaiveDate {
        self.add_days(received_on, self.take_up_days)
    }

    /// The last day for closing: the reception pushed by every day spent waiting for documents
    /// (`waited`, in calendar days), then the handling days counted from there.
    pub fn handling_due(&self, received_on: NaiveDate, waited: i64) -> NaiveDate {
        self.add_days(received_on + Duration::days(waited.max(0)), self.handling_days)
    }

    /// The handling deadline of a saisine today; a wait still running stops the clock.
    pub fn handling_due_today(&self, lifecycle: &Lifecycle, today: NaiveDate) -> NaiveDate {
        self.handling_due(lifecycle.received_on, waited_days(lifecycle, today))
    }

    /// The day a reminder is due for a request made on `since`.
    pub fn reminder_on(&self, since: NaiveDate) -> NaiveDate {
        self.add_days(since, self.reminder_days)
    }

    /// The day an unanswered request closes the saisine: the day after the grace days.
    pub fn abandonment_on(&self, due_on: NaiveDate) -> NaiveDate {
        let last_grace_day = self.add_days(due_on, self.grace_days);
        last_grace_day.succ_opt().unwrap_or(last_grace_day)
    }

    /// What the sweep must do about a wait today, given whether it was already flagged.
    pub fn follow_up(&self, wait: Wait, today: NaiveDate, flagged: bool) -> Option<FollowUp> {
        let abandon_on = self.abandonment_on(wait.due_on);
        if today >= abandon_on {
            return Some(FollowUp::Abandon { on: abandon_on.max(wait.since) });
        }
        (today > wait.due_on && !flagged).then_some(FollowUp::FlagOverdue)
    }
}

/// Calendar days waited for documents: finished waits, plus the running one up to `today`.
pub fn waited_days(lifecycle: &Lifecycle, today: NaiveDate) -> i64 {
    let running = match lifecycle.stage {
        Stage::AwaitingDocuments { since, .. } => (today - since).num_days().max(0),
        _ => 0,
    };
    i64::from(lifecycle.days_waiting) + running
}

/// Days from reception to `today` (or to the closing), net of the waits for documents.
pub fn net_age(lifecycle: &Lifecycle, today: NaiveDate) -> i64 {
    let end = lifecycle.closed_on().unwrap_or(today);
    (end - lifecycle.received_on).num_days() - waited_days(lifecycle, today.min(end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lifecycle::Action;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn working() -> DeadlineSettings {
        DeadlineSettings { day_count: DayCount::Working, ..DeadlineSettings::default() }
    }

    #[test]
    fn calendar_and_working_deadlines() {
        let calendar = DeadlineSettings::default();
        assert_eq!(calendar.take_up_due(d("2026-04-30")), d("2026-05-07"));
        // Received Thursday 30 April 2026: 7 working days skip 1 May, 8 May and two weekends.
        assert_eq!(working().take_up_due(d("2026-04-30")), d("2026-05-13"));
        // Ascension (Thu 14 May) and Whit Monday (25 May) are skipped too.
        assert_eq!(working().take_up_due(d("2026-05-13")), d("2026-05-26"));
        assert_eq!(calendar.default_due_on(d("2026-06-15")), d("2026-07-15"));
    }

    #[test]
    fn the_handling_clock_stops_while_waiting_for_documents() {
        let s = DeadlineSettings::default();
        let l = Lifecycle::new(d("2026-06-01"));
        let today = d("2026-06-30");
        let l = l.apply(&Action::TakeUp { on: d("2026-06-02") }, today).unwrap();
        assert_eq!(s.handling_due_today(&l, today), d("2026-07-01"));
        let waiting = l
            .apply(
                &Action::RequestDocuments { on: d("2026-06-10"), due_on: d("2026-07-10"), description: "RIB".into() },
                today,
            )
            .unwrap();
        // Twenty days into the wait, the deadline has moved twenty days.
        assert_eq!(s.handling_due_today(&waiting, today), d("2026-07-21"));
        let back = waiting.apply(&Action::ReceiveDocuments { on: d("2026-06-20") }, today).unwrap();
        assert_eq!(s.handling_due_today(&back, today), d("2026-07-11"));
        assert_eq!(net_age(&back, today), 29 - 10);
    }

    #[test]
    fn several_waits_add_up_in_the_net_processing_time() {
        let today = d("2026-09-30");
        let steps = [
            Action::TakeUp { on: d("2026-06-02") },
            Action::RequestDocuments { on: d("2026-06-05"), due_on: d("2026-07-05"), description: "RIB".into() },
            Action::ReceiveDocuments { on: d("2026-06-12") },
            Action::RequestDocuments { on: d("2026-06-15"), due_on: d("2026-07-15"), description: "Avis".into() },
            Action::ReceiveDocuments { on: d("2026-06-30") },
            Action::RequestDocuments { on: d("2026-07-01"), due_on: d("2026-07-31"), description: "Bulletins".into() },
        ];
        let waiting = steps.iter().fold(Lifecycle::new(d("2026-06-01")), |l, a| l.apply(a, today).unwrap());
        assert_eq!(waiting.days_waiting, 7 + 15, "finished waits");
        assert_eq!(waited_days(&waiting, d("2026-07-04")), 7 + 15 + 3, "and the running one");
        let closed = waiting
            .apply(
                &Action::Close {
                    on: d("2026-07-11"),
                    outcome: Some(crate::domain::Outcome::Abandon),
                    summary: "x".into(),
                },
                today,
            )
            .unwrap();
        assert_eq!(closed.days_waiting, 7 + 15 + 10);
        assert_eq!(closed.gross_days(), Some(40));
        assert_eq!(closed.net_days(), Some(8));
        assert_eq!(net_age(&closed, today), 8);
        let s = DeadlineSettings::default();
        assert_eq!(s.handling_due_today(&closed, today), d("2026-08-02"), "30 net days");
    }

    #[test]
    fn reminder_flag_and_abandonment_dates() {
        let s = DeadlineSettings::default();
        let wait = Wait { since: d("2026-06-01"), due_on: d("2026-07-01") };
        assert_eq!(s.reminder_on(wait.since), d("2026-06-11"));
        assert_eq!(s.abandonment_on(wait.due_on), d("2026-07-17"));
        assert_eq!(s.follow_up(wait, d("2026-07-01"), false), None, "due today: not yet late");
        assert_eq!(s.follow_up(wait, d("2026-07-02"), false), Some(FollowUp::FlagOverdue));
        assert_eq!(s.follow_up(wait, d("2026-07-02"), true), None, "flagged once only");
        assert_eq!(s.follow_up(wait, d("2026-07-16"), true), None, "last day of grace");
        let abandon = Some(FollowUp::Abandon { on: d("2026-07-17") });
        assert_eq!(s.follow_up(wait, d("2026-07-17"), true), abandon);
        assert_eq!(s.follow_up(wait, d("2026-09-01"), false), abandon, "a late sweep dates it on the right day");
        let no_grace = DeadlineSettings { grace_days: 0, ..s };
        assert_eq!(no_grace.follow_up(wait, d("2026-07-02"), false), Some(FollowUp::Abandon { on: d("2026-07-02") }));
    }

    #[test]
    fn settings_are_checked_field_by_field() {
        let draft = SettingsDraft {
            take_up_days: "sept".into(),
            handling_days: "0".into(),
            documents_days: "30".into(),
            reminder_days: "30".into(),
            grace_days: "15".into(),
            day_count: "lunaires".into(),
        };
        let errors = draft.validate().unwrap_err();
        let fields: Vec<&str> = errors.field_errors().iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["take_up_days", "handling_days", "day_count", "reminder_days"]);
        let good = SettingsDraft::from(&working());
        assert_eq!(good.validate(), Ok(working()));
    }
}
