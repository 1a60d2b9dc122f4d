//! Service-quality indicators: prise en charge within the deadline (7 days by default, the
//! national indicator), acknowledgement within 48 hours, closing within the handling deadline
//! (net of the waits for documents), saisines overdue now. Pure: the caller picks the saisines.

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use super::deadlines::{waited_days, DeadlineSettings};
use super::lifecycle::{Lifecycle, Stage};

/// The acknowledgement indicator counts 48 hours as two calendar days, whatever the settings.
pub const ACKNOWLEDGEMENT_DAYS: i64 = 2;

/// `count` of `base` saisines. The base leaves out the saisines whose answer is not known yet
/// (still within their deadline): a saisine received yesterday is neither on time nor late.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Share {
    pub count: u32,
    pub base: u32,
}

impl Share {
    /// Rounded to the nearest whole percent; `None` when there is nothing to measure.
    pub fn percent(&self) -> Option<u32> {
        (self.base > 0).then(|| (self.count * 100 + self.base / 2) / self.base)
    }

    fn add(&mut self, on_time: Option<bool>) {
        if let Some(on_time) = on_time {
            self.base += 1;
            self.count += u32::from(on_time);
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Indicators {
    /// The saisines measured.
    pub saisines: u32,
    /// Taken up within `take_up_days` of reception.
    pub taken_up_in_time: Share,
    /// Taken up (and so acknowledged) within 48 hours.
    pub acknowledged_in_48h: Share,
    /// Closed within `handling_days`, net of the waits for documents.
    pub closed_in_time: Share,
    /// Open and past their take-up or handling deadline today.
    pub overdue_now: u32,
    pub take_up_days: u32,
    pub handling_days: u32,
}

/// On time (`Some(true)`), late (`Some(false)`) or not known yet (`None`) for a deadline on
/// an answer given on `answered` (or never, if the saisine was closed without it).
fn by_deadline(answered: Option<NaiveDate>, closed: bool, deadline: NaiveDate, today: NaiveDate) -> Option<bool> {
    match answered {
        Some(on) => Some(on <= deadline),
        None if closed || today > deadline => Some(false),
        None => None,
    }
}

fn closed_in_time(settings: &DeadlineSettings, lifecycle: &Lifecycle, today: NaiveDate) -> Option<bool> {
    let deadline = settings.handling_due(lifecycle.received_on, waited_days(lifecycle, today));
    by_deadline(lifecycle.closed_on(), false, deadline, today)
}

/// Open, and past the take-up deadline or the handling deadline; a wait for documents stops
/// the handling clock, so a saisine waiting for documents is never overdue here.
pub fn is_overdue(settings: &DeadlineSettings, lifecycle: &Lifecycle, today: NaiveDate) -> bool {
    match lifecycle.stage {
        Stage::Closed { .. } | Stage::AwaitingDocuments { .. } => false,
        Stage::Received | Stage::InProgress => {
            let take_up_late = lifecycle.taken_on.is_none() && today > settings.take_up_due(lifecycle.received_on);
            take_up_late || today > settings.handling_due_today(lifecycle, today)
        }
    }
}

/// The indicators over the given saisines, as of `today`.
pub fn compute(settings: &DeadlineSettings, saisines: &[Lifecycle], today: NaiveDate) -> Indicators {
    let mut indicators = Indicators {
        saisines: 0,
        taken_up_in_time: Share::default(),
        acknowledged_in_48h: Share::default(),
        closed_in_time: Share::default(),
        overdue_now: 0,
        take_up_days: settings.take_up_days,
        handling_days: settings.handling_days,
    };
    for lifecycle in saisines {
        let closed = lifecycle.closed_on().is_some();
        let received = lifecycle.received_on;
        indicators.saisines += 1;
        indicators.taken_up_in_time.add(by_deadline(lifecycle.taken_on, closed, settings.take_up_due(received), today));
        let acknowledgement = received + Duration::days(ACKNOWLEDGEMENT_DAYS);
        indicators.acknowledged_in_48h.add(by_deadline(lifecycle.taken_on, closed, acknowledgement, today));
        indicators.closed_in_time.add(closed_in_time(settings, lifecycle, today));
        indicators.overdue_now += u32::from(is_overdue(settings, lifecycle, today));
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
    fn shares_round_to_the_nearest_percent() {
        assert_eq!(Share { count: 2, base: 3 }.percent(), Some(67));
        assert_eq!(Share { count: 1, base: 8 }.percent(), Some(13), "12.5 rounds up");
        assert_eq!(Share { count: 0, base: 0 }.percent(), None);
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
        let found = compute(&s, &cases, d(TODAY));
        assert_eq!(found.saisines, 6);
        assert_eq!(found.taken_up_in_time, Share { count: 3, base: 5 });
        assert_eq!(found.acknowledged_in_48h, Share { count: 2, base: 6 });
        assert_eq!(found.closed_in_time, Share { count: 3, base: 5 });
        assert_eq!(found.overdue_now, 1);
    }
}
