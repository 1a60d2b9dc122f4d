//! The sink of the tests: each message recorded once in a table of the test's database (SQLite
//! file or PostgreSQL), keyed by its Message-ID (or a digest of the whole message), as the
//! application's own use case keys it. Hooks let a test hold a fetcher at a chosen moment.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::sql_types::{BigInt, Text};
use diesel::RunQueryDsl;
use mail_parser::MessageParser;
use mediation::db::{pool, DbConn};
use mediation::imap::{MessageSink, SinkError, SinkOutcome};
use sha2::{Digest, Sha256};

use crate::support::TestDir;

pub struct DbSink {
    url: String,
    /// Every call fails (the database is down, say) while set.
    pub failing: AtomicBool,
    /// Waited on before the first record (two fetchers meet there).
    meeting: Option<Arc<Meeting>>,
    met: AtomicBool,
    /// Called once the message is recorded, before the answer goes back to the fetcher.
    after_record: Option<Box<dyn Fn() + Send + Sync>>,
}

impl DbSink {
    pub fn new(dir: &TestDir) -> DbSink {
        let mut conn = crate::support::connect(dir);
        conn.batch_execute(
            "CREATE TABLE IF NOT EXISTS imap_test_records (message_key TEXT PRIMARY KEY, mailbox TEXT NOT NULL, \
             size BIGINT NOT NULL)",
        )
        .expect("table des messages enregistrés");
        DbSink {
            url: dir.url.clone(),
            failing: AtomicBool::new(false),
            meeting: None,
            met: AtomicBool::new(false),
            after_record: None,
        }
    }

    pub fn meeting(mut self, meeting: Arc<Meeting>) -> DbSink {
        self.meeting = Some(meeting);
        self
    }

    pub fn after_record(mut self, hook: impl Fn() + Send + Sync + 'static) -> DbSink {
        self.after_record = Some(Box::new(hook));
        self
    }

    /// What the table holds: (key, mailbox, size), by key.
    pub fn recorded(&self) -> Vec<(String, String, i64)> {
        #[derive(diesel::QueryableByName)]
        struct Row {
            #[diesel(sql_type = Text)]
            message_key: String,
            #[diesel(sql_type = Text)]
            mailbox: String,
            #[diesel(sql_type = BigInt)]
            size: i64,
        }
        let sql = "SELECT message_key, mailbox, size FROM imap_test_records ORDER BY message_key";
        let rows: Vec<Row> = match pool::connect(&self.url).expect("connexion") {
            DbConn::Sqlite(mut c) => diesel::sql_query(sql).load(&mut c),
            DbConn::Postgresql(mut c) => diesel::sql_query(sql).load(&mut c),
        }
        .expect("lecture des messages enregistrés");
        rows.into_iter().map(|r| (r.message_key, r.mailbox, r.size)).collect()
    }

    fn insert(&self, key: &str, mailbox: &str, size: i64) -> Result<usize, SinkError> {
        let fail = |e: &dyn std::fmt::Display| SinkError(format!("base : {e}"));
        let inserted = match pool::connect(&self.url).map_err(|e| fail(&e))? {
            DbConn::Sqlite(mut c) => diesel::sql_query(
                "INSERT INTO imap_test_records (message_key, mailbox, size) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            )
            .bind::<Text, _>(key)
            .bind::<Text, _>(mailbox)
            .bind::<BigInt, _>(size)
            .execute(&mut c),
            DbConn::Postgresql(mut c) => diesel::sql_query(
                "INSERT INTO imap_test_records (message_key, mailbox, size) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            )
            .bind::<Text, _>(key)
            .bind::<Text, _>(mailbox)
            .bind::<BigInt, _>(size)
            .execute(&mut c),
        };
        inserted.map_err(|e| fail(&e))
    }
}

/// The message's unique key: its Message-ID, else a digest of its bytes.
pub fn key_of(raw: &[u8]) -> String {
    MessageParser::default()
        .parse_headers(raw)
        .and_then(|m| m.message_id().map(str::to_string))
        .unwrap_or_else(|| hex::encode(Sha256::digest(raw)))
}

impl MessageSink for DbSink {
    fn record(&self, mailbox: &str, raw: &[u8]) -> Result<SinkOutcome, SinkError> {
        if self.failing.load(Ordering::SeqCst) {
            return Err(SinkError("base indisponible".into()));
        }
        if let Some(meeting) = &self.meeting {
            if !self.met.swap(true, Ordering::SeqCst) {
                meeting.arrive();
            }
        }
        let key = key_of(raw);
        let size = i64::try_from(raw.len()).expect("taille");
        let inserted = self.insert(&key, mailbox, size)?;
        if let Some(hook) = &self.after_record {
            hook();
        }
        Ok(if inserted == 1 { SinkOutcome::Created { reference: key } } else { SinkOutcome::AlreadyRecorded })
    }
}

/// Where two fetchers wait for each other. The wait is bounded only so that a broken fetcher
/// cannot hang the run; the test's assertions never depend on it.
pub struct Meeting {
    expected: usize,
    arrived: Mutex<usize>,
    all_here: Condvar,
}

impl Meeting {
    pub fn of(expected: usize) -> Arc<Meeting> {
        Arc::new(Meeting { expected, arrived: Mutex::new(0), all_here: Condvar::new() })
    }

    fn arrive(&self) {
        let mut arrived = self.arrived.lock().expect("rendez-vous");
        *arrived += 1;
        self.all_here.notify_all();
        let _ = self
            .all_here
            .wait_timeout_while(arrived, Duration::from_secs(120), |n| *n < self.expected)
            .expect("rendez-vous");
    }
}
