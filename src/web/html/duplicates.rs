//! Possible duplicates: two saisines side by side (their fields aligned, the differences
//! marked, both timelines), merged into one or dismissed.

use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Route};
use serde::Serialize;

use super::case_page::{history, HistoryEntry};
use crate::app::{self, AppError, Stamp};
use crate::db::reference_lists::ReferenceLists;
use crate::db::{events, merges, saisines, users};
use crate::domain::Reference;
use crate::web::auth::{CsrfOnly, CurrentUser, Mediator, Protected};
use crate::web::context::{Layout, Now};
use crate::web::error::PageError;
use crate::web::state::Db;
use crate::web::template::{context, Template};
use crate::web::view::Detail;

/// One field of both saisines, on one line.
#[derive(Debug, Serialize)]
struct Row {
    label: &'static str,
    left: String,
    right: String,
    differs: bool,
}

fn or_dash(value: &Option<String>) -> String {
    value.clone().filter(|v| !v.trim().is_empty()).unwrap_or_else(|| "—".into())
}

/// The fields a mediator compares, in the order of the saisine's form.
fn rows(a: &Detail, b: &Detail) -> Vec<Row> {
    let fields = |d: &Detail| -> Vec<(&'static str, String)> {
        let motifs: Vec<&str> = d.item.motifs.iter().map(|m| m.label.as_str()).collect();
        vec![
            ("Statut", d.item.status.label.clone()),
            ("Reçue le", d.item.received_on.clone()),
            ("Canal", d.item.channel.label.clone()),
            ("Type de demandeur", d.requester_type.label.clone()),
            ("Nom", or_dash(&d.item.requester_name)),
            ("NIR", or_dash(&d.nir)),
            ("Courriel", or_dash(&d.email)),
            ("Téléphone", or_dash(&d.phone)),
            ("Adresse", or_dash(&d.address)),
            ("Partenaire", d.item.partner.as_ref().map(|p| p.label.clone()).unwrap_or_else(|| "—".into())),
            ("Processus", d.item.process.label.clone()),
            ("Motifs", motifs.join(", ")),
            ("Résumé", or_dash(&d.summary)),
            ("Attribuée à", d.assigned_to.as_ref().map(|u| u.label.clone()).unwrap_or_else(|| "personne".into())),
            ("Prise en charge", or_dash(&d.taken_on)),
            ("Suite donnée", d.outcome.as_ref().map(|o| o.label.clone()).unwrap_or_else(|| "—".into())),
        ]
    };
    fields(a)
        .into_iter()
        .zip(fields(b))
        .map(|((label, left), (_, right))| Row { label, differs: left != right, left, right })
        .collect()
}

/// One side of the page: the saisine and its history.
#[derive(Debug, Serialize)]
struct Side {
    reference: String,
    merged_into: Option<String>,
    timeline: Vec<HistoryEntry>,
}

async fn load_side(
    db: &Db,
    reference: Reference,
    viewer: &CurrentUser,
    now: &Now,
) -> Result<(Detail, Side), PageError> {
    let reveal = viewer.role.sees_personal_data();
    let (actor, at, today, views) = (viewer.actor(), now.at, now.today, db.views());
    let (saisine, timeline, lists, users, merged_into, merged_here) = db
        .run(move |conn| {
            let saisine = saisines::find(conn, reference)?;
            let merged_here = merges::merged_here(conn, saisine.id)?;
            let mut ids = vec![saisine.id.0];
            ids.extend(merged_here.iter().map(|(id, _)| *id));
            let timeline = events::for_saisines(conn, &ids)?;
            if reveal {
                views.record(conn, &actor, &reference.to_string(), "comparaison de doublons", at)?;
            }
            let merged_into = merges::merged_into(conn, saisine.id)?.map(|(_, r)| r);
            Ok((saisine, timeline, ReferenceLists::load(conn)?, users::list(conn)?, merged_into, merged_here))
        })
        .await?;
    let assignee = users.iter().find(|u| Some(u.id) == saisine.assigned_to);
    let detail = Detail::new(&saisine, &lists, today, reveal, assignee);
    let timeline = history(&timeline, saisine.id, &merged_here, reveal);
    Ok((detail, Side { reference: reference.to_string(), merged_into, timeline }))
}

/// The two saisines side by side, with « Fusionner » and « Écarter ».
#[get("/saisines/<reference>/doublons/<other>")]
async fn compare(
    user: Mediator,
    reference: Reference,
    other: Reference,
    db: Db,
    layout: Layout,
    now: Now,
) -> Result<Template, PageError> {
    if reference == other {
        return Err(PageError::NotFound);
    }
    let (left, left_side) = load_side(&db, reference, &user.0, &now).await?;
    let (right, right_side) = load_side(&db, other, &user.0, &now).await?;
    let rows = rows(&left, &right);
    let differences = rows.iter().filter(|r| r.differs).count();
    let can_merge = left_side.merged_into.is_none() && right_side.merged_into.is_none();
    Ok(Template::render(
        "saisines/duplicates.html",
        context! { layout, left: left_side, right: right_side, rows, differences, can_merge },
    ))
}

/// Merges `other` into `reference` (the one kept).
#[post("/saisines/<reference>/doublons/<other>/fusion", data = "<_form>")]
async fn merge(
    user: Mediator,
    reference: Reference,
    other: Reference,
    _form: Protected<CsrfOnly>,
    db: Db,
    now: Now,
) -> Result<Flash<Redirect>, PageError> {
    let (actor, today, at) = (user.0.actor(), now.today, now.at);
    let done =
        db.act(move |conn| app::duplicates::merge(conn, reference, other, today, &Stamp { actor: &actor, at })).await;
    match done {
        Ok(()) => {
            let message = format!("La saisine {other} est fusionnée dans celle-ci : son historique y est joint.");
            Ok(Flash::success(Redirect::to(format!("/saisines/{reference}")), message))
        }
        Err(AppError::Domain(e)) => {
            // Back to the comparison; there is none of a saisine with itself.
            let back = match reference == other {
                true => format!("/saisines/{reference}"),
                false => format!("/saisines/{reference}/doublons/{other}"),
            };
            Ok(Flash::error(Redirect::to(back), format!("Fusion refusée : {e}.")))
        }
        Err(other) => Err(other.into()),
    }
}

/// A mediator says a possible duplicate is not one.
#[post("/saisines/<reference>/doublons/<other>/ecarter", data = "<_form>")]
async fn dismiss(
    user: Mediator,
    reference: Reference,
    other: Reference,
    _form: Protected<CsrfOnly>,
    db: Db,
    now: Now,
) -> Result<Flash<Redirect>, PageError> {
    let actor = user.0.actor();
    let back = Redirect::to(format!("/saisines/{reference}"));
    let done = db
        .act(move |conn| app::duplicates::dismiss(conn, reference, other, &Stamp { actor: &actor, at: now.at }))
        .await;
    match done {
        Ok(()) => Ok(Flash::success(back, format!("La saisine {other} n'est plus signalée comme doublon possible."))),
        Err(AppError::Domain(e)) => Ok(Flash::error(back, format!("{e}."))),
        Err(other) => Err(other.into()),
    }
}

/// A GET of the merge or dismissal URL (a reload): the page that offers them.
#[get("/saisines/<reference>/doublons/<other>/<_action>", rank = 7)]
fn reload(_user: Mediator, reference: Reference, other: Reference, _action: &str) -> Redirect {
    Redirect::to(format!("/saisines/{reference}/doublons/{other}"))
}

pub fn routes() -> Vec<Route> {
    routes![compare, merge, dismiss, reload]
}
