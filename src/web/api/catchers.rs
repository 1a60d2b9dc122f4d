//! Errors under /api answer JSON, never an HTML page.

use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{catch, catchers, Catcher, Request};

use crate::web::error::ApiErrorBody;

#[catch(default)]
fn json_error(status: Status, _request: &Request<'_>) -> (Status, Json<ApiErrorBody>) {
    let (code, message) = match status.code {
        400 => ("bad_request", "requête incorrecte"),
        401 => ("unauthorized", "authentification requise"),
        403 => ("forbidden", "accès refusé"),
        404 => ("not_found", "ressource introuvable"),
        413 => ("payload_too_large", "corps de requête trop volumineux"),
        422 => ("unprocessable", "données invalides"),
        _ => ("internal", "erreur interne : réessayez plus tard"),
    };
    (status, Json(ApiErrorBody { code: code.into(), message: message.into(), field: None, errors: Vec::new() }))
}

pub fn all() -> Vec<Catcher> {
    catchers![json_error]
}
