//! The saisines of a filter (the list's own query string) as CSV, in the interchange format:
//! masked for every role, whole for administrators only, and then recorded in the audit log.
//!
//! The file is streamed: a blocking task reads the saisines in keyset batches (a pool
//! connection taken per batch, never held while the client reads) and hands the lines to the
//! response through a channel of a few chunks. Memory stays constant whatever the number of
//! rows; a client that goes away closes the channel and the reading stops at the next chunk.

use std::io::{self, Write};
use std::pin::Pin;

use rocket::futures::stream::{self, Stream};
use rocket::http::{ContentType, Header};
use rocket::request::Request;
use rocket::response::stream::ByteStream;
use rocket::response::Responder;
use rocket::tokio::sync::mpsc;
use rocket::{get, routes, Route};

use crate::auth::audit::AuditAction;
use crate::db::audit::{self, Actor};
use crate::db::list::{self, Cursor, ListFilter, SortOrder};
use crate::db::{pool, DbPool, DbResult};
use crate::report::csv::{self, Privacy};
use crate::web::auth::{Admin, CurrentUser, Reader};
use crate::web::context::Now;
use crate::web::error::PageError;
use crate::web::params::ListQuery;
use crate::web::state::Db;

/// Saisines read per query while the file is written.
const BATCH: i64 = 1_000;
/// Bytes handed to the response at a time, and chunks waiting at most.
const CHUNK: usize = 64 * 1024;
const CHUNKS_AHEAD: usize = 4;

type Body = Pin<Box<dyn Stream<Item = Vec<u8>> + Send>>;

/// A CSV file sent as it is written.
pub struct CsvStream {
    body: ByteStream<Body>,
    content_type: ContentType,
    disposition: Header<'static>,
}

impl<'r> Responder<'r, 'r> for CsvStream {
    fn respond_to(self, request: &'r Request<'_>) -> rocket::response::Result<'r> {
        let mut response = self.body.respond_to(request)?;
        response.set_header(self.content_type);
        response.set_header(self.disposition);
        Ok(response)
    }
}

/// The response's side of the channel: bytes gathered into chunks; a closed channel (the
/// client went away) is a broken pipe, which ends the writing.
struct ChannelOut {
    buffer: Vec<u8>,
    chunks: mpsc::Sender<Vec<u8>>,
}

impl ChannelOut {
    fn send(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buffer, Vec::with_capacity(CHUNK));
        self.chunks.blocking_send(chunk).map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "client parti"))
    }
}

impl Write for ChannelOut {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(data);
        if self.buffer.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

#[derive(Debug, thiserror::Error)]
enum ExportError {
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
    #[error("écriture du CSV : {0}")]
    Csv(#[from] ::csv::Error),
}

/// Every saisine of the filter, oldest first, written to `out`; returns how many.
fn write_all(pool: &DbPool, filter: &ListFilter, privacy: Privacy, out: impl Write) -> Result<usize, ExportError> {
    let mut writer = csv::Writer::to(out, privacy)?;
    let mut after: Option<Cursor> = None;
    let mut lines = 0;
    loop {
        let page = {
            let mut conn = pool.get().map_err(crate::db::DbError::from)?;
            list::page(&mut conn, filter, SortOrder::OLDEST_FIRST, after, BATCH)?
        };
        for saisine in &page.saisines {
            writer.write(saisine)?;
        }
        lines += page.saisines.len();
        writer.flush()?;
        match page.next {
            Some(next) => after = Some(next),
            None => return Ok(lines),
        }
    }
}

/// Starts the reading task and answers with the stream it feeds.
fn csv_stream(pool: DbPool, filter: ListFilter, privacy: Privacy, name: &str) -> CsvStream {
    let (sender, receiver) = mpsc::channel::<Vec<u8>>(CHUNKS_AHEAD);
    rocket::tokio::task::spawn_blocking(move || {
        let out = ChannelOut { buffer: Vec::with_capacity(CHUNK), chunks: sender };
        match write_all(&pool, &filter, privacy, out) {
            Ok(lines) => tracing::info!(lines, "export CSV envoyé"),
            Err(ExportError::Csv(e)) if matches!(e.kind(), ::csv::ErrorKind::Io(io) if io.kind() == io::ErrorKind::BrokenPipe) =>
            {
                tracing::info!("export CSV interrompu : le client est parti")
            }
            // The headers are gone: the file ends short, and the log says why.
            Err(e) => tracing::error!(error = %e, "export CSV interrompu"),
        }
    });
    let chunks = stream::unfold(receiver, |mut receiver| async move { receiver.recv().await.map(|c| (c, receiver)) });
    CsvStream {
        body: ByteStream(Box::pin(chunks) as Body),
        content_type: ContentType::new("text", "csv").with_params(("charset", "utf-8")),
        disposition: Header::new("Content-Disposition", format!("attachment; filename=\"{name}\"")),
    }
}

pub(super) fn checked_filter(
    query: &ListQuery,
    user: &CurrentUser,
    today: chrono::NaiveDate,
) -> Result<ListFilter, PageError> {
    query.check(user.id, user.role, today).map(|request| request.filter).map_err(|e| PageError::Invalid(e.to_string()))
}

pub(super) fn file_name(query: &ListQuery, today: chrono::NaiveDate, whole: bool) -> String {
    let scope = query.year.as_deref().filter(|y| y.len() == 4 && y.chars().all(|c| c.is_ascii_digit()));
    let scope = scope.map(str::to_string).unwrap_or_else(|| today.to_string());
    format!("saisines-{scope}{}.csv", if whole { "-complet" } else { "" })
}

#[get("/saisines/export.csv?<query..>")]
async fn export_masked(user: Reader, query: ListQuery, db: Db, now: Now) -> Result<CsvStream, PageError> {
    let filter = checked_filter(&query, &user.0, now.today)?;
    let (actor, at, searched) = (user.0.actor(), now.at, filter.clone());
    db.run(move |conn| list::record_search(conn, &actor, &searched, at)).await?;
    Ok(csv_stream(db.pool(), filter, Privacy::Masked, &file_name(&query, now.today, false)))
}

#[get("/saisines/export-complet.csv?<query..>")]
async fn export_whole(admin: Admin, query: ListQuery, db: Db, now: Now) -> Result<CsvStream, PageError> {
    let filter = checked_filter(&query, &admin.0, now.today)?;
    let actor: Actor = admin.0.actor();
    // A searched NIR, e-mail or phone stays out of the audit log: `record_search` notes it masked.
    let personal = filter.search.as_ref().and_then(|s| s.personal_key()).is_some();
    let filters = ListQuery { q: if personal { None } else { query.q.clone() }, ..query.with_after(None) };
    let filters = filters.to_query_string();
    let (at, audited) = (now.at, filter.clone());
    // Recorded before the first byte leaves, with the number of saisines the filter matches then.
    db.run(move |conn| -> DbResult<()> {
        pool::write_transaction(conn, |conn| {
            list::record_search(conn, &actor, &audited, at)?;
            let lines = list::count(conn, &audited)?;
            let details =
                format!("{lines} saisine(s) ; filtres : {}", if filters.is_empty() { "aucun" } else { &filters });
            audit::record(conn, &actor, AuditAction::ExportUnmasked, "saisines", &details, at)
        })
    })
    .await?;
    Ok(csv_stream(db.pool(), filter, Privacy::Whole, &file_name(&query, now.today, true)))
}

pub fn routes() -> Vec<Route> {
    routes![export_masked, export_whole]
}
