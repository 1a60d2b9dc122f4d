//! A saisine's deadlines as stored with it: the dates the queue, the navigation count and the
//! list filters select on, so that no page recomputes them from every open saisine.
//!
//! Every date here depends on the lifecycle, the settings, whether the running wait was
//! reminded and whether the saisine may be a duplicate, never on today: it changes only when
//! one of those changes (a step, an edit, a reminder, an import, a settings change), and each
//! of those writes it again in the same transaction. "On the queue today" is then
//! `queue_from <= today`, "late today" is `late_from <= today`: one indexed comparison each.

use chrono::NaiveDate;

use super::deadlines::{DeadlineSettings, NEAR_DEADLINE_DAYS};
use super::lifecycle::{Lifecycle, Stage};
use super::queue::Signals;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Schedule {
    /// Last day for the prise en charge, until it is done.
    pub take_up_due_on: Option<NaiveDate>,
    /// Last day for closing, net of the waits; none while waiting (the clock stops).
    pub handling_due_on: Option<NaiveDate>,
    /// The day a reminder is due, while waiting and not yet reminded.
    pub reminder_on: Option<NaiveDate>,
    /// The day the sweep closes an unanswered wait as `abandon`.
    pub abandonment_on: Option<NaiveDate>,
    /// The first day the saisine is on the "à traiter" queue (none once closed).
    pub queue_from: Option<NaiveDate>,
    /// The first day it counts as late.
    pub late_from: Option<NaiveDate>,
    /// Its nearest due date: the queue's order and the list's "échéance" column.
    pub next_due_on: Option<NaiveDate>,
    /// Whether it is flagged as a possible duplicate (shown until it is taken up).
    pub possible_duplicate: bool,
}

fn earliest(dates: impl IntoIterator<Item = Option<NaiveDate>>) -> Option<NaiveDate> {
    dates.into_iter().flatten().min()
}

fn day_after(date: NaiveDate) -> NaiveDate {
    date.succ_opt().unwrap_or(date)
}

impl Schedule {
    /// The deadlines of a saisine, by the same rules as `queue::assess`.
    pub fn of(settings: &DeadlineSettings, lifecycle: &Lifecycle, signals: Signals) -> Schedule {
        let duplicate = signals.possible_duplicate && lifecycle.stage == Stage::Received;
        match lifecycle.stage {
            Stage::Closed { .. } => Schedule::default(),
            Stage::AwaitingDocuments { since, due_on } => {
                let reminder_on = (!signals.reminded).then(|| settings.reminder_on(since));
                let overdue_from = day_after(due_on);
                Schedule {
                    reminder_on,
                    abandonment_on: Some(settings.abandonment_on(due_on)),
                    queue_from: earliest([reminder_on, Some(overdue_from), signals.mail_received.then_some(since)]),
                    // A wait stops the clocks: never late while waiting (`figures::is_overdue`).
                    late_from: None,
                    next_due_on: earliest([reminder_on, Some(due_on)]),
                    ..Schedule::default()
                }
            }
            Stage::Received | Stage::InProgress => {
                let take_up = lifecycle.taken_on.is_none().then(|| settings.take_up_due(lifecycle.received_on));
                let handling = settings.handling_due(lifecycle.received_on, i64::from(lifecycle.days_waiting));
                let handling_from = handling - chrono::Duration::days(NEAR_DEADLINE_DAYS);
                let present_from = (take_up.is_some() || duplicate).then_some(lifecycle.received_on);
                Schedule {
                    take_up_due_on: take_up,
                    handling_due_on: Some(handling),
                    queue_from: earliest([present_from, Some(handling_from)]),
                    late_from: earliest([take_up.map(day_after), Some(day_after(handling))]),
                    next_due_on: earliest([take_up, Some(handling)]),
                    possible_duplicate: duplicate,
                    ..Schedule::default()
                }
            }
        }
    }

    pub fn on_queue(&self, today: NaiveDate) -> bool {
        self.queue_from.is_some_and(|from| from <= today)
    }

    pub fn late(&self, today: NaiveDate) -> bool {
        self.late_from.is_some_and(|from| from <= today)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::domain::deadlines::DayCount;
    use crate::domain::lifecycle::Action;
    use crate::domain::queue::assess;
    use crate::domain::Outcome;

    fn start() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 5).expect("date")
    }

    /// A random history: each step a move on some later day.
    fn history() -> impl Strategy<Value = Vec<(u8, i64)>> {
        proptest::collection::vec((0u8..6, 0i64..40), 0..8)
    }

    fn replay(steps: &[(u8, i64)]) -> (Lifecycle, NaiveDate) {
        let mut lifecycle = Lifecycle::new(start());
        let mut day = start();
        for (kind, gap) in steps {
            day += chrono::Duration::days(*gap);
            let action = match kind {
                0 => Action::TakeUp { on: day },
                1 => Action::RequestDocuments {
                    on: day,
                    due_on: day + chrono::Duration::days(30),
                    description: "RIB".into(),
                },
                2 => Action::ReceiveDocuments { on: day },
                3 => Action::Close { on: day, outcome: Some(Outcome::Explications), summary: "x".into() },
                4 => Action::Close { on: day, outcome: Some(Outcome::Orientation), summary: "x".into() },
                _ => Action::Reopen { on: day, reason: "x".into() },
            };
            if let Ok(next) = lifecycle.apply(&action, day) {
                lifecycle = next;
            }
        }
        (lifecycle, day)
    }

    proptest! {
        /// For every day after the last step, the stored dates say exactly what the rules say:
        /// on the queue or not, late or not.
        #[test]
        fn stored_dates_agree_with_the_rules_on_every_day(
            steps in history(),
            reminded in any::<bool>(),
            duplicate in any::<bool>(),
            working in any::<bool>(),
            take_up_days in 1u32..15,
            reminder_days in 1u32..20,
        ) {
            let settings = DeadlineSettings {
                take_up_days,
                reminder_days,
                day_count: if working { DayCount::Working } else { DayCount::Calendar },
                ..DeadlineSettings::default()
            };
            let (lifecycle, last) = replay(&steps);
            let signals = Signals { reminded, possible_duplicate: duplicate, mail_received: reminded && duplicate };
            let schedule = Schedule::of(&settings, &lifecycle, signals);
            for offset in 0..120 {
                let today = last + chrono::Duration::days(offset);
                let found = assess(&settings, &lifecycle, signals, today);
                prop_assert_eq!(schedule.on_queue(today), !found.is_empty(), "jour {}", today);
                prop_assert_eq!(schedule.late(today), found.iter().any(|a| a.late), "jour {}", today);
            }
        }
    }
}
