//! Administrators browse the audit log, filtered, newest first.

use rocket::{get, routes, FromForm, Route};
use rocket_dyn_templates::{context, Template};

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

fn filter_of(query: &AuditQuery) -> AuditFilter {
    let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    let day = |v: &Option<String>| text(v).as_deref().and_then(parse_date);
    // Days typed in France: from midnight in Paris to the midnight after the last day.
    let (from, to) = paris_days(day(&query.from), day(&query.to));
    AuditFilter { action: text(&query.action), actor_id: query.actor, target: text(&query.target), from, to }
}

#[get("/admin/journal?<query..>")]
async fn journal(_admin: Admin, query: AuditQuery, db: Db, layout: Layout) -> Result<Template, PageError> {
    let filter = filter_of(&query);
    let before = query.before;
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
        context! { layout, entries: labelled, query, next_before, actions, accounts },
    ))
}

pub fn routes() -> Vec<Route> {
    routes![journal]
}
