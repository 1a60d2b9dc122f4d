//! The files of a received e-mail: each kept as a document of the saisine through the same
//! checks and use case as an upload, or listed as refused (never dropped without a word).

use crate::app::{attachments, AppResult, Stamp};
use crate::db::attachments::NewAttachment;
use crate::db::DbConn;
use crate::domain::attachment::check;
use crate::domain::inbound::{bounded, InboundFile};
use crate::domain::Reference;

/// Files kept from one message at most; the others are listed as refused.
const MAX_KEPT: usize = 20;

/// Adds the acceptable files to the saisine; returns the refused ones, each with its reason.
pub(super) fn add_all(
    conn: &mut DbConn,
    reference: Reference,
    files: &[InboundFile],
    stamp: &Stamp,
) -> AppResult<Vec<String>> {
    let mut refused = Vec::new();
    let mut kept = 0;
    for file in files {
        let shown = bounded(&file.name, 100);
        match check(&file.name, &file.data) {
            Ok(_) if kept >= MAX_KEPT => refused.push(format!("{shown} (plus de {MAX_KEPT} pièces jointes)")),
            Ok((file_name, kind)) => {
                let upload =
                    NewAttachment { file_name, content_type: kind.content_type().to_string(), data: file.data.clone() };
                attachments::add(conn, reference, &upload, stamp)?;
                kept += 1;
            }
            Err(why) => refused.push(format!("{shown} ({why})")),
        }
    }
    Ok(refused)
}
