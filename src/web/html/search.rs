//! The quick search in the header of every page: a reference typed exactly opens its saisine;
//! anything else (name, number, NIR, e-mail, phone) is the list's own search, which checks
//! rights and records searches by personal data in the audit log.

use rocket::response::Redirect;
use rocket::{get, routes, Route};

use crate::db::{saisines, DbError};
use crate::domain::Reference;
use crate::web::auth::Reader;
use crate::web::error::PageError;
use crate::web::state::Db;

fn list_search(typed: &str) -> Redirect {
    let query = url::form_urlencoded::Serializer::new(String::new()).append_pair("q", typed).finish();
    Redirect::to(format!("/saisines?{query}"))
}

#[get("/recherche?<q>")]
async fn quick_search(_user: Reader, q: Option<String>, db: Db) -> Result<Redirect, PageError> {
    let typed = q.unwrap_or_default().trim().to_string();
    if typed.is_empty() {
        return Ok(Redirect::to("/saisines"));
    }
    let Ok(reference) = typed.parse::<Reference>() else { return Ok(list_search(&typed)) };
    let exists = db
        .run(move |conn| match saisines::id_of(conn, reference) {
            Ok(_) => Ok(true),
            Err(DbError::NotFound) => Ok(false),
            Err(e) => Err(e),
        })
        .await?;
    Ok(if exists { Redirect::to(format!("/saisines/{reference}")) } else { list_search(&typed) })
}

pub fn routes() -> Vec<Route> {
    routes![quick_search]
}
