//! `/api/v1/saisines`: list, get, create, update, assign, each move, and merging a duplicate.
//!
//! Readers get every direct identifier masked. Mediators and administrators get a saisine
//! whole, and every answer that carries it whole is recorded in the audit log: a write's
//! answer (creation, change, move, assignment, reminder) in the write's own transaction; a
//! plain read (a saisine, its timeline) through the queue of views (`app::audit_queue`),
//! handed over before the answer leaves and written within a second.

use rocket::http::Status;
use rocket::response::status::Created;
use rocket::serde::json::{Json, Value};
use rocket::{get, patch, post, routes, Route, State};
use serde::Deserialize;
use serde_json::json;

use super::model::{EventJson, SaisineFull, SaisineInput, SaisineSummary};
use crate::app::{self, Actor, AppResult, Stamp};
use crate::auth::UserId;
use crate::db::saisines;
use crate::db::{events, list, DbConn};
use crate::domain::{Reference, Saisine};
use crate::web::auth::{Mediator, Reader};
use crate::web::context::Now;
use crate::web::error::ApiError;
use crate::web::params::ListQuery;
use crate::web::state::{AppState, Db};
use crate::web::steps::{Step, StepInput};

pub type JsonBody<'r, T> = Result<Json<T>, rocket::serde::json::Error<'r>>;

/// A body that is not the expected JSON gets a message saying what is wrong with it.
pub fn body<T>(input: JsonBody<'_, T>) -> Result<T, ApiError> {
    input.map(Json::into_inner).map_err(|e| match e {
        rocket::serde::json::Error::Io(_) => {
            ApiError::new(Status::BadRequest, "bad_body", "corps de requête illisible")
        }
        rocket::serde::json::Error::Parse(_, e) => {
            ApiError::new(Status::BadRequest, "bad_json", format!("JSON invalide : {e}"))
        }
    })
}

/// Reads a saisine whole for a mediator's answer and records that personal data left, in the
/// caller's transaction (the write's own, for creations and moves); `what` says which request.
fn read_whole(
    conn: &mut DbConn,
    reference: Reference,
    actor: &Actor,
    what: &str,
    at: chrono::NaiveDateTime,
) -> AppResult<Saisine> {
    app::saisines::reveal(conn, reference, actor, what, at)
}

#[get("/saisines?<query..>")]
async fn list_saisines(
    user: Reader,
    query: ListQuery,
    db: Db,
    state: &State<AppState>,
    now: Now,
) -> Result<Json<Value>, ApiError> {
    let request = query.check(user.0.id, user.0.role, now.today)?;
    let limit = query.limit.unwrap_or(state.config.page_size).clamp(1, 500);
    let (actor, at) = (user.0.actor(), now.at);
    let (page, total) = db
        .run(move |conn| {
            list::record_search(conn, &actor, &request.filter, at)?;
            let page = match request.before {
                Some(before) => list::page_before(conn, &request.filter, request.order, before, limit)?,
                None => list::page(conn, &request.filter, request.order, request.after, limit)?,
            };
            // Counted on each call, not read from the pages' memo: a script that has just
            // written (through the command line too) reads its own write.
            Ok((page, list::count_up_to(conn, &request.filter)?))
        })
        .await?;
    let reveal = user.0.role.sees_personal_data();
    let items: Vec<SaisineSummary> = page.saisines.iter().map(|s| SaisineSummary::new(s, now.today, reveal)).collect();
    // `total` stops at 10,000: `total_exact` says whether there are more.
    Ok(Json(json!({
        "items": items,
        "total": total.count,
        "total_exact": total.exact,
        "next_cursor": page.next.map(|c| c.encode()),
        "previous_cursor": page.previous.map(|c| c.encode()),
    })))
}

/// One saisine: whole for mediators and administrators (the view is audited), masked for readers.
#[get("/saisines/<reference>")]
async fn get_saisine(user: Reader, reference: Reference, db: Db, now: Now) -> Result<Json<Value>, ApiError> {
    let reveal = user.0.role.sees_personal_data();
    let (actor, views) = (user.0.actor(), db.views());
    let saisine = db
        .act(move |conn| {
            if reveal {
                app::audit_queue::reveal(conn, &views, reference, &actor, "api", now.at)
            } else {
                Ok(saisines::find(conn, reference)?)
            }
        })
        .await?;
    let body = if reveal {
        serde_json::to_value(SaisineFull::new(&saisine, now.today))
    } else {
        serde_json::to_value(SaisineFull::masked(&saisine, now.today))
    };
    Ok(Json(body.map_err(|e| ApiError::new(Status::InternalServerError, "internal", e.to_string()))?))
}

#[get("/saisines/<reference>/evenements")]
async fn timeline(user: Reader, reference: Reference, db: Db, now: Now) -> Result<Json<Vec<EventJson>>, ApiError> {
    let reveal = user.0.role.sees_personal_data();
    let (actor, at, views) = (user.0.actor(), now.at, db.views());
    // A mediator's timeline shows edited names and addresses whole: recorded like a read.
    let events = db
        .act(move |conn| {
            let id = saisines::find(conn, reference)?.id;
            if reveal {
                views.record(conn, &actor, &reference.to_string(), "api : historique", at)?;
            }
            Ok(events::for_saisine(conn, id)?)
        })
        .await?;
    Ok(Json(events.iter().map(|e| EventJson::new(e, reveal)).collect()))
}

#[post("/saisines", data = "<input>")]
async fn create(
    user: Mediator,
    input: JsonBody<'_, SaisineInput>,
    db: Db,
    now: Now,
) -> Result<Created<Json<SaisineFull>>, ApiError> {
    let mut draft = body(input)?.over(Default::default());
    if draft.received_on.trim().is_empty() {
        draft.received_on = now.today.to_string();
    }
    let actor = user.0.actor();
    let saisine = db
        .act(move |conn| {
            app::write(conn, |conn| {
                let reference = app::saisines::record(conn, &draft, now.today, &Stamp { actor: &actor, at: now.at })?;
                read_whole(conn, reference, &actor, "api : création", now.at)
            })
        })
        .await?;
    let location = format!("/api/v1/saisines/{}", saisine.reference);
    Ok(Created::new(location).body(Json(SaisineFull::new(&saisine, now.today))))
}

#[patch("/saisines/<reference>", data = "<input>")]
async fn update(
    user: Mediator,
    reference: Reference,
    input: JsonBody<'_, SaisineInput>,
    db: Db,
    now: Now,
) -> Result<Json<SaisineFull>, ApiError> {
    let input = body(input)?;
    let actor = user.0.actor();
    let saisine = db
        .act(move |conn| {
            app::write(conn, |conn| {
                // The given fields are merged with the facts read inside the locked transaction.
                let stamp = Stamp { actor: &actor, at: now.at };
                app::saisines::patch(conn, reference, |current| input.over(current), now.today, &stamp)?;
                read_whole(conn, reference, &actor, "api : modification", now.at)
            })
        })
        .await?;
    Ok(Json(SaisineFull::new(&saisine, now.today)))
}

#[post("/saisines/<reference>/<step>", data = "<input>", rank = 2)]
async fn act(
    user: Mediator,
    reference: Reference,
    step: Step,
    input: JsonBody<'_, StepInput>,
    db: Db,
    now: Now,
) -> Result<Json<SaisineFull>, ApiError> {
    let mut input = body(input)?;
    if step == Step::RequestDocuments && input.due_on.as_deref().is_none_or(|d| d.trim().is_empty()) {
        // No due date given: the settings' delay for documents, from the request's date.
        let settings = db.run(crate::db::deadline_settings::load).await?;
        let on = input.date.as_deref().and_then(crate::domain::dates::parse_date).unwrap_or(now.today);
        input.due_on = Some(settings.default_due_on(on).to_string());
    }
    let action = input.to_action(step, now.today)?;
    let note = input.note_text();
    let (actor, what) = (user.0.actor(), format!("api : {}", step.slug()));
    let saisine = db
        .act(move |conn| {
            app::write(conn, |conn| {
                let stamp = Stamp { actor: &actor, at: now.at };
                app::saisines::step(conn, reference, action.as_ref(), &note, now.today, &stamp)?;
                read_whole(conn, reference, &actor, &what, now.at)
            })
        })
        .await?;
    Ok(Json(SaisineFull::new(&saisine, now.today)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AssignInput {
    /// An account id, or null to take the saisine back.
    assignee: Option<i32>,
}

#[post("/saisines/<reference>/attribution", data = "<input>")]
async fn assign(
    user: Mediator,
    reference: Reference,
    input: JsonBody<'_, AssignInput>,
    db: Db,
    now: Now,
) -> Result<Json<SaisineFull>, ApiError> {
    let assignee = body(input)?.assignee.map(UserId);
    let actor = user.0.actor();
    let saisine = db
        .act(move |conn| {
            app::write(conn, |conn| {
                app::saisines::assign(conn, reference, assignee, &Stamp { actor: &actor, at: now.at })?;
                read_whole(conn, reference, &actor, "api : attribution", now.at)
            })
        })
        .await?;
    Ok(Json(SaisineFull::new(&saisine, now.today)))
}

/// Records a reminder sent about the pending documents request: `{date?, text?}`.
#[post("/saisines/<reference>/relance", data = "<input>")]
async fn remind(
    user: Mediator,
    reference: Reference,
    input: JsonBody<'_, StepInput>,
    db: Db,
    now: Now,
) -> Result<Json<SaisineFull>, ApiError> {
    let input = body(input)?;
    let on = match input.date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => now.today,
        Some(text) => crate::domain::dates::parse_date(text).ok_or_else(|| {
            ApiError::from(crate::domain::DomainError::invalid(
                "date",
                "invalid_date",
                "date invalide : attendu JJ/MM/AAAA ou AAAA-MM-JJ",
            ))
        })?,
    };
    let (note, actor) = (input.note_text(), user.0.actor());
    let saisine = db
        .act(move |conn| {
            app::write(conn, |conn| {
                app::followups::remind(conn, reference, on, &note, now.today, &Stamp { actor: &actor, at: now.at })?;
                read_whole(conn, reference, &actor, "api : relance", now.at)
            })
        })
        .await?;
    Ok(Json(SaisineFull::new(&saisine, now.today)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MergeInput {
    /// The duplicate merged into this saisine (closed, pointing to it).
    other: Reference,
}

/// Merges a duplicate into this saisine: `{other}`; answers with the saisine kept.
#[post("/saisines/<reference>/fusion", data = "<input>")]
async fn merge(
    user: Mediator,
    reference: Reference,
    input: JsonBody<'_, MergeInput>,
    db: Db,
    now: Now,
) -> Result<Json<SaisineFull>, ApiError> {
    let other = body(input)?.other;
    let actor = user.0.actor();
    let saisine = db
        .act(move |conn| {
            app::write(conn, |conn| {
                app::duplicates::merge(conn, reference, other, now.today, &Stamp { actor: &actor, at: now.at })?;
                read_whole(conn, reference, &actor, "api : fusion", now.at)
            })
        })
        .await?;
    Ok(Json(SaisineFull::new(&saisine, now.today)))
}

pub fn routes() -> Vec<Route> {
    routes![list_saisines, get_saisine, timeline, create, update, act, assign, remind, merge]
}
