//! A text typed in the list's search box: the beginning of a reference, a reference number in
//! any year, a reference another system gave, or the beginning of words of the name, as one
//! condition whose every part an index serves.

use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};

use super::name_walk;
use super::schema::{external_references, saisines};
use super::{DbBackend, DbConn, DbResult};
use crate::domain::search::reference_number;
use crate::domain::text::normalize_key;

type Condition = Box<dyn BoxableExpression<saisines::table, DbBackend, SqlType = Bool>>;

/// How a text search finds names: PostgreSQL's condition on the words' table
/// (`name_walk::pg_condition`), or SQLite's FTS5 query.
enum ByName {
    Postgres(String),
    Sqlite(String),
}

/// The condition a text search puts on the list; `by_name` says whether it looks in the name
/// index too (not when `name_walk` reads that index itself).
pub(super) fn condition(conn: &mut DbConn, text: &str, postgres: bool, by_name: bool) -> DbResult<Condition> {
    // A reference another system gave, found when typed exactly: looked up first, so that the
    // search is an OR of index lookups (a subquery made PostgreSQL scan).
    let external: Vec<i32> = external_references::table
        .filter(external_references::external_reference.eq(text.trim()))
        .select(external_references::saisine_id)
        .load(conn)?;
    let words = if by_name { searched_words(text) } else { Vec::new() };
    let names = match (words.is_empty(), postgres) {
        (true, _) => None,
        (false, true) => Some(ByName::Postgres(name_walk::pg_condition(conn, &words)?)),
        (false, false) => Some(ByName::Sqlite(name_walk::match_query(&words))),
    };
    Ok(any_of(text, postgres, external, names))
}

/// A reference (or its beginning), a reference number in any year, a reference another
/// system gave, or the beginning of a word of the name: each served by an index.
fn any_of(text: &str, postgres: bool, external: Vec<i32>, by_name: Option<ByName>) -> Condition {
    let typed = text.trim().to_string();
    let number = reference_number(text);
    let mut found: Condition = if postgres {
        // The B-tree `saisines_reference_prefix` serves the reference's beginning.
        let reference = format!("{}%", escape_like(&typed));
        Box::new(saisines::reference.like(reference).escape('\\'))
    } else {
        // SQLite's LIKE ignores case, which its indexes do not: the beginning of a reference
        // is a range of the unique index.
        let last = format!("{typed}\u{10FFFF}");
        Box::new(saisines::reference.ge(typed.clone()).and(saisines::reference.le(last)))
    };
    match by_name {
        None => {}
        Some(ByName::Postgres(condition)) => found = Box::new(found.or(sql::<Bool>(&condition))),
        // The FTS5 index's rowids are places in the list; the id is their low 32 bits. Each
        // word typed is the beginning of a word of the name (`"lef"* "zo"*`).
        Some(ByName::Sqlite(query)) => {
            let by_name =
                sql::<Bool>("saisines.id IN (SELECT rowid & 4294967295 FROM saisine_names WHERE saisine_names MATCH ")
                    .bind::<Text, _>(query)
                    .sql(")");
            found = Box::new(found.or(by_name));
        }
    }
    if !external.is_empty() {
        found = Box::new(found.or(saisines::id.eq_any(external)));
    }
    match number {
        // A number without its year: that number in every year, through the index on the
        // references' number part (`saisines_reference_number`: the same expression).
        Some(number) => Box::new(found.or(sql::<Bool>("substr(saisines.reference, 6) = ").bind::<Text, _>(number))),
        None => found,
    }
}

/// The words a text search looks for in names: none for a bare number, which is a reference
/// number, not part of a name (a name search on two digits would read all of PostgreSQL's
/// trigram index).
pub(super) fn searched_words(text: &str) -> Vec<String> {
    if reference_number(text).is_some() {
        Vec::new()
    } else {
        name_words(text)
    }
}

/// The words typed, folded like the stored name key and split on anything but letters and
/// digits (as SQLite's FTS5 tokenizer splits the name).
fn name_words(text: &str) -> Vec<String> {
    normalize_key(text).split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_string).collect()
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}
