//! Everything held about one person: the saisines found by their NIR, e-mail, phone or exact
//! name (accents and case folded), for the right of access. Anonymised saisines hold no person.

use diesel::prelude::*;

use super::models::SaisineRow;
use super::saisines::with_motifs;
use super::schema::saisines;
use super::{DbConn, DbResult};
use crate::domain::search::{PersonalKind, SearchTerm};
use crate::domain::text::normalize_key;
use crate::domain::Saisine;

/// The person's saisines, oldest first. A name matches whole, never a part of another name.
pub fn saisines_of(conn: &mut DbConn, term: &SearchTerm) -> DbResult<Vec<Saisine>> {
    let mut query = saisines::table.filter(saisines::anonymised_at.is_null()).into_boxed();
    query = match term {
        SearchTerm::Personal(personal) => {
            let key = personal.key.clone();
            match personal.kind {
                PersonalKind::Nir => query.filter(saisines::nir.eq(key)),
                PersonalKind::Email => query.filter(saisines::email_key.eq(key)),
                PersonalKind::Phone => query.filter(saisines::phone_key.eq(key)),
            }
        }
        SearchTerm::Text(text) => {
            let key = normalize_key(text);
            if key.is_empty() {
                return Ok(Vec::new());
            }
            query.filter(saisines::name_key.eq(key))
        }
    };
    let rows: Vec<SaisineRow> =
        query.order((saisines::received_on.asc(), saisines::id.asc())).select(SaisineRow::as_select()).load(conn)?;
    with_motifs(conn, rows)
}
