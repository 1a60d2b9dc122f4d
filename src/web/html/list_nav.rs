//! « Saisine précédente / suivante » on a saisine's page, within the list it was opened from:
//! the list's links carry its query string (`?liste=…`), and the neighbours are read with the
//! same filter and sort by keyset (`db::list::neighbours`), one indexed query each way.
//!
//! A request guard, so that the saisine's page only names it: `nav: ListNav` in the handler,
//! `list_nav: nav.0` in the page's context, and `templates/saisines/_list_nav.html.tera`.

use rocket::request::{FromRequest, Outcome, Request};
use serde::Serialize;

use crate::db::{list, saisines};
use crate::domain::Reference;
use crate::web::auth::guards::resolve;
use crate::web::context::Now;
use crate::web::params::{urlencode, ListQuery};
use crate::web::state::Db;

/// A neighbour in the list.
#[derive(Debug, Clone, Serialize)]
pub struct Neighbour {
    pub reference: String,
    pub link: String,
}

/// What the partial shows: the way back to the list, and the saisines either side.
#[derive(Debug, Clone, Serialize)]
pub struct ListNavView {
    pub back: String,
    pub previous: Option<Neighbour>,
    pub next: Option<Neighbour>,
}

/// The navigation within the list the saisine was opened from; `None` when it was opened from
/// elsewhere (or the list cannot be read again).
#[derive(Debug, Clone, Default)]
pub struct ListNav(pub Option<ListNavView>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ListNav {
    type Error = ();

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, ()> {
        Outcome::Success(ListNav(navigation(request).await))
    }
}

async fn navigation(request: &Request<'_>) -> Option<ListNavView> {
    let text = request.query_value::<String>("liste")?.ok()?;
    let reference: Reference = request.param::<Reference>(1)?.ok()?;
    let user = resolve(request).await.as_ref()?.clone();
    let now = request.guard::<Now>().await.succeeded()?;
    let db = request.guard::<Db>().await.succeeded()?;
    let query = ListQuery::parse(&text)?;
    let checked = query.check(user.id, user.role, now.today).ok()?;
    let (actor, at) = (user.actor(), now.at);
    let found = db
        .run(move |conn| {
            let id = saisines::id_of(conn, reference)?;
            // The list's search, run again: recorded as the list records it.
            list::record_search(conn, &actor, &checked.filter, at)?;
            list::neighbours(conn, &checked.filter, checked.order, id.0)
        })
        .await;
    let (previous, next) = match found {
        Ok(found) => found,
        Err(e) => {
            tracing::error!(error = %e, "saisines voisines dans la liste : lecture impossible");
            return None;
        }
    };
    let list = query.to_query_string();
    let neighbour =
        |reference: String| Neighbour { link: format!("/saisines/{reference}?liste={}", urlencode(&list)), reference };
    let back = if text.is_empty() { "/saisines".to_string() } else { format!("/saisines?{}", query.to_query_string()) };
    Some(ListNavView { back, previous: previous.map(neighbour), next: next.map(neighbour) })
}
