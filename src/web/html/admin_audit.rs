//! Administrators browse the audit log, filtered, newest first.

use crate::web::template::{context, Template};
use chrono::NaiveDate;
use rocket::{get, routes, FromForm, Route};

use crate::auth::audit::AuditAction;
use crate::db::audit::{self, AuditFilter};
use crate::db::users;
use crate::domain::dates::parse_date;
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
    AuditFilter {
        action: text(&query.action),
        actor_id: query.actor,
        target: text(&query.target),
        from: day(&query.from).and_then(|d| d.and_hms_opt(0, 0, 0)),
        to: day(&query.to).and_then(|d: NaiveDate| d.succ_opt()).and_then(|d| d.and_hms_opt(0, 0, 0)),
    }
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
            context! { at: e.at.format("%d/%m/%Y %H:%M:%S").to_string(), actor: &e.actor, action: label, target: &e.target, ip: &e.ip, details: &e.details }
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
