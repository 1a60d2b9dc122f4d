//! The outbox page (`/admin/envois`): what waits, what left, what failed and why.
//! Administrators resend or cancel; readers see the addresses masked.

use crate::web::template::{context, Template};
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Route, State};
use serde::Serialize;

use crate::app::{self, Stamp};
use crate::db::outbox::{self as store, Queued};
use crate::domain::contact::mask_email;
use crate::domain::outbox::OutboxStatus;
use crate::web::auth::{Admin, CsrfOnly, Protected, Reader};
use crate::web::context::{Layout, Now};
use crate::web::error::PageError;
use crate::web::state::{AppState, Db};

/// One message as a page shows it (saisine page and outbox page).
#[derive(Debug, Serialize)]
pub struct OutboxLine {
    pub id: i32,
    pub saisine: Option<String>,
    pub purpose: String,
    pub recipient: String,
    pub subject: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub attempts: i32,
    pub next_attempt_at: Option<String>,
    pub last_error: Option<String>,
    pub created_at: String,
    pub sent_at: Option<String>,
    pub can_resend: bool,
    pub can_cancel: bool,
}

fn paris(at: chrono::NaiveDateTime) -> String {
    at.and_utc().with_timezone(&chrono_tz::Europe::Paris).format("%d/%m/%Y %H:%M").to_string()
}

impl OutboxLine {
    pub fn new(q: &Queued, reveal: bool) -> OutboxLine {
        OutboxLine {
            id: q.id,
            saisine: q.saisine.clone(),
            purpose: q.purpose.clone(),
            recipient: if reveal { q.recipient.clone() } else { mask_email(&q.recipient) },
            subject: q.subject.clone(),
            status: q.status.code(),
            status_label: q.status.label(),
            attempts: q.attempts,
            next_attempt_at: (q.status == OutboxStatus::Pending).then(|| paris(q.next_attempt_at)),
            // A server's answer may quote the address: readers do not see it.
            last_error: if reveal {
                q.last_error.clone()
            } else {
                q.last_error.as_ref().map(|_| "refus du serveur".into())
            },
            created_at: paris(q.created_at),
            sent_at: q.sent_at.map(paris),
            can_resend: q.status.can_resend(),
            can_cancel: q.status.can_cancel(),
        }
    }
}

#[get("/admin/envois?<etat>")]
async fn list(
    user: Reader,
    etat: Option<&str>,
    db: Db,
    layout: Layout,
    state: &State<AppState>,
) -> Result<Template, PageError> {
    let status = etat.and_then(OutboxStatus::from_code);
    let reveal = user.0.role.sees_personal_data();
    let rows = db.run(move |conn| store::recent(conn, status, 200)).await?;
    let lines: Vec<OutboxLine> = rows.iter().map(|q| OutboxLine::new(q, reveal)).collect();
    let states: Vec<_> = OutboxStatus::ALL.iter().map(|s| context! { code: s.code(), label: s.label() }).collect();
    let configured = state.config.smtp_url.as_deref().is_some_and(|u| !u.trim().is_empty());
    Ok(Template::render(
        "admin/outbox.html",
        context! { layout, lines, states, current: status.map(|s| s.code()), configured, can_act: user.0.role.is_admin() },
    ))
}

#[post("/admin/envois/<id>/renvoyer", data = "<_form>")]
async fn resend(
    admin: Admin,
    id: i32,
    _form: Protected<CsrfOnly>,
    db: Db,
    now: Now,
) -> Result<Flash<Redirect>, PageError> {
    let actor = admin.0.actor();
    db.act(move |conn| app::outbox::resend(conn, id, &Stamp { actor: &actor, at: now.at })).await?;
    Ok(Flash::success(Redirect::to("/admin/envois"), "Courriel remis en attente d'envoi."))
}

#[post("/admin/envois/<id>/annuler", data = "<_form>")]
async fn cancel(
    admin: Admin,
    id: i32,
    _form: Protected<CsrfOnly>,
    db: Db,
    now: Now,
) -> Result<Flash<Redirect>, PageError> {
    let actor = admin.0.actor();
    db.act(move |conn| app::outbox::cancel(conn, id, &Stamp { actor: &actor, at: now.at })).await?;
    Ok(Flash::success(Redirect::to("/admin/envois"), "Courriel annulé."))
}

pub fn routes() -> Vec<Route> {
    routes![list, resend, cancel]
}
