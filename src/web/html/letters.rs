//! Writing on a saisine: a letter from a template or a free message, read and edited by the
//! mediator, then sent by e-mail (through the outbox) or produced as a PDF; every letter is
//! kept and can be downloaded again.

use crate::web::template::{context, Template};
use rocket::http::{ContentType, Header, Status};
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Either, FromForm, Responder, Route, State};
use serde::Serialize;

use super::form::FormErrors;
use crate::app::letters::{self, LetterOrder, MailSettings};
use crate::app::{AppError, Stamp};
use crate::db::{attachments, letters as store, saisines};
use crate::domain::letters::{Delivery, LetterDraft, LetterKind, Recipient};
use crate::domain::{DomainError, Reference};
use crate::web::auth::{Mediator, Protected};
use crate::web::context::{Layout, Now};
use crate::web::error::PageError;
use crate::web::state::{AppState, Db};
use crate::web::view::Choice;

/// The editor as typed, kept whole when shown again with its errors.
#[derive(Debug, Default, Clone, FromForm, Serialize)]
pub struct LetterForm {
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// `courriel` or `courrier`.
    pub delivery: String,
    pub attachments: Vec<i32>,
}

/// What the editor offers for this saisine.
struct Offer {
    email_to: Option<String>,
    partner: bool,
    files: Vec<(i32, String)>,
}

async fn offer(db: &Db, reference: Reference, recipient: Recipient) -> Result<Offer, PageError> {
    Ok(db
        .run(move |conn| {
            let saisine = saisines::find(conn, reference)?;
            let files = attachments::list(conn, saisine.id)?.into_iter().map(|f| (f.id, f.file_name)).collect();
            let email_to = match (recipient, &saisine.referral) {
                (Recipient::Partner, Some(r)) => Some(r.contact_email.as_str().to_string()),
                (Recipient::Partner, None) => None,
                (Recipient::Person, _) => saisine.facts.requester.email.as_ref().map(|e| e.as_str().to_string()),
            };
            Ok(Offer { email_to, partner: saisine.referral.is_some(), files })
        })
        .await?)
}

fn kinds() -> Vec<Choice> {
    let mut all: Vec<Choice> = LetterKind::all().into_iter().map(|k| Choice::new(&k.code(), &k.label())).collect();
    all.insert(0, Choice::new("libre", "Message libre"));
    all
}

fn editor(
    layout: Layout,
    reference: Reference,
    values: &LetterForm,
    offer: &Offer,
    mail_on: bool,
    errors: FormErrors,
    refusal: Option<String>,
) -> Template {
    let files: Vec<_> =
        offer.files.iter().map(|(id, name)| context! { id, name, checked: values.attachments.contains(id) }).collect();
    Template::render(
        "saisines/letter.html",
        context! { layout, reference: reference.to_string(), values, kinds: kinds(), files, mail_on, email_to: &offer.email_to,
        partner: offer.partner, errors, refusal },
    )
}

#[get("/saisines/<reference>/courriers/nouveau?<modele>&<destinataire>")]
#[allow(clippy::too_many_arguments, reason = "a Rocket handler: one argument per guard")]
async fn new(
    user: Mediator,
    reference: Reference,
    modele: Option<&str>,
    destinataire: Option<&str>,
    db: Db,
    layout: Layout,
    now: Now,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    let settings = MailSettings::from_config(&state.config);
    let kind = modele.and_then(LetterKind::from_code);
    let recipient = destinataire
        .and_then(Recipient::from_code)
        .unwrap_or_else(|| kind.map(|k| k.recipient()).unwrap_or(Recipient::Person));
    let mut values = LetterForm { kind: "libre".into(), recipient: recipient.code().into(), ..Default::default() };
    if let Some(kind) = kind {
        let (writer, today, s) = (user.0.name.clone(), now.today, settings.clone());
        let proposal = db.act(move |conn| letters::propose(conn, reference, kind, None, &s, &writer, today)).await?;
        values = LetterForm { kind: proposal.kind, subject: proposal.subject, body: proposal.body, ..values };
    }
    let offer = offer(&db, reference, recipient).await?;
    Ok(editor(layout, reference, &values, &offer, settings.from.is_some(), FormErrors::default(), None))
}

/// Reads the editor into an order, or says what to fix.
pub fn order_of(form: &LetterForm) -> Result<LetterOrder, DomainError> {
    let letter = LetterDraft::check(&form.subject, &form.body)?;
    let recipient = Recipient::from_code(&form.recipient)
        .ok_or_else(|| DomainError::invalid("recipient", "unknown_code", "choisissez le destinataire"))?;
    let delivery = Delivery::from_code(&form.delivery).ok_or_else(|| {
        DomainError::invalid("delivery", "unknown_code", "choisissez l'envoi par courriel ou le courrier PDF")
    })?;
    let kind = match LetterKind::from_code(&form.kind) {
        Some(kind) => kind.code(),
        None => "libre".to_string(),
    };
    Ok(LetterOrder { kind, recipient, delivery, letter, attachments: form.attachments.clone(), satisfaction: false })
}

#[post("/saisines/<reference>/courriers", data = "<form>")]
async fn send(
    user: Mediator,
    reference: Reference,
    form: Protected<LetterForm>,
    db: Db,
    layout: Layout,
    now: Now,
    state: &State<AppState>,
) -> Result<Either<Flash<Redirect>, (Status, Template)>, PageError> {
    let values = form.0;
    let settings = MailSettings::from_config(&state.config);
    let mail_on = settings.from.is_some();
    let outcome = match order_of(&values) {
        Ok(order) => {
            let actor = user.0.actor();
            let delivery = order.delivery;
            db.act(move |conn| letters::send(conn, reference, &order, &settings, &Stamp { actor: &actor, at: now.at }))
                .await
                .map(|id| (id, delivery))
        }
        Err(e) => Err(AppError::Domain(e)),
    };
    match outcome {
        Ok((id, Delivery::Post)) => Ok(Either::Left(Flash::success(
            Redirect::to(format!("/saisines/{reference}#courriers")),
            format!("Courrier produit : téléchargez-le pour l'imprimer (courrier n° {id})."),
        ))),
        Ok((_, Delivery::Email)) => Ok(Either::Left(Flash::success(
            Redirect::to(format!("/saisines/{reference}#courriers")),
            "Courriel enregistré : il part dans les prochaines minutes.",
        ))),
        Err(AppError::Domain(error)) => {
            let recipient = Recipient::from_code(&values.recipient).unwrap_or(Recipient::Person);
            let offer = offer(&db, reference, recipient).await?;
            let refusal = matches!(error, DomainError::Refused { .. }).then(|| error.to_string());
            let page =
                editor(layout, reference, &values, &offer, mail_on, FormErrors::new(error.field_errors()), refusal);
            Ok(Either::Right((Status::UnprocessableEntity, page)))
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Responder)]
struct Download {
    body: Vec<u8>,
    content_type: ContentType,
    disposition: Header<'static>,
}

/// A kept letter: the PDF, or the e-mail as sent (`.eml`).
#[get("/saisines/<reference>/courriers/<id>")]
async fn download(_user: Mediator, reference: Reference, id: i32, db: Db) -> Result<Download, PageError> {
    let (delivery, _, document) = db
        .run(move |conn| {
            let saisine = saisines::id_of(conn, reference)?;
            store::document(conn, saisine, id)
        })
        .await?;
    let (content_type, extension) = if delivery == Delivery::Email.code() {
        (ContentType::new("message", "rfc822"), "eml")
    } else {
        (ContentType::PDF, "pdf")
    };
    Ok(Download {
        body: document,
        content_type,
        disposition: Header::new(
            "Content-Disposition",
            format!("attachment; filename=\"courrier-{reference}-{id}.{extension}\""),
        ),
    })
}

pub fn routes() -> Vec<Route> {
    routes![new, send, download]
}
