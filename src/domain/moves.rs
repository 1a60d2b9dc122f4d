//! What a saisine's stage allows, asked of the lifecycle itself: the moves a page offers and
//! the outcomes a closing may give. No rule is written here: each answer is `apply`'s own,
//! run on a well-formed move dated on the last step.

use chrono::NaiveDate;

use super::codes::Outcome;
use super::error::DomainError;
use super::lifecycle::{Action, Lifecycle};

/// The moves a mediator may ask for, without their data: what a page offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    TakeUp,
    RequestDocuments,
    ReceiveDocuments,
    Close,
    Reopen,
}

impl Move {
    pub const ALL: [Move; 5] =
        [Move::TakeUp, Move::RequestDocuments, Move::ReceiveDocuments, Move::Close, Move::Reopen];

    /// A well-formed instance of the move, dated `on`: only the stage can refuse it.
    fn probe(self, on: NaiveDate) -> Action {
        let text = "x".to_string();
        match self {
            Move::TakeUp => Action::TakeUp { on },
            Move::RequestDocuments => {
                Action::RequestDocuments { on, due_on: on.succ_opt().unwrap_or(on), description: text }
            }
            Move::ReceiveDocuments => Action::ReceiveDocuments { on },
            // Orientation: the one outcome every open stage accepts.
            Move::Close => Action::Close { on, outcome: Some(Outcome::Orientation), summary: text },
            Move::Reopen => Action::Reopen { on, reason: text },
        }
    }
}

impl Lifecycle {
    /// Whether the saisine's stage allows `m`. The answer is `apply`'s own, run on a
    /// well-formed move dated on the last step: a page offers exactly the moves `apply` accepts,
    /// and no rule is written twice.
    pub fn allows(&self, m: Move) -> bool {
        let on = self.last_date();
        !matches!(self.apply(&m.probe(on), on), Err(DomainError::Refused { .. }))
    }

    /// The outcomes a closing may give now (none once closed; only `orientation` before the
    /// prise en charge): `apply`'s answer again.
    pub fn closing_outcomes(&self) -> Vec<Outcome> {
        let on = self.last_date();
        Outcome::ALL
            .iter()
            .copied()
            .filter(|o| {
                let close = Action::Close { on, outcome: Some(*o), summary: "x".into() };
                self.apply(&close, on).is_ok()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn received() -> Lifecycle {
        Lifecycle::new(d("2026-06-01"))
    }

    fn apply(l: &Lifecycle, a: Action) -> Result<Lifecycle, DomainError> {
        l.apply(&a, d("2026-06-30"))
    }

    fn close(on: &str, outcome: Option<Outcome>) -> Action {
        Action::Close { on: d(on), outcome, summary: "Réglé".into() }
    }

    #[test]
    fn the_allowed_moves_follow_the_stage() {
        let allowed = |l: &Lifecycle| Move::ALL.into_iter().filter(|m| l.allows(*m)).collect::<Vec<_>>();
        assert_eq!(allowed(&received()), [Move::TakeUp, Move::Close]);
        let taken = apply(&received(), Action::TakeUp { on: d("2026-06-02") }).unwrap();
        assert_eq!(allowed(&taken), [Move::RequestDocuments, Move::Close]);
        let waiting = apply(
            &taken,
            Action::RequestDocuments { on: d("2026-06-03"), due_on: d("2026-06-10"), description: "RIB".into() },
        )
        .unwrap();
        assert_eq!(allowed(&waiting), [Move::ReceiveDocuments, Move::Close]);
        assert_eq!(waiting.closing_outcomes().len(), Outcome::ALL.len());
        assert_eq!(received().closing_outcomes(), [Outcome::Orientation]);
        let closed = apply(&waiting, close("2026-06-20", Some(Outcome::Abandon))).unwrap();
        assert_eq!(allowed(&closed), [Move::Reopen]);
        assert!(closed.closing_outcomes().is_empty());
    }
}
