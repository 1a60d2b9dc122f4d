//! Motifs and partners: reference tables that administrators extend.

use diesel::prelude::*;
use serde::Serialize;

use super::schema::{motifs, partners};
use super::{DbConn, DbResult};
use crate::domain::AllowedCodes;

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
