//! Every sort of the list, both directions, walked page by page forwards and then backwards
//! over random saisines (ties on every column, saisines without a due date, never late or not
//! closed): each saisine exactly once, in the order the sort promises, the pages the same both
//! ways. And each sort is read from an index on both backends.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use proptest::prelude::*;
use rocket::http::Status;
use serde_json::{json, Value};

use mediation::db::schema::saisines;

use crate::support::{connect, SaisineBuilder, TestApp, TestDir};

type Key = fn(&Stored) -> Option<NaiveDateTime>;

#[derive(Debug, Queryable)]
struct Stored {
    id: i32,
    reference: String,
    received_on: NaiveDate,
    next_due_on: Option<NaiveDate>,
    late_from: Option<NaiveDate>,
    closed_on: Option<NaiveDate>,
    updated_at: NaiveDateTime,
}

fn day(date: Option<NaiveDate>) -> Option<NaiveDateTime> {
    date.and_then(|d| d.and_hms_opt(0, 0, 0))
}

/// Every code, the column it reads, and whether it reads it descending.
const SORTS: [(&str, Key, bool); 12] = [
    ("desc", |s| day(Some(s.received_on)), true),
    ("asc", |s| day(Some(s.received_on)), false),
    ("age_desc", |s| day(Some(s.received_on)), false),
    ("age_asc", |s| day(Some(s.received_on)), true),
    ("echeance_asc", |s| day(s.next_due_on), false),
    ("echeance_desc", |s| day(s.next_due_on), true),
    ("retard_asc", |s| day(s.late_from), false),
    ("retard_desc", |s| day(s.late_from), true),
    ("cloture_asc", |s| day(s.closed_on), false),
    ("cloture_desc", |s| day(s.closed_on), true),
    ("modification_asc", |s| Some(s.updated_at), false),
    ("modification_desc", |s| Some(s.updated_at), true),
];

/// The order a sort promises: the rows with a value by (value, id), then the others by id.
fn expected(rows: &[Stored], key: Key, descending: bool) -> Vec<String> {
    let mut keyed: Vec<(NaiveDateTime, i32, &str)> =
        rows.iter().filter_map(|r| key(r).map(|k| (k, r.id, r.reference.as_str()))).collect();
    let mut others: Vec<(i32, &str)> =
        rows.iter().filter(|r| key(r).is_none()).map(|r| (r.id, r.reference.as_str())).collect();
    keyed.sort();
    others.sort();
    if descending {
        keyed.reverse();
        others.reverse();
    }
    keyed.into_iter().map(|(_, _, r)| r.to_string()).chain(others.into_iter().map(|(_, r)| r.to_string())).collect()
}

fn references(body: &Value) -> Vec<String> {
    body["items"].as_array().expect("items").iter().map(|i| i["reference"].as_str().unwrap_or("").to_string()).collect()
}

/// One saisine of the data set: its reception day, what happened to it, and whether the clock
/// moved before (ties on the last change otherwise).
fn record(app: &TestApp, (received, fate, tick): (usize, u8, u8)) {
    const DAYS: [&str; 4] = ["2026-05-04", "2026-05-20", "2026-06-01", "2026-06-10"];
    if tick % 3 == 0 {
        app.clock.advance(chrono::Duration::milliseconds(1_500));
    }
    let reference = app.create(&SaisineBuilder::default().received_on(DAYS[received % DAYS.len()]));
    match fate % 4 {
        0 => {}
        1 => {
            app.step(&reference, "prise-en-charge", json!({}));
        }
        2 => {
            app.step(&reference, "prise-en-charge", json!({}));
            app.step(&reference, "cloture", json!({"outcome": "explications", "summary": "Expliqué."}));
        }
        _ => {
            app.step(&reference, "prise-en-charge", json!({}));
            app.step(&reference, "demande-pieces", json!({"description": "RIB", "due_on": "2026-07-01"}));
        }
    }
}

/// The pages of a sort, forwards, then checked backwards from the last one.
fn walk(app: &TestApp, sort: &str, limit: usize) -> Vec<String> {
    let url = |extra: String| format!("/api/v1/saisines?sort={sort}&limit={limit}{extra}");
    let mut pages: Vec<Vec<String>> = Vec::new();
    let (status, mut body) = app.get_json(&url(String::new()));
    assert_eq!(status, Status::Ok, "{sort}: {body}");
    assert!(body["previous_cursor"].is_null(), "{sort}: nothing before the first page");
    loop {
        pages.push(references(&body));
        let Some(next) = body["next_cursor"].as_str().map(str::to_string) else { break };
        body = app.get_json(&url(format!("&after={next}"))).1;
    }
    for n in (0..pages.len().saturating_sub(1)).rev() {
        let before =
            body["previous_cursor"].as_str().unwrap_or_else(|| panic!("{sort}: a page before page {n}")).to_string();
        body = app.get_json(&url(format!("&before={before}"))).1;
        assert_eq!(references(&body), pages[n], "{sort}: page {n} walking back");
    }
    assert!(body["previous_cursor"].is_null(), "{sort}: back on the first page");
    pages.concat()
}

fn stored(app: &TestApp) -> Vec<Stored> {
    saisines::table
        .select((
            saisines::id,
            saisines::reference,
            saisines::received_on,
            saisines::next_due_on,
            saisines::late_from,
            saisines::closed_on,
            saisines::updated_at,
        ))
        .load(&mut connect(&app.dir))
        .expect("saisines")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_sort_pages_through_every_saisine_once_in_order_both_ways(
        saisines in proptest::collection::vec((0usize..4, 0u8..4, 0u8..3), 8..18),
        limit in 2usize..5,
    ) {
        let app = TestApp::new();
        for saisine in &saisines {
            record(&app, *saisine);
        }
        let rows = stored(&app);
        prop_assert_eq!(rows.len(), saisines.len());
        for (sort, key, descending) in SORTS {
            let walked = walk(&app, sort, limit);
            prop_assert_eq!(&walked, &expected(&rows, key, descending), "{}", sort);
        }
    }
}

#[test]
fn the_list_page_pages_each_sort_with_its_own_cursor() {
    let app = TestApp::new();
    for n in 0..5 {
        record(&app, (n, (n % 4) as u8, 0));
    }
    for (sort, _, _) in SORTS {
        let first = app.browser.page(&format!("/saisines?sort={sort}"));
        assert!(first.contains(&format!(r#"<option value="{sort}" selected>"#)), "{sort}: the sort menu says so");
    }
    // A cursor of another sort is refused, not misread.
    let page = app.get("/saisines?sort=modification_desc&after=2026-06-01.3");
    assert_eq!(page.status(), Status::UnprocessableEntity);
    let (status, _) = app.get_json("/api/v1/saisines?sort=echeance_asc&after=~.2");
    assert_eq!(status, Status::Ok, "a cursor on a saisine without a due date");
    let (status, body) = app.get_json("/api/v1/saisines?sort=plus_vieilles");
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(body.to_string().contains("echeance_asc"), "the known codes are listed: {body}");
}

/// The SQL of each run of each sort, as `db::list_sort` writes it, with a cursor.
fn runs(column: &str, nullable: bool) -> Vec<String> {
    let mut queries = Vec::new();
    for (dir, cmp) in [("ASC", ">"), ("DESC", "<")] {
        let order = format!("ORDER BY {column} {dir}, id {dir} LIMIT 51");
        let value = if column == "updated_at" { "'2026-06-01 10:00:00'" } else { "'2026-06-01'" };
        let le = if cmp == ">" { ">=" } else { "<=" };
        queries.push(format!(
            "SELECT * FROM saisines WHERE {column} {le} {value} AND ({column} {cmp} {value} OR id {cmp} 12) {order}"
        ));
        if nullable {
            queries.push(format!("SELECT * FROM saisines WHERE {column} IS NOT NULL {order}"));
            queries.push(format!("SELECT * FROM saisines WHERE {column} IS NULL AND id {cmp} 12 {order}"));
        } else {
            queries.push(format!("SELECT * FROM saisines {order}"));
        }
    }
    queries
}

/// Each column, and the indexes that serve it (SQLite may prefer the partial index on the late
/// day for the keyed run: its entries end with the id too).
const COLUMNS: [(&str, bool, &[&str]); 5] = [
    ("received_on", false, &["saisines_by_date"]),
    ("next_due_on", true, &["saisines_by_next_due"]),
    ("late_from", true, &["saisines_by_late_from", "saisines_late"]),
    ("closed_on", true, &["saisines_by_closed_on"]),
    ("updated_at", false, &["saisines_by_updated_at"]),
];

#[test]
fn each_sort_is_read_from_its_index_without_sorting() {
    #[derive(QueryableByName)]
    struct SqliteStep {
        #[diesel(sql_type = diesel::sql_types::Text)]
        detail: String,
    }
    #[derive(QueryableByName)]
    struct PgStep {
        #[diesel(sql_type = diesel::sql_types::Text, column_name = "QUERY PLAN")]
        line: String,
    }
    let dir = TestDir::new();
    let mut conn = connect(&dir);
    for (column, nullable, indexes) in COLUMNS {
        for query in runs(column, nullable) {
            let plan = match &mut conn {
                mediation::db::DbConn::Sqlite(c) => diesel::sql_query(format!("EXPLAIN QUERY PLAN {query}"))
                    .load::<SqliteStep>(c)
                    .expect("plan")
                    .into_iter()
                    .map(|s| s.detail)
                    .collect::<Vec<_>>()
                    .join(" | "),
                mediation::db::DbConn::Postgresql(c) => {
                    // An empty table: forbid the plans a bigger one would not choose.
                    diesel::sql_query("SET enable_seqscan = off").execute(c).expect("set");
                    diesel::sql_query("SET enable_sort = off").execute(c).expect("set");
                    diesel::sql_query(format!("EXPLAIN {query}"))
                        .load::<PgStep>(c)
                        .expect("plan")
                        .into_iter()
                        .map(|s| s.line)
                        .collect::<Vec<_>>()
                        .join(" | ")
                }
            };
            let plan = format!("{plan} ");
            assert!(indexes.iter().any(|index| plan.contains(&format!("{index} "))), "{query}: {plan}");
            assert!(!plan.contains("TEMP B-TREE") && !plan.contains("Sort "), "{query}: {plan}");
        }
    }
}
