//! The saisines of a filter (the list's own query string) as CSV, in the interchange format:
//! masked for every role, whole for administrators only, and then recorded in the audit log.

use rocket::http::ContentType;
use rocket::{get, routes, Route};

use super::reports::Download;
use crate::auth::audit::AuditAction;
use crate::db::audit::{self, Actor};
use crate::db::list::{self, Cursor, ListFilter, SortOrder};
use crate::db::{DbConn, DbError, DbResult};
use crate::report::csv::{self, Privacy};
use crate::web::auth::{Admin, CurrentUser, Reader};
use crate::web::context::Now;
use crate::web::error::PageError;
use crate::web::params::ListQuery;
use crate::web::state::Db;

/// Saisines read per query while the file is written.
const BATCH: i64 = 1_000;

/// Every saisine of the filter, oldest first, as a CSV file; and how many.
fn write_all(conn: &mut DbConn, filter: &ListFilter, privacy: Privacy) -> DbResult<(Vec<u8>, usize)> {
    let failed = |e: ::csv::Error| DbError::Config(format!("écriture du CSV : {e}"));
    let mut out = csv::Writer::new(privacy).map_err(failed)?;
    let mut after: Option<Cursor> = None;
    let mut lines = 0;
    loop {
        let page = list::page(conn, filter, SortOrder::OldestFirst, after, BATCH)?;
        lines += page.saisines.len();
        for saisine in &page.saisines {
            out.write(saisine).map_err(failed)?;
        }
        match page.next {
            Some(next) => after = Some(next),
            None => return Ok((out.finish().map_err(failed)?, lines)),
        }
    }
}

fn checked_filter(query: &ListQuery, user: &CurrentUser, today: chrono::NaiveDate) -> Result<ListFilter, PageError> {
    query.check(user.id, user.role, today).map(|request| request.filter).map_err(|e| PageError::Invalid(e.to_string()))
}

fn file_name(query: &ListQuery, today: chrono::NaiveDate, whole: bool) -> String {
    let scope = query.year.as_deref().filter(|y| y.len() == 4 && y.chars().all(|c| c.is_ascii_digit()));
    let scope = scope.map(str::to_string).unwrap_or_else(|| today.to_string());
    format!("saisines-{scope}{}.csv", if whole { "-complet" } else { "" })
}

fn csv_download(bytes: Vec<u8>, name: &str) -> Download {
    let csv = ContentType::new("text", "csv").with_params(("charset", "utf-8"));
    Download::new(bytes, csv, "attachment", name)
}

#[get("/saisines/export.csv?<query..>")]
async fn export_masked(user: Reader, query: ListQuery, db: Db, now: Now) -> Result<Download, PageError> {
    let filter = checked_filter(&query, &user.0, now.today)?;
    let actor = user.0.actor();
    let at = now.at;
    let (text, _) = db
        .run(move |conn| {
            list::record_search(conn, &actor, &filter, at)?;
            write_all(conn, &filter, Privacy::Masked)
        })
        .await?;
    Ok(csv_download(text, &file_name(&query, now.today, false)))
}

#[get("/saisines/export-complet.csv?<query..>")]
async fn export_whole(admin: Admin, query: ListQuery, db: Db, now: Now) -> Result<Download, PageError> {
    let filter = checked_filter(&query, &admin.0, now.today)?;
    let actor: Actor = admin.0.actor();
    // A searched NIR, e-mail or phone stays out of the audit log: `record_search` notes it masked.
    let personal = filter.search.as_ref().and_then(|s| s.personal_key()).is_some();
    let filters = ListQuery { q: if personal { None } else { query.q.clone() }, ..query.with_after(None) };
    let filters = filters.to_query_string();
    let at = now.at;
    let (text, _) = db
        .run(move |conn| {
            list::record_search(conn, &actor, &filter, at)?;
            let (text, lines) = write_all(conn, &filter, Privacy::Whole)?;
            let details =
                format!("{lines} saisine(s) ; filtres : {}", if filters.is_empty() { "aucun" } else { &filters });
            audit::record(conn, &actor, AuditAction::ExportUnmasked, "saisines", &details, at)?;
            Ok((text, lines))
        })
        .await?;
    Ok(csv_download(text, &file_name(&query, now.today, true)))
}

pub fn routes() -> Vec<Route> {
    routes![export_masked, export_whole]
}
