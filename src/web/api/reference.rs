//! `/api/v1/referentiels`: the codes the API accepts, with their labels.

use rocket::serde::json::{Json, Value};
use rocket::{get, routes, Route};
use serde_json::json;

use crate::db::reference_lists::ReferenceLists;
use crate::domain::{Channel, Outcome, Process, RequesterType, Status};
use crate::web::auth::Reader;
use crate::web::error::ApiError;
use crate::web::state::Db;

fn pairs(all: Vec<(&str, &str)>) -> Vec<Value> {
    all.into_iter().map(|(code, label)| json!({"code": code, "label": label})).collect()
}

#[get("/referentiels")]
async fn reference_lists(_user: Reader, db: Db) -> Result<Json<Value>, ApiError> {
    let lists = db.run(ReferenceLists::load).await?;
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
    routes![reference_lists]
}
