//! Administrators manage the letter templates (`/admin/modeles`) and the letterhead
//! (`/admin/entete`) every letter and PDF carries.

use crate::web::template::{context, Template};
use rocket::form::{Contextual, Form, FromForm};
use rocket::fs::TempFile;
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::tokio::io::AsyncReadExt;
use rocket::{get, post, routes, Either, Route, State};
use serde::Serialize;

use super::form::FormErrors;
use crate::app::letters::{self, MailSettings};
use crate::app::{AppError, Stamp};
use crate::db::letters as store;
use crate::domain::letters::{LetterKind, Letterhead};
use crate::domain::placeholders::PLACEHOLDERS;
use crate::domain::{DomainError, Reference};
use crate::web::auth::{Admin, Protected};
use crate::web::context::{Layout, Now};
use crate::web::error::PageError;
use crate::web::state::{AppState, Db};

type Page = Either<Flash<Redirect>, (Status, Template)>;

#[derive(Serialize)]
struct TemplateRow {
    code: String,
    label: String,
    changed: Option<String>,
}

#[get("/admin/modeles")]
async fn list(_admin: Admin, db: Db, layout: Layout, state: &State<AppState>) -> Result<Template, PageError> {
    let templates = db.run(store::templates).await?;
    let rows: Vec<TemplateRow> = templates
        .iter()
        .map(|t| TemplateRow {
            code: t.kind.code(),
            label: t.kind.label(),
            changed: t.changed.as_ref().map(|(at, by)| format!("modifié le {} par {by}", at.format("%d/%m/%Y"))),
        })
        .collect();
    let mail_on = MailSettings::from_config(&state.config).from.is_some();
    Ok(Template::render("admin/letter_templates.html", context! { layout, rows, mail_on }))
}

/// The editor as typed, kept whole when shown again.
#[derive(Debug, Default, FromForm, Serialize)]
struct TemplateForm {
    subject: String,
    body: String,
    /// `enregistrer`, `apercu` or `retablir`.
    action: String,
    /// The saisine the preview renders on.
    reference: String,
}

#[derive(Serialize)]
struct Rendered {
    subject: String,
    body: String,
}

fn editor(
    layout: Layout,
    kind: LetterKind,
    values: &TemplateForm,
    errors: FormErrors,
    preview: Option<Rendered>,
    is_default: bool,
) -> Template {
    let placeholders: Vec<_> =
        PLACEHOLDERS.iter().map(|(name, what)| context! { name: format!("{{{{ {name} }}}}"), what }).collect();
    Template::render(
        "admin/letter_template.html",
        context! { layout, code: kind.code(), label: kind.label(), values, errors, preview, placeholders, is_default },
    )
}

fn kind_of(code: &str) -> Result<LetterKind, PageError> {
    LetterKind::from_code(code).ok_or(PageError::NotFound)
}

#[get("/admin/modeles/<code>")]
async fn edit(_admin: Admin, code: &str, db: Db, layout: Layout) -> Result<Template, PageError> {
    let kind = kind_of(code)?;
    let stored = db.run(move |conn| store::template(conn, kind)).await?;
    let values = TemplateForm { subject: stored.text.subject, body: stored.text.body, ..Default::default() };
    Ok(editor(layout, kind, &values, FormErrors::default(), None, stored.changed.is_none()))
}

#[post("/admin/modeles/<code>", data = "<form>")]
async fn save(
    admin: Admin,
    code: &str,
    form: Protected<TemplateForm>,
    db: Db,
    layout: Layout,
    now: Now,
    state: &State<AppState>,
) -> Result<Page, PageError> {
    let kind = kind_of(code)?;
    let values = form.0;
    let actor = admin.0.actor();
    let back = || Redirect::to(format!("/admin/modeles/{code}"));
    let outcome = match values.action.as_str() {
        "retablir" => {
            db.act(move |conn| letters::reset_template(conn, kind, &Stamp { actor: &actor, at: now.at })).await?;
            return Ok(Either::Left(Flash::success(back(), "Texte par défaut rétabli.")));
        }
        "apercu" => {
            let reference = values.reference.trim().parse::<Reference>().map_err(|_| {
                AppError::Domain(DomainError::invalid(
                    "reference",
                    "invalid_reference",
                    "numéro de saisine invalide (ex. 2026-0042)",
                ))
            });
            match reference {
                Err(e) => Err(e),
                Ok(reference) => {
                    let (subject, body, settings) =
                        (values.subject.clone(), values.body.clone(), MailSettings::from_config(&state.config));
                    let (writer, today) = (admin.0.name.clone(), now.today);
                    match db
                        .act(move |conn| letters::preview(conn, reference, &subject, &body, &settings, &writer, today))
                        .await
                    {
                        Ok((subject, body)) => {
                            let page = editor(
                                layout,
                                kind,
                                &values,
                                FormErrors::default(),
                                Some(Rendered { subject, body }),
                                false,
                            );
                            return Ok(Either::Right((Status::Ok, page)));
                        }
                        Err(AppError::NotFound) => Err(AppError::Domain(DomainError::invalid(
                            "reference",
                            "unknown_reference",
                            "aucune saisine ne porte ce numéro",
                        ))),
                        Err(other) => Err(other),
                    }
                }
            }
        }
        _ => {
            let (subject, body) = (values.subject.clone(), values.body.clone());
            db.act(move |conn| {
                letters::save_template(conn, kind, &subject, &body, &Stamp { actor: &actor, at: now.at })
            })
            .await
        }
    };
    match outcome {
        Ok(()) => Ok(Either::Left(Flash::success(back(), "Modèle enregistré."))),
        Err(AppError::Domain(e)) => {
            let page = editor(layout, kind, &values, FormErrors::new(e.field_errors()), None, false);
            Ok(Either::Right((Status::UnprocessableEntity, page)))
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Debug, Default, Serialize)]
struct HeadValues {
    name: String,
    address: String,
    phone: String,
    email: String,
    signature: String,
}

fn head_page(layout: Layout, values: &HeadValues, errors: FormErrors, has_logo: bool) -> Template {
    Template::render("admin/letterhead.html", context! { layout, values, errors, has_logo })
}

#[get("/admin/entete")]
async fn letterhead(_admin: Admin, db: Db, layout: Layout, state: &State<AppState>) -> Result<Template, PageError> {
    let fallback = state.config.mediation.clone();
    let head = db.run(move |conn| store::letterhead(conn, &fallback)).await?;
    let values = HeadValues {
        name: head.name,
        address: head.address,
        phone: head.phone,
        email: head.email,
        signature: head.signature,
    };
    Ok(head_page(layout, &values, FormErrors::default(), head.logo.is_some()))
}

#[derive(FromForm)]
struct HeadForm<'r> {
    name: String,
    address: String,
    phone: String,
    email: String,
    signature: String,
    logo: Option<TempFile<'r>>,
    remove_logo: bool,
}

#[post("/admin/entete", data = "<form>")]
async fn save_letterhead(
    admin: Admin,
    form: Form<Contextual<'_, HeadForm<'_>>>,
    db: Db,
    layout: Layout,
    now: Now,
) -> Result<Page, PageError> {
    let form = form.into_inner();
    let sent = form.context.field_value("csrf_token").unwrap_or_default();
    // Multipart: the CSRF token is checked here rather than by `Protected`.
    match &admin.0.session {
        Some((_, expected)) if expected.as_bytes() == sent.as_bytes() => {}
        _ => return Err(PageError::Forbidden),
    }
    let Some(form) = form.value else { return Err(PageError::Invalid("formulaire incomplet".into())) };
    let values = HeadValues {
        name: form.name.clone(),
        address: form.address.clone(),
        phone: form.phone.clone(),
        email: form.email.clone(),
        signature: form.signature.clone(),
    };
    let checked = Letterhead::check(&form.name, &form.address, &form.phone, &form.email, &form.signature);
    let logo = match &form.logo {
        Some(file) if file.len() > 0 => {
            let mut bytes = Vec::new();
            let mut stream = file.open().await.map_err(|e| PageError::Internal(e.to_string()))?;
            stream.read_to_end(&mut bytes).await.map_err(|e| PageError::Internal(e.to_string()))?;
            Some(Letterhead::check_logo(&bytes).and_then(|kind| readable(bytes, kind)))
        }
        _ => None,
    };
    let head = match (checked, logo) {
        (Ok(mut head), None) => Ok(head_with(&mut head, None)),
        (Ok(mut head), Some(Ok(logo))) => Ok(head_with(&mut head, Some(logo))),
        (Err(e), _) | (_, Some(Err(e))) => Err(e),
    };
    let head = match head {
        Ok(head) => head,
        Err(e) => {
            return Ok(Either::Right((
                Status::UnprocessableEntity,
                head_page(layout, &values, FormErrors::new(e.field_errors()), false),
            )))
        }
    };
    let (actor, remove) = (admin.0.actor(), form.remove_logo);
    db.act(move |conn| letters::save_letterhead(conn, &head, remove, &Stamp { actor: &actor, at: now.at })).await?;
    Ok(Either::Left(Flash::success(Redirect::to("/admin/entete"), "En-tête enregistré.")))
}

/// A logo the PDFs can draw: decoded once here, so that a damaged file is refused on upload.
fn readable(bytes: Vec<u8>, kind: &str) -> Result<(Vec<u8>, String), DomainError> {
    match crate::report::pdf::logo::xobject(&bytes) {
        Some(_) => Ok((bytes, kind.to_string())),
        None => Err(DomainError::invalid(
            "logo",
            "unreadable_image",
            "image illisible : enregistrez le logo de nouveau en PNG ou en JPEG (RVB ou niveaux de gris)",
        )),
    }
}

fn head_with(head: &mut Letterhead, logo: Option<(Vec<u8>, String)>) -> Letterhead {
    head.logo = logo;
    head.clone()
}

pub fn routes() -> Vec<Route> {
    routes![list, edit, save, letterhead, save_letterhead]
}
