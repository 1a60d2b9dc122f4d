//! Administrators maintain the motifs and partners: add, rename, retire (never delete).

use crate::web::template::{context, Template};
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Either, FromForm, Route};

use super::form::FormErrors;
use crate::app::{self, AppError};
use crate::db::reference_lists::{ListKind, Placement, ReferenceLists};
use crate::web::auth::{Admin, Protected};
use crate::web::context::{Layout, Now};
use crate::web::error::PageError;
use crate::web::state::Db;

#[derive(FromForm, Default, serde::Serialize)]
struct EntryForm {
    code: Option<String>,
    label: Option<String>,
    retired: Option<String>,
    /// Where a new entry goes: `debut`, `apres:<code>`, or the end of the list.
    position: Option<String>,
}

async fn page(
    db: &Db,
    layout: Layout,
    failed: Option<&str>,
    values: EntryForm,
    errors: FormErrors,
) -> Result<Template, PageError> {
    let lists = db.run(ReferenceLists::load).await?;
    let sections = [("motifs", "Motifs", &lists.motifs), ("partenaires", "Partenaires", &lists.partners)];
    Ok(Template::render(
        "admin/lists.html",
        context! { layout, sections, failed, values, errors, no_values: EntryForm::default(), no_errors: FormErrors::default() },
    ))
}

#[get("/admin/referentiels")]
async fn show(_admin: Admin, db: Db, layout: Layout) -> Result<Template, PageError> {
    page(&db, layout, None, EntryForm::default(), FormErrors::default()).await
}

fn kind_of(slug: &str) -> Result<ListKind, PageError> {
    ListKind::from_slug(slug).ok_or(PageError::NotFound)
}

#[post("/admin/referentiels/<kind>", data = "<form>")]
async fn add(
    admin: Admin,
    kind: &str,
    form: Protected<EntryForm>,
    db: Db,
    layout: Layout,
    now: Now,
) -> Result<Either<Flash<Redirect>, (Status, Template)>, PageError> {
    let kind = kind_of(kind)?;
    let values = form.0;
    let (code, label) = (values.code.clone().unwrap_or_default(), values.label.clone().unwrap_or_default());
    let placement = Placement::from_form(values.position.as_deref().unwrap_or(""));
    let actor = admin.0.actor();
    let added =
        db.act(move |conn| app::admin::add_entry(conn, kind, Some(&code), &label, &placement, &actor, now.at)).await;
    match added {
        Ok(code) => {
            let message = format!("Entrée ajoutée, sous le code « {code} ».");
            Ok(Either::Left(Flash::success(Redirect::to("/admin/referentiels"), message)))
        }
        Err(AppError::Domain(e)) => {
            let template = page(&db, layout, Some(kind.slug()), values, FormErrors::new(e.field_errors())).await?;
            Ok(Either::Right((Status::UnprocessableEntity, template)))
        }
        Err(other) => Err(other.into()),
    }
}

#[post("/admin/referentiels/<kind>/<code>", data = "<form>")]
async fn update(
    admin: Admin,
    kind: &str,
    code: &str,
    form: Protected<EntryForm>,
    db: Db,
    now: Now,
) -> Result<Flash<Redirect>, PageError> {
    let kind = kind_of(kind)?;
    let label = form.0.label.unwrap_or_default();
    let retired = form.0.retired.as_deref() == Some("true");
    let (code, actor) = (code.to_string(), admin.0.actor());
    db.act(move |conn| app::admin::update_entry(conn, kind, &code, &label, retired, &actor, now.at)).await?;
    Ok(Flash::success(Redirect::to("/admin/referentiels"), "Entrée mise à jour."))
}

pub fn routes() -> Vec<Route> {
    routes![show, add, update]
}
