//! The "à traiter" page of a mediator, with the indicators block, and recording a reminder.

use crate::web::template::{context, Template};
use chrono::Datelike;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, FromForm, Route};
use serde::Serialize;

use crate::app::{self, AppError, Stamp};
use crate::db::memo::Memo;
use crate::db::queue::{self, QueueCount, QueueEntry, Scope};
use crate::db::reference_lists::ReferenceLists;
use crate::db::{indicators, users};
use crate::domain::dates::parse_date;
use crate::domain::deadlines::DeadlineSettings;
use crate::domain::{DomainError, Reference, Saisine};
use crate::web::auth::{Mediator, Protected};
use crate::web::context::{Layout, Now};
use crate::web::error::PageError;
use crate::web::followup_view::{AttentionView, IndicatorsView};
use crate::web::state::Db;
use crate::web::view::ListItem;

/// One line of the queue: the saisine (personal data masked, as in every list) and its reasons.
#[derive(Debug, Serialize)]
struct QueueItem {
    #[serde(flatten)]
    item: ListItem,
    assigned_to: Option<String>,
    attentions: Vec<AttentionView>,
    late: bool,
    waiting: bool,
}

struct QueueData {
    count: QueueCount,
    settings: DeadlineSettings,
    entries: Vec<QueueEntry>,
    saisines: Vec<Saisine>,
    lists: ReferenceLists,
    names: Vec<(i32, String)>,
    indicators: IndicatorsView,
}

/// How old the queue page's yearly indicators may be.
const INDICATORS_LAG: std::time::Duration = std::time::Duration::from_secs(30);

/// What the queue page reads. Its counts, the team's names and the lists come from the memo
/// (computed again after each write), the year's indicators at most every half-minute: only the
/// page of entries is read on every request.
fn load(
    conn: &mut crate::db::DbConn,
    memo: &Memo,
    scope: Scope,
    page: Page,
    now: &Now,
) -> crate::db::DbResult<QueueData> {
    let today = now.today;
    let count = memo.get_or(format!("file {scope:?} {today}"), || queue::count(conn, scope, today))?;
    let (settings, entries) = queue::entries(conn, scope, today, page.offset(), page.size)?;
    let ids: Vec<i32> = entries.iter().map(|e| e.saisine_id).collect();
    let saisines = queue::saisines_by_id(conn, &ids)?;
    let users = memo.get_or("comptes".into(), || users::list(conn))?;
    let names = users.into_iter().map(|u| (u.id.0, u.display_name)).collect();
    let year = today.year();
    // A whole year of saisines: computed at most every half-minute, whatever is written.
    let found = memo.get_or_recent(format!("indicateurs {year} {today}"), INDICATORS_LAG, || {
        indicators::for_year(conn, year, today)
    })?;
    let overdue = memo.get_or(format!("en retard {today}"), || indicators::overdue_now(conn, today))?;
    let indicators = IndicatorsView::new(year, found, overdue, &settings);
    let lists = memo.get_or("référentiels".into(), || ReferenceLists::load(conn))?;
    Ok(QueueData { count, settings, entries, saisines, lists, names, indicators })
}

fn items(data: &QueueData, today: chrono::NaiveDate) -> Vec<QueueItem> {
    data.entries
        .iter()
        .filter_map(|entry| {
            let saisine = data.saisines.iter().find(|s| s.id.0 == entry.saisine_id)?;
            let assignee = saisine.assigned_to.and_then(|u| data.names.iter().find(|(id, _)| *id == u.0));
            Some(QueueItem {
                // The queue is for mediators only: names whole, identifiers masked as in lists.
                item: ListItem::new(saisine, &data.lists, today, true),
                assigned_to: assignee.map(|(_, name)| name.clone()),
                attentions: AttentionView::all(entry, &data.settings, today),
                late: crate::domain::figures::is_overdue(&data.settings, &entry.lifecycle, today),
                waiting: crate::domain::deadlines::Wait::of(&entry.lifecycle).is_some(),
            })
        })
        .collect()
}

/// A page of the queue: its number (from 1) and size.
#[derive(Debug, Clone, Copy)]
struct Page {
    number: i64,
    size: i64,
}

impl Page {
    fn offset(self) -> i64 {
        (self.number - 1).saturating_mul(self.size)
    }
}

/// The links to the pages around this one, keeping the team choice.
fn page_link(team: bool, number: i64) -> String {
    match (team, number) {
        (false, 1) => "/a-traiter".into(),
        (true, 1) => "/a-traiter?equipe=1".into(),
        (false, n) => format!("/a-traiter?page={n}"),
        (true, n) => format!("/a-traiter?equipe=1&page={n}"),
    }
}

#[get("/a-traiter?<equipe>&<page>")]
async fn page(
    user: Mediator,
    equipe: Option<&str>,
    page: Option<i64>,
    db: Db,
    layout: Layout,
    now: Now,
    state: &rocket::State<crate::web::state::AppState>,
) -> Result<Template, PageError> {
    let team = equipe == Some("1");
    let scope = if team { Scope::Team } else { Scope::Mine(user.0.id) };
    let today = now.today;
    let page = Page { number: page.unwrap_or(1).clamp(1, 1_000_000), size: state.config.page_size.clamp(1, 500) };
    let memo = db.memo();
    let data = db.run(move |conn| load(conn, &memo, scope, page, &now)).await?;
    let items = items(&data, today);
    let count = data.count;
    let pages = (i64::try_from(count.total).unwrap_or(i64::MAX) + page.size - 1) / page.size;
    let previous_link = (page.number > 1).then(|| page_link(team, page.number - 1));
    let next_link = (page.number < pages).then(|| page_link(team, page.number + 1));
    Ok(Template::render(
        "queue/list.html",
        context! { layout, items, count, team, indicators: data.indicators, settings: data.settings,
        day_count: data.settings.day_count.label(), today: today.to_string(),
        page: page.number, pages, previous_link, next_link },
    ))
}

#[derive(FromForm)]
struct ReminderForm {
    date: Option<String>,
    text: Option<String>,
    /// `a-traiter` to come back to the queue; the saisine's page otherwise.
    retour: Option<String>,
}

fn reminder_date(value: Option<&str>, today: chrono::NaiveDate) -> Result<chrono::NaiveDate, DomainError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(today),
        Some(text) => parse_date(text).ok_or_else(|| {
            DomainError::invalid("date", "invalid_date", "date invalide : attendu JJ/MM/AAAA ou AAAA-MM-JJ")
        }),
    }
}

fn refusal_text(error: &DomainError) -> String {
    match error.field_errors() {
        [] => error.to_string(),
        errors => errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join(" ; "),
    }
}

/// Records that the person was reminded of the requested documents.
#[post("/saisines/<reference>/relance", data = "<form>")]
async fn remind(
    user: Mediator,
    reference: Reference,
    form: Protected<ReminderForm>,
    db: Db,
    now: Now,
) -> Result<Flash<Redirect>, PageError> {
    let form = form.0;
    let back = match form.retour.as_deref() {
        Some("a-traiter") => "/a-traiter".to_string(),
        _ => format!("/saisines/{reference}"),
    };
    let note = form.text.unwrap_or_default();
    let (today, at, actor) = (now.today, now.at, user.0.actor());
    let recorded = match reminder_date(form.date.as_deref(), today) {
        Ok(on) => {
            db.act(move |conn| app::followups::remind(conn, reference, on, &note, today, &Stamp { actor: &actor, at }))
                .await
        }
        Err(e) => Err(AppError::Domain(e)),
    };
    match recorded {
        Ok(()) => Ok(Flash::success(Redirect::to(back), format!("Relance enregistrée pour la saisine {reference}."))),
        Err(AppError::Domain(e)) => {
            Ok(Flash::error(Redirect::to(back), format!("Relance refusée : {}", refusal_text(&e))))
        }
        Err(other) => Err(other.into()),
    }
}

pub fn routes() -> Vec<Route> {
    routes![page, remind]
}
