//! Exactly once, whatever happens around a pass: two fetchers at the same time, a fetcher
//! killed between recording a message and moving it.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mediation::imap::fetch_once;
use rocket::tokio;

use super::sink::{key_of, Meeting};
use super::{account, append, block_on, message, messages, options, DbSink};
use crate::support::TestDir;

#[test]
fn two_fetchers_at_once_record_each_message_once() {
    let dir = TestDir::new();
    let account = account("depot-concurrence", "INBOX");
    let raws: Vec<Vec<u8>> = (1..=5).map(|n| message(&format!("concurrence-{n}"), "Deux relèves")).collect();
    for raw in &raws {
        append("depot-concurrence", "INBOX", raw);
    }
    // Both fetchers have listed the mailbox and read its first message before either records:
    // they really work on the same messages at the same time.
    let meeting = Meeting::of(2);
    let first = Arc::new(DbSink::new(&dir).meeting(meeting.clone()));
    let second = Arc::new(DbSink::new(&dir).meeting(meeting));
    let options = options();
    let (a, b) = block_on(async {
        tokio::join!(fetch_once(&account, &options, first.clone()), fetch_once(&account, &options, second))
    });

    for report in [&a, &b] {
        assert!(report.failure.is_none(), "{:?}", report.failure);
        assert_eq!(report.errors, 0, "{report:?}");
        assert!(report.read >= 1, "{report:?}");
    }
    assert_eq!(a.created.len() + b.created.len(), 5, "{a:?} {b:?}");
    assert!(a.already_recorded + b.already_recorded >= 1, "le premier message est lu deux fois : {a:?} {b:?}");
    // A move of a message the other fetcher already moved may be answered OK: counted by both.
    assert!(a.moved + b.moved >= 5, "{a:?} {b:?}");
    assert_eq!(first.recorded().len(), 5);
    assert_eq!(messages("depot-concurrence", "INBOX"), Some(vec![]));
    // Nothing lost. dovecot may carry out both moves of the same message (each session still
    // sees it): the processed folder may then hold it twice, while it is recorded once.
    let mut moved = messages("depot-concurrence", "Traités").expect("dossier des messages traités");
    moved.sort();
    moved.dedup();
    assert!(
        moved == raws,
        "chaque message est rangé, intact : {:?}",
        moved.iter().map(|m| key_of(m)).collect::<Vec<_>>()
    );
}

#[test]
fn a_fetcher_killed_between_recording_and_moving_loses_nothing_and_records_once() {
    let dir = TestDir::new();
    let account = account("depot-interrompu", "INBOX");
    let raw = message("interrompu-1", "Coupure");
    append("depot-interrompu", "INBOX", &raw);

    // The sink records, says so, then holds the fetcher until the test lets it go.
    let (recorded_tx, recorded) = mpsc::channel::<()>();
    let (release, release_rx) = mpsc::channel::<()>();
    let (recorded_tx, release_rx) = (Mutex::new(recorded_tx), Mutex::new(release_rx));
    let held = Arc::new(DbSink::new(&dir).after_record(move || {
        let _ = recorded_tx.lock().expect("signal").send(());
        let _ = release_rx.lock().expect("signal").recv();
    }));
    block_on(async {
        let fetcher = tokio::spawn({
            let (account, held) = (account.clone(), held.clone());
            async move { fetch_once(&account, &options(), held).await }
        });
        tokio::task::spawn_blocking(move || recorded.recv_timeout(Duration::from_secs(300)))
            .await
            .expect("attente")
            .expect("le message est enregistré");
        // Killed here: recorded, not moved. Its connection to the server is gone with it.
        fetcher.abort();
        assert!(fetcher.await.expect_err("relève interrompue").is_cancelled());
        release.send(()).expect("fin de l'enregistrement");
    });
    assert_eq!(held.recorded().len(), 1);
    assert_eq!(messages("depot-interrompu", "INBOX"), Some(vec![raw.clone()]), "le message est resté");

    let sink = Arc::new(DbSink::new(&dir));
    let report = block_on(fetch_once(&account, &options(), sink.clone()));
    assert_eq!((report.read, report.already_recorded, report.created.len(), report.moved), (1, 1, 0, 1), "{report:?}");
    assert_eq!(sink.recorded().len(), 1, "enregistré une seule fois");
    assert_eq!(messages("depot-interrompu", "INBOX"), Some(vec![]));
    assert_eq!(messages("depot-interrompu", "Traités"), Some(vec![raw]));
}
