//! The life of a saisine: reçue → en cours ⇄ attente de pièces → clôturée (→ rouverte).
//! Every move is checked here, whatever the entry point (page, API, import, sweep).

use chrono::NaiveDate;

use super::codes::{Outcome, Status};
use super::error::DomainError;

/// Where a saisine stands, with the data each stage needs and nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Received,
    InProgress,
    AwaitingDocuments { since: NaiveDate, due_on: NaiveDate },
    Closed { outcome: Outcome, on: NaiveDate },
}

/// The dated state of a saisine that the moves act upon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifecycle {
    pub received_on: NaiveDate,
    pub taken_on: Option<NaiveDate>,
    pub stage: Stage,
    /// Days spent waiting for the person's documents, over every finished wait.
    pub days_waiting: i32,
}

/// A move asked for by a mediator (or by the sweep).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    TakeUp { on: NaiveDate },
    RequestDocuments { on: NaiveDate, due_on: NaiveDate, description: String },
    ReceiveDocuments { on: NaiveDate },
    Close { on: NaiveDate, outcome: Option<Outcome>, summary: String },
    Reopen { on: NaiveDate, reason: String },
}

const MAX_TEXT: usize = 10_000;

impl Lifecycle {
    pub fn new(received_on: NaiveDate) -> Self {
        Lifecycle { received_on, taken_on: None, stage: Stage::Received, days_waiting: 0 }
    }

    pub fn status(&self) -> Status {
        match self.stage {
            Stage::Received => Status::Recue,
            Stage::InProgress => Status::EnCours,
            Stage::AwaitingDocuments { .. } => Status::AttentePieces,
            Stage::Closed { .. } => Status::Cloturee,
        }
    }

    pub fn outcome(&self) -> Option<Outcome> {
        match self.stage {
            Stage::Closed { outcome, .. } => Some(outcome),
            _ => None,
        }
    }

    pub fn closed_on(&self) -> Option<NaiveDate> {
        match self.stage {
            Stage::Closed { on, .. } => Some(on),
            _ => None,
        }
    }

    /// The latest date already on the saisine: no move may be dated before it.
    pub(super) fn last_date(&self) -> NaiveDate {
        let stage_date = match self.stage {
            Stage::AwaitingDocuments { since, .. } => Some(since),
            Stage::Closed { on, .. } => Some(on),
            _ => None,
        };
        [Some(self.received_on), self.taken_on, stage_date].into_iter().flatten().max().unwrap_or(self.received_on)
    }

    /// A new reception date may not come after a step already taken.
    pub fn check_reception(&self, received_on: NaiveDate) -> Result<(), DomainError> {
        let first_step = [self.taken_on, self.closed_on()].into_iter().flatten().min();
        match first_step {
            Some(step) if received_on > step => Err(DomainError::invalid(
                "received_on",
                "received_after_step",
                format!(
                    "la date de réception ne peut pas être postérieure à la prise en charge ou à la clôture ({})",
                    step.format("%d/%m/%Y")
                ),
            )),
            _ => Ok(()),
        }
    }

    /// The same state counted from another reception date (the stored durations follow it).
    pub fn received_on(self, received_on: NaiveDate) -> Lifecycle {
        Lifecycle { received_on, ..self }
    }

    /// Days from reception to the prise en charge, once taken up.
    pub fn take_up_days(&self) -> Option<i64> {
        self.taken_on.map(|on| (on - self.received_on).num_days())
    }

    /// Gross processing time in days, once closed.
    pub fn gross_days(&self) -> Option<i64> {
        self.closed_on().map(|on| (on - self.received_on).num_days())
    }

    /// Processing time net of the waits for documents: the clock the mediation controls.
    pub fn net_days(&self) -> Option<i64> {
        self.gross_days().map(|gross| gross - i64::from(self.days_waiting))
    }

    /// Applies a move, or says in French why it is refused. `today` bounds the dates.
    pub fn apply(&self, action: &Action, today: NaiveDate) -> Result<Lifecycle, DomainError> {
        match action {
            Action::TakeUp { on } => self.take_up(*on, today),
            Action::RequestDocuments { on, due_on, description } => {
                self.request_documents(*on, *due_on, description, today)
            }
            Action::ReceiveDocuments { on } => self.receive_documents(*on, today),
            Action::Close { on, outcome, summary } => self.close(*on, *outcome, summary, today),
            Action::Reopen { on, reason } => self.reopen(*on, reason, today),
        }
    }

    fn check_date(&self, on: NaiveDate, today: NaiveDate) -> Result<(), DomainError> {
        if on > today {
            return Err(DomainError::invalid("date", "date_future", "la date ne peut pas être dans le futur"));
        }
        let last = self.last_date();
        if on < last {
            return Err(DomainError::invalid(
                "date",
                "date_before_last_event",
                format!("la date ne peut pas précéder le {} (dernière étape du dossier)", last.format("%d/%m/%Y")),
            ));
        }
        Ok(())
    }

    fn take_up(&self, on: NaiveDate, today: NaiveDate) -> Result<Lifecycle, DomainError> {
        if self.taken_on.is_some() {
            return Err(DomainError::refused("already_taken_up", "cette saisine a déjà été prise en charge"));
        }
        if self.stage != Stage::Received {
            return Err(DomainError::refused("not_received", "seule une saisine reçue peut être prise en charge"));
        }
        self.check_date(on, today)?;
        Ok(Lifecycle { taken_on: Some(on), stage: Stage::InProgress, ..*self })
    }

    fn request_documents(
        &self,
        on: NaiveDate,
        due_on: NaiveDate,
        description: &str,
        today: NaiveDate,
    ) -> Result<Lifecycle, DomainError> {
        match self.stage {
            Stage::InProgress => {}
            Stage::Received => {
                return Err(DomainError::refused(
                    "not_taken_up",
                    "prenez d'abord la saisine en charge avant de demander des pièces",
                ))
            }
            Stage::AwaitingDocuments { .. } => {
                return Err(DomainError::refused(
                    "already_waiting",
                    "des pièces sont déjà demandées : enregistrez d'abord leur réception",
                ))
            }
            Stage::Closed { .. } => {
                return Err(DomainError::refused(
                    "closed",
                    "impossible de demander des pièces sur une saisine clôturée",
                ))
            }
        }
        self.check_date(on, today)?;
        check_text("description", description, "indiquez les pièces demandées")?;
        if due_on <= on {
            return Err(DomainError::invalid(
                "due_on",
                "due_before_request",
                "l'échéance doit être postérieure à la date de la demande",
            ));
        }
        Ok(Lifecycle { stage: Stage::AwaitingDocuments { since: on, due_on }, ..*self })
    }

    fn receive_documents(&self, on: NaiveDate, today: NaiveDate) -> Result<Lifecycle, DomainError> {
        let Stage::AwaitingDocuments { since, .. } = self.stage else {
            return Err(DomainError::refused(
                "not_waiting",
                "aucune demande de pièces n'est en attente sur cette saisine",
            ));
        };
        self.check_date(on, today)?;
        Ok(Lifecycle { stage: Stage::InProgress, days_waiting: self.days_waiting + days_between(since, on), ..*self })
    }

    fn close(
        &self,
        on: NaiveDate,
        outcome: Option<Outcome>,
        summary: &str,
        today: NaiveDate,
    ) -> Result<Lifecycle, DomainError> {
        if let Stage::Closed { .. } = self.stage {
            return Err(DomainError::refused("already_closed", "cette saisine est déjà clôturée"));
        }
        let Some(outcome) = outcome else {
            return Err(DomainError::invalid(
                "outcome",
                "outcome_required",
                "choisissez la suite donnée pour clôturer la saisine",
            ));
        };
        if self.stage == Stage::Received && outcome != Outcome::Orientation {
            return Err(DomainError::invalid(
                "outcome",
                "not_taken_up",
                "une saisine non prise en charge ne peut être clôturée que par une orientation",
            ));
        }
        self.check_date(on, today)?;
        check_text("summary", summary, "rédigez la synthèse de clôture")?;
        // A wait still running ends with the closing: the person's silence is part of the wait.
        let days_waiting = match self.stage {
            Stage::AwaitingDocuments { since, .. } => self.days_waiting + days_between(since, on),
            _ => self.days_waiting,
        };
        Ok(Lifecycle { stage: Stage::Closed { outcome, on }, days_waiting, ..*self })
    }

    fn reopen(&self, on: NaiveDate, reason: &str, today: NaiveDate) -> Result<Lifecycle, DomainError> {
        if !matches!(self.stage, Stage::Closed { .. }) {
            return Err(DomainError::refused("not_closed", "seule une saisine clôturée peut être rouverte"));
        }
        self.check_date(on, today)?;
        check_text("reason", reason, "indiquez pourquoi la saisine est rouverte")?;
        let stage = if self.taken_on.is_some() { Stage::InProgress } else { Stage::Received };
        Ok(Lifecycle { stage, ..*self })
    }
}

/// An anonymised saisine lost what a reopened one would need (the person, the texts): reopening
/// it is refused, whoever asks.
pub fn check_not_anonymised(action: &Action, anonymised: bool) -> Result<(), DomainError> {
    match action {
        Action::Reopen { .. } if anonymised => Err(DomainError::refused(
            "anonymised",
            "cette saisine est anonymisée : elle ne peut pas être rouverte ; enregistrez une nouvelle saisine",
        )),
        _ => Ok(()),
    }
}

fn days_between(from: NaiveDate, to: NaiveDate) -> i32 {
    i32::try_from((to - from).num_days()).unwrap_or(i32::MAX)
}

/// A required free text of reasonable length.
pub fn check_text(field: &str, text: &str, missing: &str) -> Result<(), DomainError> {
    if text.trim().is_empty() {
        return Err(DomainError::invalid(field, "required", missing));
    }
    if text.chars().count() > MAX_TEXT {
        return Err(DomainError::invalid(field, "too_long", format!("{MAX_TEXT} caractères au plus")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    const TODAY: &str = "2026-06-30";

    fn received() -> Lifecycle {
        Lifecycle::new(d("2026-06-01"))
    }

    fn apply(l: &Lifecycle, a: Action) -> Result<Lifecycle, DomainError> {
        l.apply(&a, d(TODAY))
    }

    fn close(on: &str, outcome: Option<Outcome>) -> Action {
        Action::Close { on: d(on), outcome, summary: "Réglé".into() }
    }

    #[test]
    fn full_life_with_a_wait_counts_net_days() {
        let l = apply(&received(), Action::TakeUp { on: d("2026-06-03") }).unwrap();
        assert_eq!(l.status(), Status::EnCours);
        let l = apply(
            &l,
            Action::RequestDocuments { on: d("2026-06-05"), due_on: d("2026-07-05"), description: "RIB".into() },
        )
        .unwrap();
        assert_eq!(l.status(), Status::AttentePieces);
        let l = apply(&l, Action::ReceiveDocuments { on: d("2026-06-15") }).unwrap();
        assert_eq!(l.days_waiting, 10);
        let l = apply(&l, close("2026-06-21", Some(Outcome::PaiementRecu))).unwrap();
        assert_eq!(l.outcome(), Some(Outcome::PaiementRecu));
        assert_eq!(l.gross_days(), Some(20));
        assert_eq!(l.net_days(), Some(10));
    }

    #[test]
    fn illegal_moves_are_refused() {
        let taken = apply(&received(), Action::TakeUp { on: d("2026-06-02") }).unwrap();
        assert_eq!(apply(&taken, Action::TakeUp { on: d("2026-06-02") }).unwrap_err().code(), "already_taken_up");
        assert_eq!(apply(&taken, close("2026-06-03", None)).unwrap_err().code(), "outcome_required");
        let closed = apply(&taken, close("2026-06-03", Some(Outcome::Explications))).unwrap();
        let request =
            Action::RequestDocuments { on: d("2026-06-04"), due_on: d("2026-06-20"), description: "x".into() };
        assert_eq!(apply(&closed, request).unwrap_err().code(), "closed");
        assert_eq!(apply(&closed, close("2026-06-04", Some(Outcome::Abandon))).unwrap_err().code(), "already_closed");
        assert_eq!(apply(&taken, Action::ReceiveDocuments { on: d("2026-06-04") }).unwrap_err().code(), "not_waiting");
        assert_eq!(
            apply(&taken, Action::Reopen { on: d("2026-06-04"), reason: "x".into() }).unwrap_err().code(),
            "not_closed"
        );
    }

    #[test]
    fn a_saisine_not_taken_up_closes_only_as_orientation() {
        let refused = apply(&received(), close("2026-06-02", Some(Outcome::PaiementRecu))).unwrap_err();
        assert_eq!(refused.code(), "not_taken_up");
        let oriented = apply(&received(), close("2026-06-02", Some(Outcome::Orientation))).unwrap();
        assert_eq!(oriented.status(), Status::Cloturee);
    }

    #[test]
    fn dates_cannot_go_back_or_into_the_future() {
        assert_eq!(
            apply(&received(), Action::TakeUp { on: d("2026-05-31") }).unwrap_err().code(),
            "date_before_last_event"
        );
        assert_eq!(apply(&received(), Action::TakeUp { on: d("2026-07-01") }).unwrap_err().code(), "date_future");
        let taken = apply(&received(), Action::TakeUp { on: d("2026-06-02") }).unwrap();
        let bad_due =
            Action::RequestDocuments { on: d("2026-06-03"), due_on: d("2026-06-03"), description: "RIB".into() };
        assert_eq!(apply(&taken, bad_due).unwrap_err().code(), "due_before_request");
    }

    #[test]
    fn reopening_returns_to_the_stage_before_closing_and_keeps_waits() {
        let taken = apply(&received(), Action::TakeUp { on: d("2026-06-02") }).unwrap();
        let waiting = apply(
            &taken,
            Action::RequestDocuments { on: d("2026-06-02"), due_on: d("2026-06-10"), description: "RIB".into() },
        )
        .unwrap();
        let abandoned = apply(&waiting, close("2026-06-20", Some(Outcome::Abandon))).unwrap();
        assert_eq!(abandoned.days_waiting, 18);
        let reopened =
            apply(&abandoned, Action::Reopen { on: d("2026-06-25"), reason: "Pièces arrivées".into() }).unwrap();
        assert_eq!(reopened.status(), Status::EnCours);
        assert_eq!(reopened.days_waiting, 18);
        assert_eq!(reopened.outcome(), None);
        let oriented = apply(&received(), close("2026-06-02", Some(Outcome::Orientation))).unwrap();
        let back = apply(&oriented, Action::Reopen { on: d("2026-06-03"), reason: "Erreur".into() }).unwrap();
        assert_eq!(back.status(), Status::Recue);
    }

    #[test]
    fn an_anonymised_saisine_is_never_reopened() {
        let reopen = Action::Reopen { on: d("2026-06-03"), reason: "La personne rappelle".into() };
        assert_eq!(check_not_anonymised(&reopen, true).unwrap_err().code(), "anonymised");
        assert!(check_not_anonymised(&reopen, false).is_ok());
        assert!(check_not_anonymised(&Action::TakeUp { on: d("2026-06-03") }, true).is_ok());
    }
}
