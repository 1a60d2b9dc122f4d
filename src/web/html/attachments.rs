//! Attachments on a saisine's page: mediators download them (as attachments, never shown
//! inline) and add their own.

use rocket::form::FromForm;
use rocket::fs::TempFile;
use rocket::http::{ContentType, Header};
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Responder, Route};

use super::partner_form::read_one;
use crate::app;
use crate::domain::Reference;
use crate::web::auth::{Mediator, ProtectedUpload};
use crate::web::context::Now;
use crate::web::error::PageError;
use crate::web::state::Db;

#[derive(Responder)]
struct Download {
    body: Vec<u8>,
    content_type: ContentType,
    disposition: Header<'static>,
}

#[get("/saisines/<reference>/pieces/<id>")]
async fn download(user: Mediator, reference: Reference, id: i32, db: Db, now: Now) -> Result<Download, PageError> {
    let actor = user.0.actor();
    let (name, content_type, data) =
        db.act(move |conn| app::attachments::download(conn, reference, id, &actor, now.at)).await?;
    Ok(Download {
        body: data,
        content_type: ContentType::parse_flexible(&content_type).unwrap_or(ContentType::Binary),
        // The stored name is already cleaned to letters, digits, spaces, `-` and `_`.
        disposition: Header::new("Content-Disposition", format!("attachment; filename=\"{name}\"")),
    })
}

#[derive(FromForm)]
struct UploadForm<'r> {
    file: TempFile<'r>,
}

#[post("/saisines/<reference>/pieces", data = "<form>")]
async fn upload(
    user: Mediator,
    reference: Reference,
    form: ProtectedUpload<'_, UploadForm<'_>>,
    db: Db,
    now: Now,
) -> Result<Flash<Redirect>, PageError> {
    let back = Redirect::to(format!("/saisines/{reference}#pieces"));
    let form = form.0;
    let Some(value) = form.value else {
        return Ok(Flash::error(back, "Le fichier n'a pas été reçu : 5 Mo au plus, PDF, JPEG ou PNG."));
    };
    if value.file.len() == 0 {
        return Ok(Flash::error(back, "Choisissez un fichier à joindre."));
    }
    let file = match read_one(&value.file).await {
        Ok(file) => file,
        Err(error) => return Ok(Flash::error(back, capitalized(&error.message))),
    };
    let actor = user.0.actor();
    db.act(move |conn| app::attachments::add(conn, reference, &file, &app::Stamp { actor: &actor, at: now.at }))
        .await?;
    Ok(Flash::success(back, "Pièce jointe ajoutée."))
}

fn capitalized(message: &str) -> String {
    let mut chars = message.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect::<String>() + ".").unwrap_or_default()
}

pub fn routes() -> Vec<Route> {
    routes![download, upload]
}
