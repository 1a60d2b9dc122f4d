//! A saisine's page: its facts, its timeline, and the forms of the moves it allows.

use rocket::form::Form;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Either, Route};
use rocket_dyn_templates::{context, Template};

use super::form::FormErrors;
use crate::db::events;
use crate::db::reference_lists::ReferenceLists;
use crate::db::saisines::{self, Stamp};
use crate::db::{operations, DbError};
use crate::domain::{DomainError, Reference};
use crate::web::context::{Actor, Layout, Now};
use crate::web::error::PageError;
use crate::web::state::Db;
use crate::web::steps::{Step, StepInput};
use crate::web::view::{Detail, FormChoices, TimelineEntry};

/// A move that failed: which one, what was typed, what to fix.
struct FailedStep {
    step: Step,
    input: StepInput,
    error: DomainError,
}

async fn render(
    db: &Db,
    reference: Reference,
    layout: Layout,
    now: &Now,
    failed: Option<FailedStep>,
) -> Result<Template, PageError> {
    let (saisine, timeline, lists) = db
        .run(move |conn| {
            let saisine = saisines::find(conn, reference)?;
            let timeline = events::for_saisine(conn, saisine.id)?;
            Ok((saisine, timeline, ReferenceLists::load(conn)?))
        })
        .await?;
    let detail = Detail::new(&saisine, &lists, now.today);
    let timeline: Vec<TimelineEntry> = timeline.iter().map(TimelineEntry::new).collect();
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
        context! { layout, s: detail, timeline, choices, failed_step, step_values, step_errors, refusal,
        no_values: StepInput::default(), no_errors: FormErrors::default(), today: now.today.to_string() },
    ))
}

#[get("/saisines/<reference>", rank = 2)]
pub async fn show(reference: Reference, db: Db, layout: Layout, now: Now) -> Result<Template, PageError> {
    render(&db, reference, layout, &now, None).await
}

#[post("/saisines/<reference>/<step>", data = "<form>", rank = 3)]
async fn act(
    reference: Reference,
    step: Step,
    form: Form<StepInput>,
    db: Db,
    layout: Layout,
    now: Now,
    actor: Actor,
) -> Result<Either<Flash<Redirect>, (Status, Template)>, PageError> {
    let input = form.into_inner();
    let outcome = match input.to_action(step, now.today) {
        Ok(action) => {
            let note = input.note_text();
            let (today, at) = (now.today, now.at);
            db.run(move |conn| {
                operations::step(conn, reference, action.as_ref(), &note, today, &Stamp { actor: &actor.name, at })
            })
            .await
        }
        Err(e) => Err(DbError::Domain(e)),
    };
    match outcome {
        Ok(()) => {
            tracing::info!(%reference, step = step.slug(), "étape enregistrée");
            Ok(Either::Left(Flash::success(Redirect::to(format!("/saisines/{reference}")), step.done_message())))
        }
        Err(DbError::Domain(error)) => {
            let status = if matches!(error, DomainError::Refused { .. }) {
                Status::Conflict
            } else {
                Status::UnprocessableEntity
            };
            let page = render(&db, reference, layout, &now, Some(FailedStep { step, input, error })).await?;
            Ok(Either::Right((status, page)))
        }
        Err(other) => Err(other.into()),
    }
}

pub fn routes() -> Vec<Route> {
    routes![show, act]
}
