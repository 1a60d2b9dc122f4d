//! The bulk actions of the list: the form around its rows posts the checked references, the
//! list it came from (`liste`) and the button pressed. Writes go through `app::bulk` (one
//! transaction, all or nothing); a refusal shows the same list again, the same rows checked,
//! what was typed kept and every refused row named.

use rocket::http::{ContentType, Status};
use rocket::response::{Flash, Redirect};
use rocket::{post, routes, Either, FromForm, Route, State};

use super::list::{render, BulkState};
use super::reports::Download;
use crate::app::bulk::{self, BulkAction};
use crate::app::{AppError, Stamp};
use crate::auth::UserId;
use crate::db::{saisines, users};
use crate::domain::{DomainError, Reference};
use crate::report::csv::{document, Privacy};
use crate::web::auth::{Protected, Reader};
use crate::web::context::{Layout, Now};
use crate::web::error::PageError;
use crate::web::params::ListQuery;
use crate::web::state::{AppState, Db};
use crate::web::template::Template;

#[derive(FromForm)]
struct BulkForm {
    /// The list's query string.
    liste: Option<String>,
    ids: Vec<String>,
    action: Option<String>,
    assignee: Option<String>,
    note: Option<String>,
}

type Outcome = Either<Flash<Redirect>, Either<(Status, Template), Download>>;

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count > 1 { many } else { one })
}

/// The references checked; anything that is not one is refused by name.
fn references(ids: &[String]) -> (Vec<Reference>, Vec<bulk::Refusal>) {
    let mut found = Vec::new();
    let mut wrong = Vec::new();
    for id in ids.iter().map(|i| i.trim()).filter(|i| !i.is_empty()) {
        match id.parse() {
            Ok(reference) => found.push(reference),
            Err(_) => wrong
                .push(bulk::Refusal {
                    reference: id.chars().take(40).collect(), reason: "référence invalide".into()
                }),
        }
    }
    (found, wrong)
}

/// The account chosen in the form: `none` takes the saisines back; empty is a mistake.
fn assignee(value: Option<&str>) -> Result<Option<UserId>, String> {
    match value.map(str::trim).unwrap_or("") {
        "" => Err("choisissez à qui attribuer les saisines cochées".into()),
        "none" => Ok(None),
        id => id.parse().map(|id| Some(UserId(id))).map_err(|_| "choix de médiateur invalide".into()),
    }
}

#[post("/saisines/lot", data = "<form>")]
async fn apply(
    user: Reader,
    form: Protected<BulkForm>,
    db: Db,
    state: &State<AppState>,
    layout: Layout,
    now: Now,
) -> Result<Outcome, PageError> {
    let form = form.0;
    let list_text = form.liste.clone().unwrap_or_default();
    let query = ListQuery::parse(&list_text).unwrap_or_default();
    let back = super::list_view::link(&query);
    let mut kept = BulkState {
        checked: form.ids.iter().map(|i| i.trim().to_string()).collect(),
        note: form.note.clone().unwrap_or_default(),
        assignee: form.assignee.clone().unwrap_or_default(),
        ..BulkState::default()
    };
    let action = form.action.as_deref().unwrap_or("");
    let writes = matches!(action, "attribuer" | "prendre_en_charge" | "noter");
    if writes && !user.0.role.can_work_on_saisines() {
        return Err(PageError::Forbidden);
    }
    let (found, wrong) = references(&form.ids);
    let page = |kept: BulkState| render(&user.0, query.clone(), &db, state, layout.clone(), &now, kept);
    let bulk_action = match action {
        "cocher" => {
            kept.check_all = true;
            return Ok(Either::Right(Either::Left(page(kept).await?)));
        }
        "exporter" if found.is_empty() || found.len() > bulk::MAX_ROWS || !wrong.is_empty() => {
            kept.problem = Some(format!("cochez de 1 à {} saisines à exporter", bulk::MAX_ROWS));
            return Ok(Either::Right(Either::Left(page(kept).await?)));
        }
        "exporter" => return export(found, &db, &now).await.map(|d| Either::Right(Either::Right(d))),
        "attribuer" => match assignee(form.assignee.as_deref()) {
            Ok(to) => BulkAction::Assign(to),
            Err(problem) => {
                kept.problem = Some(problem);
                return Ok(Either::Right(Either::Left(page(kept).await?)));
            }
        },
        "prendre_en_charge" => BulkAction::TakeUp,
        "noter" => BulkAction::Note(kept.note.clone()),
        _ => return Err(PageError::Invalid("action inconnue".into())),
    };
    if !wrong.is_empty() {
        kept.refusals = wrong;
        return Ok(Either::Right(Either::Left(page(kept).await?)));
    }
    let (today, at, actor, done_action) = (now.today, now.at, user.0.actor(), bulk_action.clone());
    let done = db.act(move |conn| bulk::apply(conn, &found, &done_action, today, &Stamp { actor: &actor, at })).await;
    match done {
        Ok(Ok(count)) => {
            let message = done_message(&db, &bulk_action, count).await?;
            tracing::info!(count, action, "action groupée appliquée");
            Ok(Either::Left(Flash::success(Redirect::to(back), message)))
        }
        Ok(Err(refusals)) => {
            kept.refusals = refusals;
            Ok(Either::Right(Either::Left(page(kept).await?)))
        }
        Err(AppError::Domain(e)) => {
            kept.problem = Some(problem_of(&e));
            Ok(Either::Right(Either::Left(page(kept).await?)))
        }
        Err(other) => Err(other.into()),
    }
}

fn problem_of(error: &DomainError) -> String {
    match error {
        DomainError::Invalid(fields) => fields.iter().map(|f| f.message.as_str()).collect::<Vec<_>>().join(" ; "),
        other => other.to_string(),
    }
}

/// « 12 saisines attribuées à Marie Dupont. »
async fn done_message(db: &Db, action: &BulkAction, count: usize) -> Result<String, PageError> {
    Ok(match action {
        BulkAction::Assign(Some(id)) => {
            let id = *id;
            let name = db.run(move |conn| Ok(users::find(conn, id)?.display_name)).await?;
            format!("{} à {name}.", plural(count, "saisine attribuée", "saisines attribuées"))
        }
        BulkAction::Assign(None) => format!("Attribution retirée de {}.", plural(count, "saisine", "saisines")),
        BulkAction::TakeUp => format!("{}.", plural(count, "saisine prise en charge", "saisines prises en charge")),
        BulkAction::Note(_) => format!("Note ajoutée à {}.", plural(count, "saisine", "saisines")),
    })
}

/// The checked saisines as the masked CSV export writes them (same columns, same masking).
async fn export(found: Vec<Reference>, db: &Db, now: &Now) -> Result<Download, PageError> {
    let rows =
        db.run(move |conn| found.into_iter().map(|r| saisines::find(conn, r)).collect::<Result<Vec<_>, _>>()).await?;
    let body = document(&rows, Privacy::Masked).map_err(|e| PageError::Internal(e.to_string()))?;
    let name = format!("saisines-cochees-{}.csv", now.today);
    Ok(Download::new(body, ContentType::new("text", "csv").with_params(("charset", "utf-8")), "attachment", &name))
}

pub fn routes() -> Vec<Route> {
    routes![apply]
}
