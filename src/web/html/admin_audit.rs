//! Administrators browse the audit log, filtered, newest first.

use crate::web::template::{context, Template};
use rocket::{get, routes, FromForm, Route};

use crate::auth::audit::AuditAction;
use crate::db::audit::{self, AuditFilter};
use crate::db::users;
use crate::domain::dates::parse_date;
use crate::domain::paris::{paris_datetime_seconds, paris_days};
use crate::web::auth::Admin;
use crate::web::context::Layout;
use crate::web::error::PageError;
use crate::web::state::Db;

const PAGE: i64 = 100;

#[derive(FromForm, Default, serde::Serialize, Clone)]
struct AuditQuery {
    action: Option<String>,
    actor: Option<i32>,
    target: Option<String>,
    from: Option<String>,
    to: Option<String>,
    before: Option<i32>,
}

fn text(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string)
}

/// The filter, and the message for a date bound that does not read as a date (that bound is
/// then left open, and what was typed stays in the form).
fn filter_of(query: &AuditQuery) -> (AuditFilter, Option<String>) {
    let mut unreadable = Vec::new();
    let mut day = |v: &Option<String>, what: &'static str| {
        let typed = text(v)?;
        let parsed = parse_date(&typed);
        if parsed.is_none() {
            unreadable.push(what);
        }
        parsed
    };
    // Days typed in France: from midnight in Paris to the midnight after the last day.
    let (from, to) = paris_days(day(&query.from, "du"), day(&query.to, "au"));
    let error = (!unreadable.is_empty()).then(|| {
        format!(
            "date « {} » illisible : indiquez JJ/MM/AAAA ou AAAA-MM-JJ (filtre ignoré)",
            unreadable.join(" » et « ")
        )
    });
    (AuditFilter { action: text(&query.action), actor_id: query.actor, target: text(&query.target), from, to }, error)
}

#[get("/admin/journal?<query..>")]
async fn journal(_admin: Admin, query: AuditQuery, db: Db, layout: Layout) -> Result<Template, PageError> {
    let (filter, error) = filter_of(&query);
    let (before, views) = (query.before, db.views());
    // The journal shows every view made so far, queued ones included (the writer needs a
    // connection of the pool: flushed before this request takes one).
    let _ = rocket::tokio::task::spawn_blocking(move || views.flush()).await;
    let (entries, accounts) =
        db.run(move |conn| Ok((audit::search(conn, &filter, before, PAGE)?, users::list(conn)?))).await?;
    let labelled: Vec<_> = entries
        .iter()
        .map(|e| {
            let label = AuditAction::from_code(&e.action).map(|a| a.label()).unwrap_or(e.action.as_str());
            context! { at: paris_datetime_seconds(e.at), actor: &e.actor, action: label, target: &e.target, ip: &e.ip, details: &e.details }
        })
        .collect();
    let next_before = (entries.len() as i64 == PAGE).then(|| entries.last().map(|e| e.id)).flatten();
    let actions: Vec<_> = AuditAction::ALL.iter().map(|a| (a.code(), a.label())).collect();
    Ok(Template::render(
        "admin/audit.html",
        context! { layout, entries: labelled, query, next_before, actions, accounts, error },
    ))
}

pub fn routes() -> Vec<Route> {
    routes![journal]
}
