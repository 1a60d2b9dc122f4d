//! Bulk actions on the saisines checked in the list: each row goes through the same work as
//! the single action (`saisines::assign_in`, `apply_in`, `note_in`), all rows in ONE
//! transaction, all or nothing: when any row is refused, nothing is applied and every refused
//! row is named with its reason.

use chrono::NaiveDate;

use super::saisines::{apply_in, assign_in, note_in};
use super::{write, AppError, AppResult, Stamp};
use crate::auth::UserId;
use crate::db::DbConn;
use crate::domain::lifecycle::check_text;
use crate::domain::{Action, DomainError, Reference};

/// Rows one bulk action may touch: a page of the list.
pub const MAX_ROWS: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BulkAction {
    /// To an account, or to nobody.
    Assign(Option<UserId>),
    TakeUp,
    Note(String),
}

/// A row the rules refused, and why (the domain's words).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Refusal {
    pub reference: String,
    pub reason: String,
}

/// Checks what was sent before any transaction: some rows, not too many, a note written.
fn check(references: &[Reference], action: &BulkAction) -> Result<(), DomainError> {
    if references.is_empty() {
        return Err(DomainError::invalid("ids", "none_checked", "cochez au moins une saisine"));
    }
    if references.len() > MAX_ROWS {
        let message = format!("cochez {MAX_ROWS} saisines au plus pour une même action");
        return Err(DomainError::invalid("ids", "too_many", message));
    }
    match action {
        BulkAction::Note(text) => check_text("note", text, "écrivez la note"),
        _ => Ok(()),
    }
}

/// The refusal in words: the domain's message, or what to fix.
fn reason(error: &DomainError) -> String {
    match error {
        DomainError::Invalid(fields) => fields.iter().map(|f| f.message.as_str()).collect::<Vec<_>>().join(" ; "),
        refused => refused.to_string(),
    }
}

fn one(conn: &mut DbConn, reference: Reference, action: &BulkAction, today: NaiveDate, stamp: &Stamp) -> AppResult<()> {
    match action {
        BulkAction::Assign(assignee) => assign_in(conn, reference, *assignee, stamp),
        BulkAction::TakeUp => apply_in(conn, reference, &Action::TakeUp { on: today }, today, stamp).map(|_| ()),
        BulkAction::Note(text) => note_in(conn, reference, text, stamp),
    }
}

/// Applies `action` to every saisine of `references`: `Ok(Ok(n))` once all are done, or
/// `Ok(Err(refusals))` with nothing applied. A storage failure is an error as usual.
pub fn apply(
    conn: &mut DbConn,
    references: &[Reference],
    action: &BulkAction,
    today: NaiveDate,
    stamp: &Stamp,
) -> AppResult<Result<usize, Vec<Refusal>>> {
    let mut rows = references.to_vec();
    // Locked in one order whatever the page's: two bulk actions never wait on each other in a
    // circle.
    rows.sort();
    rows.dedup();
    check(&rows, action)?;
    let mut refused: Vec<Refusal> = Vec::new();
    let done = write(conn, |conn| {
        for reference in &rows {
            // Each row in a savepoint: a refused row leaves nothing half-written while the
            // others are still tried, so that every refusal is named at once.
            match write(conn, |conn| one(conn, *reference, action, today, stamp)) {
                Ok(()) => {}
                Err(AppError::Domain(e)) => {
                    refused.push(Refusal { reference: reference.to_string(), reason: reason(&e) })
                }
                Err(AppError::NotFound) => {
                    refused.push(Refusal { reference: reference.to_string(), reason: "saisine introuvable".into() })
                }
                Err(other) => return Err(other),
            }
        }
        if refused.is_empty() {
            Ok(rows.len())
        } else {
            // Rolls the whole transaction back.
            Err(AppError::Domain(DomainError::refused("bulk_refused", "action refusée pour certaines saisines")))
        }
    });
    match done {
        Ok(count) => Ok(Ok(count)),
        Err(AppError::Domain(_)) if !refused.is_empty() => {
            refused.sort_by(|a, b| a.reference.cmp(&b.reference));
            Ok(Err(refused))
        }
        Err(other) => Err(other),
    }
}
