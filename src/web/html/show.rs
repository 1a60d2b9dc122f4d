//! A saisine's page: its facts, its timeline, and the forms of the moves it allows.

use crate::web::template::{context, Template};
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Either, FromForm, Route};

use super::form::FormErrors;
use super::step_letters::Mail;
use crate::app::{self, AppError, Stamp};
use crate::auth::UserId;
use crate::db::reference_lists::ReferenceLists;
use crate::db::saisines;
use crate::db::{attachments, events, queue, users};
use crate::domain::{DomainError, Reference};
use crate::web::auth::{CurrentUser, Mediator, Protected, Reader};
use crate::web::context::{Layout, Now};
use crate::web::error::PageError;
use crate::web::followup_view::DeadlinesView;
use crate::web::state::Db;
use crate::web::steps::{Step, StepInput};
use crate::web::view::{Detail, FormChoices, TimelineEntry};

/// A move that failed: which one, what was typed, what to fix.
struct FailedStep {
    step: Step,
    input: StepInput,
    error: DomainError,
}

type StepOutcome = Either<Flash<Redirect>, (Status, Template)>;

/// Renders the page. Mediators and administrators see personal data whole, and that view is
/// recorded in the audit log; readers see it masked.
async fn render(
    db: &Db,
    reference: Reference,
    viewer: &CurrentUser,
    layout: Layout,
    now: &Now,
    failed: Option<FailedStep>,
    mail: &Mail,
) -> Result<Template, PageError> {
    let reveal = viewer.role.sees_personal_data();
    let actor = viewer.actor();
    let (at, today, views) = (now.at, now.today, db.views());
    let (letters, outbox) = correspondence(db, reference, reveal).await?;
    let inbox = super::mailbox::saisine_inbox(db, reference, reveal).await?;
    let (saisine, timeline, lists, assignable, (settings, queue_entry), files, duplicates) = db
        .run(move |conn| {
            let saisine = saisines::find(conn, reference)?;
            let timeline = events::for_saisine(conn, saisine.id)?;
            if reveal {
                // Queued: a page view is not a write transaction (`app::audit_queue`).
                views.record(conn, &actor, &reference.to_string(), "", at)?;
            }
            let follow_up = queue::entry_of(conn, &saisine, today)?;
            let files = attachments::list(conn, saisine.id)?;
            let duplicates: Vec<String> = crate::db::schedule::duplicates_of(conn, saisine.id)?
                .into_iter()
                .map(|(_, reference)| reference)
                .collect();
            Ok((saisine, timeline, ReferenceLists::load(conn)?, users::list(conn)?, follow_up, files, duplicates))
        })
        .await?;
    let deadlines = DeadlinesView::new(&queue_entry, &settings, today);
    // A file's name, chosen by whoever sent it, may hold the person's name: not for readers.
    let files: Vec<_> = files
        .iter()
        .enumerate()
        .map(|(n, f)| {
            let file_name = if reveal { f.file_name.clone() } else { format!("Pièce jointe n° {}", n + 1) };
            context! { id: f.id, file_name, size_kb: (f.size + 1023) / 1024,
            uploaded_at: crate::domain::paris::paris_datetime(f.uploaded_at), uploaded_by: &f.uploaded_by }
        })
        .collect();
    // The partner's contact is a person too: a reader sees their e-mail and phone masked.
    let referral = saisine.referral.as_ref().map(|r| {
        let email = if reveal { r.contact_email.to_string() } else { r.contact_email.masked() };
        let phone = r.contact_phone.as_ref().map(|p| if reveal { p.to_string() } else { p.masked() });
        context! { organisation: &r.organisation, contact_name: &r.contact_name, contact_email: email,
        contact_phone: phone }
    });
    let assignee = assignable.iter().find(|u| Some(u.id) == saisine.assigned_to);
    let detail = Detail::new(&saisine, &lists, now.today, reveal, assignee);
    let assignable: Vec<_> = assignable.iter().filter(|u| u.active && u.role.can_work_on_saisines()).collect();
    let timeline: Vec<TimelineEntry> = timeline.iter().map(|e| TimelineEntry::new(e, reveal)).collect();
    let choices = FormChoices::new(&lists, &[], None);
    let (failed_step, step_values, step_errors, refusal) = match failed {
        Some(f) => {
            let refusal = matches!(f.error, DomainError::Refused { .. }).then(|| f.error.to_string());
            (Some(f.step.slug()), f.input, FormErrors::new(f.error.field_errors()), refusal)
        }
        None => (None, StepInput::default(), FormErrors::default(), None),
    };
    Ok(Template::render(
        "saisines/show.html",
        context! { layout, s: detail, timeline, choices, failed_step, step_values, step_errors, refusal, assignable, deadlines,
        files, duplicates, referral, inbox, external_reference: &saisine.external_reference, letters, outbox, mail_on: mail.is_on(),
        no_values: StepInput::default(), no_errors: FormErrors::default(), today: now.today.to_string() },
    ))
}

/// The letters kept with the saisine and its e-mails in the outbox.
async fn correspondence(
    db: &Db,
    reference: Reference,
    reveal: bool,
) -> Result<(Vec<super::step_letters::LetterLine>, Vec<super::admin_outbox::OutboxLine>), PageError> {
    let (letters, queued) = db
        .run(move |conn| {
            let id = saisines::id_of(conn, reference)?;
            Ok((crate::db::letters::list(conn, id)?, crate::db::outbox::for_saisine(conn, id)?))
        })
        .await?;
    let letters = letters.iter().map(|l| super::step_letters::LetterLine::new(l, reveal)).collect();
    Ok((letters, queued.iter().map(|q| super::admin_outbox::OutboxLine::new(q, reveal)).collect()))
}

#[get("/saisines/<reference>", rank = 2)]
pub async fn show(
    user: Reader,
    reference: Reference,
    db: Db,
    layout: Layout,
    now: Now,
    mail: Mail,
) -> Result<Template, PageError> {
    render(&db, reference, &user.0, layout, &now, None, &mail).await
}

#[post("/saisines/<reference>/<step>", data = "<form>", rank = 3)]
#[allow(clippy::too_many_arguments, reason = "a Rocket handler: one argument per guard")]
async fn act(
    user: Mediator,
    reference: Reference,
    step: Step,
    form: Protected<StepInput>,
    db: Db,
    layout: Layout,
    now: Now,
    mail: Mail,
) -> Result<StepOutcome, PageError> {
    let mut input = form.0;
    let letter = input.letter.clone().unwrap_or_default();
    let outcome = match input.to_action(step, now.today) {
        Ok(Some(action)) if letter == "apercu" => {
            match super::step_letters::propose(&db, reference, &action, &mut input, &user.0, &now, &mail).await {
                Ok(()) => {
                    let open = FailedStep { step, input, error: DomainError::Invalid(Vec::new()) };
                    return Ok(Either::Right((
                        Status::Ok,
                        render(&db, reference, &user.0, layout, &now, Some(open), &mail).await?,
                    )));
                }
                Err(e) => Err(e),
            }
        }
        Ok(Some(action)) if letter == "courriel" || letter == "courrier" => {
            super::step_letters::act(&db, reference, &action, &input, &user.0, &now, &mail).await
        }
        Ok(action) => {
            let note = input.note_text();
            let (today, at, actor) = (now.today, now.at, user.0.actor());
            db.act(move |conn| {
                app::saisines::step(conn, reference, action.as_ref(), &note, today, &Stamp { actor: &actor, at })
            })
            .await
        }
        Err(e) => Err(AppError::Domain(e)),
    };
    match outcome {
        Ok(()) => {
            tracing::info!(%reference, step = step.slug(), "étape enregistrée");
            Ok(Either::Left(Flash::success(Redirect::to(format!("/saisines/{reference}")), step.done_message())))
        }
        Err(AppError::Domain(error)) => {
            let status = if matches!(error, DomainError::Refused { .. }) {
                Status::Conflict
            } else {
                Status::UnprocessableEntity
            };
            let failed = Some(FailedStep { step, input, error });
            let page = render(&db, reference, &user.0, layout, &now, failed, &mail).await?;
            Ok(Either::Right((status, page)))
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(FromForm)]
struct AssignForm {
    assignee: Option<String>,
}

/// Gives the saisine to a mediator, or takes it back (empty choice).
#[post("/saisines/<reference>/attribution", data = "<form>")]
async fn assign(
    user: Mediator,
    reference: Reference,
    form: Protected<AssignForm>,
    db: Db,
    now: Now,
) -> Result<Flash<Redirect>, PageError> {
    let assignee = form.0.assignee.filter(|a| !a.trim().is_empty());
    let assignee = match assignee.map(|a| a.trim().parse::<i32>()) {
        None => None,
        Some(Ok(id)) => Some(UserId(id)),
        Some(Err(_)) => return Err(PageError::Refused("choix de médiateur invalide".into())),
    };
    let actor = user.0.actor();
    db.act(move |conn| app::saisines::assign(conn, reference, assignee, &Stamp { actor: &actor, at: now.at })).await?;
    Ok(Flash::success(Redirect::to(format!("/saisines/{reference}")), "Attribution enregistrée."))
}

/// A mediator says a possible duplicate is not one.
#[post("/saisines/<reference>/doublons/<other>/ecarter", data = "<_form>")]
async fn dismiss_duplicate(
    user: Mediator,
    reference: Reference,
    other: Reference,
    _form: Protected<crate::web::auth::CsrfOnly>,
    db: Db,
    now: Now,
) -> Result<Flash<Redirect>, PageError> {
    let actor = user.0.actor();
    let back = Redirect::to(format!("/saisines/{reference}"));
    let done = db
        .act(move |conn| app::duplicates::dismiss(conn, reference, other, &Stamp { actor: &actor, at: now.at }))
        .await;
    match done {
        Ok(()) => Ok(Flash::success(back, format!("La saisine {other} n'est plus signalée comme doublon possible."))),
        Err(AppError::Domain(e)) => Ok(Flash::error(back, e.to_string())),
        Err(other) => Err(other.into()),
    }
}

pub fn routes() -> Vec<Route> {
    routes![show, act, assign, dismiss_duplicate]
}
