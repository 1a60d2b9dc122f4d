//! One pass over a mailbox: each message recorded, then moved to « Traités ».

use std::sync::atomic::Ordering;
use std::sync::Arc;

use mediation::imap::{fetch_once, FetchOptions};

use super::{account, append, block_on, folders, message, messages, options, DbSink};
use crate::support::TestDir;

#[test]
fn a_message_is_recorded_then_moved_to_a_processed_folder_created_for_it() {
    let dir = TestDir::new();
    let account = account("depot-simple", "INBOX");
    let raw = message("simple-1", "Contestation =?UTF-8?Q?d=C3=A9cision?= IJ");
    append("depot-simple", "INBOX", &raw);
    assert!(!folders("depot-simple").iter().any(|(name, _)| name == "Traités"), "pas encore de dossier");

    let sink = Arc::new(DbSink::new(&dir));
    let report = block_on(fetch_once(&account, &options(), sink.clone()));

    assert!(report.failure.is_none(), "{:?}\n{}", report.failure, super::dovecot().log());
    assert_eq!((report.read, report.created.len(), report.moved, report.errors), (1, 1, 1, 0), "{report:?}");
    assert_eq!(report.created, vec!["simple-1@exemple.fr".to_string()]);
    assert_eq!(messages("depot-simple", "INBOX"), Some(vec![]), "la boîte de réception est vide");
    assert_eq!(messages("depot-simple", "Traités"), Some(vec![raw.clone()]), "le message est rangé, intact");
    // The folder's name on the server is IMAP's modified UTF-7.
    assert!(folders("depot-simple").contains(&("Traités".to_string(), "Trait&AOk-s".to_string())));
    let recorded = sink.recorded();
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].1, "depot-simple@127.0.0.1/INBOX");
    assert_eq!(recorded[0].2, raw.len() as i64, "enregistré octet pour octet, CRLF compris");
    assert!(report.summary().contains("1 message(s) lu(s) : 1 saisine(s) créée(s)"), "{}", report.summary());

    // Nothing more to do on the next pass.
    let again = block_on(fetch_once(&account, &options(), sink.clone()));
    assert!(again.is_idle(), "{again:?}");
    assert_eq!(sink.recorded().len(), 1);
}

#[test]
fn the_same_message_delivered_twice_is_recorded_once() {
    let dir = TestDir::new();
    let account = account("depot-double", "INBOX");
    let raw = message("double-1", "Relance");
    append("depot-double", "INBOX", &raw);
    append("depot-double", "INBOX", &raw);

    let sink = Arc::new(DbSink::new(&dir));
    let report = block_on(fetch_once(&account, &options(), sink.clone()));
    assert_eq!((report.read, report.created.len(), report.already_recorded, report.moved), (2, 1, 1, 2), "{report:?}");
    // Delivered a third time, later: still one record.
    append("depot-double", "INBOX", &raw);
    let later = block_on(fetch_once(&account, &options(), sink.clone()));
    assert_eq!((later.read, later.already_recorded, later.moved), (1, 1, 1), "{later:?}");
    assert_eq!(sink.recorded().len(), 1);
    assert_eq!(messages("depot-double", "INBOX"), Some(vec![]));
    assert_eq!(messages("depot-double", "Traités").map(|m| m.len()), Some(3));
}

#[test]
fn a_message_the_sink_cannot_record_stays_for_the_next_pass() {
    let dir = TestDir::new();
    let account = account("depot-panne", "INBOX");
    let (first, second) = (message("panne-1", "Premier"), message("panne-2", "Second"));
    append("depot-panne", "INBOX", &first);
    append("depot-panne", "INBOX", &second);

    let sink = Arc::new(DbSink::new(&dir));
    sink.failing.store(true, Ordering::SeqCst);
    let failed = block_on(fetch_once(&account, &options(), sink.clone()));
    assert!(failed.failure.is_none(), "une erreur d'enregistrement n'arrête pas la relève");
    assert_eq!((failed.read, failed.errors, failed.moved), (2, 2, 0), "{failed:?}");
    assert_eq!(messages("depot-panne", "INBOX"), Some(vec![first.clone(), second.clone()]));

    sink.failing.store(false, Ordering::SeqCst);
    let report = block_on(fetch_once(&account, &options(), sink.clone()));
    assert_eq!((report.created.len(), report.moved, report.errors), (2, 2, 0), "{report:?}");
    assert_eq!(messages("depot-panne", "Traités"), Some(vec![first, second]), "dans l'ordre d'arrivée");
}

#[test]
fn a_message_over_the_size_bound_stays_in_the_mailbox_and_is_reported() {
    let dir = TestDir::new();
    let account = account("depot-volume", "INBOX");
    let small = message("volume-1", "Court");
    let mut large = message("volume-2", "Long");
    large.extend(b"Une ligne de texte pour grossir le message.\r\n".repeat(100));
    append("depot-volume", "INBOX", &large);
    append("depot-volume", "INBOX", &small);

    let options = FetchOptions { max_message_bytes: 2_000, ..options() };
    let sink = Arc::new(DbSink::new(&dir));
    let report = block_on(fetch_once(&account, &options, sink.clone()));
    assert_eq!((report.too_large, report.read, report.created.len(), report.moved), (1, 1, 1, 1), "{report:?}");
    assert!(report.summary().contains("1 trop volumineux, laissé(s) dans la boîte"), "{}", report.summary());
    assert_eq!(messages("depot-volume", "INBOX"), Some(vec![large]));
    assert_eq!(sink.recorded().len(), 1);
}

#[test]
fn without_move_messages_are_copied_then_expunged() {
    let dir = TestDir::new();
    let account = account("depot-copie", "INBOX");
    let raws: Vec<Vec<u8>> = (1..=3).map(|n| message(&format!("copie-{n}"), "Sans MOVE")).collect();
    for raw in &raws {
        append("depot-copie", "INBOX", raw);
    }
    let options = FetchOptions { allow_move: false, ..options() };
    let sink = Arc::new(DbSink::new(&dir));
    let report = block_on(fetch_once(&account, &options, sink.clone()));
    assert_eq!((report.created.len(), report.moved, report.errors), (3, 3, 0), "{report:?}");
    assert_eq!(messages("depot-copie", "INBOX"), Some(vec![]));
    assert_eq!(messages("depot-copie", "Traités"), Some(raws));
}

#[test]
fn a_mailbox_and_a_processed_folder_with_french_names() {
    let dir = TestDir::new();
    let account = account("depot-generique", "Boîte générique");
    assert_eq!(account.mailbox, "Boîte générique");
    let raw = message("generique-1", "Signalement partenaire");
    append("depot-generique", "Boîte générique", &raw);
    append("depot-generique", "INBOX", &message("ailleurs-1", "Pas relevé"));

    let options = FetchOptions::new("Déjà traités — médiation");
    let sink = Arc::new(DbSink::new(&dir));
    let report = block_on(fetch_once(&account, &options, sink.clone()));
    assert_eq!((report.created.len(), report.moved), (1, 1), "{report:?}");
    assert_eq!(report.mailbox, "depot-generique@127.0.0.1/Boîte générique");
    assert_eq!(messages("depot-generique", "Boîte générique"), Some(vec![]));
    assert_eq!(messages("depot-generique", "Déjà traités — médiation"), Some(vec![raw]));
    assert_eq!(messages("depot-generique", "INBOX").map(|m| m.len()), Some(1), "l'autre boîte n'est pas touchée");
    assert_eq!(sink.recorded()[0].1, "depot-generique@127.0.0.1/Boîte générique");
}

#[test]
fn an_empty_mailbox_is_a_quiet_pass() {
    let dir = TestDir::new();
    let account = account("depot-vide", "INBOX");
    let report = block_on(fetch_once(&account, &options(), Arc::new(DbSink::new(&dir))));
    assert!(report.is_idle(), "{report:?}");
}
