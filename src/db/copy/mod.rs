//! Moving a whole database from one backend to the other (`mediation copy-data`): table by
//! table, in batches, into an empty target, then the row counts are compared.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use super::connection::{insert_rows, read_snapshot, write_transaction};
use super::schema::*;
use super::{DbConn, DbError, DbResult};

const BATCH: i64 = 500;

/// Every table, parents before children: the order rows are copied in.
pub const TABLES: &[&str] = &[
    "motifs",
    "partners",
    "reference_counters",
    "users",
    "saisines",
    "saisine_motifs",
    "external_references",
    "events",
    "recovery_codes",
    "sessions",
    "api_tokens",
    "setup_tokens",
    "audit_log",
    "attachments",
    "deadline_settings",
    "retention_settings",
    "followups",
    "pending_imports",
    "imported_files",
    "used_form_tokens",
    "duplicate_dismissals",
    "letter_templates",
    "letterhead",
    "letters",
    "outbox",
    "digest_subscriptions",
    "satisfaction_surveys",
    "saved_views",
    "partner_addresses",
    "inbound_messages",
];

/// Tables whose integer key comes from a sequence (PostgreSQL) to move past the copied ids.
const SERIAL_TABLES: &[&str] = &[
    "saisines",
    "events",
    "users",
    "recovery_codes",
    "api_tokens",
    "audit_log",
    "attachments",
    "followups",
    "letters",
    "outbox",
    "satisfaction_surveys",
    "saved_views",
    "inbound_messages",
];

/// Rows of each table, in `TABLES` order.
pub fn row_counts(conn: &mut DbConn) -> DbResult<Vec<(&'static str, i64)>> {
    macro_rules! count {
        ($($table:ident),+) => {
            vec![$((stringify!($table), $table::table.count().get_result::<i64>(conn)?)),+]
        };
    }
    Ok(count!(
        motifs,
        partners,
        reference_counters,
        users,
        saisines,
        saisine_motifs,
        external_references,
        events,
        recovery_codes,
        sessions,
        api_tokens,
        setup_tokens,
        audit_log,
        attachments,
        deadline_settings,
        retention_settings,
        followups,
        pending_imports,
        imported_files,
        used_form_tokens,
        duplicate_dismissals,
        letter_templates,
        letterhead,
        letters,
        outbox,
        digest_subscriptions,
        satisfaction_surveys,
        saved_views,
        partner_addresses,
        inbound_messages
    ))
}

/// A target is empty when it holds nothing but the lists and settings its migrations seeded.
pub fn check_empty(conn: &mut DbConn) -> DbResult<()> {
    let filled: Vec<String> = row_counts(conn)?
        .into_iter()
        .filter(|(table, count)| {
            *count > 0
                && !matches!(*table, "motifs" | "partners" | "deadline_settings" | "retention_settings" | "saved_views")
        })
        .map(|(table, count)| format!("{table} ({count})"))
        .collect();
    if filled.is_empty() {
        Ok(())
    } else {
        Err(DbError::Config(format!("la base cible n'est pas vide : {}", filled.join(", "))))
    }
}

/// Copies every row of `source` into `target` (migrated, checked empty here), then checks that
/// each table holds as many rows as the source did. Every read of the source happens in one
/// snapshot, so a copy taken while the application writes is consistent (no timeline entry
/// without its saisine, no count that moved during the copy). `on_total` is told how many rows
/// there are to copy before the first one moves, `progress` how many each batch moved; the
/// counts per table are returned.
pub fn copy_database(
    source: &mut DbConn,
    target: &mut DbConn,
    on_total: &mut dyn FnMut(u64),
    progress: &mut dyn FnMut(u64),
) -> DbResult<Vec<(&'static str, i64)>> {
    check_empty(target)?;
    read_snapshot(source, |source| {
        let expected = row_counts(source)?;
        on_total(expected.iter().map(|(_, n)| (*n).max(0) as u64).sum());
        // One transaction: an interrupted copy leaves the target empty, ready for another try.
        write_transaction(target, |target| copy_all(source, target, progress))?;
        let copied = row_counts(target)?;
        let mismatches: Vec<String> = expected
            .iter()
            .zip(&copied)
            .filter(|(a, b)| a.1 != b.1)
            .map(|((table, want), (_, got))| format!("{table} : {want} dans la source, {got} dans la cible"))
            .collect();
        if mismatches.is_empty() {
            Ok(copied)
        } else {
            Err(DbError::Config(format!("les comptes diffèrent : {}", mismatches.join(" ; "))))
        }
    })
}

/// Inserts a batch of rows into a table.
macro_rules! insert_batch {
    ($target:expr, $table:ident, $rows:expr) => {
        insert_rows!($target, $table::table, &$rows)?
    };
}

/// Copies a table keyed by an integer column, in batches of ascending keys.
macro_rules! copy_by_key {
    ($source:expr, $target:expr, $progress:expr, $table:ident, $key:ident, ($($col:ident: $ty:ty),+)) => {{
        let mut last: Option<i32> = None;
        loop {
            let mut query = $table::table.select(($($table::$col),+)).order($table::$key.asc()).limit(BATCH).into_boxed();
            if let Some(last) = last {
                query = query.filter($table::$key.gt(last));
            }
            let rows: Vec<($($ty),+)> = query.load($source)?;
            if rows.is_empty() {
                break;
            }
            let count = rows.len() as u64;
            let values: Vec<_> = rows.into_iter().map(|($($col),+)| { last = Some($key); ($($table::$col.eq($col)),+) }).collect();
            insert_batch!($target, $table, values);
            $progress(count);
        }
    }};
}

/// Copies a small table whole.
macro_rules! copy_whole {
    ($source:expr, $target:expr, $progress:expr, $table:ident, ($($col:ident: $ty:ty),+)) => {{
        let rows: Vec<($($ty),+)> = $table::table.select(($($table::$col),+)).load($source)?;
        let count = rows.len() as u64;
        for chunk in rows.chunks(BATCH as usize) {
            let values: Vec<_> = chunk.iter().cloned().map(|($($col),+)| ($($table::$col.eq($col)),+)).collect();
            insert_batch!($target, $table, values);
        }
        $progress(count);
    }};
}

/// Copies every row of `source` into `target` (already migrated and checked empty), inside
/// the caller's transactions (see `copy_database`). `progress` is told how many rows each
/// batch moved.
mod saisines_copy;
use saisines_copy::{copy_saisine_motifs, copy_saisines};

fn copy_all(source: &mut DbConn, target: &mut DbConn, progress: &mut dyn FnMut(u64)) -> DbResult<()> {
    // The target's seeded lists give way to the source's, administrators' additions included.
    diesel::delete(motifs::table).execute(target)?;
    diesel::delete(partners::table).execute(target)?;
    diesel::delete(deadline_settings::table).execute(target)?;
    diesel::delete(retention_settings::table).execute(target)?;
    // The shipped default views too: the source's (renamed, deleted, added to) replace them.
    diesel::delete(saved_views::table).execute(target)?;
    copy_whole!(source, target, progress, motifs, (code: String, label: String, position: i32, retired: bool));
    copy_whole!(source, target, progress, partners, (code: String, label: String, position: i32, retired: bool));
    copy_whole!(source, target, progress, reference_counters, (year: i32, last_sequence: i32));
    copy_by_key!(source, target, progress, users, id, (
        id: i32, email: String, display_name: String, role: String, active: bool, password_hash: String,
        must_change_password: bool, password_expires_at: Option<NaiveDateTime>, failed_attempts: i32,
        lock_count: i32, locked_until: Option<NaiveDateTime>, totp_secret: Option<String>, totp_enabled: bool,
        totp_last_step: i64, created_at: NaiveDateTime, updated_at: NaiveDateTime
    ));
    copy_saisines(source, target, progress)?;
    copy_saisine_motifs(source, target, progress)?;
    copy_by_key!(source, target, progress, external_references, saisine_id, (
        saisine_id: i32, external_reference: String
    ));
    copy_by_key!(source, target, progress, events, id, (
        id: i32, saisine_id: i32, kind: String, occurred_at: NaiveDateTime, actor: String, details: String,
        actor_id: Option<i32>
    ));
    copy_by_key!(source, target, progress, recovery_codes, id, (
        id: i32, user_id: i32, code_hash: String, used_at: Option<NaiveDateTime>
    ));
    copy_whole!(source, target, progress, sessions, (
        token_hash: String, user_id: i32, csrf_token: String, second_factor_done: bool, created_at: NaiveDateTime,
        last_seen_at: NaiveDateTime, ended_at: Option<NaiveDateTime>
    ));
    copy_by_key!(source, target, progress, api_tokens, id, (
        id: i32, user_id: i32, name: String, token_hash: String, created_at: NaiveDateTime,
        last_used_at: Option<NaiveDateTime>, revoked_at: Option<NaiveDateTime>
    ));
    copy_whole!(source, target, progress, setup_tokens, (
        token_hash: String, created_at: NaiveDateTime, used_at: Option<NaiveDateTime>
    ));
    copy_by_key!(source, target, progress, audit_log, id, (
        id: i32, at: NaiveDateTime, actor_id: Option<i32>, actor: String, action: String, target: String,
        ip: String, details: String
    ));
    copy_by_key!(source, target, progress, attachments, id, (
        id: i32, saisine_id: i32, file_name: String, content_type: String, size: i32, data: Vec<u8>,
        uploaded_at: NaiveDateTime, uploaded_by: String
    ));
    copy_whole!(source, target, progress, deadline_settings, (
        id: i32, take_up_days: i32, handling_days: i32, documents_days: i32, reminder_days: i32, grace_days: i32,
        working_days: bool, updated_at: Option<NaiveDateTime>, updated_by: Option<String>
    ));
    copy_whole!(source, target, progress, retention_settings, (
        id: i32, closed_months: i32, audit_months: i32, updated_at: Option<NaiveDateTime>, updated_by: Option<String>
    ));
    copy_by_key!(source, target, progress, followups, id, (
        id: i32, saisine_id: i32, request_event_id: i32, kind: String, done_at: NaiveDateTime
    ));
    copy_whole!(source, target, progress, pending_imports, (
        token_hash: String, file_name: String, content: Vec<u8>, skip_invalid: bool, created_by: i32,
        created_at: NaiveDateTime
    ));
    copy_whole!(source, target, progress, imported_files, (
        digest: String, file_name: String, imported_at: NaiveDateTime
    ));
    copy_whole!(source, target, progress, used_form_tokens, (nonce: String, expires_at: NaiveDateTime));
    copy_whole!(source, target, progress, duplicate_dismissals, (
        saisine_id: i32, other_id: i32, dismissed_by: String, dismissed_at: NaiveDateTime
    ));
    copy_correspondence(source, target, progress)?;
    reset_sequences(target)
}

/// Templates, letterhead, letters and the outbox.
fn copy_correspondence(source: &mut DbConn, target: &mut DbConn, progress: &mut dyn FnMut(u64)) -> DbResult<()> {
    copy_whole!(source, target, progress, letter_templates, (
        code: String, subject: String, body: String, updated_at: NaiveDateTime, updated_by: String
    ));
    copy_whole!(source, target, progress, letterhead, (
        id: i32, name: String, address: String, phone: String, email: String, signature: String,
        logo: Option<Vec<u8>>, logo_type: Option<String>, updated_at: NaiveDateTime, updated_by: String
    ));
    copy_by_key!(source, target, progress, letters, id, (
        id: i32, saisine_id: i32, kind: String, recipient: String, delivery: String, address: String,
        subject: String, body: String, document: Vec<u8>, created_at: NaiveDateTime, created_by: String
    ));
    copy_by_key!(source, target, progress, outbox, id, (
        id: i32, message_id: String, saisine_id: Option<i32>, letter_id: Option<i32>, purpose: String,
        recipient: String, subject: String, message: Vec<u8>, status: String, attempts: i32,
        next_attempt_at: NaiveDateTime, last_error: Option<String>, created_at: NaiveDateTime,
        sent_at: Option<NaiveDateTime>
    ));
    copy_whole!(source, target, progress, digest_subscriptions, (user_id: i32, last_sent_on: Option<NaiveDate>));
    copy_by_key!(source, target, progress, satisfaction_surveys, id, (
        id: i32, saisine_id: i32, token_hash: String, created_at: NaiveDateTime, expires_at: NaiveDateTime,
        answered_at: Option<NaiveDateTime>, handling: Option<String>, understood: Option<bool>, comment: Option<String>
    ));
    copy_by_key!(source, target, progress, saved_views, id, (
        id: i32, owner_id: Option<i32>, shared: bool, name: String, name_key: String, query: String, position: i32,
        created_at: NaiveDateTime, updated_at: NaiveDateTime
    ));
    copy_whole!(source, target, progress, partner_addresses, (
        pattern: String, partner: String, created_at: NaiveDateTime, created_by: String
    ));
    copy_by_key!(source, target, progress, inbound_messages, id, (
        id: i32, message_key: String, mailbox: String, received_at: NaiveDateTime, outcome: String,
        reason: Option<String>, saisine_id: Option<i32>, sender: String, subject: String, refused_files: String,
        raw: Vec<u8>, handled_at: Option<NaiveDateTime>, handled_by: Option<String>
    ));
    Ok(())
}

/// PostgreSQL's sequences start after the highest copied id; SQLite keeps track by itself.
fn reset_sequences(target: &mut DbConn) -> DbResult<()> {
    if let DbConn::Postgresql(conn) = target {
        for table in SERIAL_TABLES {
            conn.batch_execute(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            ))?;
        }
    }
    Ok(())
}

/// A consistent copy of a live SQLite database (`VACUUM INTO`), never a file copy.
pub fn backup_sqlite(conn: &mut DbConn, file: &std::path::Path) -> DbResult<()> {
    let DbConn::Sqlite(conn) = conn else {
        return Err(DbError::Config(
            "la sauvegarde intégrée ne concerne que SQLite : pour PostgreSQL, utilisez pg_dump (voir le README)".into(),
        ));
    };
    if file.exists() {
        return Err(DbError::Config(format!("{} existe déjà : choisissez un nouveau fichier", file.display())));
    }
    let path = file.to_string_lossy().replace('\'', "''");
    conn.batch_execute(&format!("VACUUM INTO '{path}'"))?;
    Ok(())
}
