//! Administrators manage accounts: create, change role, deactivate, reset a password.

use crate::app::AppError;
use crate::web::template::{context, Template};
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Either, FromForm, Route};

use super::form::FormErrors;
use crate::app::accounts;
use crate::auth::{Role, UserId};
use crate::db::users;
use crate::domain::FieldError;
use crate::web::auth::{Admin, CsrfOnly, Protected};
use crate::web::context::{Layout, Now};
use crate::web::error::PageError;
use crate::web::state::Db;

#[derive(FromForm, Default, serde::Serialize)]
struct AccountForm {
    email: Option<String>,
    display_name: Option<String>,
    role: Option<String>,
}

fn roles() -> Vec<(&'static str, &'static str)> {
    Role::ALL.iter().map(|r| (r.code(), r.label())).collect()
}

async fn list_page(
    db: &Db,
    layout: Layout,
    values: AccountForm,
    errors: FormErrors,
    created: Option<(String, String)>,
) -> Result<Template, PageError> {
    let accounts = db.run(users::list).await?;
    Ok(Template::render("admin/accounts.html", context! { layout, accounts, values, errors, created, roles: roles() }))
}

#[get("/admin/comptes")]
async fn list(_admin: Admin, db: Db, layout: Layout) -> Result<Template, PageError> {
    list_page(&db, layout, AccountForm::default(), FormErrors::default(), None).await
}

/// Creates an account; its temporary password is shown once, on the page that answers.
#[post("/admin/comptes", data = "<form>")]
async fn create(
    admin: Admin,
    form: Protected<AccountForm>,
    db: Db,
    layout: Layout,
    now: Now,
) -> Result<(Status, Template), PageError> {
    let values = form.0;
    let role = match values.role.as_deref().unwrap_or("").parse::<Role>() {
        Ok(role) => role,
        Err(message) => {
            let errors = FormErrors::new(&[FieldError::new("role", "unknown_code", message)]);
            return Ok((Status::UnprocessableEntity, list_page(&db, layout, values, errors, None).await?));
        }
    };
    let (email, name, actor) =
        (values.email.clone().unwrap_or_default(), values.display_name.clone().unwrap_or_default(), admin.0.actor());
    let created = db.act(move |conn| accounts::create_account(conn, &email, &name, role, &actor, now.at)).await;
    match created {
        Ok((_, temporary)) => {
            let who = values.email.clone().unwrap_or_default();
            let page =
                list_page(&db, layout, AccountForm::default(), FormErrors::default(), Some((who, temporary))).await?;
            Ok((Status::Ok, page))
        }
        Err(AppError::Domain(e)) => Ok((
            Status::UnprocessableEntity,
            list_page(&db, layout, values, FormErrors::new(e.field_errors()), None).await?,
        )),
        Err(other) => Err(other.into()),
    }
}

#[derive(FromForm)]
struct UpdateForm {
    role: Option<String>,
    active: Option<String>,
}

#[post("/admin/comptes/<id>", data = "<form>")]
async fn update(
    admin: Admin,
    id: i32,
    form: Protected<UpdateForm>,
    db: Db,
    now: Now,
) -> Result<Either<Flash<Redirect>, PageError>, PageError> {
    let role = match form.0.role.as_deref().unwrap_or("").parse::<Role>() {
        Ok(role) => role,
        Err(message) => return Ok(Either::Right(PageError::Refused(message))),
    };
    let active = form.0.active.as_deref() == Some("true");
    let actor = admin.0.actor();
    match db.act(move |conn| accounts::update_account(conn, UserId(id), role, active, &actor, now.at)).await {
        Ok(()) => Ok(Either::Left(Flash::success(Redirect::to("/admin/comptes"), "Compte mis à jour."))),
        Err(AppError::Domain(e)) => Ok(Either::Right(PageError::Refused(
            e.field_errors().first().map(|f| f.message.clone()).unwrap_or_else(|| e.to_string()),
        ))),
        Err(other) => Err(other.into()),
    }
}

/// A temporary password, valid 48 hours, to change at first use; the account's sessions end.
#[post("/admin/comptes/<id>/reinitialisation", data = "<_form>")]
async fn reset(
    admin: Admin,
    id: i32,
    _form: Protected<CsrfOnly>,
    db: Db,
    layout: Layout,
    now: Now,
) -> Result<Template, PageError> {
    let actor = admin.0.actor();
    let (account, temporary) = db
        .act(move |conn| {
            let temporary = accounts::reset_password(conn, UserId(id), &actor, now.at)?;
            Ok((users::find(conn, UserId(id))?, temporary))
        })
        .await?;
    list_page(&db, layout, AccountForm::default(), FormErrors::default(), Some((account.email, temporary))).await
}

pub fn routes() -> Vec<Route> {
    routes![list, create, update, reset]
}
