//! An interchange line's status columns turned into a lifecycle by replaying the moves every
//! other entry point goes through (`Lifecycle::apply`): prise en charge, demande de pièces,
//! clôture, from the reception, bounded by today. A move the domain refuses is reported on the
//! column that holds its date (or the cell it lacks).

use chrono::NaiveDate;

use super::codes::{Outcome, Status};
use super::deadlines::DeadlineSettings;
use super::error::{DomainError, FieldError};
use super::interchange::{code_or_error, error, optional_date, Line};
use super::lifecycle::{Action, Lifecycle};

/// The summary of a closing replayed from a file (only the lifecycle keeps it: the timeline
/// holds the « importée » entry).
const IMPORTED_CLOSING: &str = "Clôture reprise d'un fichier importé";

/// What is written on the documents request of a waiting line.
pub const IMPORTED_REQUEST: &str = "Pièces demandées avant l'import (demande reprise du fichier importé)";

/// A lifecycle rebuilt from a line, with the documents request it replayed, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replayed {
    pub lifecycle: Lifecycle,
    pub documents_request: Option<Action>,
    /// Whether the request's dates came from the file (else from the deadline settings).
    pub documents_dates_given: bool,
}

/// The status cells of a line, read.
struct StatusCells {
    status: Status,
    taken_on: Option<NaiveDate>,
    outcome: Option<Outcome>,
    closed_on: Option<NaiveDate>,
    requested_on: Option<NaiveDate>,
    due_on: Option<NaiveDate>,
}

/// Reads the status cells and checks that each belongs to the status; `None` if any is wrong.
fn cells(line: &Line, errors: &mut Vec<FieldError>) -> Option<StatusCells> {
    let before = errors.len();
    let status: Option<Status> = code_or_error(line, "status", "statut", errors);
    let taken_on = optional_date(line, "taken_on", errors);
    let closed_on = optional_date(line, "closed_on", errors);
    let requested_on = optional_date(line, "documents_requested_on", errors);
    let due_on = optional_date(line, "documents_due_on", errors);
    let outcome_text = line.get("outcome");
    let outcome: Option<Outcome> =
        if outcome_text.is_empty() { None } else { code_or_error(line, "outcome", "suite", errors) };
    let status = status?;
    let closed = status == Status::Cloturee;
    if closed {
        if outcome_text.is_empty() {
            errors.push(error("outcome", "une saisine clôturée a une suite (outcome)"));
        }
        if line.get("closed_on").is_empty() {
            errors.push(error("closed_on", "une saisine clôturée a une date de clôture"));
        }
    } else {
        if !outcome_text.is_empty() {
            errors.push(error("outcome", "une saisine non clôturée n'a pas de suite"));
        }
        if closed_on.is_some() {
            errors.push(error("closed_on", "une saisine non clôturée n'a pas de date de clôture"));
        }
    }
    match status {
        Status::Recue if taken_on.is_some() => {
            errors.push(error("taken_on", "une saisine reçue (non prise en charge) n'a pas de date de prise en charge"))
        }
        Status::EnCours | Status::AttentePieces if line.get("taken_on").is_empty() => errors.push(error(
            "taken_on",
            format!("une saisine « {} » a une date de prise en charge (taken_on)", status.code()),
        )),
        _ => {}
    }
    if status != Status::AttentePieces {
        for column in ["documents_requested_on", "documents_due_on"] {
            if !line.get(column).is_empty() {
                errors.push(error(column, "seule une saisine en attente de pièces a une demande de pièces en cours"));
            }
        }
    }
    (errors.len() == before).then_some(StatusCells { status, taken_on, outcome, closed_on, requested_on, due_on })
}

/// One move to replay, with the column its date (and so its refusal) comes from.
struct Step {
    action: Action,
    column: &'static str,
    label: &'static str,
}

/// The moves that lead from the reception to the line's status.
fn steps(cells: &StatusCells, settings: &DeadlineSettings) -> Vec<Step> {
    let mut steps = Vec::new();
    if let Some(on) = cells.taken_on {
        steps.push(Step { action: Action::TakeUp { on }, column: "taken_on", label: "prise en charge" });
    }
    if cells.status == Status::AttentePieces {
        if let Some(on) = cells.requested_on.or(cells.taken_on) {
            let due_on = cells.due_on.unwrap_or_else(|| settings.default_due_on(on));
            let action = Action::RequestDocuments { on, due_on, description: IMPORTED_REQUEST.to_string() };
            steps.push(Step { action, column: "documents_requested_on", label: "demande de pièces" });
        }
    }
    if let (Status::Cloturee, Some(on)) = (cells.status, cells.closed_on) {
        let action = Action::Close { on, outcome: cells.outcome, summary: IMPORTED_CLOSING.to_string() };
        steps.push(Step { action, column: "closed_on", label: "clôture" });
    }
    steps
}

/// The domain's refusal of a move, on the line's column at fault.
fn refusal(step: &Step, refused: DomainError) -> Vec<FieldError> {
    let label = step.label;
    match refused {
        DomainError::Invalid(errors) => errors
            .into_iter()
            .map(|e| match (e.field.as_str(), e.code) {
                ("outcome", "not_taken_up") => error(
                    "taken_on",
                    "date de prise en charge manquante : une saisine non prise en charge ne peut être clôturée \
                     que par une orientation",
                ),
                ("due_on", _) => error("documents_due_on", format!("{label} : {}", e.message)),
                ("outcome", _) => error("outcome", format!("{label} : {}", e.message)),
                _ => error(step.column, format!("{label} : {}", e.message)),
            })
            .collect(),
        DomainError::Refused { message, .. } => vec![error("status", format!("{label} : {message}"))],
    }
}

/// Rebuilds the lifecycle of a line received on `received_on` (unknown when that cell is wrong:
/// the status cells are still checked, the moves are not replayed).
pub fn replay(
    line: &Line,
    received_on: Option<NaiveDate>,
    settings: &DeadlineSettings,
    today: NaiveDate,
    errors: &mut Vec<FieldError>,
) -> Option<Replayed> {
    let cells = cells(line, errors)?;
    let mut lifecycle = Lifecycle::new(received_on?);
    let mut documents_request = None;
    for step in steps(&cells, settings) {
        match lifecycle.apply(&step.action, today) {
            Ok(next) => lifecycle = next,
            Err(refused) => {
                errors.extend(refusal(&step, refused));
                return None;
            }
        }
        if matches!(step.action, Action::RequestDocuments { .. }) {
            documents_request = Some(step.action);
        }
    }
    let documents_dates_given = cells.requested_on.is_some() || cells.due_on.is_some();
    Some(Replayed { lifecycle, documents_request, documents_dates_given })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::domain::lifecycle::Stage;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    const TODAY: &str = "2026-06-15";

    /// Replays the status cells given, for a saisine received on 1 March 2026.
    fn run(cells: &[(&'static str, &'static str)], settings: &DeadlineSettings) -> Result<Replayed, Vec<FieldError>> {
        let line = Line::new(cells.iter().copied().collect::<HashMap<_, _>>());
        let mut errors = Vec::new();
        let replayed = replay(&line, Some(d("2026-03-01")), settings, d(TODAY), &mut errors);
        match replayed {
            Some(r) if errors.is_empty() => Ok(r),
            _ => Err(errors),
        }
    }

    fn columns(errors: Vec<FieldError>) -> Vec<String> {
        errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn dates_in_the_future_are_refused_on_their_column() {
        let s = DeadlineSettings::default();
        let taken = run(&[("status", "en_cours"), ("taken_on", "2026-06-16")], &s).unwrap_err();
        assert_eq!(columns(taken.clone()), ["taken_on"]);
        assert!(taken[0].message.contains("futur"));
        let closed =
            run(&[("status", "cloturee"), ("outcome", "orientation"), ("closed_on", "2026-07-01")], &s).unwrap_err();
        assert_eq!(columns(closed), ["closed_on"]);
        let requested = run(
            &[("status", "attente_pieces"), ("taken_on", "2026-03-02"), ("documents_requested_on", "2026-06-20")],
            &s,
        )
        .unwrap_err();
        assert_eq!(columns(requested), ["documents_requested_on"]);
    }

    #[test]
    fn a_take_up_date_is_required_where_the_moves_need_one() {
        let s = DeadlineSettings::default();
        assert_eq!(columns(run(&[("status", "en_cours")], &s).unwrap_err()), ["taken_on"]);
        assert_eq!(columns(run(&[("status", "attente_pieces")], &s).unwrap_err()), ["taken_on"]);
        let explained = [("status", "cloturee"), ("outcome", "explications"), ("closed_on", "2026-03-05")];
        assert_eq!(columns(run(&explained, &s).unwrap_err()), ["taken_on"]);
        let oriented = [("status", "cloturee"), ("outcome", "orientation"), ("closed_on", "2026-03-05")];
        assert_eq!(run(&oriented, &s).unwrap().lifecycle.taken_on, None, "an orientation needs no take-up");
    }

    #[test]
    fn a_closing_before_the_take_up_is_refused() {
        let s = DeadlineSettings::default();
        let cells = [
            ("status", "cloturee"),
            ("taken_on", "2026-03-10"),
            ("outcome", "explications"),
            ("closed_on", "2026-03-08"),
        ];
        let errors = run(&cells, &s).unwrap_err();
        assert_eq!(columns(errors.clone()), ["closed_on"]);
        assert!(errors[0].message.contains("10/03/2026"), "{}", errors[0].message);
    }

    #[test]
    fn a_wait_without_its_dates_takes_them_from_the_settings() {
        let short = DeadlineSettings { documents_days: 12, ..DeadlineSettings::default() };
        let waiting = run(&[("status", "attente_pieces"), ("taken_on", "2026-03-02")], &short).unwrap();
        assert_eq!(
            waiting.lifecycle.stage,
            Stage::AwaitingDocuments { since: d("2026-03-02"), due_on: d("2026-03-14") }
        );
        assert!(!waiting.documents_dates_given);
        let Some(Action::RequestDocuments { on, due_on, .. }) = waiting.documents_request else {
            panic!("the request is kept for the timeline")
        };
        assert_eq!((on, due_on), (d("2026-03-02"), d("2026-03-14")));
        let given = run(
            &[
                ("status", "attente_pieces"),
                ("taken_on", "2026-03-02"),
                ("documents_requested_on", "2026-03-05"),
                ("documents_due_on", "2026-04-01"),
            ],
            &short,
        )
        .unwrap();
        assert_eq!(given.lifecycle.stage, Stage::AwaitingDocuments { since: d("2026-03-05"), due_on: d("2026-04-01") });
        let due_first = [
            ("status", "attente_pieces"),
            ("taken_on", "2026-03-02"),
            ("documents_requested_on", "2026-03-05"),
            ("documents_due_on", "2026-03-05"),
        ];
        assert_eq!(columns(run(&due_first, &short).unwrap_err()), ["documents_due_on"]);
        let stray = [("status", "en_cours"), ("taken_on", "2026-03-02"), ("documents_due_on", "2026-04-01")];
        assert_eq!(columns(run(&stray, &short).unwrap_err()), ["documents_due_on"]);
    }
}
