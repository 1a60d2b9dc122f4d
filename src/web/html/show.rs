//! A saisine's page and the moves posted from it. A move refused, or a form with errors, is
//! answered at the move's URL with the page, its section open and what was typed kept; every
//! such URL also answers a GET (a reload, a bookmark) by sending to the saisine's page.

use rocket::http::Status;
use rocket::request::FromParam;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Either, FromForm, Route};

use super::case_page::{render, FailedStep};
use super::step_letters::Mail;
use crate::app::{self, AppError, Stamp};
use crate::auth::UserId;
use crate::domain::{DomainError, Reference};
use crate::web::auth::{Mediator, Protected, Reader};
use crate::web::context::{Layout, Now};
use crate::web::error::PageError;
use crate::web::state::Db;
use crate::web::steps::{Step, StepInput};
use crate::web::template::Template;

type StepOutcome = Either<Flash<Redirect>, (Status, Template)>;

#[get("/saisines/<reference>", rank = 2)]
pub async fn show(
    user: Reader,
    reference: Reference,
    db: Db,
    layout: Layout,
    now: Now,
    mail: Mail,
    nav: super::list_nav::ListNav,
) -> Result<Template, PageError> {
    render(&db, reference, &user.0, layout, &now, None, &mail, nav).await
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
                        render(&db, reference, &user.0, layout, &now, Some(open), &mail, Default::default()).await?,
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
            let page = render(&db, reference, &user.0, layout, &now, failed, &mail, Default::default()).await?;
            Ok(Either::Right((status, page)))
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(FromForm)]
struct AssignForm {
    assignee: Option<String>,
}

/// Gives the saisine to a mediator, or takes it back (empty choice). A refusal is the error
/// page at this URL, with the way back to the saisine; reloading it shows the saisine (`reload`).
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

/// Those posted to elsewhere than the move route, and the part of the page their form is in:
/// assignment, reminder, attachments, letters.
const OTHER_POSTS: [(&str, &str); 4] = [
    ("attribution", "action-attribution"),
    ("relance", "action-relance"),
    ("pieces", "pieces"),
    ("courriers", "courriers"),
];

/// The part of the page whose form posts to `/saisines/<ref>/<posted>`.
fn section_of(posted: &str) -> Option<String> {
    if let Ok(step) = Step::from_param(posted) {
        return Some(format!("action-{}", step.slug()));
    }
    OTHER_POSTS.iter().find(|(slug, _)| *slug == posted).map(|(_, anchor)| anchor.to_string())
}

/// A GET of a URL forms post to (a reload after a refusal, a link kept): the saisine's page,
/// at the form's section. Any other URL is not found.
#[get("/saisines/<reference>/<posted>", rank = 7)]
fn reload(_user: Reader, reference: Reference, posted: &str) -> Option<Redirect> {
    section_of(posted).map(|anchor| Redirect::to(format!("/saisines/{reference}#{anchor}")))
}

pub fn routes() -> Vec<Route> {
    routes![show, act, assign, reload]
}
