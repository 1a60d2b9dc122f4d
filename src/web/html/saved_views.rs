//! Saved views: « Enregistrer cette vue » on the list, and the page that lists one's views
//! (`/vues`) to open, rename, move or delete them. Writes go through `app::saved_views`.

use std::collections::HashMap;

use rocket::form::Form;
use rocket::http::{RawStr, Status};
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Either, FromForm, Route};
use serde::Serialize;

use super::form::FormErrors;
use crate::app::saved_views::{self as use_case, Keeper};
use crate::app::AppError;
use crate::db::saved_views::{self, SavedView};
use crate::db::users;
use crate::domain::saved_view::{normalise_query, Scope};
use crate::domain::search::SearchTerm;
use crate::domain::{DomainError, FieldError};
use crate::web::auth::{CsrfOnly, CurrentUser, Protected, Reader};
use crate::web::context::{Layout, Now};
use crate::web::error::PageError;
use crate::web::params::ListQuery;
use crate::web::state::Db;
use crate::web::template::{context, Template};

type PageOutcome = Either<Flash<Redirect>, (Status, Template)>;

fn keeper(user: &CurrentUser) -> Keeper {
    Keeper { id: user.id, role: user.role }
}

/// A view as the views page shows it.
#[derive(Serialize)]
struct ViewRow {
    id: i32,
    name: String,
    query: String,
    /// Who shared it; `None` for a private view or a shipped default.
    author: Option<String>,
    shipped: bool,
    changeable: bool,
    first: bool,
    last: bool,
}

fn rows(views: &[SavedView], keeper: &Keeper, names: &HashMap<i32, String>) -> Vec<ViewRow> {
    let changeable: Vec<&SavedView> = views.iter().filter(|v| keeper.may_change(v)).collect();
    views
        .iter()
        .map(|v| ViewRow {
            id: v.id,
            name: v.name.clone(),
            query: v.query.clone(),
            author: v.owner_id.filter(|_| v.shared).and_then(|id| names.get(&id).cloned()),
            shipped: v.owner_id.is_none(),
            changeable: keeper.may_change(v),
            first: changeable.first().is_some_and(|c| c.id == v.id),
            last: changeable.last().is_some_and(|c| c.id == v.id),
        })
        .collect()
}

/// What was typed in a refused rename, to show it back on its row.
#[derive(Default, Serialize)]
struct Failed {
    id: Option<i32>,
    typed: String,
}

async fn views_page(
    db: &Db,
    user: &CurrentUser,
    layout: Layout,
    failed: Failed,
    errors: FormErrors,
) -> Result<Template, PageError> {
    let (id, team, keeper) = (user.id, user.role.can_work_on_saisines(), keeper(user));
    let (views, names) = db
        .run(move |conn| {
            let names: HashMap<i32, String> =
                users::list(conn)?.into_iter().map(|u| (u.id.0, u.display_name)).collect();
            Ok((saved_views::visible(conn, id, team)?, names))
        })
        .await?;
    let (shared, private): (Vec<SavedView>, Vec<SavedView>) = views.into_iter().partition(|v| v.shared);
    let shared = rows(&shared, &keeper, &names);
    let private = rows(&private, &keeper, &names);
    Ok(Template::render(
        "views/index.html",
        context! { layout, shared, private, team, failed, errors, shown: crate::web::nav_views::SHOWN },
    ))
}

#[get("/vues")]
async fn index(user: Reader, db: Db, layout: Layout) -> Result<Template, PageError> {
    views_page(&db, &user.0, layout, Failed::default(), FormErrors::default()).await
}

#[derive(FromForm, Default, Serialize)]
struct SaveForm {
    name: Option<String>,
    /// `oui`: shared with the team.
    shared: Option<String>,
    /// The list's query string.
    query: Option<String>,
}

/// Why the list's query cannot be kept, if it cannot: the list would refuse it, or it searches
/// by personal data (kept in a view, such a search would be repeated and stored unaudited).
fn query_errors(query: &str, user: &CurrentUser, today: chrono::NaiveDate) -> Vec<FieldError> {
    let parsed = match Form::<ListQuery>::parse_encoded(RawStr::new(query)) {
        Ok(parsed) => parsed,
        Err(_) => {
            return vec![FieldError::new("query", "invalid_filter", "Les filtres de cette liste sont invalides.")]
        }
    };
    match parsed.check(user.id, user.role, today) {
        Err(_) => vec![FieldError::new(
            "query",
            "invalid_filter",
            "Les filtres de cette liste sont invalides : corrigez-les sur la liste avant de l'enregistrer.",
        )],
        Ok(request) if request.filter.search.as_ref().and_then(SearchTerm::personal_key).is_some() => {
            vec![FieldError::new(
                "query",
                "personal_search",
                "Une vue ne garde pas de recherche par NIR, courriel ou téléphone : retirez-la de la recherche.",
            )]
        }
        Ok(_) => Vec::new(),
    }
}

#[post("/vues", data = "<form>")]
async fn save(
    user: Reader,
    form: Protected<SaveForm>,
    db: Db,
    layout: Layout,
    now: Now,
) -> Result<PageOutcome, PageError> {
    let values = form.0;
    let query = normalise_query(values.query.as_deref().unwrap_or(""));
    let scope = if values.shared.as_deref() == Some("oui") { Scope::Shared } else { Scope::Private };
    let mut errors = query_errors(&query, &user.0, now.today);
    if errors.is_empty() {
        let (keeper, actor, name, kept) =
            (keeper(&user.0), user.0.actor(), values.name.clone().unwrap_or_default(), query.clone());
        let saved = db.act(move |conn| use_case::save(conn, &keeper, &name, scope, &kept, &actor, now.at)).await;
        match saved {
            Ok(_) => {
                let target = if query.is_empty() { "/saisines".to_string() } else { format!("/saisines?{query}") };
                let message = format!(
                    "Vue « {} » enregistrée : elle est dans la navigation.",
                    values.name.unwrap_or_default().trim()
                );
                return Ok(Either::Left(Flash::success(Redirect::to(target), message)));
            }
            Err(AppError::Domain(DomainError::Refused { code: "view_forbidden", .. })) => {
                return Err(PageError::Forbidden)
            }
            Err(AppError::Domain(e)) => errors = e.field_errors().to_vec(),
            Err(other) => return Err(other.into()),
        }
    }
    let errors = FormErrors::new(&errors);
    let page = Template::render("views/new.html", context! { layout, values, query, errors });
    Ok(Either::Right((Status::UnprocessableEntity, page)))
}

#[derive(FromForm)]
struct RenameForm {
    name: Option<String>,
}

fn refused(error: AppError) -> PageError {
    match error {
        AppError::Domain(DomainError::Refused { code: "view_forbidden", .. }) => PageError::Forbidden,
        other => other.into(),
    }
}

#[post("/vues/<id>/nom", data = "<form>")]
async fn rename(
    user: Reader,
    id: i32,
    form: Protected<RenameForm>,
    db: Db,
    layout: Layout,
    now: Now,
) -> Result<PageOutcome, PageError> {
    let typed = form.0.name.unwrap_or_default();
    let (keeper, actor, name) = (keeper(&user.0), user.0.actor(), typed.clone());
    match db.act(move |conn| use_case::rename(conn, &keeper, id, &name, &actor, now.at)).await {
        Ok(()) => Ok(Either::Left(Flash::success(Redirect::to("/vues"), "Vue renommée."))),
        Err(AppError::Domain(e @ DomainError::Invalid(_))) => {
            // Each row has its own field: the summary's link leads to the one refused.
            let field = format!("nom-{id}");
            let errors: Vec<FieldError> =
                e.field_errors().iter().map(|f| FieldError::new(&field, f.code, f.message.clone())).collect();
            let failed = Failed { id: Some(id), typed };
            let page = views_page(&db, &user.0, layout, failed, FormErrors::new(&errors)).await?;
            Ok(Either::Right((Status::UnprocessableEntity, page)))
        }
        Err(other) => Err(refused(other)),
    }
}

#[post("/vues/<id>/suppression", data = "<_form>")]
async fn delete(
    user: Reader,
    id: i32,
    _form: Protected<CsrfOnly>,
    db: Db,
    now: Now,
) -> Result<Flash<Redirect>, PageError> {
    let (keeper, actor) = (keeper(&user.0), user.0.actor());
    let name = db.act(move |conn| use_case::delete(conn, &keeper, id, &actor, now.at)).await.map_err(refused)?;
    Ok(Flash::success(Redirect::to("/vues"), format!("Vue « {name} » supprimée.")))
}

/// `monter` or `descendre`: one place up or down.
#[post("/vues/<id>/<direction>", data = "<_form>", rank = 2)]
async fn shift(
    user: Reader,
    id: i32,
    direction: &str,
    _form: Protected<CsrfOnly>,
    db: Db,
    now: Now,
) -> Result<Redirect, PageError> {
    let up = match direction {
        "monter" => true,
        "descendre" => false,
        _ => return Err(PageError::NotFound),
    };
    let (keeper, actor) = (keeper(&user.0), user.0.actor());
    db.act(move |conn| use_case::shift(conn, &keeper, id, up, &actor, now.at)).await.map_err(refused)?;
    Ok(Redirect::to(format!("/vues#vue-{id}")))
}

pub fn routes() -> Vec<Route> {
    routes![index, save, rename, delete, shift]
}
