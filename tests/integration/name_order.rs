//! A name search in the list's order of reception (`db::name_walk` on SQLite reads the name
//! index in that order, a chunk at a time): every page, walked forwards then backwards, in
//! both orders, holds exactly the saisines the search's rule finds, in the list's order, after
//! names and reception dates are edited and a duplicate merged.

use chrono::NaiveDate;
use diesel::prelude::*;
use mediation::db::list::{self, ListFilter, Page, SortKey, SortOrder};
use mediation::db::schema::saisines;
use mediation::domain::search::SearchTerm;
use mediation::domain::text::normalize_key;
use proptest::prelude::*;
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

/// Every page of a list, forwards, in `order`.
fn all_pages(app: &TestApp, filter: &ListFilter, order: SortOrder) -> Vec<String> {
    let mut conn = connect(&app.dir);
    let mut page = list::page(&mut conn, filter, order, None, PAGE).unwrap();
    let mut all = references(&page);
    while let Some(next) = page.next {
        page = list::page(&mut conn, filter, order, Some(next), PAGE).unwrap();
        all.extend(references(&page));
    }
    all
}

/// Names with what people's names hold: accents, ligatures, apostrophes, hyphens, letters
/// outside Latin-1, digits.
const ODD_NAMES: [&str; 8] = [
    "Søren Łukasz-Ünal",
    "Jean Bœuf",
    "Anne-Laure D'Arc",
    "Zoé Lefèvre",
    "Ève Dubois",
    "Ref 2026 Dubois",
    "Ōe Kenzaburō",
    "Dubois-Dubosc Jean",
];

/// Whatever is typed (multi-byte characters, NUL, FTS syntax), the search answers, and the walk
/// in the list's order through the name index (`name_walk`) finds exactly what another order
/// finds through the same index by id, each saisine once, in order, and as many as the count
/// says (a property over typed texts, on one database of odd names).
#[test]
fn whatever_is_typed_the_ordered_walk_finds_what_the_count_and_other_orders_find() {
    let app = TestApp::new();
    for n in 0..48 {
        let saisine =
            SaisineBuilder::default().name(ODD_NAMES[n % ODD_NAMES.len()]).received_on(DAYS[(n * 2) % DAYS.len()]);
        app.create(&saisine);
    }
    let typed = prop_oneof![
        "[a-zA-Zœøł'\\- ]{0,12}",
        prop::sample::select(vec!["dub", "dubois jean", "d'arc", "łu", "oe", "kenz", "2026-", "\"*", "ar", "ÈVE"])
            .prop_map(String::from),
        prop::collection::vec(any::<char>(), 0..12).prop_map(String::from_iter),
    ];
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig { cases: 48, ..ProptestConfig::default() });
    runner
        .run(&(typed, prop::option::of(prop::sample::select(vec![2025, 2026]))), |(q, year)| {
            // A year keeps a fifth of the matches or four: the walk reads the index past
            // chunks whose saisines the filter leaves out.
            let filter = ListFilter { search: Some(SearchTerm::parse(&q)), year, ..ListFilter::default() };
            let newest = all_pages(&app, &filter, SortOrder::NEWEST_FIRST);
            let mut by_update = all_pages(&app, &filter, SortOrder { key: SortKey::Updated, descending: true });
            let mut sorted = newest.clone();
            sorted.sort();
            sorted.dedup();
            prop_assert_eq!(sorted.len(), newest.len(), "each saisine once: {:?}", newest);
            by_update.sort();
            prop_assert_eq!(&sorted, &by_update);
            let total = list::count_up_to(&mut connect(&app.dir), &filter).unwrap();
            prop_assert_eq!(total.count as usize, newest.len());
            let mut oldest = all_pages(&app, &filter, SortOrder::OLDEST_FIRST);
            oldest.reverse();
            prop_assert_eq!(oldest, newest);
            Ok(())
        })
        .unwrap();
    let dub = ListFilter { search: Some(SearchTerm::parse("dub")), ..ListFilter::default() };
    assert_eq!(
        all_pages(&app, &dub, SortOrder::NEWEST_FIRST).len(),
        18,
        "Ève Dubois, Ref 2026 Dubois, Dubois-Dubosc Jean"
    );
}
