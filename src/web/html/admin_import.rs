//! Administrators import a spreadsheet: upload, preview (what would be created and updated,
//! every error), then confirm.

use crate::web::template::{context, Template};
use rocket::form::FromForm;
use rocket::fs::TempFile;
use rocket::http::Status;
use rocket::tokio::io::AsyncReadExt;
use rocket::{get, post, routes, Route};

use crate::app::import::{self, ImportOptions, ImportReport};
use crate::auth::tokens;
use crate::db::import::{self as store, PendingImport};
use crate::web::auth::{Admin, CsrfOnly, CurrentUser, Protected, ProtectedUpload};
use crate::web::context::{Layout, Now};
use crate::web::error::PageError;
use crate::web::state::Db;

#[get("/admin/import")]
fn form(_admin: Admin, layout: Layout) -> Template {
    Template::render("admin/import.html", context! { layout, error: None::<String> })
}

#[derive(FromForm)]
struct UploadForm<'r> {
    file: TempFile<'r>,
    skip_invalid: bool,
}

/// Runs the import on an uploaded file's bytes (a preview when `dry_run`).
async fn run_on(
    db: &Db,
    file: PendingImport,
    dry_run: bool,
    user: &CurrentUser,
    now: &Now,
) -> Result<ImportReport, PageError> {
    let (actor, at) = (user.actor(), now.at);
    let options = ImportOptions { file_name: file.file_name, skip_invalid: file.skip_invalid, dry_run };
    let content = std::sync::Arc::new(file.content);
    db.run(move |conn| {
        let open =
            move || -> std::io::Result<Box<dyn std::io::Read>> { Ok(Box::new(std::io::Cursor::new(content.to_vec()))) };
        import::run(conn, &open, &options, &actor, at, &mut |_| {}).map_err(|e| match e {
            import::ImportError::Db(e) => e,
            // Refused, not invalid: the page shows the message itself.
            other => crate::db::DbError::Domain(crate::domain::DomainError::refused("unreadable", other.to_string())),
        })
    })
    .await
    .map_err(PageError::from)
}

#[post("/admin/import", data = "<form>")]
async fn preview(
    admin: Admin,
    form: ProtectedUpload<'_, UploadForm<'_>>,
    db: Db,
    layout: Layout,
    now: Now,
) -> Result<(Status, Template), PageError> {
    let form = form.0;
    let refused = |message: &str| {
        Template::render("admin/import.html", context! { layout: layout.clone(), error: Some(message) })
    };
    let Some(upload) = form.value.filter(|u| u.file.len() > 0) else {
        return Ok((Status::UnprocessableEntity, refused("Choisissez un fichier CSV (20 Mo au plus).")));
    };
    let mut content = Vec::with_capacity(upload.file.len() as usize);
    let read = match upload.file.open().await {
        Ok(mut stream) => stream.read_to_end(&mut content).await.is_ok(),
        Err(_) => false,
    };
    if !read {
        return Ok((Status::UnprocessableEntity, refused("Le fichier n'a pas pu être lu : renvoyez-le.")));
    }
    let raw_name =
        upload.file.raw_name().map(|n| n.dangerous_unsafe_unsanitized_raw().as_str().to_string()).unwrap_or_default();
    let file_name: String = raw_name.rsplit(['/', '\\']).next().unwrap_or("import.csv").chars().take(100).collect();
    let pending = PendingImport { file_name: file_name.clone(), content, skip_invalid: upload.skip_invalid };
    let report = match run_on(&db, clone_pending(&pending), true, &admin.0, &now).await {
        Ok(report) => report,
        Err(PageError::Refused(message)) => return Ok((Status::UnprocessableEntity, refused(&message))),
        Err(other) => return Err(other),
    };
    let token = tokens::new_token();
    let (digest, user, at) = (tokens::digest(&token), admin.0.id, now.at);
    db.run(move |conn| store::keep_pending(conn, &digest, &pending, user, at)).await?;
    let blocked = report.error_count > 0 && !upload.skip_invalid;
    let status = if blocked { Status::UnprocessableEntity } else { Status::Ok };
    Ok((
        status,
        Template::render(
            "admin/import_preview.html",
            context! { layout, report, token, file_name, blocked, skip_invalid: upload.skip_invalid },
        ),
    ))
}

fn clone_pending(p: &PendingImport) -> PendingImport {
    PendingImport { file_name: p.file_name.clone(), content: p.content.clone(), skip_invalid: p.skip_invalid }
}

#[post("/admin/import/<token>", data = "<_form>")]
async fn confirm(
    admin: Admin,
    token: &str,
    _form: Protected<CsrfOnly>,
    db: Db,
    layout: Layout,
    now: Now,
) -> Result<(Status, Template), PageError> {
    let (digest, user) = (tokens::digest(token), admin.0.id);
    let lookup = digest.clone();
    let pending = db.run(move |conn| store::pending(conn, &lookup, user)).await?;
    let file_name = pending.file_name.clone();
    let report = run_on(&db, pending, false, &admin.0, &now).await?;
    if report.written {
        db.run(move |conn| store::forget_pending(conn, &digest)).await?;
    }
    let status = if report.written || report.error_count == 0 { Status::Ok } else { Status::UnprocessableEntity };
    Ok((status, Template::render("admin/import_done.html", context! { layout, report, file_name })))
}

pub fn routes() -> Vec<Route> {
    routes![form, preview, confirm]
}
