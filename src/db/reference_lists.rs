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
            "indiquez un code de 2 à 50 caractères (minuscules sans accent, chiffres et _), ou laissez-le vide",
        ));
    }
    if label.trim().is_empty() || label.chars().count() > 200 {
        errors.push(FieldError::new("label", "required", "indiquez le libellé, en 200 caractères au plus"));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(DomainError::Invalid(errors).into())
    }
}

/// Where a new entry goes in its list (the order the forms offer them in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    First,
    After(String),
    Last,
}

impl Placement {
    /// The form's value: `debut`, `apres:<code>`, or anything else for the end of the list.
    pub fn from_form(value: &str) -> Placement {
        match value.trim() {
            "debut" => Placement::First,
            other => match other.strip_prefix("apres:") {
                Some(code) if !code.is_empty() => Placement::After(code.to_string()),
                _ => Placement::Last,
            },
        }
    }
}

/// A code derived from a label: no accents, lower case, words joined by `_`, 50 characters at
/// most, starting with a letter (`Perte de la carte Vitale` → `perte_de_la_carte_vitale`).
pub fn code_from_label(label: &str) -> String {
    let folded = crate::domain::text::normalize_key(label);
    let mut code = String::new();
    for c in folded.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            code.push(c);
        } else if !code.is_empty() && !code.ends_with('_') {
            code.push('_');
        }
    }
    let mut code: String = code.trim_end_matches('_').chars().take(50).collect();
    code = code.trim_end_matches('_').to_string();
    if !code.starts_with(|c: char| c.is_ascii_lowercase()) {
        code = format!("n_{code}").chars().take(50).collect();
    }
    if code.len() < 2 {
        code.push_str("_1");
    }
    code
}

/// The same two writes for each list's table.
macro_rules! list_table_ops {
    ($table:ident, $add:ident, $update:ident, $taken:ident) => {
        fn $add(conn: &mut DbConn, code: &str, label: &str, placement: &Placement) -> DbResult<()> {
            let taken: i64 = $table::table.find(code).count().get_result(conn)?;
            if taken > 0 {
                return Err(
                    DomainError::invalid("code", "code_taken", "ce code existe déjà : choisissez-en un autre").into()
                );
            }
            let mut order: Vec<String> =
                $table::table.order(($table::position.asc(), $table::code.asc())).select($table::code).load(conn)?;
            let index = match placement {
                Placement::First => 0,
                Placement::Last => order.len(),
                Placement::After(other) => match order.iter().position(|c| c == other) {
                    Some(i) => i + 1,
                    None => {
                        return Err(DomainError::invalid(
                            "position",
                            "unknown_code",
                            "choisissez une place dans la liste proposée",
                        )
                        .into())
                    }
                },
            };
            order.insert(index, code.to_string());
            diesel::insert_into($table::table)
                .values((
                    $table::code.eq(code),
                    $table::label.eq(label.trim()),
                    $table::position.eq(0),
                    $table::retired.eq(false),
                ))
                .execute(conn)?;
            // Renumbered by tens: small lists, and the order stays readable in the database.
            for (rank, entry) in (1..).zip(&order) {
                diesel::update($table::table.find(entry)).set($table::position.eq(rank * 10)).execute(conn)?;
            }
            Ok(())
        }

        /// Whether a code is used already.
        fn $taken(conn: &mut DbConn, code: &str) -> DbResult<bool> {
            Ok($table::table.find(code).count().get_result::<i64>(conn)? > 0)
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

list_table_ops!(motifs, add_motif, update_motif, motif_taken);
list_table_ops!(partners, add_partner, update_partner, partner_taken);

/// Adds an entry where the administrator placed it; its code is the one given, or else one
/// derived from the label (numbered when taken). Returns the code.
pub fn add_entry(
    conn: &mut DbConn,
    kind: ListKind,
    code: Option<&str>,
    label: &str,
    placement: &Placement,
) -> DbResult<String> {
    let code = match code.map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => code.to_string(),
        None => free_code(conn, kind, &code_from_label(label))?,
    };
    check_entry(&code, label)?;
    match kind {
        ListKind::Motifs => add_motif(conn, &code, label, placement)?,
        ListKind::Partners => add_partner(conn, &code, label, placement)?,
    }
    Ok(code)
}

/// `base`, or `base_2`, `base_3`… the first one unused.
fn free_code(conn: &mut DbConn, kind: ListKind, base: &str) -> DbResult<String> {
    let taken = |conn: &mut DbConn, code: &str| match kind {
        ListKind::Motifs => motif_taken(conn, code),
        ListKind::Partners => partner_taken(conn, code),
    };
    if !taken(conn, base)? {
        return Ok(base.to_string());
    }
    for n in 2..1000 {
        let stem: String = base.chars().take(50 - 1 - n.to_string().len()).collect();
        let code = format!("{stem}_{n}");
        if !taken(conn, &code)? {
            return Ok(code);
        }
    }
    Err(DomainError::invalid("code", "code_taken", "indiquez un code : celui tiré du libellé existe déjà").into())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_come_from_labels_without_accents_or_punctuation() {
        assert_eq!(code_from_label("Perte de la carte Vitale"), "perte_de_la_carte_vitale");
        assert_eq!(code_from_label("  Œuvre sociale – CCAS d'Évry  "), "oeuvre_sociale_ccas_d_evry");
        assert_eq!(code_from_label("2e relance"), "n_2e_relance");
        assert_eq!(code_from_label("É"), "e_1");
        assert_eq!(code_from_label(&"très long ".repeat(20)).len(), 49);
        assert_eq!(Placement::from_form("apres:information"), Placement::After("information".into()));
        assert_eq!(Placement::from_form("debut"), Placement::First);
        assert_eq!(Placement::from_form(""), Placement::Last);
    }
}
