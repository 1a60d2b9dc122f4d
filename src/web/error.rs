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
use crate::web::context::{Layout, LayoutUser};

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
    /// The page's reading was stopped past its time bound (`db::interrupt`).
    #[error("lecture trop longue")]
    TooLong,
}

/// What a reader is told when the database work of a page ran past its bound.
const TOO_LONG: &str = "Cette page a demandé trop de travail à la base de données et a été arrêtée. \
     Précisez la recherche ou les filtres, puis réessayez.";

impl From<DbError> for PageError {
    fn from(error: DbError) -> Self {
        match error {
            DbError::NotFound => PageError::NotFound,
            DbError::Domain(e) => PageError::Refused(e.to_string()),
            DbError::Interrupted(_) => PageError::TooLong,
            other => PageError::Internal(other.to_string()),
        }
    }
}

impl From<AppError> for PageError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::NotFound => PageError::NotFound,
            AppError::Domain(e) => PageError::Refused(e.to_string()),
            AppError::Db(other) => other.into(),
        }
    }
}

/// What the user is told went wrong, kept on the request for the catcher that renders the
/// page: the catcher has the layout (navigation, signed-in user), a responder cannot wait for it.
#[derive(Debug, Default)]
pub struct ErrorDetail(pub Option<String>);

/// A link the error page offers to go on from there.
#[derive(Debug, Serialize)]
struct WayBack {
    href: String,
    label: String,
}

fn way(href: impl Into<String>, label: impl Into<String>) -> WayBack {
    WayBack { href: href.into(), label: label.into() }
}

/// The title and the plain words of an error page.
fn wording(status: Status) -> (&'static str, &'static str) {
    match status.code {
        400 => ("Demande incomprise", "La page n'a pas compris ce qui a été envoyé. Revenez en arrière et recommencez."),
        403 => (
            "Accès refusé",
            "Votre compte ne permet pas d'ouvrir cette page ni de faire cette action. \
             Si vous en avez besoin, demandez-le à un administrateur.",
        ),
        404 => (
            "Page introuvable",
            "Cette adresse ne correspond à aucune page ni à aucune saisine. Vérifiez l'adresse ou la référence.",
        ),
        409 => (
            "Action impossible pour le moment",
            "Cette action ne correspond pas à l'étape où en est la saisine, ou quelqu'un l'a modifiée entre-temps. \
             Rouvrez la saisine pour voir où elle en est.",
        ),
        413 => ("Envoi trop volumineux", "Les fichiers envoyés sont trop lourds. Réduisez leur taille ou envoyez-en moins."),
        422 => ("Données à corriger", "Certaines valeurs envoyées ne conviennent pas. Revenez en arrière pour les corriger."),
        503 => ("Service indisponible", "Le service est momentanément indisponible. Réessayez dans quelques minutes."),
        _ => (
            "Une erreur s'est produite",
            "Une erreur inattendue a empêché d'afficher cette page. Elle a été enregistrée ; réessayez dans quelques minutes.",
        ),
    }
}

/// Where to go from an error at `path`: the saisine the action was about, then the pages the
/// visitor can really open (a signed-out visitor or a partner is not sent to the saisines).
fn ways_back(path: &str, user: Option<&LayoutUser>) -> Vec<WayBack> {
    let mut ways = Vec::new();
    match user {
        Some(user) if user.ready => {
            let mut segments = path.trim_start_matches('/').split('/');
            if let (Some("saisines"), Some(reference), Some(_)) = (segments.next(), segments.next(), segments.next()) {
                if reference.parse::<crate::domain::Reference>().is_ok() {
                    ways.push(way(format!("/saisines/{reference}"), format!("Revenir à la saisine {reference}")));
                }
            }
            if user.can_edit {
                ways.push(way("/a-traiter", "Voir les saisines à traiter"));
            }
            ways.push(way("/saisines", "Aller à la liste des saisines"));
        }
        Some(_) => ways.push(way("/connexion/suite", "Terminer la connexion")),
        None if path.starts_with("/partenaires") => {
            ways.push(way("/partenaires/saisine", "Revenir au formulaire de saisine"));
        }
        None if path.starts_with("/satisfaction") => {}
        None => ways.push(way("/connexion", "Se connecter")),
    }
    ways
}

/// The French error page for a status, in the site's layout, with nothing internal in it.
pub fn error_page(status: Status, detail: Option<&str>, layout: &Layout, path: &str) -> Template {
    let (title, message) = wording(status);
    let ways = ways_back(path, layout.user.as_ref());
    Template::render("error.html", context! { layout, title, message, detail, ways })
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
            PageError::TooLong => {
                tracing::warn!(path = %request.uri().path(), "lecture arrêtée : trop longue ou abandonnée");
                (Status::ServiceUnavailable, Some(TOO_LONG.to_string()))
            }
        };
        // The catcher of this status renders the page, with the layout and this detail.
        request.local_cache(|| ErrorDetail(detail));
        Err(status)
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
            DbError::Interrupted(_) => {
                tracing::warn!("lecture de l'API arrêtée : trop longue ou abandonnée");
                ApiError::new(Status::ServiceUnavailable, "timeout", TOO_LONG)
            }
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
