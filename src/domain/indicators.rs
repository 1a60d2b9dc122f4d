//! The caisse's own service-quality indicators, beside the national ones (`figures`): prise
//! en charge within the take-up delay the caisse sets (7 calendar days by default, maybe
//! working days), closing within its handling delay net of the waits for documents, and the
//! saisines late today. Pure: the caller picks the saisines.

use chrono::NaiveDate;
use serde::Serialize;

use super::deadlines::{waited_days, DeadlineSettings};
use super::figures::{by_deadline, is_overdue, DelayFigures};
use super::lifecycle::Lifecycle;

pub use super::figures::Share;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Indicators {
    /// The saisines measured.
    pub saisines: i64,
    /// The national figures and the 48 hours, defined once in `figures`.
    pub delays: DelayFigures,
    /// Taken up within the caisse's `take_up_days` of reception.
    pub taken_up_in_time: Share,
    /// Closed within the caisse's `handling_days`, net of the waits for documents.
    pub closed_in_time: Share,
    /// Open and past their take-up or handling deadline today (`figures::is_overdue`).
    pub overdue_now: i64,
    pub take_up_days: u32,
    pub handling_days: u32,
}

fn closed_in_time(settings: &DeadlineSettings, lifecycle: &Lifecycle, today: NaiveDate) -> Option<bool> {
    let deadline = settings.handling_due(lifecycle.received_on, waited_days(lifecycle, today));
    by_deadline(lifecycle.closed_on(), false, deadline, today)
}

/// The indicators over the given saisines, as of `today`; `delays` are the same saisines'
/// national figures (counted by the database, see `db::figures`).
pub fn compute(
    settings: &DeadlineSettings,
    saisines: &[Lifecycle],
    delays: DelayFigures,
    today: NaiveDate,
) -> Indicators {
    let mut indicators = Indicators {
        saisines: 0,
        delays,
        taken_up_in_time: Share::default(),
        closed_in_time: Share::default(),
        overdue_now: 0,
        take_up_days: settings.take_up_days,
        handling_days: settings.handling_days,
    };
    for lifecycle in saisines {
        let closed = lifecycle.closed_on().is_some();
        indicators.saisines += 1;
        let take_up_due = settings.take_up_due(lifecycle.received_on);
        indicators.taken_up_in_time.add(by_deadline(lifecycle.taken_on, closed, take_up_due, today), 1);
        indicators.closed_in_time.add(closed_in_time(settings, lifecycle, today), 1);
        indicators.overdue_now += i64::from(is_overdue(settings, lifecycle, today));
    }
    indicators
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lifecycle::Action;
    use crate::domain::Outcome;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    const TODAY: &str = "2026-09-30";

    fn case(received: &str, steps: &[Action]) -> Lifecycle {
        steps.iter().fold(Lifecycle::new(d(received)), |l, a| l.apply(a, d(TODAY)).unwrap())
    }

    fn take_up(on: &str) -> Action {
        Action::TakeUp { on: d(on) }
    }

    fn close(on: &str, outcome: Outcome) -> Action {
        Action::Close { on: d(on), outcome: Some(outcome), summary: "Fait".into() }
    }

    #[test]
    fn each_indicator_counts_what_is_known() {
        let wait = Action::RequestDocuments { on: d("2026-06-07"), due_on: d("2026-07-07"), description: "RIB".into() };
        let received = Action::ReceiveDocuments { on: d("2026-06-27") };
        let cases = [
            // Taken up the next day, closed in 20 days: on time everywhere.
            case("2026-06-01", &[take_up("2026-06-02"), close("2026-06-21", Outcome::Explications)]),
            // Taken up on day 5, closed on day 45 after a 20-day wait: 25 net days, on time.
            case("2026-06-01", &[take_up("2026-06-06"), wait, received, close("2026-07-16", Outcome::PaiementRecu)]),
            // Taken up on day 10, closed on day 40: late twice.
            case("2026-06-01", &[take_up("2026-06-11"), close("2026-07-11", Outcome::AccordAmiable)]),
            // Sent elsewhere without a prise en charge: not taken up, but closed in time.
            case("2026-06-01", &[close("2026-06-03", Outcome::Orientation)]),
            // Open, received three days ago: only the 48 hours are known (missed).
            case("2026-09-27", &[]),
            // Open, taken up within 48 hours, past its handling deadline.
            case("2026-08-01", &[take_up("2026-08-03")]),
        ];
        let s = DeadlineSettings::default();
        let delays = DelayFigures::compute(&crate::domain::figures::Delays::of(&cases), d(TODAY));
        let found = compute(&s, &cases, delays, d(TODAY));
        assert_eq!(found.saisines, 6);
        assert_eq!(found.taken_up_in_time, Share { count: 3, base: 5 });
        assert_eq!(found.delays.taken_up_within_48_hours, Share { count: 2, base: 6 });
        assert_eq!(
            found.delays.taken_up_within_7_days, found.taken_up_in_time,
            "by default the caisse's delay is 7 days"
        );
        assert_eq!(found.closed_in_time, Share { count: 3, base: 5 });
        assert_eq!(found.overdue_now, 1);
    }
}
