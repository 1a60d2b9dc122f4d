//! Files attached to a saisine, stored in the database with it.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::schema::attachments;
use super::{DbConn, DbError, DbResult};
use crate::domain::SaisineId;

/// A checked file, ready to store.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub file_name: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

/// An attachment without its content, for lists.
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct AttachmentInfo {
    pub id: i32,
    pub file_name: String,
    pub content_type: String,
    pub size: i32,
    pub uploaded_at: NaiveDateTime,
    pub uploaded_by: String,
}

pub fn add(conn: &mut DbConn, saisine: SaisineId, file: &NewAttachment, by: &str, at: NaiveDateTime) -> DbResult<()> {
    let size = i32::try_from(file.data.len()).map_err(|_| DbError::Config("fichier trop volumineux".into()))?;
    diesel::insert_into(attachments::table)
        .values((
            attachments::saisine_id.eq(saisine.0),
            attachments::file_name.eq(&file.file_name),
            attachments::content_type.eq(&file.content_type),
            attachments::size.eq(size),
            attachments::data.eq(&file.data),
            attachments::uploaded_at.eq(at),
            attachments::uploaded_by.eq(by),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn list(conn: &mut DbConn, saisine: SaisineId) -> DbResult<Vec<AttachmentInfo>> {
    Ok(attachments::table
        .filter(attachments::saisine_id.eq(saisine.0))
        .order(attachments::id.asc())
        .select((
            attachments::id,
            attachments::file_name,
            attachments::content_type,
            attachments::size,
            attachments::uploaded_at,
            attachments::uploaded_by,
        ))
        .load(conn)?)
}

/// One attachment of one saisine, with its content.
pub fn content(conn: &mut DbConn, saisine: SaisineId, id: i32) -> DbResult<(String, String, Vec<u8>)> {
    attachments::table
        .filter(attachments::saisine_id.eq(saisine.0))
        .filter(attachments::id.eq(id))
        .select((attachments::file_name, attachments::content_type, attachments::data))
        .get_result(conn)
        .optional()?
        .ok_or(DbError::NotFound)
}
