//! A name search in the list's order of reception (`db::name_walk` on SQLite reads the name
//! index in that order, a chunk at a time): every page, walked forwards then backwards, in
//! both orders, holds exactly the saisines the search's rule finds, in the list's order, after
//! names and reception dates are edited and a duplicate merged.

use chrono::NaiveDate;
use diesel::prelude::*;
use mediation::db::list::{self, ListFilter, Page, SortOrder};
use mediation::db::schema::saisines;
use mediation::domain::search::SearchTerm;
use mediation::domain::text::normalize_key;
use rocket::http::Status;
use serde_json::json;

use crate::support::{connect, SaisineBuilder, TestApp};

const NAMES: [&str; 7] =
    ["Jean Dubois", "Anne Jean-Dubois", "Paul Duboisset", "Marie Martin", "Luc Dubo", "Ref 2026 Dubois", "Zoé Durand"];
const DAYS: [&str; 5] = ["2026-01-05", "2025-11-30", "2026-01-05", "2026-03-29", "2026-06-15"];
const PAGE: i64 = 4;

struct Stored {
    id: i32,
    reference: String,
    received_on: NaiveDate,
    name_key: String,
}

/// What the search's rule finds, in the list's order: each word typed the beginning of a word
/// of the name (on PostgreSQL: part of the name; the names here make both rules agree), or the
/// text the beginning of the reference.
fn expected(app: &TestApp, q: &str, order: SortOrder) -> Vec<String> {
    let rows: Vec<(i32, String, NaiveDate, String)> = saisines::table
        .filter(saisines::merged_into.is_null())
        .select((saisines::id, saisines::reference, saisines::received_on, saisines::name_key))
        .load(&mut connect(&app.dir))
        .unwrap();
    let words = |text: &str| -> Vec<String> {
        normalize_key(text).split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(String::from).collect()
    };
    let typed = words(q);
    let mut found: Vec<Stored> = rows
        .into_iter()
        .map(|(id, reference, received_on, name_key)| Stored { id, reference, received_on, name_key })
        .filter(|s| {
            let by_prefix = typed.iter().all(|w| words(&s.name_key).iter().any(|n| n.starts_with(w.as_str())));
            let by_part = typed.iter().all(|w| s.name_key.contains(w.as_str()));
            assert_eq!(by_prefix, by_part, "the test's names give both rules the same answer: {}", s.name_key);
            (!typed.is_empty() && by_prefix) || s.reference.starts_with(q.trim())
        })
        .collect();
    found.sort_by_key(|s| (s.received_on, s.id));
    if order.descending {
        found.reverse();
    }
    found.into_iter().map(|s| s.reference).collect()
}

fn references(page: &Page) -> Vec<String> {
    page.saisines.iter().map(|s| s.reference.to_string()).collect()
}

/// Every page of the search, forwards to the end, then backwards from there to the start.
fn walked(app: &TestApp, q: &str, order: SortOrder) -> (Vec<String>, Vec<String>) {
    let mut conn = connect(&app.dir);
    let filter = ListFilter { search: Some(SearchTerm::parse(q)), ..ListFilter::default() };
    let mut page = list::page(&mut conn, &filter, order, None, PAGE).unwrap();
    let mut forwards = references(&page);
    while let Some(next) = page.next {
        page = list::page(&mut conn, &filter, order, Some(next), PAGE).unwrap();
        assert!(page.saisines.len() as i64 <= PAGE);
        forwards.extend(references(&page));
    }
    let mut backwards = references(&page);
    while let Some(previous) = page.previous {
        page = list::page_before(&mut conn, &filter, order, previous, PAGE).unwrap();
        backwards.splice(0..0, references(&page));
    }
    (forwards, backwards)
}

#[test]
fn every_page_of_a_name_search_follows_the_list_order_both_ways() {
    let app = TestApp::new();
    let mut created = Vec::new();
    for n in 0..41 {
        let saisine = SaisineBuilder::default().name(NAMES[n % NAMES.len()]).received_on(DAYS[(n * 3) % DAYS.len()]);
        created.push(app.create(&saisine));
    }
    // A name edited and a reception date moved: the index follows both.
    let renamed =
        app.patch_json(&format!("/api/v1/saisines/{}", created[3]), &json!({ "requester_name": "Dubois Marie" }));
    assert_eq!(renamed.status(), Status::Ok);
    let moved = app.patch_json(&format!("/api/v1/saisines/{}", created[0]), &json!({ "received_on": "2025-06-01" }));
    assert_eq!(moved.status(), Status::Ok);
    let unnamed = app.patch_json(&format!("/api/v1/saisines/{}", created[7]), &json!({ "requester_name": "Martin" }));
    assert_eq!(unnamed.status(), Status::Ok);
    // A duplicate merged into another leaves the lists.
    let merged = app.post_form(&format!("/saisines/{}/doublons/{}/fusion", created[1], created[8]), &[]);
    assert_eq!(merged.status(), Status::SeeOther);

    for q in ["dub", "Dubois", "jean dub", "DUBOISSET", "2026-", "2026 dub", "durand", "zzz", "ré"] {
        for order in [SortOrder::NEWEST_FIRST, SortOrder::OLDEST_FIRST] {
            let wanted = expected(&app, q, order);
            let (forwards, backwards) = walked(&app, q, order);
            assert_eq!(forwards, wanted, "{q} {order:?}, forwards");
            assert_eq!(backwards, wanted, "{q} {order:?}, backwards");
        }
    }
    let dubois = expected(&app, "dub", SortOrder::NEWEST_FIRST);
    assert!(dubois.len() > 3 * PAGE as usize, "several pages: {}", dubois.len());
    assert!(dubois.contains(&created[3]) && dubois.contains(&created[0]) && !dubois.contains(&created[8]));
    assert!(!dubois.contains(&created[7]), "the old name is no longer found");
}
