//! The one way an administrator's settings form is saved: checked by the domain, written by its
//! use case, then either a redirect with a confirmation or the same form again with its errors
//! beside the fields and what was typed kept.

use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::Either;

use crate::app::{AppError, AppResult};
use crate::db::DbConn;
use crate::domain::DomainError;
use crate::web::error::PageError;
use crate::web::state::Db;
use crate::web::template::Template;

pub type SettingsAnswer = Either<Flash<Redirect>, (Status, Template)>;

/// Where to go and what to say once the settings are saved.
pub struct Saved {
    pub page: &'static str,
    pub message: &'static str,
}

/// Saves `checked` settings through `save`; `refused` renders the form again with the domain's
/// field errors (from the check or from the use case).
pub async fn save<S, F, R>(
    db: &Db,
    checked: Result<S, DomainError>,
    save: F,
    refused: R,
    saved: Saved,
) -> Result<SettingsAnswer, PageError>
where
    S: Send + 'static,
    F: FnOnce(&mut DbConn, &S) -> AppResult<()> + Send + 'static,
    R: FnOnce(&DomainError) -> Template,
{
    let settings = match checked {
        Ok(settings) => settings,
        Err(e) => return Ok(Either::Right((Status::UnprocessableEntity, refused(&e)))),
    };
    match db.act(move |conn| save(conn, &settings)).await {
        Ok(()) => Ok(Either::Left(Flash::success(Redirect::to(saved.page), saved.message))),
        Err(AppError::Domain(e)) => Ok(Either::Right((Status::UnprocessableEntity, refused(&e)))),
        Err(other) => Err(other.into()),
    }
}
