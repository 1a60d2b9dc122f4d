//! The use cases the page, the API (and later the import) share: validate with the domain
//! against the reference lists, then write, in one transaction.

use chrono::NaiveDate;

use super::reference_lists::ReferenceLists;
use super::saisines::{self, Stamp};
use super::{users, DbConn, DbError, DbResult};
use crate::auth::UserId;
use crate::domain::changes::FieldChange;
use crate::domain::{Action, DomainError, Reference, SaisineDraft};

/// Records a saisine typed by a user; every field error is reported at once.
pub fn record(conn: &mut DbConn, draft: &SaisineDraft, today: NaiveDate, stamp: &Stamp) -> DbResult<Reference> {
    let lists = ReferenceLists::load(conn)?;
    let facts = draft.validate(&lists.allowed(&[], None), today)?;
    saisines::create(conn, &facts, stamp)
}

/// Replaces a saisine's facts with the edited draft. Retired motifs and partners it already
/// carries stay allowed.
pub fn edit(
    conn: &mut DbConn,
    reference: Reference,
    draft: &SaisineDraft,
    today: NaiveDate,
    stamp: &Stamp,
) -> DbResult<Vec<FieldChange>> {
    let current = saisines::find(conn, reference)?;
    let lists = ReferenceLists::load(conn)?;
    let kept: Vec<String> = current.facts.motifs.iter().map(|m| m.0.clone()).collect();
    let allowed = lists.allowed(&kept, current.facts.partner.as_ref().map(|p| p.0.as_str()));
    let facts = draft.validate(&allowed, today)?;
    saisines::update_facts(conn, reference, &facts, stamp)
}

/// A lifecycle move, or a note when `action` is `None`.
pub fn step(
    conn: &mut DbConn,
    reference: Reference,
    action: Option<&Action>,
    note: &str,
    today: NaiveDate,
    stamp: &Stamp,
) -> DbResult<()> {
    match action {
        Some(action) => saisines::apply(conn, reference, action, today, stamp).map(|_| ()),
        None => saisines::add_note(conn, reference, note, stamp),
    }
}

/// Assigns the saisine to an active mediator or administrator, or to nobody.
pub fn assign(conn: &mut DbConn, reference: Reference, assignee: Option<UserId>, stamp: &Stamp) -> DbResult<()> {
    let named = match assignee {
        None => None,
        Some(id) => {
            let user = users::find(conn, id).map_err(|_| unknown_assignee())?;
            if !user.active || !user.role.can_work_on_saisines() {
                return Err(unknown_assignee());
            }
            Some((id, user.display_name))
        }
    };
    saisines::assign(conn, reference, named.as_ref().map(|(id, name)| (*id, name.as_str())), stamp)
}

fn unknown_assignee() -> DbError {
    DomainError::invalid("assignee", "unknown_assignee", "ce compte n'existe pas ou ne peut pas recevoir de saisines")
        .into()
}
