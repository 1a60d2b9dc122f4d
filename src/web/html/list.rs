//! The list of saisines: dense, filtered, sorted by any date column, paginated both ways,
//! with the bulk actions' form around its rows (`list_bulk`).

use crate::web::template::{context, Template};
use rocket::http::Status;
use rocket::response::Redirect;
use rocket::{get, routes, Route, State};

use super::list_view::{self, RowContext};
use crate::app::bulk::Refusal;
use crate::db::reference_lists::ReferenceLists;
use crate::db::{list, users};
use crate::web::auth::{CurrentUser, Reader};
use crate::web::context::{Layout, Now};
use crate::web::error::PageError;
use crate::web::html::form::FormErrors;
use crate::web::params::ListQuery;
use crate::web::sorting::Column;
use crate::web::state::{AppState, Db};
use crate::web::view::FormChoices;

#[get("/")]
fn home() -> Redirect {
    Redirect::to("/saisines")
}

/// What the bulk form brings back to the list: the rows checked, what was typed and chosen,
/// and why nothing was applied.
#[derive(Debug, Default, serde::Serialize)]
pub struct BulkState {
    pub checked: Vec<String>,
    /// Every row of the page checked (« Tout cocher »).
    pub check_all: bool,
    pub note: String,
    pub assignee: String,
    pub refusals: Vec<Refusal>,
    /// What to fix before anything can be applied (no row checked, no note…).
    pub problem: Option<String>,
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
    render(&user.0, query, &db, state, layout, &now, BulkState::default()).await
}

/// The list page for `query`, with the bulk form as `bulk` left it.
pub async fn render(
    user: &CurrentUser,
    query: ListQuery,
    db: &Db,
    state: &AppState,
    layout: Layout,
    now: &Now,
    bulk: BulkState,
) -> Result<(Status, Template), PageError> {
    let (request, errors) = match query.check(user.id, user.role, now.today) {
        Ok(request) => (Some(request), FormErrors::default()),
        Err(e) => (None, FormErrors::new(e.field_errors())),
    };
    let sorting = request.as_ref().map(|r| r.sorting).unwrap_or_default();
    let limit = state.config.page_size;
    let filter = request.as_ref().map(|r| r.filter.clone()).unwrap_or_default();
    let (actor, at, memo) = (user.actor(), now.at, db.memo());
    let (page, total, years, lists, all_users) = db
        .run(move |conn| {
            list::record_search(conn, &actor, &filter, at)?;
            let page = match request {
                Some(r) => Some(match r.before {
                    Some(before) => list::page_before(conn, &r.filter, r.order, before, limit)?,
                    None => list::page(conn, &r.filter, r.order, r.after, limit)?,
                }),
                None => None,
            };
            let total = memo.get_or(format!("liste {filter:?}"), || list::count_up_to(conn, &filter))?;
            let years = memo.get_or("années".into(), || list::years(conn))?;
            let lists = memo.get_or("référentiels".into(), || ReferenceLists::load(conn))?;
            let all_users = memo.get_or("comptes".into(), || users::list(conn))?;
            Ok((page, total, years, lists, all_users))
        })
        .await?;
    let status = if !errors.list.is_empty() || bulk.problem.is_some() {
        Status::UnprocessableEntity
    } else if !bulk.refusals.is_empty() {
        Status::Conflict
    } else {
        Status::Ok
    };
    // The page as it is (its cursor too): « Tout cocher » and a refusal show it again.
    let list_query = query.to_query_string();
    let names = list_view::user_names(&all_users);
    let rows_context = RowContext {
        lists: &lists,
        users: names.clone(),
        today: now.today,
        reveal: user.role.sees_personal_data(),
        sorting,
        list: query.to_query_string(),
    };
    let items: Vec<list_view::Row> = page
        .as_ref()
        .map(|p| {
            p.saisines
                .iter()
                .zip(&p.due)
                .map(|(s, due)| {
                    let reference = s.reference.to_string();
                    rows_context.row(s, *due, bulk.check_all || bulk.checked.contains(&reference))
                })
                .collect()
        })
        .unwrap_or_default();
    let next_link = page.as_ref().and_then(|p| p.next).map(|c| list_view::link(&query.with_after(Some(c))));
    let previous = page.as_ref().and_then(|p| p.previous);
    let previous_link = previous.map(|c| list_view::link(&query.with_before(c)));
    let first_link = previous.map(|_| list_view::link(&query.with_after(None)));
    let export_query = query.with_after(None).to_query_string();
    let filtered = !export_query.is_empty();
    let chips = list_view::chips(&query, &lists, &names);
    let more_filters_open =
        ["channel", "process", "motif", "partner", "year"].iter().any(|f| errors.by_field.contains_key(*f));
    let headers = context! {
        received: list_view::header(&query, sorting, Column::Received, "Reçue le"),
        next_due: list_view::header(&query, sorting, Column::NextDue, "Échéance"),
        age: list_view::header(&query, sorting, Column::Age, "Âge"),
        extra: list_view::extra_header(&query, sorting),
    };
    let assignable: Vec<_> = all_users.iter().filter(|u| u.active && u.role.can_work_on_saisines()).collect();
    Ok((
        status,
        Template::render(
            "saisines/list.html",
            context! { layout, items, total, query, errors, years, next_link, previous_link, first_link, filtered,
            assignable, export_query, chips, headers, more_filters_open, list_query, bulk,
            sort_label: sorting.label(), sort_choices: list_view::sort_choices(sorting),
            can_edit: user.role.can_work_on_saisines(), max_rows: crate::app::bulk::MAX_ROWS,
            choices: FormChoices::new(&lists, &[], None) },
        ),
    ))
}

pub fn routes() -> Vec<Route> {
    routes![home, saisines]
}
