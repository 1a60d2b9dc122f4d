//! One pass over a mailbox: every message, in UID order, is read (`BODY.PEEK[]`: the server's
//! \Seen flag is left alone), handed to the sink, then moved to the processed folder.
//!
//! Exactly-once rests on the sink's unique key, not on this pass: killed between the record
//! and the move, the next pass records the message again (`AlreadyRecorded`) and moves it;
//! two passes at once may both record a message (one gets `AlreadyRecorded`), and the move that
//! finds the message already gone is no error.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures::TryStreamExt;
use rocket::tokio;

use super::connect::{self, describe, within, Session, COMMAND_TIMEOUT};
use super::settings::{Account, ImapSettings};
use super::{ImapError, MailboxReport, MessageSink, SinkError, SinkOutcome};

/// The largest message read (25 MiB); a larger one stays in the mailbox and is reported.
pub const MAX_MESSAGE_BYTES: u32 = 25 * 1024 * 1024;
/// Time allowed to download one message of the largest size.
const BODY_TIMEOUT: Duration = Duration::from_secs(300);

#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Where recorded messages go (UTF-8; created when missing).
    pub processed_folder: String,
    pub max_message_bytes: u32,
    /// Use UID MOVE when the server offers it; false: always UID COPY, \Deleted, UID EXPUNGE
    /// (the path of servers without MOVE, which the tests also run against dovecot).
    pub allow_move: bool,
}

impl FetchOptions {
    pub fn new(processed_folder: &str) -> FetchOptions {
        FetchOptions {
            processed_folder: processed_folder.to_string(),
            max_message_bytes: MAX_MESSAGE_BYTES,
            allow_move: true,
        }
    }
}

/// One pass over every configured mailbox, one after the other.
pub async fn fetch_all<S: MessageSink>(settings: &ImapSettings, sink: Arc<S>) -> Vec<MailboxReport> {
    let options = FetchOptions::new(&settings.processed_folder);
    let mut reports = Vec::with_capacity(settings.accounts.len());
    for account in &settings.accounts {
        reports.push(fetch_once(account, &options, sink.clone()).await);
    }
    reports
}

/// One pass over one mailbox. Always a report: its `failure` says why the pass stopped early.
pub async fn fetch_once<S: MessageSink>(account: &Account, options: &FetchOptions, sink: Arc<S>) -> MailboxReport {
    let mut report = MailboxReport::new(account.label());
    match connect::open(account).await {
        Err(e) => report.failure = Some(e),
        Ok(mut session) => {
            let pass = Pass { account, options, session: &mut session };
            if let Err(e) = pass.run(sink, &mut report).await {
                report.failure = Some(e);
            }
            // A failed logout changes nothing: every message already is where it belongs.
            let _ = within(account, COMMAND_TIMEOUT, "la déconnexion", session.logout()).await;
        }
    }
    report
}

/// A command refused by the server for this message (the pass goes on), or a failure of the
/// whole exchange (the pass stops).
enum Refusal {
    Refused(String),
    Fatal(ImapError),
}

struct Pass<'a> {
    account: &'a Account,
    options: &'a FetchOptions,
    session: &'a mut Session,
}

impl Pass<'_> {
    async fn run<S: MessageSink>(mut self, sink: Arc<S>, report: &mut MailboxReport) -> Result<(), ImapError> {
        let capabilities = fatal(self.account, COMMAND_TIMEOUT, "CAPABILITY", self.session.capabilities()).await?;
        let can_move = self.options.allow_move && capabilities.has_str("MOVE");
        let uidplus = capabilities.has_str("UIDPLUS");
        let folder = utf7_imap::encode_utf7_imap(self.options.processed_folder.clone());
        self.ensure_folder(&folder).await?;
        let mailbox = utf7_imap::encode_utf7_imap(self.account.mailbox.clone());
        let selected = command(self.account, COMMAND_TIMEOUT, "SELECT", self.session.select(&mailbox)).await?;
        let selected = selected.map_err(|reason| self.folder_error(&self.account.mailbox, reason))?;
        if selected.exists == 0 {
            return Ok(());
        }
        for (uid, size) in self.list().await? {
            if size > self.options.max_message_bytes {
                tracing::warn!(uid, taille = size, "message trop volumineux, laissé dans la boîte");
                report.too_large += 1;
                continue;
            }
            // Gone meanwhile: another pass has recorded and moved it.
            let Some(raw) = self.body(uid).await? else { continue };
            report.read += 1;
            match record(&sink, report.mailbox.clone(), raw).await {
                Ok(outcome) => report.count(outcome),
                Err(e) => {
                    tracing::warn!(uid, error = %e, "message non enregistré, laissé dans la boîte");
                    report.errors += 1;
                    continue;
                }
            }
            match self.move_to(uid, &folder, can_move, uidplus).await? {
                Ok(true) => report.moved += 1,
                Ok(false) => {}
                Err(reason) => {
                    tracing::warn!(uid, raison = %reason, "message enregistré mais pas déplacé");
                    report.errors += 1;
                }
            }
            self.drain_unsolicited();
        }
        Ok(())
    }

    /// Creates the processed folder when it is missing (another pass may create it meanwhile).
    async fn ensure_folder(&mut self, folder: &str) -> Result<(), ImapError> {
        if self.folder_exists(folder).await? {
            return Ok(());
        }
        match command(self.account, COMMAND_TIMEOUT, "CREATE", self.session.create(folder)).await? {
            Ok(()) => {
                // Subscribed, so that the team's mail clients show it; a refusal changes nothing.
                let _ = command(self.account, COMMAND_TIMEOUT, "SUBSCRIBE", self.session.subscribe(folder)).await?;
                Ok(())
            }
            Err(_) if self.folder_exists(folder).await? => Ok(()),
            Err(reason) => Err(self.folder_error(&self.options.processed_folder, reason)),
        }
    }

    /// Every folder is listed (a mailbox has few), so that no name needs quoting as a pattern.
    async fn folder_exists(&mut self, folder: &str) -> Result<bool, ImapError> {
        let listing = async {
            let names = self.session.list(Some(""), Some("*")).await?;
            names.try_collect::<Vec<_>>().await
        };
        let names = fatal(self.account, COMMAND_TIMEOUT, "LIST", listing).await?;
        Ok(names.iter().any(|n| n.name() == folder))
    }

    /// Every message's UID and size, in UID order.
    async fn list(&mut self) -> Result<Vec<(u32, u32)>, ImapError> {
        let listing = async {
            let fetches = self.session.uid_fetch("1:*", "(UID RFC822.SIZE)").await?;
            fetches.try_collect::<Vec<_>>().await
        };
        let fetches = fatal(self.account, COMMAND_TIMEOUT, "UID FETCH", listing).await?;
        let mut messages: Vec<(u32, u32)> =
            fetches.iter().filter_map(|f| Some((f.uid?, f.size.unwrap_or(u32::MAX)))).collect();
        messages.sort_unstable();
        messages.dedup_by_key(|m| m.0);
        Ok(messages)
    }

    /// The raw message; `None` when it is no longer there.
    async fn body(&mut self, uid: u32) -> Result<Option<Vec<u8>>, ImapError> {
        let fetching = async {
            let fetches = self.session.uid_fetch(uid.to_string(), "(UID BODY.PEEK[])").await?;
            fetches.try_collect::<Vec<_>>().await
        };
        let fetches = fatal(self.account, BODY_TIMEOUT, "UID FETCH BODY.PEEK[]", fetching).await?;
        // Unsolicited FETCH responses (flags changed by another client) carry no body.
        Ok(fetches.iter().filter(|f| f.uid == Some(uid)).find_map(|f| f.body().map(<[u8]>::to_vec)))
    }

    /// Moves a message to the processed folder: true when moved, false when it was already
    /// gone (another pass moved it), a refusal otherwise.
    async fn move_to(
        &mut self,
        uid: u32,
        folder: &str,
        can_move: bool,
        uidplus: bool,
    ) -> Result<Result<bool, String>, ImapError> {
        let set = uid.to_string();
        let moved = if can_move {
            command(self.account, COMMAND_TIMEOUT, "UID MOVE", self.session.uid_mv(&set, folder)).await?
        } else {
            self.copy_and_delete(&set, folder, uidplus).await?
        };
        match moved {
            Ok(()) => Ok(Ok(true)),
            Err(reason) => {
                let search = self.session.uid_search(format!("UID {set}"));
                let still_there = fatal(self.account, COMMAND_TIMEOUT, "UID SEARCH", search).await?;
                Ok(if still_there.contains(&uid) { Err(reason) } else { Ok(false) })
            }
        }
    }

    /// Without MOVE: UID COPY, then \Deleted and UID EXPUNGE (plain EXPUNGE without UIDPLUS).
    async fn copy_and_delete(
        &mut self,
        set: &str,
        folder: &str,
        uidplus: bool,
    ) -> Result<Result<(), String>, ImapError> {
        if let Err(reason) =
            command(self.account, COMMAND_TIMEOUT, "UID COPY", self.session.uid_copy(set, folder)).await?
        {
            return Ok(Err(reason));
        }
        let storing = async {
            let fetches = self.session.uid_store(set, "+FLAGS.SILENT (\\Deleted)").await?;
            fetches.try_collect::<Vec<_>>().await.map(|_| ())
        };
        if let Err(reason) = command(self.account, COMMAND_TIMEOUT, "UID STORE", storing).await? {
            return Ok(Err(reason));
        }
        let expunging = async {
            if uidplus {
                let expunged = self.session.uid_expunge(set).await?;
                expunged.try_collect::<Vec<_>>().await.map(|_| ())
            } else {
                let expunged = self.session.expunge().await?;
                expunged.try_collect::<Vec<_>>().await.map(|_| ())
            }
        };
        command(self.account, COMMAND_TIMEOUT, "EXPUNGE", expunging).await
    }

    /// Reads the server's unsolicited news (messages expunged by another pass…), which this
    /// pass does not need, so that they never pile up.
    fn drain_unsolicited(&mut self) {
        while self.session.unsolicited_responses.try_recv().is_ok() {}
    }

    fn folder_error(&self, folder: &str, reason: String) -> ImapError {
        ImapError::Folder { folder: folder.to_string(), reason }
    }
}

/// A command whose refusal (NO, BAD) is an answer for this message, and any other failure
/// (timeout, connection lost) the end of the pass.
async fn command<T>(
    account: &Account,
    limit: Duration,
    during: &str,
    step: impl Future<Output = async_imap::error::Result<T>>,
) -> Result<Result<T, String>, ImapError> {
    match within(account, limit, during, step).await? {
        Ok(value) => Ok(Ok(value)),
        Err(e) => match classify(account, e) {
            Refusal::Refused(reason) => Ok(Err(reason)),
            Refusal::Fatal(error) => Err(error),
        },
    }
}

/// A command that the pass cannot go on without.
async fn fatal<T>(
    account: &Account,
    limit: Duration,
    during: &str,
    step: impl Future<Output = async_imap::error::Result<T>>,
) -> Result<T, ImapError> {
    within(account, limit, during, step).await?.map_err(|e| match classify(account, e) {
        Refusal::Refused(reason) => {
            ImapError::Protocol { host: account.host.clone(), reason: format!("{during} : {reason}") }
        }
        Refusal::Fatal(error) => error,
    })
}

fn classify(account: &Account, error: async_imap::error::Error) -> Refusal {
    match error {
        async_imap::error::Error::No(_) | async_imap::error::Error::Bad(_) => Refusal::Refused(describe(&error)),
        other => Refusal::Fatal(connect::protocol(account, &other)),
    }
}

/// Hands a message to the sink on the blocking pool (the sink writes to the database).
async fn record<S: MessageSink>(sink: &Arc<S>, mailbox: String, raw: Vec<u8>) -> Result<SinkOutcome, SinkError> {
    let sink = sink.clone();
    tokio::task::spawn_blocking(move || sink.record(&mailbox, &raw)).await.map_err(|e| {
        // Never the panic's own message: it may quote the message's content.
        SinkError(
            if e.is_panic() { "enregistrement interrompu par une panique" } else { "enregistrement interrompu" }.into(),
        )
    })?
}
