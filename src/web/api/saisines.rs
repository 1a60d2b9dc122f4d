//! `/api/v1/saisines`: list, get, create, update, and each move.

use rocket::http::Status;
use rocket::response::status::Created;
use rocket::serde::json::{Json, Value};
use rocket::{get, patch, post, routes, Route, State};
use serde_json::json;

use super::model::{EventJson, SaisineFull, SaisineInput, SaisineSummary};
use crate::db::reference_lists::ReferenceLists;
use crate::db::saisines::{self, Stamp};
use crate::db::{events, list, operations};
use crate::domain::Reference;
use crate::web::context::{Actor, Now};
use crate::web::error::ApiError;
use crate::web::params::ListQuery;
use crate::web::state::{AppState, Db};
use crate::web::steps::{Step, StepInput};

type JsonBody<'r, T> = Result<Json<T>, rocket::serde::json::Error<'r>>;

/// A body that is not the expected JSON gets a message saying what is wrong with it.
fn body<T>(input: JsonBody<'_, T>) -> Result<T, ApiError> {
    input.map(Json::into_inner).map_err(|e| match e {
        rocket::serde::json::Error::Io(_) => {
            ApiError::new(Status::BadRequest, "bad_body", "corps de requête illisible")
        }
        rocket::serde::json::Error::Parse(_, e) => {
            ApiError::new(Status::BadRequest, "bad_json", format!("JSON invalide : {e}"))
        }
    })
}

#[get("/saisines?<query..>")]
async fn list_saisines(query: ListQuery, db: Db, state: &State<AppState>, now: Now) -> Result<Json<Value>, ApiError> {
    let request = query.check()?;
    let limit = query.limit.unwrap_or(state.config.page_size).clamp(1, 500);
    let (page, total) = db
        .run(move |conn| {
            Ok((
                list::page(conn, &request.filter, request.order, request.after, limit)?,
                list::count(conn, &request.filter)?,
            ))
        })
        .await?;
    let items: Vec<SaisineSummary> = page.saisines.iter().map(|s| SaisineSummary::new(s, now.today)).collect();
    Ok(Json(json!({ "items": items, "total": total, "next_cursor": page.next.map(|c| c.encode()) })))
}

#[get("/saisines/<reference>")]
async fn get_saisine(reference: Reference, db: Db, now: Now) -> Result<Json<SaisineFull>, ApiError> {
    let saisine = db.run(move |conn| saisines::find(conn, reference)).await?;
    Ok(Json(SaisineFull::new(&saisine, now.today)))
}

#[get("/saisines/<reference>/evenements")]
async fn timeline(reference: Reference, db: Db) -> Result<Json<Vec<EventJson>>, ApiError> {
    let events = db
        .run(move |conn| {
            let id = saisines::find(conn, reference)?.id;
            events::for_saisine(conn, id)
        })
        .await?;
    Ok(Json(events.iter().map(EventJson::from).collect()))
}

#[post("/saisines", data = "<input>")]
async fn create(
    input: JsonBody<'_, SaisineInput>,
    db: Db,
    now: Now,
    actor: Actor,
) -> Result<Created<Json<SaisineFull>>, ApiError> {
    let draft = body(input)?.over(Default::default());
    let draft = if draft.received_on.trim().is_empty() {
        crate::domain::SaisineDraft { received_on: now.today.to_string(), ..draft }
    } else {
        draft
    };
    let saisine = db
        .run(move |conn| {
            let reference = operations::record(conn, &draft, now.today, &Stamp { actor: &actor.name, at: now.at })?;
            saisines::find(conn, reference)
        })
        .await?;
    let location = format!("/api/v1/saisines/{}", saisine.reference);
    Ok(Created::new(location).body(Json(SaisineFull::new(&saisine, now.today))))
}

#[patch("/saisines/<reference>", data = "<input>")]
async fn update(
    reference: Reference,
    input: JsonBody<'_, SaisineInput>,
    db: Db,
    now: Now,
    actor: Actor,
) -> Result<Json<SaisineFull>, ApiError> {
    let input = body(input)?;
    let saisine = db
        .run(move |conn| {
            let draft = input.over(saisines::find(conn, reference)?.facts.to_draft());
            operations::edit(conn, reference, &draft, now.today, &Stamp { actor: &actor.name, at: now.at })?;
            saisines::find(conn, reference)
        })
        .await?;
    Ok(Json(SaisineFull::new(&saisine, now.today)))
}

#[post("/saisines/<reference>/<step>", data = "<input>")]
async fn act(
    reference: Reference,
    step: Step,
    input: JsonBody<'_, StepInput>,
    db: Db,
    now: Now,
    actor: Actor,
) -> Result<Json<SaisineFull>, ApiError> {
    let input = body(input)?;
    let action = input.to_action(step, now.today)?;
    let note = input.note_text();
    let saisine = db
        .run(move |conn| {
            operations::step(
                conn,
                reference,
                action.as_ref(),
                &note,
                now.today,
                &Stamp { actor: &actor.name, at: now.at },
            )?;
            saisines::find(conn, reference)
        })
        .await?;
    Ok(Json(SaisineFull::new(&saisine, now.today)))
}

/// The codes the API accepts, with their labels.
#[get("/referentiels")]
async fn reference_lists(db: Db) -> Result<Json<Value>, ApiError> {
    use crate::domain::{Channel, Outcome, Process, RequesterType, Status};
    let lists = db.run(ReferenceLists::load).await?;
    let pairs = |all: Vec<(&str, &str)>| {
        all.into_iter().map(|(code, label)| json!({"code": code, "label": label})).collect::<Vec<_>>()
    };
    Ok(Json(json!({
        "channels": pairs(Channel::ALL.iter().map(|c| (c.code(), c.label())).collect()),
        "requester_types": pairs(RequesterType::ALL.iter().map(|c| (c.code(), c.label())).collect()),
        "processes": pairs(Process::ALL.iter().map(|c| (c.code(), c.label())).collect()),
        "statuses": pairs(Status::ALL.iter().map(|c| (c.code(), c.label())).collect()),
        "outcomes": pairs(Outcome::ALL.iter().map(|c| (c.code(), c.label())).collect()),
        "motifs": lists.motifs,
        "partners": lists.partners,
    })))
}

pub fn routes() -> Vec<Route> {
    routes![list_saisines, get_saisine, timeline, create, update, act, reference_lists]
}
