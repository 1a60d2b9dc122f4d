//! The saisines of a filter, masked, as a spreadsheet in French for reading
//! (`/saisines/export.xlsx`): labels instead of codes, real date cells. The CSV interchange
//! format stays in `exports.rs`.

use rocket::http::ContentType;
use rocket::{get, routes, Route};

use super::exports::{checked_filter, file_name};
use super::reports::Download;
use crate::db::list::{self, Cursor, ListFilter, SortOrder};
use crate::db::reference_lists::ReferenceLists;
use crate::db::{DbConn, DbError, DbResult};
use crate::report::csv::Privacy;
use crate::report::xlsx;
use crate::web::auth::Reader;
use crate::web::context::Now;
use crate::web::error::PageError;
use crate::web::params::ListQuery;
use crate::web::state::Db;

/// Saisines read per query while the workbook is written.
const BATCH: i64 = 1_000;

/// Every saisine of the filter, oldest first, masked, as a spreadsheet. A workbook is one
/// compressed file written at the end: it is built in memory, unlike the streamed CSV.
fn write_workbook(conn: &mut DbConn, filter: &ListFilter) -> DbResult<Vec<u8>> {
    let failed = |e: rust_xlsxwriter::XlsxError| DbError::Config(format!("écriture du tableur : {e}"));
    let lists = ReferenceLists::load(conn)?;
    let mut out = xlsx::Writer::new(Privacy::Masked).map_err(failed)?;
    let mut after: Option<Cursor> = None;
    loop {
        let page = list::page(conn, filter, SortOrder::OLDEST_FIRST, after, BATCH)?;
        for saisine in &page.saisines {
            out.write(saisine, &lists).map_err(failed)?;
        }
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    out.finish().map_err(failed)
}

/// The masked export as a spreadsheet: allowed to the same people as the masked CSV.
#[get("/saisines/export.xlsx?<query..>")]
async fn export_workbook(user: Reader, query: ListQuery, db: Db, now: Now) -> Result<Download, PageError> {
    let filter = checked_filter(&query, &user.0, now.today)?;
    let (actor, at) = (user.0.actor(), now.at);
    let bytes = db
        .run(move |conn| {
            list::record_search(conn, &actor, &filter, at)?;
            write_workbook(conn, &filter)
        })
        .await?;
    let name = file_name(&query, now.today, false).replace(".csv", ".xlsx");
    let xlsx = ContentType::new("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    Ok(Download::new(bytes, xlsx, "attachment", &name))
}

pub fn routes() -> Vec<Route> {
    routes![export_workbook]
}
