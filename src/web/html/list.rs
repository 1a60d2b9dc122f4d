//! The list of saisines, filtered and paginated.

use crate::web::template::{context, Template};
use rocket::http::Status;
use rocket::response::Redirect;
use rocket::{get, routes, Route, State};

use crate::db::reference_lists::ReferenceLists;
use crate::db::{list, users};
use crate::web::auth::Reader;
use crate::web::context::{Layout, Now};
use crate::web::error::PageError;
use crate::web::html::form::FormErrors;
use crate::web::params::ListQuery;
use crate::web::state::{AppState, Db};
use crate::web::view::{FormChoices, ListItem};

#[get("/")]
fn home() -> Redirect {
    Redirect::to("/saisines")
}

#[get("/saisines?<query..>")]
async fn saisines(
    user: Reader,
    query: ListQuery,
    db: Db,
    state: &State<AppState>,
    layout: Layout,
    now: Now,
) -> Result<(Status, Template), PageError> {
    let (request, errors) = match query.check(user.0.id, user.0.role, now.today) {
        Ok(request) => (Some(request), FormErrors::default()),
        Err(e) => (None, FormErrors::new(e.field_errors())),
    };
    let limit = state.config.page_size;
    let filter = request.as_ref().map(|r| r.filter.clone()).unwrap_or_default();
    let (actor, at) = (user.0.actor(), now.at);
    let (page, total, years, lists, assignable) = db
        .run(move |conn| {
            list::record_search(conn, &actor, &filter, at)?;
            let page = match request {
                Some(r) => Some(match r.before {
                    Some(before) => list::page_before(conn, &r.filter, r.order, before, limit)?,
                    None => list::page(conn, &r.filter, r.order, r.after, limit)?,
                }),
                None => None,
            };
            let total = list::count_up_to(conn, &filter)?;
            Ok((page, total, list::years(conn)?, ReferenceLists::load(conn)?, users::assignable(conn)?))
        })
        .await?;
    let status = if errors.list.is_empty() { Status::Ok } else { Status::UnprocessableEntity };
    let reveal = user.0.role.sees_personal_data();
    let items: Vec<ListItem> = page
        .as_ref()
        .map(|p| p.saisines.iter().map(|s| ListItem::new(s, &lists, now.today, reveal)).collect())
        .unwrap_or_default();
    let next_link = page
        .as_ref()
        .and_then(|p| p.next)
        .map(|c| format!("/saisines?{}", query.with_after(Some(c)).to_query_string()));
    let previous = page.as_ref().and_then(|p| p.previous);
    let previous_link = previous.map(|c| format!("/saisines?{}", query.with_before(c).to_query_string()));
    let first_link = previous.map(|_| format!("/saisines?{}", query.with_after(None).to_query_string()));
    let export_query = query.with_after(None).to_query_string();
    let filtered = !export_query.is_empty();
    Ok((
        status,
        Template::render(
            "saisines/list.html",
            context! { layout, items, total, query, errors, years, next_link, previous_link, first_link, filtered, assignable,
            export_query, choices: FormChoices::new(&lists, &[], None) },
        ),
    ))
}

pub fn routes() -> Vec<Route> {
    routes![home, saisines]
}
