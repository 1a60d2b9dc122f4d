//! The service-quality figures, one definition each. The "à traiter" queue, the navigation,
//! `/indicateurs` and the annual report all call these functions, so that the same period
//! gives the same numbers everywhere.
//!
//! Only dates are recorded (reception, prise en charge, closing), so every delay is a number
//! of calendar days between two dates, the day of reception being day 0:
//! - "prises en charge sous 7 jours" (national indicator): taken up at most 7 days after the
//!   day of reception;
//! - "prises en charge sous 48 heures": at most 2 days after it (received on a Monday, taken
//!   up by Wednesday);
//! - "traitées en moins d'un mois" (national indicator): closed at most 30 days after it,
//!   waits for documents included (the national definition counts them);
//! - "en retard": open, and past the caisse's take-up or handling deadline today.
//!
//! A share's base leaves out the saisines whose answer is not known yet: a saisine received
//! yesterday and not yet taken up is neither on time nor late. A saisine closed without a prise
//! en charge (an orientation) counts as not taken up.
//!
//! Which saisines count: all of them but a duplicate merged into another
//! ([`counts_in_figures`]): its request is the kept saisine's, counted once there. Every
//! query behind a figure selects with `db::figures::counted`.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use super::deadlines::DeadlineSettings;
use super::lifecycle::{Lifecycle, Stage};

/// The national indicator of prise en charge, in days.
pub const NATIONAL_TAKE_UP_DAYS: i32 = 7;
/// "48 heures", in days: dates are all that is recorded.
pub const ACKNOWLEDGEMENT_DAYS: i32 = 2;
/// "Moins d'un mois", in days.
pub const MONTH_DAYS: i32 = 30;

/// Whether a saisine counts in the figures (the report, `/indicateurs`, the queue, the lists):
/// not when it was merged into another as a duplicate.
pub fn counts_in_figures(merged_into: Option<super::SaisineId>) -> bool {
    merged_into.is_none()
}

/// `count` of `base` saisines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Share {
    pub count: i64,
    pub base: i64,
}

impl Share {
    /// Rounded to the nearest whole percent (halves up); `None` when nothing can be measured.
    pub fn percent(&self) -> Option<i64> {
        (self.base > 0).then(|| (self.count * 100 + self.base / 2) / self.base)
    }

    /// Adds `weight` saisines on time (`Some(true)`), late (`Some(false)`) or not known yet.
    pub fn add(&mut self, on_time: Option<bool>, weight: i64) {
        if let Some(on_time) = on_time {
            self.base += weight;
            if on_time {
                self.count += weight;
            }
        }
    }
}

/// On time (`Some(true)`), late (`Some(false)`) or not known yet (`None`), for an answer due
/// by `deadline` and given on `answered` (or never, if the saisine was closed without it).
pub fn by_deadline(answered: Option<NaiveDate>, closed: bool, deadline: NaiveDate, today: NaiveDate) -> Option<bool> {
    match answered {
        Some(on) => Some(on <= deadline),
        None if closed || today > deadline => Some(false),
        None => None,
    }
}

/// What a delay figure reads of a saisine: when it was received, how many days its answer
/// took (none while not given), and whether it is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Delay {
    pub received_on: NaiveDate,
    pub days: Option<i32>,
    pub closed: bool,
}

impl Delay {
    /// The prise en charge of a saisine.
    pub fn take_up_of(lifecycle: &Lifecycle) -> Delay {
        Delay {
            received_on: lifecycle.received_on,
            days: lifecycle.taken_on.map(|t| days_between(lifecycle.received_on, t)),
            closed: lifecycle.closed_on().is_some(),
        }
    }

    /// The closing of a saisine (gross: waits for documents included).
    pub fn closing_of(lifecycle: &Lifecycle) -> Delay {
        Delay {
            received_on: lifecycle.received_on,
            days: lifecycle.closed_on().map(|c| days_between(lifecycle.received_on, c)),
            closed: lifecycle.closed_on().is_some(),
        }
    }

    fn within(&self, limit: i32, today: NaiveDate) -> Option<bool> {
        let answered = self.days.map(|d| self.received_on + Duration::days(i64::from(d)));
        by_deadline(answered, self.closed, self.received_on + Duration::days(i64::from(limit)), today)
    }
}

fn days_between(from: NaiveDate, to: NaiveDate) -> i32 {
    i32::try_from((to - from).num_days()).unwrap_or(i32::MAX)
}

/// "Prise en charge sous 7 jours", for one saisine's prise en charge.
pub fn taken_up_within_7_days(take_up: &Delay, today: NaiveDate) -> Option<bool> {
    take_up.within(NATIONAL_TAKE_UP_DAYS, today)
}

/// "Prise en charge sous 48 heures", for one saisine's prise en charge.
pub fn taken_up_within_48_hours(take_up: &Delay, today: NaiveDate) -> Option<bool> {
    take_up.within(ACKNOWLEDGEMENT_DAYS, today)
}

/// "Traitée en moins d'un mois", for one saisine's closing.
pub fn closed_within_a_month(closing: &Delay, today: NaiveDate) -> Option<bool> {
    closing.within(MONTH_DAYS, today)
}

/// "En retard": open, and past the caisse's take-up deadline or handling deadline today. A wait
/// for documents stops the handling clock, so a saisine waiting for documents is never late
/// here (documents not received by their due date are the person's delay, not the mediation's).
pub fn is_overdue(settings: &DeadlineSettings, lifecycle: &Lifecycle, today: NaiveDate) -> bool {
    match lifecycle.stage {
        Stage::Closed { .. } | Stage::AwaitingDocuments { .. } => false,
        Stage::Received | Stage::InProgress => {
            take_up_late(settings, lifecycle, today) || handling_late(settings, lifecycle, today)
        }
    }
}

/// Not taken up, and past the take-up deadline.
pub fn take_up_late(settings: &DeadlineSettings, lifecycle: &Lifecycle, today: NaiveDate) -> bool {
    lifecycle.taken_on.is_none() && today > settings.take_up_due(lifecycle.received_on)
}

/// Past the handling deadline (net of the waits for documents).
pub fn handling_late(settings: &DeadlineSettings, lifecycle: &Lifecycle, today: NaiveDate) -> bool {
    today > settings.handling_due_today(lifecycle, today)
}

/// How many saisines share each delay: what the database counts, grouped.
pub type DelayCounts = BTreeMap<Delay, i64>;

/// The delays of a set of saisines, for the figures above.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delays {
    pub take_up: DelayCounts,
    pub closing: DelayCounts,
}

impl Delays {
    /// From the saisines themselves (tests, and anything already holding them).
    pub fn of<'a>(lifecycles: impl IntoIterator<Item = &'a Lifecycle>) -> Delays {
        let mut delays = Delays::default();
        for lifecycle in lifecycles {
            *delays.take_up.entry(Delay::take_up_of(lifecycle)).or_default() += 1;
            *delays.closing.entry(Delay::closing_of(lifecycle)).or_default() += 1;
        }
        delays
    }
}

/// The three delay shares of a set of saisines, as of `today`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DelayFigures {
    pub taken_up_within_7_days: Share,
    pub taken_up_within_48_hours: Share,
    pub closed_within_a_month: Share,
}

impl DelayFigures {
    pub fn compute(delays: &Delays, today: NaiveDate) -> DelayFigures {
        let mut figures = DelayFigures::default();
        for (delay, n) in &delays.take_up {
            figures.taken_up_within_7_days.add(taken_up_within_7_days(delay, today), *n);
            figures.taken_up_within_48_hours.add(taken_up_within_48_hours(delay, today), *n);
        }
        for (delay, n) in &delays.closing {
            figures.closed_within_a_month.add(closed_within_a_month(delay, today), *n);
        }
        figures
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

    fn taken(received: &str, on: &str) -> Delay {
        Delay::take_up_of(&Lifecycle::new(d(received)).apply(&Action::TakeUp { on: d(on) }, d(on)).unwrap())
    }

    #[test]
    fn a_merged_duplicate_counts_nowhere() {
        assert!(counts_in_figures(None));
        assert!(!counts_in_figures(Some(crate::domain::SaisineId(1))));
    }

    #[test]
    fn shares_round_to_the_nearest_percent() {
        assert_eq!(Share { count: 2, base: 3 }.percent(), Some(67));
        assert_eq!(Share { count: 1, base: 8 }.percent(), Some(13), "12.5 rounds up");
        assert_eq!(Share { count: 0, base: 0 }.percent(), None);
    }

    #[test]
    fn each_boundary_day() {
        let today = d("2026-09-30");
        // 48 hours: day 2 is within, day 3 is not.
        assert_eq!(taken_up_within_48_hours(&taken("2026-06-01", "2026-06-03"), today), Some(true));
        assert_eq!(taken_up_within_48_hours(&taken("2026-06-01", "2026-06-04"), today), Some(false));
        // 7 days: day 7 is within, day 8 is not.
        assert_eq!(taken_up_within_7_days(&taken("2026-06-01", "2026-06-08"), today), Some(true));
        assert_eq!(taken_up_within_7_days(&taken("2026-06-01", "2026-06-09"), today), Some(false));
        // Not taken up: unknown while within the delay, late after it or once closed.
        let waiting = Delay { received_on: d("2026-09-28"), days: None, closed: false };
        assert_eq!(taken_up_within_48_hours(&waiting, today), None);
        assert_eq!(taken_up_within_48_hours(&Delay { received_on: d("2026-09-27"), ..waiting }, today), Some(false));
        assert_eq!(taken_up_within_7_days(&Delay { closed: true, ..waiting }, today), Some(false));
        // A month: day 30 is within, day 31 is not.
        let close = |on: &str| {
            let l = Lifecycle::new(d("2026-06-01"))
                .apply(&Action::TakeUp { on: d("2026-06-02") }, today)
                .unwrap()
                .apply(&Action::Close { on: d(on), outcome: Some(Outcome::Explications), summary: "x".into() }, today)
                .unwrap();
            closed_within_a_month(&Delay::closing_of(&l), today)
        };
        assert_eq!((close("2026-07-01"), close("2026-07-02")), (Some(true), Some(false)));
    }

    #[test]
    fn the_figures_of_weighted_delays() {
        let mut delays = Delays::default();
        delays.take_up.insert(taken("2026-06-01", "2026-06-02"), 3);
        delays.take_up.insert(taken("2026-06-01", "2026-06-06"), 1);
        delays.take_up.insert(Delay { received_on: d("2026-09-29"), days: None, closed: false }, 5);
        let found = DelayFigures::compute(&delays, d("2026-09-30"));
        assert_eq!(found.taken_up_within_7_days, Share { count: 4, base: 4 });
        assert_eq!(found.taken_up_within_48_hours, Share { count: 3, base: 4 });
        assert_eq!(found.closed_within_a_month, Share::default());
    }
}
