//! Writes grouped in one commit (SQLite): each acknowledged write is already on disk, as seen
//! from another connection, and a write refused inside a batch rolls back alone.

use std::sync::{Arc, Barrier};

use diesel::prelude::*;
use mediation::db::schema::reference_counters;
use mediation::db::{pool, DbError};

use crate::support::TestApp;

fn count(url: &str, year: i32) -> i64 {
    let mut conn = pool::connect(url).unwrap();
    reference_counters::table.filter(reference_counters::year.eq(year)).count().get_result(&mut conn).unwrap()
}

#[test]
fn each_acknowledged_write_is_visible_at_once_and_a_refused_one_leaves_nothing() {
    let app = TestApp::new();
    let url = app.dir.url.clone();
    let writers = 24;
    let start = Arc::new(Barrier::new(writers));
    let threads: Vec<_> = (0..writers)
        .map(|n| {
            let (url, start) = (url.clone(), start.clone());
            std::thread::spawn(move || {
                let mut conn = pool::connect(&url).unwrap();
                let year = 3000 + n as i32;
                start.wait();
                for round in 0..20 {
                    let refused = (n + round) % 7 == 0;
                    let written = pool::write_transaction(&mut conn, |conn| {
                        diesel::insert_into(reference_counters::table)
                            .values((
                                reference_counters::year.eq(year * 100 + round as i32),
                                reference_counters::last_sequence.eq(1),
                            ))
                            .execute(conn)?;
                        if refused {
                            return Err(DbError::NotFound);
                        }
                        Ok(())
                    });
                    let key = year * 100 + round as i32;
                    // Read from a connection of its own, right after the answer: what was
                    // acknowledged is committed; what was refused is not there.
                    match (refused, written) {
                        (false, Ok(())) => assert_eq!(count(&url, key), 1, "acknowledged write {key} not committed"),
                        (true, Err(DbError::NotFound)) => assert_eq!(count(&url, key), 0, "refused write {key} kept"),
                        (_, other) => panic!("write {key}: {other:?}"),
                    }
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let mut conn = pool::connect(&url).unwrap();
    let kept: i64 =
        reference_counters::table.filter(reference_counters::year.ge(300_000)).count().get_result(&mut conn).unwrap();
    let refused = (0..writers).flat_map(|n| (0..20).map(move |r| (n + r) % 7 == 0)).filter(|r| *r).count();
    assert_eq!(kept as usize, writers * 20 - refused);
}
