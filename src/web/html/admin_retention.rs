//! Administrators set how long personal data is kept, and erase one saisine on request (its
//! anonymisation before its term: a confirmed action with a reason, audited).

use crate::web::template::{context, Template};
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Either, FromForm, Route};
use serde::Serialize;

use super::form::FormErrors;
use super::settings_form::{self, Saved, SettingsAnswer};
use crate::app::{self, AppError};
use crate::db::retention;
use crate::domain::retention::RetentionDraft;
use crate::domain::{DomainError, Reference};
use crate::web::auth::{Admin, Protected};
use crate::web::context::{Layout, Now};
use crate::web::error::PageError;
use crate::web::state::Db;

/// The form as typed: kept whole when it has to be shown again with its errors.
#[derive(Debug, Default, FromForm, Serialize)]
struct RetentionForm {
    closed_months: Option<String>,
    audit_months: Option<String>,
}

impl RetentionForm {
    fn draft(&self) -> RetentionDraft {
        RetentionDraft {
            closed_months: self.closed_months.clone().unwrap_or_default(),
            audit_months: self.audit_months.clone().unwrap_or_default(),
        }
    }
}

impl From<RetentionDraft> for RetentionForm {
    fn from(d: RetentionDraft) -> Self {
        RetentionForm { closed_months: Some(d.closed_months), audit_months: Some(d.audit_months) }
    }
}

fn render(layout: Layout, values: &RetentionForm, errors: FormErrors) -> Template {
    Template::render("admin/retention.html", context! { layout, values, errors })
}

#[get("/admin/conservation")]
async fn show(_admin: Admin, db: Db, layout: Layout) -> Result<Template, PageError> {
    let settings = db.run(retention::load).await?;
    Ok(render(layout, &RetentionDraft::from(&settings).into(), FormErrors::default()))
}

#[post("/admin/conservation", data = "<form>")]
async fn save(
    admin: Admin,
    form: Protected<RetentionForm>,
    db: Db,
    layout: Layout,
    now: Now,
) -> Result<SettingsAnswer, PageError> {
    let values = form.0;
    let actor = admin.0.actor();
    let saved = Saved { page: "/admin/conservation", message: "Durées de conservation enregistrées." };
    settings_form::save(
        &db,
        values.draft().validate(),
        move |conn, settings| app::admin::save_retention(conn, settings, &actor, now.at),
        |e| render(layout, &values, FormErrors::new(e.field_errors())),
        saved,
    )
    .await
}

#[derive(Debug, Default, FromForm, Serialize)]
struct ErasureForm {
    reason: Option<String>,
    confirm: bool,
}

fn erasure_page(layout: Layout, reference: Reference, values: &ErasureForm, errors: FormErrors) -> Template {
    let reference = reference.to_string();
    Template::render("admin/erasure.html", context! { layout, reference, values, errors })
}

#[get("/saisines/<reference>/anonymiser")]
async fn ask_erasure(_admin: Admin, reference: Reference, layout: Layout) -> Template {
    erasure_page(layout, reference, &ErasureForm::default(), FormErrors::default())
}

#[post("/saisines/<reference>/anonymiser", data = "<form>")]
async fn erase(
    admin: Admin,
    reference: Reference,
    form: Protected<ErasureForm>,
    db: Db,
    layout: Layout,
    now: Now,
) -> Result<Either<Flash<Redirect>, (Status, Template)>, PageError> {
    let values = form.0;
    if !values.confirm {
        let error = DomainError::invalid("confirm", "required", "cochez la case pour confirmer l'anonymisation");
        let page = erasure_page(layout, reference, &values, FormErrors::new(error.field_errors()));
        return Ok(Either::Right((Status::UnprocessableEntity, page)));
    }
    let (actor, reason) = (admin.0.actor(), values.reason.clone().unwrap_or_default());
    match db.act(move |conn| app::anonymise::erase(conn, reference, &reason, &actor, now.at)).await {
        Ok(()) => Ok(Either::Left(Flash::success(
            Redirect::to(format!("/saisines/{reference}")),
            "Saisine anonymisée : ses données personnelles et ses textes sont effacés ; ses chiffres restent.",
        ))),
        Err(AppError::Domain(e)) => {
            let mut errors = e.field_errors().to_vec();
            if errors.is_empty() {
                errors.push(crate::domain::FieldError::new("reason", e.code(), e.to_string()));
            }
            let page = erasure_page(layout, reference, &values, FormErrors::new(&errors));
            Ok(Either::Right((Status::UnprocessableEntity, page)))
        }
        Err(other) => Err(other.into()),
    }
}

pub fn routes() -> Vec<Route> {
    routes![show, save, ask_erasure, erase]
}
