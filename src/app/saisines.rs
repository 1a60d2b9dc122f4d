//! The use cases of one saisine: record it, edit it, each lifecycle move, notes, assignment.

use chrono::{Datelike, NaiveDate};

use super::{schedule, write, AppResult, Stamp};
use crate::auth::audit::AuditAction;
use crate::auth::UserId;
use crate::db::reference_lists::ReferenceLists;
use crate::db::{audit, events, saisines as store, users, DbConn, DbError};
use crate::domain::changes::{diff, FieldChange};
use crate::domain::lifecycle::check_text;
use crate::domain::saisine::check_assignee;
use crate::domain::{
    Action, EventDetails, EventKind, Lifecycle, Reference, Saisine, SaisineDraft, SaisineFacts, SaisineId,
};

/// Records a saisine typed by a user; every field error is reported at once.
pub fn record(conn: &mut DbConn, draft: &SaisineDraft, today: NaiveDate, stamp: &Stamp) -> AppResult<Reference> {
    let lists = ReferenceLists::load(conn)?;
    let facts = draft.validate(&lists.allowed(&[], None), today)?;
    write(conn, |conn| Ok(create(conn, &facts, None, stamp)?.0))
}

/// Inside the caller's transaction: a new saisine, status `recue`, with its creation entry
/// (saying where it came from) and its audit record.
pub(crate) fn create(
    conn: &mut DbConn,
    facts: &SaisineFacts,
    origin: Option<&str>,
    stamp: &Stamp,
) -> AppResult<(Reference, SaisineId)> {
    let reference = store::next_reference(conn, facts.received_on.year())?;
    let id = store::insert(conn, reference, facts, &Lifecycle::new(facts.received_on), stamp.at)?;
    schedule::after_identity_change(conn, id, &[])?;
    let details = EventDetails { text: origin.map(str::to_string), ..Default::default() };
    events::append(conn, id, EventKind::Creee, &details, stamp)?;
    audit::record(conn, stamp.actor, AuditAction::SaisineCreated, &reference.to_string(), "", stamp.at)?;
    Ok((reference, id))
}

/// Replaces a saisine's facts with the edited draft; returns what changed.
pub fn edit(
    conn: &mut DbConn,
    reference: Reference,
    draft: &SaisineDraft,
    today: NaiveDate,
    stamp: &Stamp,
) -> AppResult<Vec<FieldChange>> {
    patch(conn, reference, |_| draft.clone(), today, stamp)
}

/// Changes some of a saisine's facts: `merge` receives the facts as they are now, read inside
/// the locked transaction, and returns the draft to save. So two concurrent partial updates
/// of different fields both stay. Retired motifs and partners it already carries stay allowed.
pub fn patch(
    conn: &mut DbConn,
    reference: Reference,
    merge: impl FnOnce(SaisineDraft) -> SaisineDraft,
    today: NaiveDate,
    stamp: &Stamp,
) -> AppResult<Vec<FieldChange>> {
    write(conn, |conn| {
        store::lock(conn, reference)?;
        let current = store::find(conn, reference)?;
        crate::domain::retention::check_writable(crate::db::retention::anonymised_at(conn, current.id)?.is_some())?;
        let lists = ReferenceLists::load(conn)?;
        let kept: Vec<String> = current.facts.motifs.iter().map(|m| m.0.clone()).collect();
        let allowed = lists.allowed(&kept, current.facts.partner.as_ref().map(|p| p.0.as_str()));
        let facts = merge(current.facts.to_draft()).validate(&allowed, today)?;
        save_facts(conn, &current, facts, stamp)
    })
}

/// Writes new facts over the current ones, with the timeline entry listing each change.
fn save_facts(conn: &mut DbConn, current: &Saisine, facts: SaisineFacts, stamp: &Stamp) -> AppResult<Vec<FieldChange>> {
    current.lifecycle.check_reception(facts.received_on)?;
    let changes = diff(&current.facts, &facts);
    if changes.is_empty() {
        return Ok(changes);
    }
    let before = schedule::matches(conn, current.id)?;
    store::set_facts(conn, current.id, &facts)?;
    if facts.received_on != current.facts.received_on {
        // The stored durations count from the reception date.
        store::set_lifecycle(conn, current.id, &current.lifecycle.received_on(facts.received_on))?;
    }
    schedule::after_identity_change(conn, current.id, &before)?;
    store::touch(conn, current.id, stamp.at)?;
    // Edited (and so validated: a process and motifs), it is qualified; a mediator acted on it.
    crate::db::inbound::set_to_qualify(conn, current.id, false)?;
    crate::db::inbound::set_mail_received(conn, current.id, false)?;
    let details = EventDetails { changes: changes.clone(), ..Default::default() };
    events::append(conn, current.id, EventKind::Modifiee, &details, stamp)?;
    let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
    let target = current.reference.to_string();
    audit::record(conn, stamp.actor, AuditAction::SaisineEdited, &target, &fields.join(","), stamp.at)?;
    Ok(changes)
}

/// A lifecycle move, or a note when `action` is `None`.
pub fn step(
    conn: &mut DbConn,
    reference: Reference,
    action: Option<&Action>,
    note: &str,
    today: NaiveDate,
    stamp: &Stamp,
) -> AppResult<()> {
    match action {
        Some(action) => apply(conn, reference, action, today, stamp).map(|_| ()),
        None => add_note(conn, reference, note, stamp),
    }
}

/// Applies a lifecycle move checked by the domain, and records it in the timeline.
pub fn apply(
    conn: &mut DbConn,
    reference: Reference,
    action: &Action,
    today: NaiveDate,
    stamp: &Stamp,
) -> AppResult<Saisine> {
    write(conn, |conn| apply_in(conn, reference, action, today, stamp))
}

/// `apply`'s work inside the caller's transaction (a bulk action runs many in one).
pub(crate) fn apply_in(
    conn: &mut DbConn,
    reference: Reference,
    action: &Action,
    today: NaiveDate,
    stamp: &Stamp,
) -> AppResult<Saisine> {
    store::lock(conn, reference)?;
    let current = store::find(conn, reference)?;
    apply_to(conn, &current, action, today, stamp, AuditAction::SaisineStep)
}

/// Inside the caller's transaction, on a saisine it has locked and read: the move, its
/// timeline entry and its audit record (`audit` names the kind of act).
pub(crate) fn apply_to(
    conn: &mut DbConn,
    current: &Saisine,
    action: &Action,
    today: NaiveDate,
    stamp: &Stamp,
    audit_action: AuditAction,
) -> AppResult<Saisine> {
    if matches!(action, Action::Reopen { .. }) {
        let anonymised = crate::db::retention::anonymised_at(conn, current.id)?.is_some();
        crate::domain::lifecycle::check_not_anonymised(action, anonymised)?;
        let merged_into = crate::db::merges::merged_into(conn, current.id)?.and_then(|(_, r)| r.parse().ok());
        crate::domain::merge::check_not_merged(merged_into)?;
    }
    let next = current.lifecycle.apply(action, today)?;
    store::set_lifecycle(conn, current.id, &next)?;
    store::touch(conn, current.id, stamp.at)?;
    crate::db::inbound::set_mail_received(conn, current.id, false)?;
    let (kind, details) = EventDetails::for_action(action);
    events::append(conn, current.id, kind, &details, stamp)?;
    // After the entry: a new documents request is the wait its deadlines now follow.
    schedule::after_change(conn, current.id)?;
    let audit_details = match audit_action {
        AuditAction::SaisineStep => kind.code().to_string(),
        _ => details.text.clone().unwrap_or_default(),
    };
    audit::record(conn, stamp.actor, audit_action, &current.reference.to_string(), &audit_details, stamp.at)?;
    Ok(Saisine { lifecycle: next, updated_at: stamp.at, ..current.clone() })
}

/// A note in the timeline; allowed at every stage, closed included.
pub fn add_note(conn: &mut DbConn, reference: Reference, text: &str, stamp: &Stamp) -> AppResult<()> {
    check_text("text", text, "écrivez la note")?;
    write(conn, |conn| note_in(conn, reference, text, stamp))
}

/// `add_note`'s work inside the caller's transaction.
pub(crate) fn note_in(conn: &mut DbConn, reference: Reference, text: &str, stamp: &Stamp) -> AppResult<()> {
    check_text("text", text, "écrivez la note")?;
    let id = store::id_of(conn, reference)?;
    crate::domain::retention::check_writable(crate::db::retention::anonymised_at(conn, id)?.is_some())?;
    let details = EventDetails { text: Some(text.trim().to_string()), ..Default::default() };
    events::append(conn, id, EventKind::Note, &details, stamp)?;
    crate::db::inbound::set_mail_received(conn, id, false)?;
    let kind = EventKind::Note.code();
    audit::record(conn, stamp.actor, AuditAction::SaisineStep, &reference.to_string(), kind, stamp.at)?;
    Ok(store::touch(conn, id, stamp.at)?)
}

/// Gives the saisine to an active mediator or administrator, or to nobody.
pub fn assign(conn: &mut DbConn, reference: Reference, assignee: Option<UserId>, stamp: &Stamp) -> AppResult<()> {
    write(conn, |conn| assign_in(conn, reference, assignee, stamp))
}

/// `assign`'s work inside the caller's transaction.
pub(crate) fn assign_in(
    conn: &mut DbConn,
    reference: Reference,
    assignee: Option<UserId>,
    stamp: &Stamp,
) -> AppResult<()> {
    let named = match assignee {
        None => None,
        Some(id) => {
            let user = match users::find(conn, id) {
                Ok(user) => Some(user),
                Err(DbError::NotFound) => None,
                Err(other) => return Err(other.into()),
            };
            check_assignee(user.as_ref().map(|u| (u.active, u.role.can_work_on_saisines())))?;
            user.map(|u| (id, u.display_name))
        }
    };
    store::lock(conn, reference)?;
    let current = store::find(conn, reference)?;
    if current.assigned_to == assignee {
        return Ok(());
    }
    store::set_assignee(conn, current.id, assignee)?;
    store::touch(conn, current.id, stamp.at)?;
    let text = named.map(|(_, name)| name).unwrap_or_else(|| "personne (attribution retirée)".into());
    let details = EventDetails { text: Some(text.clone()), ..Default::default() };
    events::append(conn, current.id, EventKind::Attribuee, &details, stamp)?;
    let target = reference.to_string();
    Ok(audit::record(conn, stamp.actor, AuditAction::SaisineAssigned, &target, &text, stamp.at)?)
}

/// Reads a saisine whole for someone allowed to see its personal data, and records that access
/// in the audit log in the same transaction (the caller's, when there is one); `what` says
/// where the data went (a page, an API answer).
pub fn reveal(
    conn: &mut DbConn,
    reference: Reference,
    actor: &super::Actor,
    what: &str,
    at: chrono::NaiveDateTime,
) -> AppResult<Saisine> {
    write(conn, |conn| {
        let saisine = store::find(conn, reference)?;
        audit::record(conn, actor, AuditAction::PersonalDataViewed, &reference.to_string(), what, at)?;
        Ok(saisine)
    })
}
