//! The letter each step proposes, on the saisine's page: shown filled in to edit, then sent
//! with the step in one transaction; and the letters kept with the saisine.

use rocket::request::{FromRequest, Outcome, Request};
use serde::Serialize;

use crate::app::letters::{self, LetterOrder, MailSettings};
use crate::app::{AppError, AppResult, Stamp};
use crate::db::letters::LetterSummary;
use crate::domain::contact::mask_email;
use crate::domain::letters::{Delivery, LetterDraft, LetterKind, Recipient};
use crate::domain::{Action, DomainError, FieldError, Reference};
use crate::web::auth::CurrentUser;
use crate::web::context::Now;
use crate::web::state::{AppState, Db};
use crate::web::steps::StepInput;

/// The mail settings of the running application.
pub struct Mail(pub MailSettings);

impl Mail {
    /// E-mail can be sent (an SMTP server and a sender are set).
    pub fn is_on(&self) -> bool {
        self.0.from.is_some()
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Mail {
    type Error = ();

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, ()> {
        match request.rocket().state::<AppState>() {
            Some(state) => Outcome::Success(Mail(MailSettings::from_config(&state.config))),
            None => Outcome::Error((rocket::http::Status::ServiceUnavailable, ())),
        }
    }
}

/// A kept letter as the saisine's page lists it.
#[derive(Debug, Serialize)]
pub struct LetterLine {
    pub id: i32,
    /// The saisine the letter was written in: a duplicate merged into the one shown keeps its
    /// letters, and their download links name it.
    pub reference: String,
    pub label: String,
    pub recipient: String,
    pub delivery: String,
    pub address: String,
    pub subject: String,
    pub created_at: String,
    pub created_by: String,
}

impl LetterLine {
    pub fn new(l: &LetterSummary, reference: &str, reveal: bool) -> LetterLine {
        let email = l.delivery == Delivery::Email.code();
        let address = match (reveal, email) {
            (true, _) => l.address.clone(),
            (false, true) => mask_email(&l.address),
            (false, false) => "•••".into(),
        };
        LetterLine {
            id: l.id,
            reference: reference.to_string(),
            label: LetterKind::from_code(&l.kind).map(|k| k.label()).unwrap_or_else(|| "Message libre".into()),
            recipient: Recipient::from_code(&l.recipient).map(|r| r.label()).unwrap_or_default().to_string(),
            delivery: if email { "courriel".into() } else { "courrier".into() },
            address,
            subject: l.subject.clone(),
            created_at: l
                .created_at
                .and_utc()
                .with_timezone(&chrono_tz::Europe::Paris)
                .format("%d/%m/%Y %H:%M")
                .to_string(),
            created_by: l.created_by.clone(),
        }
    }
}

fn no_letter() -> AppError {
    AppError::Domain(DomainError::refused("no_letter", "cette étape ne propose pas de courrier"))
}

/// Fills the step's letter in (unless the mediator already edited it).
pub async fn propose(
    db: &Db,
    reference: Reference,
    action: &Action,
    input: &mut StepInput,
    user: &CurrentUser,
    now: &Now,
    mail: &Mail,
) -> AppResult<()> {
    let kind = LetterKind::for_action(action).ok_or_else(no_letter)?;
    if input.letter_body.as_deref().is_some_and(|b| !b.trim().is_empty()) {
        return Ok(());
    }
    let (action, settings, writer, today) = (action.clone(), mail.0.clone(), user.name.clone(), now.today);
    let proposal =
        db.act(move |conn| letters::propose(conn, reference, kind, Some(&action), &settings, &writer, today)).await?;
    input.letter_subject = Some(proposal.subject);
    input.letter_body = Some(proposal.body);
    Ok(())
}

/// The step and its letter, as the mediator wrote it (or as proposed when not shown first).
pub async fn act(
    db: &Db,
    reference: Reference,
    action: &Action,
    input: &StepInput,
    user: &CurrentUser,
    now: &Now,
    mail: &Mail,
) -> AppResult<()> {
    let kind = LetterKind::for_action(action).ok_or_else(no_letter)?;
    let mut input = input.clone();
    // Sent straight from the step's button, without the editor: the proposed text as is.
    if input.letter_body.is_none() {
        propose(db, reference, action, &mut input, user, now, mail).await?;
    }
    let delivery = Delivery::from_code(input.letter.as_deref().unwrap_or_default()).ok_or_else(no_letter)?;
    let letter = LetterDraft::check(
        input.letter_subject.as_deref().unwrap_or_default(),
        input.letter_body.as_deref().unwrap_or_default(),
    )
    .map_err(step_fields)?;
    // Only the closing answer by e-mail offers the satisfaction form.
    let satisfaction = matches!(kind, LetterKind::Answer(_))
        && delivery == Delivery::Email
        && matches!(input.satisfaction.as_deref(), Some("true" | "on"));
    let order = LetterOrder {
        kind: kind.code(),
        recipient: kind.recipient(),
        delivery,
        letter,
        attachments: Vec::new(),
        satisfaction,
    };
    let (action, settings, actor, today, at) = (action.clone(), mail.0.clone(), user.actor(), now.today, now.at);
    db.act(move |conn| {
        letters::step_with_letter(
            conn,
            reference,
            &action,
            Some(&order),
            &settings,
            today,
            &Stamp { actor: &actor, at },
        )
    })
    .await
}

/// The letter's fields as the step form names them.
fn step_fields(error: DomainError) -> AppError {
    match error {
        DomainError::Invalid(errors) => AppError::Domain(DomainError::Invalid(
            errors.into_iter().map(|e| FieldError { field: format!("letter_{}", e.field), ..e }).collect(),
        )),
        other => AppError::Domain(other),
    }
}
