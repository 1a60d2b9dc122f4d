//! Letter templates as administrators changed them, the letterhead, and the letters kept
//! with each saisine.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{letter_templates, letterhead, letters};
use super::{DbConn, DbError, DbResult};
use crate::config::MediationInfo;
use crate::domain::letter_defaults::default_text;
use crate::domain::letters::{Delivery, LetterKind, Letterhead, Recipient, TemplateText};
use crate::domain::SaisineId;

/// A template in force: the administrator's text, else the shipped one.
#[derive(Debug, Clone)]
pub struct StoredTemplate {
    pub kind: LetterKind,
    pub text: TemplateText,
    /// When and by whom it was changed; `None` for the shipped text.
    pub changed: Option<(NaiveDateTime, String)>,
}

pub fn template(conn: &mut DbConn, kind: LetterKind) -> DbResult<StoredTemplate> {
    let row: Option<(String, String, NaiveDateTime, String)> = letter_templates::table
        .find(kind.code())
        .select((
            letter_templates::subject,
            letter_templates::body,
            letter_templates::updated_at,
            letter_templates::updated_by,
        ))
        .get_result(conn)
        .optional()?;
    Ok(match row {
        Some((subject, body, at, by)) => {
            StoredTemplate { kind, text: TemplateText { subject, body }, changed: Some((at, by)) }
        }
        None => {
            let (subject, body) = default_text(kind);
            StoredTemplate { kind, text: TemplateText { subject, body }, changed: None }
        }
    })
}

pub fn templates(conn: &mut DbConn) -> DbResult<Vec<StoredTemplate>> {
    LetterKind::all().into_iter().map(|kind| template(conn, kind)).collect()
}

pub fn save_template(
    conn: &mut DbConn,
    kind: LetterKind,
    text: &TemplateText,
    by: &str,
    at: NaiveDateTime,
) -> DbResult<()> {
    let values = (
        letter_templates::subject.eq(&text.subject),
        letter_templates::body.eq(&text.body),
        letter_templates::updated_at.eq(at),
        letter_templates::updated_by.eq(by),
    );
    let updated = diesel::update(letter_templates::table.find(kind.code())).set(values).execute(conn)?;
    if updated == 0 {
        diesel::insert_into(letter_templates::table)
            .values((letter_templates::code.eq(kind.code()), values))
            .execute(conn)?;
    }
    Ok(())
}

/// Back to the shipped text; returns whether there was a change to remove.
pub fn reset_template(conn: &mut DbConn, kind: LetterKind) -> DbResult<bool> {
    Ok(diesel::delete(letter_templates::table.find(kind.code())).execute(conn)? > 0)
}

type LetterheadRow = (String, String, String, String, String, Option<Vec<u8>>, Option<String>);

/// The letterhead set by an administrator; until then, the mediation's details from the
/// settings.
pub fn letterhead(conn: &mut DbConn, fallback: &MediationInfo) -> DbResult<Letterhead> {
    let row: Option<LetterheadRow> = letterhead::table
        .find(1)
        .select((
            letterhead::name,
            letterhead::address,
            letterhead::phone,
            letterhead::email,
            letterhead::signature,
            letterhead::logo,
            letterhead::logo_type,
        ))
        .get_result(conn)
        .optional()?;
    Ok(match row {
        Some((name, address, phone, email, signature, logo, logo_type)) => {
            Letterhead { name, address, phone, email, signature, logo: logo.zip(logo_type) }
        }
        None => Letterhead {
            name: fallback.name.clone(),
            address: fallback.address.clone(),
            phone: fallback.phone.clone(),
            email: fallback.email.clone(),
            signature: "Le médiateur".into(),
            logo: None,
        },
    })
}

/// Replaces the letterhead; `keep_logo` leaves the stored logo when none is given.
pub fn save_letterhead(
    conn: &mut DbConn,
    head: &Letterhead,
    keep_logo: bool,
    by: &str,
    at: NaiveDateTime,
) -> DbResult<()> {
    let (logo, logo_type) = match (&head.logo, keep_logo) {
        (Some((bytes, kind)), _) => (Some(bytes.clone()), Some(kind.clone())),
        (None, true) => letterhead::table
            .find(1)
            .select((letterhead::logo, letterhead::logo_type))
            .get_result::<(Option<Vec<u8>>, Option<String>)>(conn)
            .optional()?
            .unwrap_or((None, None)),
        (None, false) => (None, None),
    };
    diesel::delete(letterhead::table).execute(conn)?;
    diesel::insert_into(letterhead::table)
        .values((
            letterhead::id.eq(1),
            letterhead::name.eq(&head.name),
            letterhead::address.eq(&head.address),
            letterhead::phone.eq(&head.phone),
            letterhead::email.eq(&head.email),
            letterhead::signature.eq(&head.signature),
            letterhead::logo.eq(logo),
            letterhead::logo_type.eq(logo_type),
            letterhead::updated_at.eq(at),
            letterhead::updated_by.eq(by),
        ))
        .execute(conn)?;
    Ok(())
}

/// A letter to keep with its saisine.
#[derive(Debug, Clone)]
pub struct NewLetter<'a> {
    pub saisine: SaisineId,
    /// The template's code, or `libre` for a free message.
    pub kind: &'a str,
    pub recipient: Recipient,
    pub delivery: Delivery,
    /// The e-mail address, or the postal address.
    pub address: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    /// The PDF, or the e-mail as it is sent.
    pub document: &'a [u8],
}

pub fn insert(conn: &mut DbConn, letter: &NewLetter, by: &str, at: NaiveDateTime) -> DbResult<i32> {
    diesel::insert_into(letters::table)
        .values((
            letters::saisine_id.eq(letter.saisine.0),
            letters::kind.eq(letter.kind),
            letters::recipient.eq(letter.recipient.code()),
            letters::delivery.eq(letter.delivery.code()),
            letters::address.eq(letter.address),
            letters::subject.eq(letter.subject),
            letters::body.eq(letter.body),
            letters::document.eq(letter.document),
            letters::created_at.eq(at),
            letters::created_by.eq(by),
        ))
        .execute(conn)?;
    // The newest letter of this saisine is the one just written: the transaction holds it.
    letters::table
        .filter(letters::saisine_id.eq(letter.saisine.0))
        .select(diesel::dsl::max(letters::id))
        .get_result::<Option<i32>>(conn)?
        .ok_or(DbError::NotFound)
}

/// A letter as listed on its saisine's page.
#[derive(Debug, Clone, Queryable)]
pub struct LetterSummary {
    pub id: i32,
    pub kind: String,
    pub recipient: String,
    pub delivery: String,
    pub address: String,
    pub subject: String,
    pub created_at: NaiveDateTime,
    pub created_by: String,
}

pub fn list(conn: &mut DbConn, saisine: SaisineId) -> DbResult<Vec<LetterSummary>> {
    Ok(letters::table
        .filter(letters::saisine_id.eq(saisine.0))
        .order(letters::id.asc())
        .select((
            letters::id,
            letters::kind,
            letters::recipient,
            letters::delivery,
            letters::address,
            letters::subject,
            letters::created_at,
            letters::created_by,
        ))
        .load(conn)?)
}

/// A letter's stored document, with its delivery and subject.
pub fn document(conn: &mut DbConn, saisine: SaisineId, id: i32) -> DbResult<(String, String, Vec<u8>)> {
    letters::table
        .filter(letters::saisine_id.eq(saisine.0).and(letters::id.eq(id)))
        .select((letters::delivery, letters::body, letters::document))
        .get_result(conn)
        .optional()?
        .ok_or(DbError::NotFound)
}

/// A letter whole: when, how (`courrier`/`courriel`), to which address, subject and text.
pub type LetterText = (NaiveDateTime, String, String, String, String);

/// Every letter of a saisine whole, oldest first: for the person's access document.
pub fn texts(conn: &mut DbConn, saisine: SaisineId) -> DbResult<Vec<LetterText>> {
    Ok(letters::table
        .filter(letters::saisine_id.eq(saisine.0))
        .order(letters::id.asc())
        .select((letters::created_at, letters::delivery, letters::address, letters::subject, letters::body))
        .load(conn)?)
}
