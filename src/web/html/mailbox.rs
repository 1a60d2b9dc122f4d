//! The mailbox's pages: the « Courriels non traités » list (mediators turn a message into a
//! saisine or dismiss it), the messages of a saisine (downloaded as `.eml`), the ignored
//! messages and the partners' addresses (administrators).

use crate::web::template::{context, Template};
use rocket::http::{ContentType, Header, Status};
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Either, FromForm, Responder, Route};
use serde::Serialize;

use super::form::{FormErrors, SaisineForm};
use crate::app::mailbox::manage;
use crate::app::{AppError, Stamp};
use crate::db::inbound::{self as store, InboundInfo, InboundOutcome};
use crate::db::reference_lists::ReferenceLists;
use crate::domain::inbound::IgnoredReason;
use crate::domain::paris::paris_datetime;
use crate::domain::{Reference, SaisineDraft};
use crate::web::auth::{Admin, CsrfOnly, Mediator, Protected};
use crate::web::context::{Layout, Now};
use crate::web::error::PageError;
use crate::web::state::Db;
use crate::web::view::FormChoices;

/// Messages a list page shows; older ones are on the next pages (`?avant=<id>`).
const PAGE_SIZE: usize = 50;

/// One page of the messages with an outcome, newest first, and the cursor of the next page.
async fn page_of(
    db: &Db,
    outcome: InboundOutcome,
    before: Option<i32>,
) -> Result<(Vec<InboundLine>, Option<i32>), PageError> {
    let mut rows = db.run(move |conn| store::with_outcome(conn, outcome, before, PAGE_SIZE as i64 + 1)).await?;
    let more = rows.len() > PAGE_SIZE;
    rows.truncate(PAGE_SIZE);
    let next = if more { rows.last().map(|r| r.id) } else { None };
    Ok((rows.iter().map(|r| InboundLine::new(r, true)).collect(), next))
}

/// One received message as the pages show it.
#[derive(Debug, Serialize)]
pub struct InboundLine {
    pub id: i32,
    pub received_at: String,
    pub sender: String,
    pub subject: String,
    pub reason: Option<&'static str>,
    pub refused: Vec<String>,
    pub outcome: String,
}

impl InboundLine {
    fn new(info: &InboundInfo, reveal: bool) -> InboundLine {
        InboundLine {
            id: info.id,
            received_at: paris_datetime(info.received_at),
            sender: if reveal { info.sender.clone() } else { "—".into() },
            subject: if reveal { info.subject.clone() } else { String::new() },
            reason: info.reason.as_deref().and_then(IgnoredReason::from_code).map(|r| r.label()),
            refused: info.refused_files.lines().map(str::to_string).filter(|l| !l.is_empty()).collect(),
            outcome: info.outcome.clone(),
        }
    }
}

/// What the saisine page shows of its e-mails: the two flags and the messages received.
pub async fn saisine_inbox(db: &Db, reference: Reference, reveal: bool) -> Result<serde_json::Value, PageError> {
    let (flags, messages) = db
        .run(move |conn| {
            let id = crate::db::saisines::id_of(conn, reference)?;
            Ok((store::flags(conn, id)?, store::of_saisine(conn, id)?))
        })
        .await?;
    let opened_by_mail = messages.iter().any(|m| m.outcome == InboundOutcome::New.code());
    let messages: Vec<InboundLine> = messages.iter().map(|m| InboundLine::new(m, reveal)).collect();
    Ok(
        serde_json::json!({ "to_qualify": flags.0, "mail_received": flags.1, "messages": messages, "opened_by_mail": opened_by_mail }),
    )
}

#[derive(Responder)]
struct Eml {
    body: Vec<u8>,
    content_type: ContentType,
    disposition: Header<'static>,
}

fn eml(body: Vec<u8>, id: i32) -> Eml {
    Eml {
        body,
        content_type: ContentType::new("message", "rfc822"),
        disposition: Header::new("Content-Disposition", format!("attachment; filename=\"courriel-{id}.eml\"")),
    }
}

#[get("/saisines/<reference>/courriels/<id>")]
async fn saisine_raw(user: Mediator, reference: Reference, id: &str, db: Db, now: Now) -> Result<Eml, PageError> {
    let id: i32 = id.strip_suffix(".eml").unwrap_or(id).parse().map_err(|_| PageError::from(AppError::NotFound))?;
    let actor = user.0.actor();
    let raw = db.act(move |conn| manage::raw_of_saisine(conn, reference, id, &actor, now.at)).await?;
    Ok(eml(raw, id))
}

#[post("/saisines/<reference>/courriel-vu", data = "<_form>")]
async fn seen(
    user: Mediator,
    reference: Reference,
    _form: Protected<CsrfOnly>,
    db: Db,
    now: Now,
) -> Result<Flash<Redirect>, PageError> {
    let actor = user.0.actor();
    db.act(move |conn| manage::mark_seen(conn, reference, &Stamp { actor: &actor, at: now.at })).await?;
    Ok(Flash::success(Redirect::to(format!("/saisines/{reference}")), "Courriel marqué comme vu."))
}

#[get("/courriels/non-traites?<avant>")]
async fn unparsed(_user: Mediator, avant: Option<i32>, db: Db, layout: Layout) -> Result<Template, PageError> {
    let (lines, next) = page_of(&db, InboundOutcome::Unparsed, avant).await?;
    let paged = avant.is_some();
    Ok(Template::render("mailbox/unparsed.html", context! { layout, lines, next, paged }))
}

#[get("/courriels/<id>")]
async fn raw(user: Mediator, id: &str, db: Db, now: Now) -> Result<Eml, PageError> {
    let id: i32 = id.strip_suffix(".eml").unwrap_or(id).parse().map_err(|_| PageError::from(AppError::NotFound))?;
    let actor = user.0.actor();
    let raw = db.act(move |conn| manage::raw(conn, id, &actor, now.at)).await?;
    Ok(eml(raw, id))
}

fn form_page(layout: Layout, lists: &ReferenceLists, draft: &SaisineDraft, errors: FormErrors, id: i32) -> Template {
    let choices = FormChoices::new(lists, &draft.motifs, Some(draft.partner.as_str()));
    Template::render("saisines/form.html", context! { layout, values: draft, errors, choices, courriel: id })
}

#[get("/courriels/non-traites/<id>/saisine")]
async fn convert_form(_user: Mediator, id: i32, db: Db, layout: Layout, now: Now) -> Result<Template, PageError> {
    let (raw, lists) = db
        .run(move |conn| {
            if store::info(conn, id)?.outcome != InboundOutcome::Unparsed.code() {
                return Err(crate::db::DbError::NotFound);
            }
            Ok((store::raw(conn, id)?, ReferenceLists::load(conn)?))
        })
        .await?;
    let draft = manage::prefill(&raw, now.today);
    Ok(form_page(layout, &lists, &draft, FormErrors::default(), id))
}

#[post("/courriels/non-traites/<id>/saisine", data = "<form>")]
async fn convert(
    user: Mediator,
    id: i32,
    form: Protected<SaisineForm>,
    db: Db,
    layout: Layout,
    now: Now,
) -> Result<Either<Flash<Redirect>, (Status, Template)>, PageError> {
    let draft = form.0.into_draft();
    let kept = draft.clone();
    let actor = user.0.actor();
    let saved =
        db.act(move |conn| manage::convert(conn, id, &kept, now.today, &Stamp { actor: &actor, at: now.at })).await;
    match saved {
        Ok(reference) => {
            let message = format!("Saisine {reference} enregistrée à partir du courriel.");
            Ok(Either::Left(Flash::success(Redirect::to(format!("/saisines/{reference}")), message)))
        }
        Err(AppError::Domain(e)) if !e.field_errors().is_empty() => {
            let lists = db.run(ReferenceLists::load).await?;
            let page = form_page(layout, &lists, &draft, FormErrors::new(e.field_errors()), id);
            Ok(Either::Right((Status::UnprocessableEntity, page)))
        }
        Err(AppError::Domain(e)) => {
            Ok(Either::Left(Flash::error(Redirect::to("/courriels/non-traites"), capitalised(&e.to_string()))))
        }
        Err(other) => Err(other.into()),
    }
}

#[post("/courriels/non-traites/<id>/ecarter", data = "<_form>")]
async fn dismiss(
    user: Mediator,
    id: i32,
    _form: Protected<CsrfOnly>,
    db: Db,
    now: Now,
) -> Result<Flash<Redirect>, PageError> {
    let actor = user.0.actor();
    let back = Redirect::to("/courriels/non-traites");
    match db.act(move |conn| manage::dismiss(conn, id, &Stamp { actor: &actor, at: now.at })).await {
        Ok(()) => Ok(Flash::success(back, "Courriel écarté.")),
        Err(AppError::Domain(e)) => Ok(Flash::error(back, capitalised(&e.to_string()))),
        Err(other) => Err(other.into()),
    }
}

fn capitalised(message: &str) -> String {
    let mut chars = message.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect::<String>() + ".").unwrap_or_default()
}

#[get("/admin/courriels-ignores?<avant>")]
async fn ignored(_admin: Admin, avant: Option<i32>, db: Db, layout: Layout) -> Result<Template, PageError> {
    let (lines, next) = page_of(&db, InboundOutcome::Ignored, avant).await?;
    let paged = avant.is_some();
    Ok(Template::render("mailbox/ignored.html", context! { layout, lines, next, paged }))
}

#[get("/admin/adresses-partenaires")]
async fn addresses(_admin: Admin, db: Db, layout: Layout) -> Result<Template, PageError> {
    addresses_page(&db, layout, "", "", FormErrors::default()).await
}

async fn addresses_page(
    db: &Db,
    layout: Layout,
    pattern: &str,
    partner: &str,
    errors: FormErrors,
) -> Result<Template, PageError> {
    let (rows, lists) = db.run(|conn| Ok((store::partner_addresses(conn)?, ReferenceLists::load(conn)?))).await?;
    let links: Vec<_> =
        rows.iter().map(|r| context! { pattern: &r.pattern, partner: lists.partner_label(&r.partner) }).collect();
    let choices = FormChoices::new(&lists, &[], None);
    let values = context! { pattern, partner };
    Ok(Template::render("mailbox/addresses.html", context! { layout, links, choices, values, errors }))
}

#[derive(FromForm)]
struct AddressForm {
    pattern: String,
    partner: String,
}

#[post("/admin/adresses-partenaires", data = "<form>")]
async fn link(
    admin: Admin,
    form: Protected<AddressForm>,
    db: Db,
    layout: Layout,
    now: Now,
) -> Result<Either<Flash<Redirect>, (Status, Template)>, PageError> {
    let AddressForm { pattern, partner } = form.0;
    let (p, c) = (pattern.clone(), partner.clone());
    let actor = admin.0.actor();
    let saved = db.act(move |conn| manage::link_partner(conn, &p, &c, &Stamp { actor: &actor, at: now.at })).await;
    match saved {
        Ok(pattern) => Ok(Either::Left(Flash::success(
            Redirect::to("/admin/adresses-partenaires"),
            format!("Les courriels de {pattern} seront rattachés à ce partenaire."),
        ))),
        Err(AppError::Domain(e)) => {
            let page = addresses_page(&db, layout, &pattern, &partner, FormErrors::new(e.field_errors())).await?;
            Ok(Either::Right((Status::UnprocessableEntity, page)))
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(FromForm)]
struct UnlinkForm {
    pattern: String,
}

#[post("/admin/adresses-partenaires/retirer", data = "<form>")]
async fn unlink(admin: Admin, form: Protected<UnlinkForm>, db: Db, now: Now) -> Result<Flash<Redirect>, PageError> {
    let pattern = form.0.pattern;
    let actor = admin.0.actor();
    db.act(move |conn| manage::unlink_partner(conn, &pattern, &Stamp { actor: &actor, at: now.at })).await?;
    Ok(Flash::success(Redirect::to("/admin/adresses-partenaires"), "Adresse retirée."))
}

pub fn routes() -> Vec<Route> {
    routes![saisine_raw, seen, unparsed, raw, convert_form, convert, dismiss, ignored, addresses, link, unlink]
}
