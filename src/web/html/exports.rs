//! The saisines of a filter (the list's own query string) as CSV, in the interchange format:
//! masked for every role, whole for administrators only, and then recorded in the audit log.
//! The same saisines, masked, as a spreadsheet in French for reading (`export.xlsx`).

use rocket::http::ContentType;
use rocket::{get, routes, Route};

use super::reports::Download;
use crate::auth::audit::AuditAction;
use crate::db::audit::{self, Actor};
use crate::db::list::{self, Cursor, ListFilter, SortOrder};
use crate::db::reference_lists::ReferenceLists;
use crate::db::{DbConn, DbError, DbResult};
use crate::domain::Saisine;
use crate::report::csv::{self, Privacy};
use crate::report::xlsx;
use crate::web::auth::{Admin, CurrentUser, Reader};
use crate::web::context::Now;
use crate::web::error::PageError;
use crate::web::params::ListQuery;
use crate::web::state::Db;

/// Saisines read per query while the file is written.
const BATCH: i64 = 1_000;

/// Calls `each` on every saisine of the filter, oldest first, a batch at a time; how many.
fn for_each(conn: &mut DbConn, filter: &ListFilter, mut each: impl FnMut(&Saisine) -> DbResult<()>) -> DbResult<usize> {
    let mut after: Option<Cursor> = None;
    let mut lines = 0;
    loop {
        let page = list::page(conn, filter, SortOrder::OldestFirst, after, BATCH)?;
        lines += page.saisines.len();
        for saisine in &page.saisines {
            each(saisine)?;
        }
        match page.next {
            Some(next) => after = Some(next),
            None => return Ok(lines),
        }
    }
}

/// Every saisine of the filter, oldest first, as a CSV file; and how many.
fn write_all(conn: &mut DbConn, filter: &ListFilter, privacy: Privacy) -> DbResult<(Vec<u8>, usize)> {
    let failed = |e: ::csv::Error| DbError::Config(format!("écriture du CSV : {e}"));
    let mut out = csv::Writer::new(privacy).map_err(failed)?;
    let lines = for_each(conn, filter, |saisine| out.write(saisine).map_err(failed))?;
    Ok((out.finish().map_err(failed)?, lines))
}

/// Every saisine of the filter, oldest first, masked, as a spreadsheet.
fn write_workbook(conn: &mut DbConn, filter: &ListFilter) -> DbResult<Vec<u8>> {
    let failed = |e: rust_xlsxwriter::XlsxError| DbError::Config(format!("écriture du tableur : {e}"));
    let lists = ReferenceLists::load(conn)?;
    let mut out = xlsx::Writer::new(Privacy::Masked).map_err(failed)?;
    for_each(conn, filter, |saisine| out.write(saisine, &lists).map_err(failed))?;
    out.finish().map_err(failed)
}

fn checked_filter(query: &ListQuery, user: &CurrentUser, today: chrono::NaiveDate) -> Result<ListFilter, PageError> {
    query.check(user.id, user.role, today).map(|request| request.filter).map_err(|e| PageError::Invalid(e.to_string()))
}

fn file_name(query: &ListQuery, today: chrono::NaiveDate, whole: bool) -> String {
    let scope = query.year.as_deref().filter(|y| y.len() == 4 && y.chars().all(|c| c.is_ascii_digit()));
    let scope = scope.map(str::to_string).unwrap_or_else(|| today.to_string());
    format!("saisines-{scope}{}.csv", if whole { "-complet" } else { "" })
}

fn xlsx_download(bytes: Vec<u8>, name: &str) -> Download {
    let xlsx = ContentType::new("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    Download::new(bytes, xlsx, "attachment", name)
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

/// The masked export as a spreadsheet: allowed to the same people as the masked CSV.
#[get("/saisines/export.xlsx?<query..>")]
async fn export_workbook(user: Reader, query: ListQuery, db: Db, now: Now) -> Result<Download, PageError> {
    let filter = checked_filter(&query, &user.0, now.today)?;
    let actor = user.0.actor();
    let at = now.at;
    let bytes = db
        .run(move |conn| {
            list::record_search(conn, &actor, &filter, at)?;
            write_workbook(conn, &filter)
        })
        .await?;
    let name = file_name(&query, now.today, false).replace(".csv", ".xlsx");
    Ok(xlsx_download(bytes, &name))
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
    routes![export_masked, export_whole, export_workbook]
}
