//! The "à traiter" queue: why a saisine needs a mediator now, and in which order.

use std::cmp::Ordering;

use chrono::NaiveDate;
use serde::Serialize;

use super::deadlines::{DeadlineSettings, Wait, NEAR_DEADLINE_DAYS};
use super::figures::{handling_late, take_up_late};
use super::lifecycle::{Lifecycle, Stage};

/// A reason for a saisine to be on the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AttentionKind {
    /// Not taken up yet.
    TakeUp,
    /// The handling deadline (net clock) is near or past.
    Handling,
    /// The documents' due date has passed with nothing received.
    DocumentsOverdue,
    /// A reminder is due on a documents request.
    Reminder,
    /// Another saisine of the same person came within a week of this one.
    PossibleDuplicate,
    /// An e-mail came into the conversation while documents were awaited.
    MailReceived,
}

impl AttentionKind {
    pub fn code(self) -> &'static str {
        match self {
            AttentionKind::TakeUp => "prise_en_charge",
            AttentionKind::Handling => "traitement",
            AttentionKind::DocumentsOverdue => "pieces_en_retard",
            AttentionKind::Reminder => "relance",
            AttentionKind::PossibleDuplicate => "doublon",
            AttentionKind::MailReceived => "courriel_recu",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AttentionKind::TakeUp => "À prendre en charge",
            AttentionKind::Handling => "Délai de traitement",
            AttentionKind::DocumentsOverdue => "Pièces non reçues à l'échéance",
            AttentionKind::Reminder => "Relance à envoyer",
            AttentionKind::PossibleDuplicate => "Doublon possible",
            AttentionKind::MailReceived => "Courriel reçu",
        }
    }
}

/// One reason, with the day it is (or was) due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attention {
    pub kind: AttentionKind,
    pub due: NaiveDate,
    /// Past the mediation's own deadline (take-up or handling): a saisine with such a reason
    /// is exactly one `figures::is_overdue` counts "en retard".
    pub late: bool,
}

/// What the queue knows of one open saisine besides its lifecycle.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Signals {
    /// A reminder was recorded for the current documents request.
    pub reminded: bool,
    /// Another saisine with the same NIR or e-mail came within a week.
    pub possible_duplicate: bool,
    /// An e-mail came while documents were awaited, not yet seen by a mediator.
    pub mail_received: bool,
}

/// Saisines of the same person received this close (in days) may be duplicates.
pub const DUPLICATE_WINDOW_DAYS: i64 = 7;

/// Who a saisine is about, as far as duplicates go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub received_on: NaiveDate,
    pub nir: Option<String>,
    pub email: Option<String>,
}

/// Same NIR or same e-mail (whatever its case), received within a week of each other.
pub fn is_possible_duplicate(a: &Identity, b: &Identity) -> bool {
    let same_nir = matches!((&a.nir, &b.nir), (Some(x), Some(y)) if x == y);
    let same_email =
        matches!((&a.email, &b.email), (Some(x), Some(y)) if x == y || x.to_lowercase() == y.to_lowercase());
    (same_nir || same_email) && (a.received_on - b.received_on).num_days().abs() <= DUPLICATE_WINDOW_DAYS
}

/// The date ranges to search for the duplicates of saisines received on `dates`: each date
/// with a week either side, overlapping ranges merged.
pub fn duplicate_windows(dates: &[NaiveDate]) -> Vec<(NaiveDate, NaiveDate)> {
    let window = chrono::Duration::days(DUPLICATE_WINDOW_DAYS);
    let mut sorted = dates.to_vec();
    sorted.sort();
    let mut windows: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for date in sorted {
        let (from, to) = (date - window, date + window);
        match windows.last_mut() {
            Some(last) if from <= last.1 => last.1 = last.1.max(to),
            _ => windows.push((from, to)),
        }
    }
    windows
}

fn documents(settings: &DeadlineSettings, wait: Wait, reminded: bool, today: NaiveDate) -> Vec<Attention> {
    let mut found = Vec::new();
    if today > wait.due_on {
        // The person's delay, not the mediation's: not "en retard" (see `figures::is_overdue`).
        found.push(Attention { kind: AttentionKind::DocumentsOverdue, due: wait.due_on, late: false });
    }
    let reminder_on = settings.reminder_on(wait.since);
    if !reminded && today >= reminder_on {
        found.push(Attention { kind: AttentionKind::Reminder, due: reminder_on, late: false });
    }
    found
}

/// Every reason the saisine needs attention today, most urgent first; none for a closed one.
pub fn assess(
    settings: &DeadlineSettings,
    lifecycle: &Lifecycle,
    signals: Signals,
    today: NaiveDate,
) -> Vec<Attention> {
    let mut found = Vec::new();
    match lifecycle.stage {
        Stage::Closed { .. } => return found,
        Stage::AwaitingDocuments { since, due_on } => {
            found.extend(documents(settings, Wait { since, due_on }, signals.reminded, today));
            if signals.mail_received {
                found.push(Attention { kind: AttentionKind::MailReceived, due: since, late: false });
            }
        }
        Stage::Received | Stage::InProgress => {
            if lifecycle.taken_on.is_none() {
                let due = settings.take_up_due(lifecycle.received_on);
                found.push(Attention {
                    kind: AttentionKind::TakeUp,
                    due,
                    late: take_up_late(settings, lifecycle, today),
                });
            }
            let handling = settings.handling_due_today(lifecycle, today);
            if (handling - today).num_days() <= NEAR_DEADLINE_DAYS {
                let late = handling_late(settings, lifecycle, today);
                found.push(Attention { kind: AttentionKind::Handling, due: handling, late });
            }
        }
    }
    if signals.possible_duplicate && lifecycle.stage == Stage::Received {
        found.push(Attention { kind: AttentionKind::PossibleDuplicate, due: today, late: false });
    }
    found.sort_by(by_urgency);
    found
}

/// Late first, then the earliest date, then the kind's order.
pub fn by_urgency(a: &Attention, b: &Attention) -> Ordering {
    b.late.cmp(&a.late).then(a.due.cmp(&b.due)).then(a.kind.cmp(&b.kind))
}

/// Orders queue entries: the entry whose most urgent reason comes first goes first.
pub fn compare_entries(a: &[Attention], b: &[Attention]) -> Ordering {
    match (a.first(), b.first()) {
        (Some(x), Some(y)) => by_urgency(x, y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lifecycle::Action;
    use crate::domain::Outcome;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn kinds(found: &[Attention]) -> Vec<AttentionKind> {
        found.iter().map(|a| a.kind).collect()
    }

    const FAR: &str = "2026-12-31";

    fn taken(on: &str) -> Lifecycle {
        Lifecycle::new(d("2026-06-01")).apply(&Action::TakeUp { on: d(on) }, d(FAR)).unwrap()
    }

    #[test]
    fn a_new_saisine_waits_for_its_take_up_then_is_late() {
        let s = DeadlineSettings::default();
        let l = Lifecycle::new(d("2026-06-01"));
        let on_time = assess(&s, &l, Signals::default(), d("2026-06-08"));
        assert_eq!(on_time, [Attention { kind: AttentionKind::TakeUp, due: d("2026-06-08"), late: false }]);
        let late = assess(&s, &l, Signals::default(), d("2026-06-09"));
        assert!(late[0].late);
        let duplicate = Signals { possible_duplicate: true, ..Signals::default() };
        assert_eq!(
            kinds(&assess(&s, &l, duplicate, d("2026-06-02"))),
            [AttentionKind::PossibleDuplicate, AttentionKind::TakeUp]
        );
        assert!(assess(&s, &taken("2026-06-02"), duplicate, d("2026-06-03")).is_empty(), "checked at take-up");
    }

    #[test]
    fn the_handling_deadline_shows_when_near_and_when_past() {
        let s = DeadlineSettings::default();
        let l = taken("2026-06-02");
        assert!(assess(&s, &l, Signals::default(), d("2026-06-25")).is_empty());
        let near = assess(&s, &l, Signals::default(), d("2026-06-26"));
        assert_eq!(near, [Attention { kind: AttentionKind::Handling, due: d("2026-07-01"), late: false }]);
        assert!(assess(&s, &l, Signals::default(), d("2026-07-02"))[0].late);
        let closed = l
            .apply(
                &Action::Close { on: d("2026-07-05"), outcome: Some(Outcome::Explications), summary: "x".into() },
                d(FAR),
            )
            .unwrap();
        assert!(assess(&s, &closed, Signals::default(), d("2026-07-06")).is_empty());
    }

    #[test]
    fn reminders_then_overdue_documents() {
        let s = DeadlineSettings::default();
        let request =
            Action::RequestDocuments { on: d("2026-06-03"), due_on: d("2026-07-03"), description: "RIB".into() };
        let l = taken("2026-06-02").apply(&request, d(FAR)).unwrap();
        assert!(assess(&s, &l, Signals::default(), d("2026-06-12")).is_empty());
        assert_eq!(kinds(&assess(&s, &l, Signals::default(), d("2026-06-13"))), [AttentionKind::Reminder]);
        let reminded = Signals { reminded: true, ..Signals::default() };
        assert!(assess(&s, &l, reminded, d("2026-06-13")).is_empty(), "no longer due once sent");
        assert_eq!(kinds(&assess(&s, &l, reminded, d("2026-07-04"))), [AttentionKind::DocumentsOverdue]);
    }

    #[test]
    fn duplicates_share_a_nir_or_an_email_within_a_week() {
        let who = |on: &str, nir: Option<&str>, email: Option<&str>| Identity {
            received_on: d(on),
            nir: nir.map(str::to_string),
            email: email.map(str::to_string),
        };
        let a = who("2026-06-01", Some("284057512345601"), None);
        assert!(is_possible_duplicate(&a, &who("2026-06-08", Some("284057512345601"), Some("x@y.fr"))));
        assert!(!is_possible_duplicate(&a, &who("2026-06-09", Some("284057512345601"), None)), "eight days apart");
        assert!(!is_possible_duplicate(&a, &who("2026-06-02", None, None)), "nothing known in common");
        let b = who("2026-06-05", None, Some("x@y.fr"));
        assert!(is_possible_duplicate(&b, &who("2026-05-30", Some("1"), Some("X@Y.fr"))));
        let windows = duplicate_windows(&[d("2026-06-20"), d("2026-06-01"), d("2026-06-10")]);
        assert_eq!(windows, [(d("2026-05-25"), d("2026-06-27"))]);
        assert_eq!(duplicate_windows(&[d("2026-06-01"), d("2026-06-16")]).len(), 2);
    }

    #[test]
    fn a_late_reason_is_exactly_what_the_figures_count_en_retard() {
        use crate::domain::figures::is_overdue;
        let s = DeadlineSettings::default();
        let request =
            Action::RequestDocuments { on: d("2026-06-03"), due_on: d("2026-06-20"), description: "RIB".into() };
        let lifecycles = [
            Lifecycle::new(d("2026-06-01")),
            taken("2026-06-02"),
            taken("2026-06-02").apply(&request, d(FAR)).unwrap(),
            taken("2026-06-02")
                .apply(&request, d(FAR))
                .unwrap()
                .apply(&Action::ReceiveDocuments { on: d("2026-06-25") }, d(FAR))
                .unwrap(),
        ];
        for lifecycle in &lifecycles {
            for offset in 0..120 {
                let today = d("2026-06-01") + chrono::Duration::days(offset);
                let late = assess(&s, lifecycle, Signals::default(), today).iter().any(|a| a.late);
                assert_eq!(late, is_overdue(&s, lifecycle, today), "{lifecycle:?} on {today}");
            }
        }
    }

    #[test]
    fn entries_are_ordered_by_urgency() {
        let late = [Attention { kind: AttentionKind::Handling, due: d("2026-06-20"), late: true }];
        let older_late = [Attention { kind: AttentionKind::TakeUp, due: d("2026-06-10"), late: true }];
        let soon = [Attention { kind: AttentionKind::TakeUp, due: d("2026-06-01"), late: false }];
        assert_eq!(compare_entries(&older_late, &late), Ordering::Less);
        assert_eq!(compare_entries(&late, &soon), Ordering::Less);
        assert_eq!(compare_entries(&soon, &[]), Ordering::Less);
    }
}
