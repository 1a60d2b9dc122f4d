//! Motifs and partners: reference tables that administrators extend.

use diesel::prelude::*;
use serde::Serialize;

use super::schema::{motifs, partners};
use super::{DbConn, DbError, DbResult};
use crate::domain::{AllowedCodes, DomainError, FieldError};

/// One entry of a reference list.
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct Entry {
    pub code: String,
    pub label: String,
    pub retired: bool,
}

pub fn motifs(conn: &mut DbConn) -> DbResult<Vec<Entry>> {
    Ok(motifs::table
        .order((motifs::position.asc(), motifs::code.asc()))
        .select((motifs::code, motifs::label, motifs::retired))
        .load(conn)?)
}

pub fn partners(conn: &mut DbConn) -> DbResult<Vec<Entry>> {
    Ok(partners::table
        .order((partners::position.asc(), partners::code.asc()))
        .select((partners::code, partners::label, partners::retired))
        .load(conn)?)
}

/// The lists a saisine's form and API show and accept.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReferenceLists {
    pub motifs: Vec<Entry>,
    pub partners: Vec<Entry>,
}

impl ReferenceLists {
    pub fn load(conn: &mut DbConn) -> DbResult<Self> {
        Ok(ReferenceLists { motifs: motifs(conn)?, partners: partners(conn)? })
    }

    /// Active codes, plus those a saisine already carries (a retired entry stays on old saisines).
    pub fn allowed(&self, kept_motifs: &[String], kept_partner: Option<&str>) -> AllowedCodes {
        let active =
            |entries: &[Entry]| entries.iter().filter(|e| !e.retired).map(|e| e.code.clone()).collect::<Vec<_>>();
        let mut motifs = active(&self.motifs);
        motifs.extend(kept_motifs.iter().cloned());
        let mut partners = active(&self.partners);
        partners.extend(kept_partner.map(str::to_string));
        AllowedCodes { motifs, partners }
    }

    pub fn motif_label(&self, code: &str) -> String {
        label_of(&self.motifs, code)
    }

    pub fn partner_label(&self, code: &str) -> String {
        label_of(&self.partners, code)
    }
}

fn label_of(entries: &[Entry], code: &str) -> String {
    entries.iter().find(|e| e.code == code).map(|e| e.label.clone()).unwrap_or_else(|| code.to_string())
}

/// The two lists administrators maintain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    Motifs,
    Partners,
}

impl ListKind {
    pub fn slug(self) -> &'static str {
        match self {
            ListKind::Motifs => "motifs",
            ListKind::Partners => "partenaires",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        [ListKind::Motifs, ListKind::Partners].into_iter().find(|k| k.slug() == slug)
    }
}

/// A new code: lower-case letters, digits and underscores, like those of domain.md.
fn check_entry(code: &str, label: &str) -> DbResult<()> {
    let mut errors = Vec::new();
    let code_ok = (2..=50).contains(&code.len())
        && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && code.starts_with(|c: char| c.is_ascii_lowercase());
    if !code_ok {
        errors.push(FieldError::new(
            "code",
            "invalid_code",
            "code de 2 à 50 caractères : minuscules sans accent, chiffres et _",
        ));
    }
    if label.trim().is_empty() || label.chars().count() > 200 {
        errors.push(FieldError::new("label", "required", "indiquez le libellé (200 caractères au plus)"));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(DomainError::Invalid(errors).into())
    }
}

/// The same two writes for each list's table.
macro_rules! list_table_ops {
    ($table:ident, $add:ident, $update:ident) => {
        fn $add(conn: &mut DbConn, code: &str, label: &str) -> DbResult<()> {
            let taken: i64 = $table::table.find(code).count().get_result(conn)?;
            if taken > 0 {
                return Err(DomainError::invalid("code", "code_taken", "ce code existe déjà").into());
            }
            let position: Option<i32> = $table::table.select(diesel::dsl::max($table::position)).first(conn)?;
            diesel::insert_into($table::table)
                .values((
                    $table::code.eq(code),
                    $table::label.eq(label.trim()),
                    $table::position.eq(position.unwrap_or(0) + 10),
                    $table::retired.eq(false),
                ))
                .execute(conn)?;
            Ok(())
        }

        fn $update(conn: &mut DbConn, code: &str, label: &str, retired: bool) -> DbResult<()> {
            let changed = diesel::update($table::table.find(code))
                .set(($table::label.eq(label.trim()), $table::retired.eq(retired)))
                .execute(conn)?;
            if changed == 0 {
                return Err(DbError::NotFound);
            }
            Ok(())
        }
    };
}

list_table_ops!(motifs, add_motif, update_motif);
list_table_ops!(partners, add_partner, update_partner);

/// Adds an entry at the end of its list.
pub fn add_entry(conn: &mut DbConn, kind: ListKind, code: &str, label: &str) -> DbResult<()> {
    check_entry(code, label)?;
    match kind {
        ListKind::Motifs => add_motif(conn, code, label),
        ListKind::Partners => add_partner(conn, code, label),
    }
}

/// Renames, retires or brings back an entry; a retired entry stays on the saisines that
/// carry it and is offered for new ones no more. Entries are never deleted.
pub fn update_entry(conn: &mut DbConn, kind: ListKind, code: &str, label: &str, retired: bool) -> DbResult<()> {
    if label.trim().is_empty() || label.chars().count() > 200 {
        return Err(DomainError::invalid("label", "required", "indiquez le libellé (200 caractères au plus)").into());
    }
    match kind {
        ListKind::Motifs => update_motif(conn, code, label, retired),
        ListKind::Partners => update_partner(conn, code, label, retired),
    }
}
