//! Recording a new saisine and editing one: the form, its errors, what was typed kept.

use crate::web::template::{context, Template};
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Either, Route};

use super::form::{FormErrors, SaisineForm};
use crate::app::{self, AppError, Stamp};
use crate::db::reference_lists::ReferenceLists;
use crate::domain::{Reference, SaisineDraft};
use crate::web::auth::{Mediator, Protected};
use crate::web::context::{Layout, Now};
use crate::web::error::PageError;
use crate::web::state::Db;
use crate::web::view::FormChoices;

type FormOutcome = Either<Flash<Redirect>, (Status, Template)>;

/// The form page, for a new saisine (`reference` empty) or an edit.
fn form_page(
    layout: Layout,
    lists: &ReferenceLists,
    draft: &SaisineDraft,
    errors: FormErrors,
    reference: Option<Reference>,
) -> Template {
    let choices = FormChoices::new(lists, &draft.motifs, Some(draft.partner.as_str()));
    let reference = reference.map(|r| r.to_string());
    Template::render("saisines/form.html", context! { layout, values: draft, errors, choices, reference })
}

#[get("/saisines/nouvelle")]
async fn new_form(_user: Mediator, db: Db, layout: Layout, now: Now) -> Result<Template, PageError> {
    let lists = db.run(ReferenceLists::load).await?;
    let draft = SaisineDraft { received_on: now.today.to_string(), ..Default::default() };
    Ok(form_page(layout, &lists, &draft, FormErrors::default(), None))
}

#[post("/saisines", data = "<form>")]
async fn create(
    user: Mediator,
    form: Protected<SaisineForm>,
    db: Db,
    layout: Layout,
    now: Now,
) -> Result<FormOutcome, PageError> {
    let draft = form.0.into_draft();
    let kept = draft.clone();
    let actor = user.0.actor();
    let saved =
        db.act(move |conn| app::saisines::record(conn, &kept, now.today, &Stamp { actor: &actor, at: now.at })).await;
    match saved {
        Ok(reference) => {
            tracing::info!(%reference, "saisine enregistrée");
            let message = format!("Saisine {reference} enregistrée.");
            Ok(Either::Left(Flash::success(Redirect::to(format!("/saisines/{reference}")), message)))
        }
        Err(AppError::Domain(e)) => {
            let lists = db.run(ReferenceLists::load).await?;
            let page = form_page(layout, &lists, &draft, FormErrors::new(e.field_errors()), None);
            Ok(Either::Right((Status::UnprocessableEntity, page)))
        }
        Err(other) => Err(other.into()),
    }
}

/// The edit form holds every personal field whole: opening it is recorded in the audit log
/// (queued, like every view: `app::audit_queue`).
#[get("/saisines/<reference>/modifier")]
async fn edit_form(
    user: Mediator,
    reference: Reference,
    db: Db,
    layout: Layout,
    now: Now,
) -> Result<Template, PageError> {
    let (actor, views) = (user.0.actor(), db.views());
    let (saisine, lists) = db
        .act(move |conn| {
            let saisine = app::audit_queue::reveal(conn, &views, reference, &actor, "modification", now.at)?;
            Ok((saisine, ReferenceLists::load(conn)?))
        })
        .await?;
    let mut draft = saisine.facts.to_draft();
    if saisine.to_qualify {
        // The process stored while it waits to be qualified is provisional: the mediator chooses.
        draft.process.clear();
    }
    Ok(form_page(layout, &lists, &draft, FormErrors::default(), Some(reference)))
}

#[post("/saisines/<reference>/modifier", data = "<form>")]
async fn update(
    user: Mediator,
    reference: Reference,
    form: Protected<SaisineForm>,
    db: Db,
    layout: Layout,
    now: Now,
) -> Result<FormOutcome, PageError> {
    let draft = form.0.into_draft();
    let kept = draft.clone();
    let actor = user.0.actor();
    let saved = db
        .act(move |conn| app::saisines::edit(conn, reference, &kept, now.today, &Stamp { actor: &actor, at: now.at }))
        .await;
    match saved {
        Ok(changes) => {
            let message = if changes.is_empty() {
                "Aucune modification.".to_string()
            } else {
                match changes.len() {
                    1 => "Saisine enregistrée : 1 information modifiée.".to_string(),
                    n => format!("Saisine enregistrée : {n} informations modifiées."),
                }
            };
            Ok(Either::Left(Flash::success(Redirect::to(format!("/saisines/{reference}")), message)))
        }
        Err(AppError::Domain(e)) => {
            let lists = db.run(ReferenceLists::load).await?;
            let page = form_page(layout, &lists, &draft, FormErrors::new(e.field_errors()), Some(reference));
            Ok(Either::Right((Status::UnprocessableEntity, page)))
        }
        Err(other) => Err(other.into()),
    }
}

pub fn routes() -> Vec<Route> {
    routes![new_form, create, edit_form, update]
}
