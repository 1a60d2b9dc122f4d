//! The partner form as sent: its fields, its files, and the checks against abuse (honeypot,
//! signed token with a minimum fill time and a maximum age).

use rocket::form::{Context, Contextual, FromForm};
use rocket::fs::TempFile;
use rocket::tokio::io::AsyncReadExt;

use crate::auth::signing::Signer;
use crate::auth::tokens;
use crate::db::attachments::NewAttachment;
use crate::domain::attachment::{safe_file_name, FileKind, MAX_FILES, MAX_SIZE};
use crate::domain::referral::ReferralDraft;
use crate::domain::FieldError;

/// The honeypot: hidden from people, filled in by robots.
pub const HONEYPOT: &str = "site_web";

#[derive(FromForm)]
pub struct PartnerForm<'r> {
    pub attachments: Vec<TempFile<'r>>,
}

fn text(context: &Context<'_>, name: &str) -> String {
    context.field_value(name).unwrap_or_default().to_string()
}

/// What was typed, read from the form's context so that it is kept even when a file was
/// refused by the body limits.
pub fn draft(form: &Contextual<'_, PartnerForm<'_>>) -> ReferralDraft {
    let c = &form.context;
    ReferralDraft {
        partner: text(c, "partner"),
        organisation: text(c, "organisation"),
        contact_name: text(c, "contact_name"),
        contact_email: text(c, "contact_email"),
        contact_phone: text(c, "contact_phone"),
        requester_name: text(c, "requester_name"),
        nir: text(c, "nir"),
        email: text(c, "email"),
        phone: text(c, "phone"),
        address: text(c, "address"),
        consent: matches!(c.field_value("consent"), Some("on" | "true" | "oui")),
        process: text(c, "process"),
        motifs: c.field_values("motifs").map(str::to_string).collect(),
        account: text(c, "account"),
    }
}

pub fn honeypot_filled(form: &Contextual<'_, PartnerForm<'_>>) -> bool {
    form.context.field_value(HONEYPOT).is_some_and(|v| !v.trim().is_empty())
}

/// A form token: when the form was served, a nonce, and their signature.
pub fn new_token(signer: &Signer, served_at: i64) -> String {
    let nonce = tokens::new_token();
    let signature = signer.sign(&format!("formulaire|{served_at}|{nonce}"));
    format!("{served_at}.{nonce}.{signature}")
}

#[derive(Debug, PartialEq, Eq)]
pub enum TokenProblem {
    Invalid,
    TooFast,
    Expired,
}

/// A genuine token's nonce, and when it expires (Unix seconds).
#[derive(Debug, PartialEq, Eq)]
pub struct CheckedToken {
    pub nonce: String,
    pub expires_at: i64,
}

/// Checks the token of a submission at `now` (Unix seconds).
pub fn check_token(
    signer: &Signer,
    token: &str,
    now: i64,
    min_seconds: i64,
    max_minutes: i64,
) -> Result<CheckedToken, TokenProblem> {
    let mut parts = token.splitn(3, '.');
    let (Some(served), Some(nonce), Some(signature)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(TokenProblem::Invalid);
    };
    if !signer.verify(&format!("formulaire|{served}|{nonce}"), signature) {
        return Err(TokenProblem::Invalid);
    }
    let served: i64 = served.parse().map_err(|_| TokenProblem::Invalid)?;
    let age = now - served;
    if age < min_seconds {
        return Err(TokenProblem::TooFast);
    }
    if age > max_minutes * 60 {
        return Err(TokenProblem::Expired);
    }
    Ok(CheckedToken { nonce: nonce.to_string(), expires_at: served + max_minutes * 60 })
}

pub fn token_of(form: &Contextual<'_, PartnerForm<'_>>) -> String {
    text(&form.context, "form_token")
}

/// Whether the whole body went over the multipart limit.
pub fn body_too_large(form: &Contextual<'_, PartnerForm<'_>>) -> bool {
    form.context
        .errors()
        .any(|e| e.name.is_none() && matches!(e.kind, rocket::form::error::ErrorKind::InvalidLength { .. }))
}

/// Whether the body limits already cut a file off.
pub fn files_refused(form: &Contextual<'_, PartnerForm<'_>>) -> bool {
    form.context.errors().any(|e| e.name.as_ref().is_some_and(|n| n.to_string().starts_with("attachments")))
}

/// Reads and checks the files: at most 3, 5 MB each, PDF, JPEG or PNG by their content.
pub async fn read_files(files: Vec<TempFile<'_>>, refused_by_limits: bool) -> Result<Vec<NewAttachment>, FieldError> {
    let too_big = || FieldError::new("attachments", "file_too_large", "chaque pièce jointe doit faire 5 Mo au plus");
    if refused_by_limits {
        return Err(too_big());
    }
    let sent: Vec<&TempFile<'_>> = files.iter().filter(|f| f.len() > 0).collect();
    if sent.len() > MAX_FILES {
        return Err(FieldError::new("attachments", "too_many_files", format!("{MAX_FILES} pièces jointes au plus")));
    }
    let mut files = Vec::new();
    for file in sent {
        if file.len() > MAX_SIZE {
            return Err(too_big());
        }
        files.push(read_one(file).await?);
    }
    Ok(files)
}

/// One uploaded file, checked from its content.
pub async fn read_one(file: &TempFile<'_>) -> Result<NewAttachment, FieldError> {
    let unreadable =
        || FieldError::new("attachments", "unreadable_file", "une pièce jointe n'a pas pu être lue : renvoyez-la");
    let mut data = Vec::with_capacity(file.len() as usize);
    file.open().await.map_err(|_| unreadable())?.read_to_end(&mut data).await.map_err(|_| unreadable())?;
    if data.len() as u64 > MAX_SIZE {
        return Err(FieldError::new("attachments", "file_too_large", "chaque pièce jointe doit faire 5 Mo au plus"));
    }
    let Some(kind) = FileKind::detect(&data) else {
        return Err(FieldError::new(
            "attachments",
            "file_type",
            "seuls les fichiers PDF, JPEG et PNG sont acceptés (le type est vérifié sur le contenu du fichier)",
        ));
    };
    let raw_name =
        file.raw_name().map(|n| n.dangerous_unsafe_unsanitized_raw().as_str().to_string()).unwrap_or_default();
    Ok(NewAttachment {
        file_name: safe_file_name(&raw_name, kind),
        content_type: kind.content_type().to_string(),
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_need_their_signature_and_the_right_age() {
        let signer = Signer::new("secret", "partenaires");
        let token = new_token(&signer, 1_000);
        assert_eq!(check_token(&signer, &token, 1_002, 3, 120), Err(TokenProblem::TooFast));
        let nonce = token.split('.').nth(1).unwrap().to_string();
        assert_eq!(check_token(&signer, &token, 1_010, 3, 120), Ok(CheckedToken { nonce, expires_at: 1_000 + 7_200 }));
        assert_eq!(check_token(&signer, &token, 1_000 + 121 * 60, 3, 120), Err(TokenProblem::Expired));
        let forged = token.replacen("1000", "999", 1);
        assert_eq!(check_token(&signer, &forged, 1_010, 3, 120), Err(TokenProblem::Invalid));
        assert_eq!(check_token(&signer, "n'importe quoi", 1_010, 3, 120), Err(TokenProblem::Invalid));
    }
}
