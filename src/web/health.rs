//! `/healthz`: 200 when the database answers, 503 otherwise.

use rocket::http::Status;
use rocket::{get, routes, Route};

use super::state::Db;
use crate::db::pool::ping;

#[get("/healthz")]
async fn healthz(db: Db) -> (Status, &'static str) {
    match db.run(ping).await {
        Ok(()) => (Status::Ok, "ok"),
        Err(e) => {
            tracing::error!(error = %e, "healthz: la base ne répond pas");
            (Status::ServiceUnavailable, "base de données indisponible")
        }
    }
}

pub fn routes() -> Vec<Route> {
    routes![healthz]
}
