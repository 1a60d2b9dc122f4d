//! Lists at depth: the count stops at 10,000, pages go back as well as forward by keyset,
//! and the name search goes through its index.

use std::collections::BTreeSet;

use rocket::http::Status;
use serde_json::Value;

use crate::support::{connect, SaisineBuilder, TestApp};

fn references(body: &Value) -> Vec<String> {
    body["items"].as_array().unwrap().iter().map(|i| i["reference"].as_str().unwrap().to_string()).collect()
}

#[test]
fn beyond_ten_thousand_the_count_says_so() {
    let app = TestApp::new();
    // 20,057 Martin: more than PostgreSQL's name lookups take (`name_walk::pg_condition`).
    crate::perf_data::load(&mut connect(&app.dir), 23_400);
    let (status, body) = app.get_json("/api/v1/saisines?limit=5");
    assert_eq!(status, Status::Ok);
    assert_eq!((body["total"].as_i64(), body["total_exact"].as_bool()), (Some(10_000), Some(false)));
    let page = app.browser.page("/saisines");
    assert!(page.contains("Plus de 10 000 saisines"), "{page}");
    // A narrower filter is counted exactly.
    let (_, narrow) = app.get_json("/api/v1/saisines?q=lefevre&limit=5");
    assert_eq!((narrow["total"].as_i64(), narrow["total_exact"].as_bool()), (Some(3_343), Some(true)));
    // A name too common to be looked up match by match is counted up to the bound all the same,
    // and so is the same name among fewer saisines.
    let (_, common) = app.get_json("/api/v1/saisines?q=martin&limit=5&sort=modification");
    assert_eq!((common["total"].as_i64(), common["total_exact"].as_bool()), (Some(10_000), Some(false)));
    assert_eq!(references(&common).len(), 5);
    let (_, year) = app.get_json("/api/v1/saisines?q=martin&year=2025&limit=5");
    assert_eq!((year["total"].as_i64(), year["total_exact"].as_bool()), (Some(2_190), Some(true)));
}

#[test]
fn the_previous_page_is_the_page_before_both_ways() {
    let app = TestApp::new();
    crate::perf_data::load(&mut connect(&app.dir), 23);
    for sort in ["desc", "asc"] {
        let mut pages = Vec::new();
        let (_, mut body) = app.get_json(&format!("/api/v1/saisines?sort={sort}&limit=5"));
        assert!(body["previous_cursor"].is_null(), "the first page has none before it");
        loop {
            pages.push(references(&body));
            let Some(next) = body["next_cursor"].as_str().map(str::to_string) else { break };
            body = app.get_json(&format!("/api/v1/saisines?sort={sort}&limit=5&after={next}")).1;
        }
        assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [5, 5, 5, 5, 3]);
        // Back from the last page, page by page, to the first.
        for n in (0..pages.len() - 1).rev() {
            let before = body["previous_cursor"].as_str().expect("a page before").to_string();
            body = app.get_json(&format!("/api/v1/saisines?sort={sort}&limit=5&before={before}")).1;
            assert_eq!(references(&body), pages[n], "{sort}, page {n}");
        }
        assert!(body["previous_cursor"].is_null());
    }
    let second = app.browser.page("/saisines?after=2025-01-03.20");
    assert!(second.contains("Page précédente") && second.contains("rel=\"prev\""), "{second}");
    assert!(!app.browser.page("/saisines").contains("Page précédente"));
}

#[test]
fn a_name_is_found_by_the_beginning_of_any_of_its_words() {
    let app = TestApp::new();
    let zoe = app.create(&SaisineBuilder::default().name("Zoé L'Hôte-Lefèvre"));
    let other = app.create(&SaisineBuilder::default().name("Marc Lefebvre"));
    let found = |q: &str| -> BTreeSet<String> {
        let (status, body) = app.get_json(&format!("/api/v1/saisines?q={q}"));
        assert_eq!(status, Status::Ok, "{q}");
        references(&body).into_iter().collect()
    };
    assert_eq!(found("lef"), BTreeSet::from([zoe.clone(), other.clone()]));
    assert_eq!(found("LEFEVRE"), BTreeSet::from([zoe.clone()]));
    assert_eq!(found("hote"), BTreeSet::from([zoe.clone()]));
    assert_eq!(found("zo%C3%A9%20lef"), BTreeSet::from([zoe.clone()]));
    assert_eq!(found("marc%20lefebvre"), BTreeSet::from([other.clone()]));
    assert!(found("%22%2A").is_empty(), "quotes and stars typed are not FTS syntax");
    // An edited name is searched under its new words.
    let patched =
        app.patch_json(&format!("/api/v1/saisines/{other}"), &serde_json::json!({ "requester_name": "Marc Durand" }));
    assert_eq!(patched.status(), Status::Ok);
    assert_eq!(found("lef"), BTreeSet::from([zoe]));
    assert_eq!(found("durand"), BTreeSet::from([other]));
}

#[test]
fn the_name_search_and_the_count_use_indexes_on_sqlite() {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Step {
        #[diesel(sql_type = diesel::sql_types::Text)]
        detail: String,
    }
    let dir = crate::support::TestDir::sqlite();
    let mediation::db::DbConn::Sqlite(mut conn) = connect(&dir) else { unreachable!() };
    let mut plan = |sql: &str| -> String {
        diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
            .load::<Step>(&mut conn)
            .unwrap()
            .into_iter()
            .map(|s| s.detail)
            .collect::<Vec<_>>()
            .join(" | ")
    };
    let by_name = plan(
        "SELECT id FROM saisines WHERE saisines.id IN (SELECT rowid & 4294967295 FROM saisine_names WHERE saisine_names MATCH '\"lef\"*') \
         OR (reference >= 'lef' AND reference <= 'lef\u{10FFFF}') ORDER BY received_on DESC, id DESC LIMIT 51",
    );
    assert!(by_name.contains("VIRTUAL TABLE INDEX") && !by_name.contains("SCAN saisines "), "{by_name}");
    // In the list's order (`name_walk`): the index gives its matches newest first past a place,
    // and the page stops there; no sort of every match.
    let in_order = plan(
        "SELECT rowid FROM saisine_names WHERE saisine_names MATCH '\"lef\"*' AND rowid < 10567450892173312 \
         ORDER BY rowid DESC LIMIT 52",
    );
    assert!(in_order.contains("VIRTUAL TABLE INDEX") && !in_order.contains("TEMP B-TREE"), "{in_order}");
    let page = plan(
        "SELECT id FROM saisines WHERE merged_into IS NULL AND anonymised_at IS NULL AND id IN (5, 6, 7, 8) \
         AND received_on <= '2026-06-15' ORDER BY received_on DESC, id DESC LIMIT 26",
    );
    assert!(page.contains("INTEGER PRIMARY KEY") && !page.contains("SCAN"), "{page}");
}

/// The plan of a query on the test's backend, as one line: SQLite's `EXPLAIN QUERY PLAN`, or
/// PostgreSQL's `EXPLAIN` with sequential scans priced out (a small test table would otherwise
/// be read whole whatever its indexes: what is checked is that an index can serve the query).
fn plan_of(conn: &mut mediation::db::DbConn, sql: &str) -> String {
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Detail {
        #[diesel(sql_type = diesel::sql_types::Text)]
        detail: String,
    }
    #[derive(QueryableByName)]
    struct Line {
        #[diesel(sql_type = diesel::sql_types::Text, column_name = "QUERY PLAN")]
        line: String,
    }
    match conn {
        mediation::db::DbConn::Sqlite(c) => diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
            .load::<Detail>(c)
            .unwrap()
            .into_iter()
            .map(|s| s.detail)
            .collect::<Vec<_>>()
            .join(" | "),
        mediation::db::DbConn::Postgresql(c) => {
            c.batch_execute("ANALYZE saisines; SET enable_seqscan = off").unwrap();
            diesel::sql_query(format!("EXPLAIN {sql}"))
                .load::<Line>(c)
                .unwrap()
                .into_iter()
                .map(|l| l.line)
                .collect::<Vec<_>>()
                .join(" | ")
        }
    }
}

#[test]
fn a_reference_number_without_its_year_is_found_through_an_index() {
    let app = TestApp::new();
    let mut conn = connect(&app.dir);
    crate::perf_data::load(&mut conn, 2_000);
    app.create(&SaisineBuilder::default().received_on("2026-01-05").name("Chloé Quarante"));
    let found = |q: &str| -> BTreeSet<String> {
        let (status, body) = app.get_json(&format!("/api/v1/saisines?q={q}&limit=100"));
        assert_eq!(status, Status::Ok, "{q}");
        references(&body).into_iter().collect()
    };
    let forty_two = BTreeSet::from(["2025-0042".to_string()]);
    assert_eq!(found("42"), forty_two);
    assert_eq!(found("0042"), forty_two);
    assert_eq!(found("%200042%20"), forty_two, "spaces around are ignored");
    assert_eq!(found("1"), BTreeSet::from(["2025-0001".to_string(), "2026-0001".to_string()]));
    assert_eq!(found("1999"), BTreeSet::from(["2025-1999".to_string()]));
    assert!(found("2001").is_empty(), "2,000 saisines in 2025: no number 2001");
    // The condition the list writes for a bare number, alone and within the search's OR.
    let alone = plan_of(&mut conn, "SELECT id FROM saisines WHERE substr(saisines.reference, 6) = '0042'");
    let within = if app.dir.is_postgres() {
        plan_of(
            &mut conn,
            "SELECT id FROM saisines WHERE anonymised_at IS NULL AND (reference LIKE '42%' \
             OR substr(saisines.reference, 6) = '0042') ORDER BY received_on DESC, id DESC LIMIT 51",
        )
    } else {
        plan_of(
            &mut conn,
            "SELECT id FROM saisines WHERE anonymised_at IS NULL AND ((reference >= '42' AND reference <= '42\u{10FFFF}') \
             OR substr(saisines.reference, 6) = '0042') ORDER BY received_on DESC, id DESC LIMIT 51",
        )
    };
    for plan in [alone, within] {
        assert!(plan.contains("saisines_reference_number"), "{plan}");
        assert!(!plan.contains("SCAN saisines ") && !plan.contains("Seq Scan"), "{plan}");
    }
}

#[test]
fn the_years_of_the_list_read_the_two_ends_of_the_date_index() {
    let app = TestApp::new();
    let mut conn = connect(&app.dir);
    crate::perf_data::load(&mut conn, 300);
    app.create(&SaisineBuilder::default().received_on("2023-03-01"));
    app.create(&SaisineBuilder::default().received_on("2026-01-05"));
    let years = mediation::db::list::years(&mut conn).unwrap();
    assert_eq!(years.first(), Some(&2026), "{years:?}");
    assert_eq!(years.last(), Some(&2023), "{years:?}");
    assert!(years.windows(2).all(|w| w[0] == w[1] + 1), "every year between, newest first: {years:?}");
    // As `received_bounds` asks them: one end of `saisines_by_date` each, not the whole table
    // (both aggregates in one query read every row: a quarter of a second at 1,000,000).
    for sql in ["SELECT min(received_on) FROM saisines", "SELECT max(received_on) FROM saisines"] {
        let plan = plan_of(&mut conn, sql);
        if app.dir.is_postgres() {
            assert!(plan.contains("Limit") && plan.contains("Index Only Scan"), "{sql}: {plan}");
        } else {
            assert!(plan.contains("SEARCH saisines USING COVERING INDEX"), "{sql}: {plan}");
        }
    }
}

#[test]
fn the_start_finds_missing_search_keys_through_a_partial_index() {
    let app = TestApp::new();
    let mut conn = connect(&app.dir);
    crate::perf_data::load(&mut conn, 300);
    // The query of `search_keys::backfill`, run at every start.
    let sql = format!(
        "SELECT saisines.id FROM saisines WHERE saisines.id > 0 AND {} ORDER BY saisines.id LIMIT 500",
        mediation::db::search_keys::KEYS_MISSING
    );
    let plan = plan_of(&mut conn, &sql);
    assert!(plan.contains("saisines_keys_missing"), "{plan}");
    assert!(!plan.contains("SCAN saisines") && !plan.contains("Seq Scan"), "{plan}");
}

/// The queue page's late run, on a database where nearly every saisine is closed (no deadline
/// stored): PostgreSQL's planner multiplies the deadline columns' fractions as if they were
/// independent, expects no late saisine and would read them all to sort them on each page.
/// `in_index_order` makes it walk the order index; SQLite walks it by itself.
#[test]
fn the_queue_page_walks_its_order_index_where_the_planner_expects_nothing() {
    use diesel::connection::SimpleConnection;
    use mediation::db::connection::in_index_order;
    let app = TestApp::new();
    let mut conn = connect(&app.dir);
    crate::perf_data::load(&mut conn, 2_000);
    mediation::db::schedule::refresh_stale(&mut conn).expect("échéances");
    // The archives: 49 saisines in 50 closed, as after years of a deployment.
    conn.batch_execute(
        "UPDATE saisines SET queue_from = NULL, late_from = NULL, next_due_on = NULL WHERE id % 50 <> 0",
    )
    .expect("archives");
    let sql = "SELECT id FROM saisines WHERE queue_from <= '2026-12-05' AND COALESCE(saisines.assigned_to, 1) = 1 \
               AND late_from <= '2026-12-05' ORDER BY next_due_on ASC, reference ASC LIMIT 50 OFFSET 0";
    let walked = in_index_order(&mut conn, |c| Ok(plan_of(c, sql))).expect("plan");
    let sorted = |plan: &str| plan.contains("Sort") || plan.contains("TEMP B-TREE");
    assert!(walked.contains("saisines_queue_order") && !sorted(&walked), "{walked}");
    if app.dir.is_postgres() {
        // The trap is real: left to itself, the planner sorts.
        let planned = plan_of(&mut conn, sql);
        assert!(sorted(&planned), "{planned}");
        // And the setting does not outlive the reads it was for, even inside a transaction.
        let after = mediation::db::pool::read_snapshot(&mut conn, |c| {
            in_index_order(c, |_| Ok(()))?;
            Ok(setting(c))
        })
        .expect("lecture");
        assert_eq!(after, "on");
    }
}

fn setting(conn: &mut mediation::db::DbConn) -> String {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Value {
        #[diesel(sql_type = diesel::sql_types::Text)]
        value: String,
    }
    diesel::sql_query("SELECT current_setting('enable_sort') AS value")
        .get_result::<Value>(conn)
        .expect("réglage")
        .value
}

/// Past a cursor, a page is one range of the index `(received_on, id)`: the row-value comparison
/// the walk writes (`list_sort::run`). PostgreSQL bounded only the date with the earlier
/// `received_on <= d AND (received_on < d OR id < i)`, and read every row of the cursor's day.
#[test]
fn past_a_cursor_a_page_is_one_range_of_the_date_index() {
    let app = TestApp::new();
    let mut conn = connect(&app.dir);
    crate::perf_data::load(&mut conn, 300);
    let plan = plan_of(
        &mut conn,
        "SELECT id FROM saisines WHERE merged_into IS NULL AND (saisines.received_on, saisines.id) < ('2025-01-20', 120) \
         ORDER BY received_on DESC, id DESC LIMIT 26",
    );
    if app.dir.is_postgres() {
        assert!(plan.contains("Index Cond: (ROW(received_on, id) < ROW("), "{plan}");
    } else {
        assert!(plan.contains("saisines_by_date") && !plan.contains("TEMP B-TREE"), "{plan}");
    }
}

/// The look-ups by NIR and by e-mail key (the list's and the person page's filters, the
/// duplicates' look-ups) once their plain indexes were dropped as redundant: each is served by
/// its partial index of the duplicates, whose `IS NOT NULL` the equality implies.
#[test]
fn identity_look_ups_use_the_partial_indexes_of_the_duplicates() {
    let app = TestApp::new();
    let mut conn = connect(&app.dir);
    crate::perf_data::load(&mut conn, 300);
    let cases = [
        ("SELECT id FROM saisines WHERE nir = '185057800608491' ORDER BY received_on DESC, id DESC LIMIT 50", "nir"),
        ("SELECT id FROM saisines WHERE email_key = 'a@exemple.fr' ORDER BY received_on DESC LIMIT 50", "email"),
        (
            "SELECT id, received_on FROM saisines WHERE received_on BETWEEN '2000-01-01' AND '2099-12-31' \
             AND anonymised_at IS NULL AND email_key IN ('a@exemple.fr', 'b@exemple.fr')",
            "email",
        ),
        (
            "SELECT id, received_on FROM saisines WHERE received_on BETWEEN '2000-01-01' AND '2099-12-31' \
             AND anonymised_at IS NULL AND nir IN ('185057800608491', '285057800608491')",
            "nir",
        ),
    ];
    for (sql, key) in cases {
        let plan = plan_of(&mut conn, sql);
        assert!(plan.contains(&format!("saisines_duplicate_keys_{key}")), "{sql}: {plan}");
        assert!(!plan.contains("SCAN saisines") && !plan.contains("Seq Scan"), "{sql}: {plan}");
    }
}
