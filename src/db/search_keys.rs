//! The stored search keys of saisines written before a folding rule changed: the migration
//! `2026-12-05-000200_search_keys` adds the e-mail and phone keys empty and marks the names
//! holding a ligature; the rules themselves live in Rust (`domain::contact`, `domain::text`),
//! so the keys are computed here, once, when migrations run. New writes get them through
//! `FactsColumns`.

use diesel::prelude::*;

use super::pool::write_transaction;
use super::schema::saisines;
use super::{DbConn, DbResult};
use crate::domain::contact::{email_search_key, phone_search_key};
use crate::domain::text::normalize_key;

const BATCH: i64 = 500;

/// The saisines whose keys are missing, written as the partial index `saisines_keys_missing`
/// is (the same expression, with no parameter), so that each start reads that index, empty
/// once the keys are filled, and not the whole table.
pub const KEYS_MISSING: &str = "((saisines.email IS NOT NULL AND saisines.email_key IS NULL) \
     OR (saisines.phone IS NOT NULL AND saisines.phone_key IS NULL) \
     OR (saisines.requester_name IS NOT NULL AND saisines.name_key = ''))";

type Stale = (i32, Option<String>, Option<String>, Option<String>);

/// Fills the keys that are missing; returns how many saisines were brought up to date.
pub fn backfill(conn: &mut DbConn) -> DbResult<usize> {
    let mut last = 0;
    let mut done = 0;
    loop {
        let rows: Vec<Stale> = saisines::table
            .filter(saisines::id.gt(last))
            .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(KEYS_MISSING))
            .order(saisines::id.asc())
            .limit(BATCH)
            .select((saisines::id, saisines::requester_name, saisines::email, saisines::phone))
            .load(conn)?;
        let Some(tail) = rows.last() else { return Ok(done) };
        last = tail.0;
        done += rows.len();
        write_transaction(conn, |conn| {
            for (id, name, email, phone) in &rows {
                diesel::update(saisines::table.find(id))
                    .set((
                        saisines::name_key.eq(name.as_deref().map(normalize_key).unwrap_or_default()),
                        saisines::email_key.eq(email.as_deref().map(email_search_key)),
                        saisines::phone_key.eq(phone.as_deref().map(phone_search_key)),
                    ))
                    .execute(conn)?;
            }
            Ok(())
        })?;
    }
}
