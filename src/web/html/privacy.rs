//! The person's rights on the mediators' side: access (everything held about a person, as a
//! PDF to send and a JSON file for portability) and the rectification of the edit history.

use crate::web::template::{context, Template};
use rocket::http::{ContentType, Header, Status};
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Either, FromForm, Responder, Route};
use serde::Serialize;

use super::form::FormErrors;
use crate::app::rights::{self, AccessUse};
use crate::app::{self, AppError, Stamp};
use crate::domain::Reference;
use crate::web::auth::{Mediator, Protected};
use crate::web::context::{Layout, Now};
use crate::web::error::PageError;
use crate::web::state::Db;

#[derive(Debug, Default, FromForm, Serialize)]
struct PersonForm {
    q: Option<String>,
    format: Option<String>,
}

fn search_page(
    layout: Layout,
    values: &PersonForm,
    errors: FormErrors,
    found: Option<&rights::PersonFile>,
) -> Template {
    Template::render("privacy/person.html", context! { layout, values, errors, found })
}

#[get("/personnes")]
async fn ask(_user: Mediator, layout: Layout) -> Template {
    search_page(layout, &PersonForm::default(), FormErrors::default(), None)
}

/// The person's saisines listed, with the buttons that produce the document.
#[post("/personnes", data = "<form>")]
async fn preview(
    user: Mediator,
    form: Protected<PersonForm>,
    db: Db,
    layout: Layout,
    now: Now,
) -> Result<(Status, Template), PageError> {
    let values = form.0;
    let term = match rights::parse_person(values.q.as_deref().unwrap_or_default()) {
        Ok(term) => term,
        Err(e) => {
            return Ok((
                Status::UnprocessableEntity,
                search_page(layout, &values, FormErrors::new(e.field_errors()), None),
            ))
        }
    };
    let actor = user.0.actor();
    let found = db.act(move |conn| rights::find(conn, &term, &actor, AccessUse::Preview, now.at)).await?;
    Ok((Status::Ok, search_page(layout, &values, FormErrors::default(), Some(&found))))
}

#[derive(Responder)]
struct Download {
    body: Vec<u8>,
    content_type: ContentType,
    disposition: Header<'static>,
}

/// The access document, PDF or JSON, as a download.
#[post("/personnes/document", data = "<form>")]
async fn document(
    user: Mediator,
    form: Protected<PersonForm>,
    db: Db,
    layout: Layout,
    now: Now,
) -> Result<Either<Download, (Status, Template)>, PageError> {
    let values = form.0;
    let term = match rights::parse_person(values.q.as_deref().unwrap_or_default()) {
        Ok(term) => term,
        Err(e) => {
            let page = search_page(layout, &values, FormErrors::new(e.field_errors()), None);
            return Ok(Either::Right((Status::UnprocessableEntity, page)));
        }
    };
    let json = values.format.as_deref() == Some("json");
    let use_ = if json { AccessUse::Json } else { AccessUse::Pdf };
    let actor = user.0.actor();
    let found = db.act(move |conn| rights::find(conn, &term, &actor, use_, now.at)).await?;
    let stem = format!("droit-acces-{}", now.today.format("%Y%m%d"));
    let (body, content_type, name) = if json {
        let body = serde_json::to_vec_pretty(&found).map_err(|e| PageError::Internal(e.to_string()))?;
        (body, ContentType::JSON, format!("{stem}.json"))
    } else {
        let body = crate::report::pdf::access::render(&found, &layout.mediation)
            .map_err(|e| PageError::Internal(e.to_string()))?;
        (body, ContentType::PDF, format!("{stem}.pdf"))
    };
    let disposition = Header::new("Content-Disposition", format!("attachment; filename=\"{name}\""));
    Ok(Either::Left(Download { body, content_type, disposition }))
}

#[get("/saisines/<reference>/rectification")]
async fn history(_user: Mediator, reference: Reference, db: Db, layout: Layout) -> Result<Template, PageError> {
    let changes = db.act(move |conn| rights::rectifiable(conn, reference)).await?;
    let reference = reference.to_string();
    Ok(Template::render("privacy/rectification.html", context! { layout, reference, changes }))
}

#[derive(Debug, FromForm)]
struct RectifyForm {
    event: i32,
    field: String,
    replacement: String,
}

#[post("/saisines/<reference>/rectification", data = "<form>")]
async fn rectify(
    user: Mediator,
    reference: Reference,
    form: Protected<RectifyForm>,
    db: Db,
    now: Now,
) -> Result<Flash<Redirect>, PageError> {
    let back = Redirect::to(format!("/saisines/{reference}/rectification"));
    let form = form.0;
    let actor = user.0.actor();
    let done = db
        .act(move |conn| {
            let stamp = Stamp { actor: &actor, at: now.at };
            app::rights::rectify(conn, reference, form.event, &form.field, &form.replacement, &stamp)
        })
        .await;
    match done {
        Ok(()) => Ok(Flash::success(back, "Valeur rectifiée : l'ancienne valeur n'est plus conservée.")),
        Err(AppError::Domain(e)) => {
            let message = e.field_errors().first().map(|f| f.message.clone()).unwrap_or_else(|| e.to_string());
            Ok(Flash::error(back, message))
        }
        Err(other) => Err(other.into()),
    }
}

pub fn routes() -> Vec<Route> {
    routes![ask, preview, document, history, rectify]
}
