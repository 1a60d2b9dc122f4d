//! Documents of a saisine: added by a mediator, downloaded (an access to personal data).

use chrono::NaiveDateTime;

use super::{write, AppResult, Stamp};
use crate::auth::audit::AuditAction;
use crate::db::attachments::{self, NewAttachment};
use crate::db::{audit, events, saisines as store, DbConn};
use crate::domain::{EventDetails, EventKind, Reference};

/// Adds a checked file to the saisine, with its timeline entry and audit record.
pub fn add(conn: &mut DbConn, reference: Reference, file: &NewAttachment, stamp: &Stamp) -> AppResult<()> {
    write(conn, |conn| {
        let id = store::id_of(conn, reference)?;
        attachments::add(conn, id, file, &stamp.actor.name, stamp.at)?;
        let details = EventDetails { text: Some(file.file_name.clone()), ..Default::default() };
        events::append(conn, id, EventKind::PieceAjoutee, &details, stamp)?;
        store::touch(conn, id, stamp.at)?;
        let target = reference.to_string();
        Ok(audit::record(conn, stamp.actor, AuditAction::AttachmentAdded, &target, &file.file_name, stamp.at)?)
    })
}

/// A file's name, type and content, the download recorded in the audit log.
pub fn download(
    conn: &mut DbConn,
    reference: Reference,
    file: i32,
    actor: &super::Actor,
    at: NaiveDateTime,
) -> AppResult<(String, String, Vec<u8>)> {
    write(conn, |conn| {
        let id = store::id_of(conn, reference)?;
        let content = attachments::content(conn, id, file)?;
        audit::record(conn, actor, AuditAction::AttachmentDownloaded, &reference.to_string(), &content.0, at)?;
        Ok(content)
    })
}
