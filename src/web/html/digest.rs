//! Each mediator chooses whether to receive, every morning, the list of their overdue items
//! (`/compte/synthese`).

use crate::web::template::{context, Template};
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, FromForm, Route};

use crate::app::{self, Stamp};
use crate::db::digests;
use crate::web::auth::{Mediator, Protected};
use crate::web::context::{Layout, Now};
use crate::web::error::PageError;
use crate::web::html::step_letters::Mail;
use crate::web::state::Db;

#[get("/compte/synthese")]
async fn show(user: Mediator, db: Db, layout: Layout, mail: Mail) -> Result<Template, PageError> {
    let id = user.0.id;
    let subscribed = db.run(move |conn| digests::is_subscribed(conn, id)).await?;
    Ok(Template::render("account/digest.html", context! { layout, subscribed, mail_on: mail.is_on() }))
}

#[derive(FromForm)]
struct DigestForm {
    daily: bool,
}

#[post("/compte/synthese", data = "<form>")]
async fn save(user: Mediator, form: Protected<DigestForm>, db: Db, now: Now) -> Result<Flash<Redirect>, PageError> {
    let (id, on, actor) = (user.0.id, form.0.daily, user.0.actor());
    db.act(move |conn| app::notifications::set_digest(conn, id, on, &Stamp { actor: &actor, at: now.at })).await?;
    let message = if on { "Synthèse quotidienne demandée." } else { "Synthèse quotidienne arrêtée." };
    Ok(Flash::success(Redirect::to("/compte/synthese"), message))
}

pub fn routes() -> Vec<Route> {
    routes![show, save]
}
