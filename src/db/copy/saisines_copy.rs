//! The saisines and their motif tags, the copy's widest rows: a saisine has more columns than
//! one Diesel tuple carries, so each row is read and written in parts.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::BATCH;
use crate::db::connection::insert_rows;
use crate::db::schema::*;
use crate::db::{DbConn, DbResult};

/// A whole saisine row as read for the copy: facts, deadlines, anonymisation, e-mail flags.
type FullSaisineRow = (crate::db::models::SaisineRow, crate::db::models::ScheduleRow, SaisineMarks, (bool, bool));

/// Saisines have more columns than one tuple carries: three parts of one row.
pub(super) fn copy_saisines(source: &mut DbConn, target: &mut DbConn, progress: &mut dyn FnMut(u64)) -> DbResult<()> {
    use crate::db::models::{SaisineRow, ScheduleRow};
    let mut last = 0;
    loop {
        let rows: Vec<FullSaisineRow> = saisines::table
            .filter(saisines::id.gt(last))
            .order(saisines::id.asc())
            .limit(BATCH)
            .select((
                SaisineRow::as_select(),
                ScheduleRow::as_select(),
                (saisines::anonymised_at, saisines::merged_into),
                (saisines::to_qualify, saisines::mail_received),
            ))
            .load(source)?;
        let Some(tail) = rows.last() else { break };
        last = tail.0.id;
        let count = rows.len() as u64;
        let values: Vec<_> = rows.into_iter().map(saisine_values).collect();
        insert_batch!(target, saisines, values);
        progress(count);
    }
    Ok(())
}

/// When a saisine was anonymised, and the saisine it was merged into.
type SaisineMarks = (Option<NaiveDateTime>, Option<i32>);

/// The columns of those marks.
type SaisineMarkColumns = (
    diesel::dsl::Eq<saisines::anonymised_at, Option<NaiveDateTime>>,
    diesel::dsl::Eq<saisines::merged_into, Option<i32>>,
);

type SaisineHead = (
    diesel::dsl::Eq<saisines::id, i32>,
    diesel::dsl::Eq<saisines::reference, String>,
    diesel::dsl::Eq<saisines::received_on, NaiveDate>,
    diesel::dsl::Eq<saisines::channel, String>,
    diesel::dsl::Eq<saisines::requester_type, String>,
    diesel::dsl::Eq<saisines::requester_name, Option<String>>,
    diesel::dsl::Eq<saisines::name_key, String>,
    diesel::dsl::Eq<saisines::nir, Option<String>>,
    diesel::dsl::Eq<saisines::email, Option<String>>,
    diesel::dsl::Eq<saisines::phone, Option<String>>,
    diesel::dsl::Eq<saisines::address, Option<String>>,
    diesel::dsl::Eq<saisines::partner, Option<String>>,
);

type SaisineTail = (
    diesel::dsl::Eq<saisines::process, String>,
    diesel::dsl::Eq<saisines::summary, Option<String>>,
    diesel::dsl::Eq<saisines::status, String>,
    diesel::dsl::Eq<saisines::taken_on, Option<NaiveDate>>,
    diesel::dsl::Eq<saisines::waiting_since, Option<NaiveDate>>,
    diesel::dsl::Eq<saisines::documents_due_on, Option<NaiveDate>>,
    diesel::dsl::Eq<saisines::days_waiting, i32>,
    diesel::dsl::Eq<saisines::outcome, Option<String>>,
    diesel::dsl::Eq<saisines::closed_on, Option<NaiveDate>>,
    diesel::dsl::Eq<saisines::created_at, NaiveDateTime>,
    diesel::dsl::Eq<saisines::updated_at, NaiveDateTime>,
    diesel::dsl::Eq<saisines::assigned_to, Option<i32>>,
);

type SaisineReferral = (
    diesel::dsl::Eq<saisines::partner_organisation, Option<String>>,
    diesel::dsl::Eq<saisines::partner_contact_name, Option<String>>,
    diesel::dsl::Eq<saisines::partner_contact_email, Option<String>>,
    diesel::dsl::Eq<saisines::partner_contact_phone, Option<String>>,
    diesel::dsl::Eq<saisines::consent_given, bool>,
    diesel::dsl::Eq<saisines::take_up_days, Option<i32>>,
    diesel::dsl::Eq<saisines::processing_days, Option<i32>>,
    diesel::dsl::Eq<saisines::net_processing_days, Option<i32>>,
    diesel::dsl::Eq<saisines::email_key, Option<String>>,
    diesel::dsl::Eq<saisines::phone_key, Option<String>>,
);

type SaisineFlags = (diesel::dsl::Eq<saisines::to_qualify, bool>, diesel::dsl::Eq<saisines::mail_received, bool>);

fn saisine_values(
    (r, schedule, (anonymised_at, merged_into), (to_qualify, mail_received)): FullSaisineRow,
) -> (SaisineHead, SaisineTail, SaisineReferral, crate::db::models::ScheduleRow, SaisineMarkColumns, SaisineFlags) {
    use saisines as s;
    (
        (
            s::id.eq(r.id),
            s::reference.eq(r.reference),
            s::received_on.eq(r.received_on),
            s::channel.eq(r.channel),
            s::requester_type.eq(r.requester_type),
            s::requester_name.eq(r.requester_name),
            s::name_key.eq(r.name_key),
            s::nir.eq(r.nir),
            s::email.eq(r.email),
            s::phone.eq(r.phone),
            s::address.eq(r.address),
            s::partner.eq(r.partner),
        ),
        (
            s::process.eq(r.process),
            s::summary.eq(r.summary),
            s::status.eq(r.status),
            s::taken_on.eq(r.taken_on),
            s::waiting_since.eq(r.waiting_since),
            s::documents_due_on.eq(r.documents_due_on),
            s::days_waiting.eq(r.days_waiting),
            s::outcome.eq(r.outcome),
            s::closed_on.eq(r.closed_on),
            s::created_at.eq(r.created_at),
            s::updated_at.eq(r.updated_at),
            s::assigned_to.eq(r.assigned_to),
        ),
        (
            s::partner_organisation.eq(r.partner_organisation),
            s::partner_contact_name.eq(r.partner_contact_name),
            s::partner_contact_email.eq(r.partner_contact_email),
            s::partner_contact_phone.eq(r.partner_contact_phone),
            s::consent_given.eq(r.consent_given),
            s::take_up_days.eq(r.take_up_days),
            s::processing_days.eq(r.processing_days),
            s::net_processing_days.eq(r.net_processing_days),
            s::email_key.eq(r.email_key),
            s::phone_key.eq(r.phone_key),
        ),
        schedule,
        (s::anonymised_at.eq(anonymised_at), s::merged_into.eq(merged_into)),
        (s::to_qualify.eq(to_qualify), s::mail_received.eq(mail_received)),
    )
}

/// Motif tags, by windows of saisine ids.
pub(super) fn copy_saisine_motifs(
    source: &mut DbConn,
    target: &mut DbConn,
    progress: &mut dyn FnMut(u64),
) -> DbResult<()> {
    let highest: Option<i32> =
        saisine_motifs::table.select(diesel::dsl::max(saisine_motifs::saisine_id)).first(source)?;
    let Some(highest) = highest else { return Ok(()) };
    let mut low = 0;
    while low < highest {
        let high = low + BATCH as i32;
        let rows: Vec<(i32, String)> = saisine_motifs::table
            .filter(saisine_motifs::saisine_id.gt(low).and(saisine_motifs::saisine_id.le(high)))
            .select((saisine_motifs::saisine_id, saisine_motifs::motif))
            .load(source)?;
        let count = rows.len() as u64;
        let values: Vec<_> = rows
            .into_iter()
            .map(|(id, motif)| (saisine_motifs::saisine_id.eq(id), saisine_motifs::motif.eq(motif)))
            .collect();
        if !values.is_empty() {
            insert_batch!(target, saisine_motifs, values);
        }
        progress(count);
        low = high;
    }
    Ok(())
}
