//! The sweep: overdue documents noted once, automatic abandonment on the right day and once,
//! reopening, concurrent sweeps, the server's own sweep and `mediation sweep`.

use std::sync::Arc;
use std::time::Duration;

use rocket::http::{Header, Status};
use serde_json::{json, Value};

use super::{entries_of, go_to, sweep, waiting_saisine};
use crate::support::{test_figment, TestApp};

#[test]
fn overdue_documents_are_noted_once_then_the_saisine_is_abandoned_on_the_right_day() {
    let app = TestApp::new();
    let reference = waiting_saisine(&app, "2026-06-01", "2026-06-15", "2026-07-15");
    go_to(&app, "2026-07-15");
    assert_eq!(sweep(&app), Default::default(), "due today: nothing yet");

    go_to(&app, "2026-07-16");
    assert_eq!(sweep(&app).flagged, [reference.as_str()]);
    assert_eq!(sweep(&app), Default::default(), "a second run the same day finds nothing to do");
    assert_eq!(entries_of(&app, &reference, "echeance_depassee"), 1);
    let (_, events) = app.get_json(&format!("/api/v1/saisines/{reference}/evenements"));
    let note = events.as_array().unwrap().last().unwrap().clone();
    assert_eq!(note["actor"], "Veille automatique");
    assert!(note["text"].as_str().unwrap().contains("clôturée pour abandon le 31/07/2026"), "{note}");

    // Fifteen days of grace: the last is 30 July.
    for day in 17..=30 {
        go_to(&app, &format!("2026-07-{day}"));
        assert_eq!(sweep(&app), Default::default(), "grace day {day}");
    }
    assert_eq!(app.saisine(&reference)["status"], "attente_pieces");

    go_to(&app, "2026-07-31");
    assert_eq!(sweep(&app).abandoned, [reference.as_str()]);
    let closed = app.saisine(&reference);
    assert_eq!((closed["status"].as_str(), closed["outcome"].as_str()), (Some("cloturee"), Some("abandon")));
    assert_eq!(closed["closed_on"], "2026-07-31");
    assert_eq!(closed["days_waiting"], 46, "the person's silence counts as waiting");
    let (_, events) = app.get_json(&format!("/api/v1/saisines/{reference}/evenements"));
    let closing = events.as_array().unwrap().last().unwrap().clone();
    assert_eq!((closing["kind"].as_str(), closing["actor"].as_str()), (Some("cloturee"), Some("Veille automatique")));
    let why = closing["text"].as_str().unwrap();
    assert!(why.contains("Clôture automatique pour abandon") && why.contains("15/07/2026"), "{why}");
    assert!(app
        .audit_actions()
        .iter()
        .any(|(a, who, target)| a == "abandon_automatique" && who == "Veille automatique" && *target == reference));

    go_to(&app, "2026-08-01");
    assert_eq!(sweep(&app), Default::default());
    assert_eq!(entries_of(&app, &reference, "cloturee"), 1);
    assert_eq!(entries_of(&app, &reference, "echeance_depassee"), 1);
}

#[test]
fn a_reopened_saisine_is_not_abandoned_again_by_the_old_request() {
    let app = TestApp::new();
    let reference = waiting_saisine(&app, "2026-06-01", "2026-06-15", "2026-07-15");
    // The sweep did not run for weeks: the abandonment is still dated on the right day.
    go_to(&app, "2026-08-20");
    assert_eq!(sweep(&app).abandoned, [reference.as_str()]);
    assert_eq!(app.saisine(&reference)["closed_on"], "2026-07-31");
    assert_eq!(entries_of(&app, &reference, "echeance_depassee"), 0, "closed at once, no separate note");

    let reopened = app.step(&reference, "reouverture", json!({"reason": "L'assurée a envoyé ses pièces."}));
    assert_eq!(reopened["status"], "en_cours");
    for date in ["2026-08-21", "2026-09-30", "2026-12-31"] {
        go_to(&app, date);
        assert_eq!(sweep(&app), Default::default(), "{date}");
    }
    assert_eq!(app.saisine(&reference)["status"], "en_cours");

    // A new request is a new wait, followed up on its own dates.
    app.step(&reference, "demande-pieces", json!({"due_on": "2027-01-10", "description": "RIB"}));
    go_to(&app, "2027-01-25");
    assert_eq!(sweep(&app).abandoned, Vec::<String>::new());
    go_to(&app, "2027-01-26");
    assert_eq!(sweep(&app).abandoned, [reference.as_str()]);
    assert_eq!(entries_of(&app, &reference, "cloturee"), 2);
}

#[test]
fn documents_received_in_time_stop_the_follow_up() {
    let app = TestApp::new();
    let reference = waiting_saisine(&app, "2026-06-01", "2026-06-10", "2026-07-10");
    go_to(&app, "2026-07-11");
    assert_eq!(sweep(&app).flagged.len(), 1);
    app.step(&reference, "reception-pieces", json!({}));
    go_to(&app, "2026-09-01");
    assert_eq!(sweep(&app), Default::default());
    assert_eq!(app.saisine(&reference)["status"], "en_cours");
}

#[test]
fn sweeps_running_at_the_same_time_act_only_once() {
    let app = TestApp::new();
    let references: Vec<String> =
        (0..5).map(|_| waiting_saisine(&app, "2026-06-01", "2026-06-15", "2026-07-15")).collect();
    go_to(&app, "2026-08-01");
    let runs: Vec<_> = (0..4)
        .map(|_| {
            let (url, clock) = (app.dir.url.clone(), app.clock.clone());
            std::thread::spawn(move || {
                // Each sweep on its own connection, as several instances would be.
                mediation::app::sweep::run_on(&url, clock.as_ref()).expect("veille")
            })
        })
        .collect();
    let mut abandoned: Vec<String> = runs.into_iter().flat_map(|r| r.join().expect("fil").abandoned).collect();
    abandoned.sort();
    assert_eq!(abandoned, references, "each saisine closed by exactly one of the sweeps");
    for reference in &references {
        assert_eq!(entries_of(&app, reference, "cloturee"), 1);
    }
}

/// A second server on the same database, with the sweep on: it sweeps at start-up, and its
/// task ends when the server shuts down.
#[test]
fn the_server_sweeps_at_start_and_stops_with_it() {
    crate::support::captured_logs();
    let app = TestApp::new();
    let reference = waiting_saisine(&app, "2026-06-01", "2026-06-15", "2026-07-15");
    go_to(&app, "2026-08-01");
    let figment = test_figment(&app.dir).merge(("sweep_interval_minutes", 60));
    let clock: Arc<dyn mediation::domain::clock::Clock> = app.clock.clone();
    let bearer = Header::new("Authorization", format!("Bearer {}", app.token));
    let runtime = rocket::tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(async move {
        let client =
            rocket::local::asynchronous::Client::tracked(mediation::web::build(figment, clock)).await.expect("serveur");
        let mut status = Value::Null;
        for _ in 0..100 {
            let response = client.get(format!("/api/v1/saisines/{reference}")).header(bearer.clone()).dispatch().await;
            assert_eq!(response.status(), Status::Ok);
            status = response.into_json::<Value>().await.expect("JSON")["status"].clone();
            if status == "cloturee" {
                break;
            }
            rocket::tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(status, "cloturee", "the start-up sweep closed the abandoned saisine");
        client.rocket().shutdown().notify();
        for _ in 0..100 {
            if crate::support::captured_logs().contains("veille des délais arrêtée") {
                return;
            }
            rocket::tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("the sweep task did not stop with the server");
    });
}

#[test]
fn the_sweep_command_closes_abandoned_saisines_once() {
    use mediation::domain::clock::{Clock, SystemClock};
    let today = SystemClock.today();
    let day = |back: i64| (today - chrono::Duration::days(back)).to_string();
    let app = TestApp::on(&day(0));
    let reference = waiting_saisine(&app, &day(60), &day(58), &day(50));
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_mediation"))
            .arg("sweep")
            .env("MEDIATION_DATA_DIR", app.dir.path())
            .env("MEDIATION_DATABASE_URL", crate::support::database_url(&app.dir))
            .current_dir(app.dir.path())
            .output()
            .expect("mediation sweep")
    };
    let first = run();
    let stdout = String::from_utf8_lossy(&first.stdout).to_string();
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    assert!(stdout.contains("1 saisine(s) clôturée(s) pour abandon") && stdout.contains(&reference), "{stdout}");
    let second = run();
    assert!(String::from_utf8_lossy(&second.stdout).contains("0 échéance(s) dépassée(s) signalée(s), 0 saisine(s)"));
    // Due 50 days ago, 15 days of grace: closed the day after the last one, 34 days ago.
    assert_eq!(app.saisine(&reference)["closed_on"], day(34));
}
