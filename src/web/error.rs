//! The web layer's errors: a French page for browsers, a JSON body for the API. The user
//! reads what to do; the log gets the cause; nothing internal reaches the user.

use crate::web::template::{context, Template};
use rocket::http::Status;
use rocket::request::Request;
use rocket::response::{self, Responder};
use rocket::serde::json::Json;
use serde::Serialize;

use crate::app::AppError;
use crate::db::DbError;
use crate::domain::{DomainError, FieldError};

/// What a page handler can fail with, once the form errors it handles itself are set aside.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("page introuvable")]
    NotFound,
    #[error("accès refusé")]
    Forbidden,
    #[error("envoi trop volumineux")]
    TooLarge,
    #[error("action refusée : {0}")]
    Refused(String),
    #[error("requête invalide : {0}")]
    Invalid(String),
    #[error("erreur interne : {0}")]
    Internal(String),
}

impl From<DbError> for PageError {
    fn from(error: DbError) -> Self {
        match error {
            DbError::NotFound => PageError::NotFound,
            DbError::Domain(e) => PageError::Refused(e.to_string()),
            other => PageError::Internal(other.to_string()),
        }
    }
}

impl From<AppError> for PageError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::NotFound => PageError::NotFound,
            AppError::Domain(e) => PageError::Refused(e.to_string()),
            AppError::Db(other) => PageError::Internal(other.to_string()),
        }
    }
}

/// The French error page for a status, with nothing internal in it.
pub fn error_page(status: Status, detail: Option<&str>) -> Template {
    let (title, message) = match status.code {
        400 => ("Requête incorrecte", "La requête envoyée n'a pas pu être comprise."),
        403 => ("Accès refusé", "Vous n'avez pas le droit d'accéder à cette page ou d'effectuer cette action."),
        404 => ("Page introuvable", "Cette page n'existe pas, ou la saisine demandée n'existe pas."),
        409 => ("Action impossible", "Cette action n'est pas possible dans l'état actuel du dossier."),
        413 => ("Envoi trop volumineux", "Les données envoyées dépassent la taille autorisée."),
        422 => ("Données invalides", "Les données envoyées ne sont pas valides."),
        503 => ("Service indisponible", "Le service est momentanément indisponible. Réessayez dans quelques instants."),
        _ => {
            ("Erreur du serveur", "Une erreur inattendue s'est produite. Elle a été enregistrée ; réessayez plus tard.")
        }
    };
    Template::render("error.html", context! { code: status.code, title, message, detail })
}

impl<'r> Responder<'r, 'static> for PageError {
    fn respond_to(self, request: &'r Request<'_>) -> response::Result<'static> {
        let (status, detail) = match &self {
            PageError::NotFound => (Status::NotFound, None),
            PageError::Forbidden => (Status::Forbidden, None),
            PageError::TooLarge => (Status::PayloadTooLarge, None),
            PageError::Refused(message) => (Status::Conflict, Some(message.clone())),
            PageError::Invalid(message) => (Status::UnprocessableEntity, Some(message.clone())),
            PageError::Internal(cause) => {
                tracing::error!(error = %cause, path = %request.uri().path(), "erreur interne");
                (Status::InternalServerError, None)
            }
        };
        let page = error_page(status, detail.as_deref()).respond_to(request)?;
        response::Response::build_from(page).status(status).ok()
    }
}

/// The API's error body: a stable `code`, a French `message`, the `field` at fault if any,
/// and every field error when there are several.
#[derive(Debug, Serialize)]
pub struct ApiErrorBody {
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: Status,
    pub body: ApiErrorBody,
}

impl ApiError {
    pub fn new(status: Status, code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            body: ApiErrorBody { code: code.into(), message: message.into(), field: None, errors: Vec::new() },
        }
    }

    pub fn not_found() -> Self {
        ApiError::new(Status::NotFound, "not_found", "saisine introuvable")
    }
}

impl From<DomainError> for ApiError {
    fn from(error: DomainError) -> Self {
        match error {
            DomainError::Invalid(errors) => {
                let code = DomainError::Invalid(errors.clone()).code().to_string();
                let message = match errors.as_slice() {
                    [single] => single.message.clone(),
                    _ => format!("{} champs sont à corriger", errors.len()),
                };
                let field = errors.first().map(|e| e.field.clone());
                ApiError { status: Status::UnprocessableEntity, body: ApiErrorBody { code, message, field, errors } }
            }
            DomainError::Refused { code, message } => ApiError::new(Status::Conflict, code, message),
        }
    }
}

impl From<DbError> for ApiError {
    fn from(error: DbError) -> Self {
        match error {
            DbError::NotFound => ApiError::not_found(),
            DbError::Domain(e) => e.into(),
            other => {
                tracing::error!(error = %other, "erreur interne de l'API");
                ApiError::new(Status::InternalServerError, "internal", "erreur interne : réessayez plus tard")
            }
        }
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::NotFound => ApiError::not_found(),
            AppError::Domain(e) => e.into(),
            AppError::Db(other) => other.into(),
        }
    }
}

impl<'r> Responder<'r, 'static> for ApiError {
    fn respond_to(self, request: &'r Request<'_>) -> response::Result<'static> {
        let body = Json(self.body).respond_to(request)?;
        response::Response::build_from(body).status(self.status).ok()
    }
}
