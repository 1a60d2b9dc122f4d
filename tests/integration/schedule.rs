//! Stored deadlines (issue 13): after every kind of change, each saisine's stored schedule is
//! what the domain's rules compute from its state, computed here independently; the
//! navigation count equals the queue; duplicates are flagged both ways and a dismissal stays.

use std::collections::HashSet;

use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use mediation::app::{self, Actor, Stamp};
use mediation::db::models::ScheduleRow;
use mediation::db::queue::Scope;
use mediation::db::schema::{duplicate_dismissals, followups, saisines};
use mediation::db::{deadline_settings, saisines as store, schedule, DbConn};
use mediation::domain::deadlines::{DayCount, DeadlineSettings, Wait};
use mediation::domain::queue::{assess, is_possible_duplicate, Identity, Signals};
use mediation::domain::schedule::Schedule;
use mediation::domain::{Action, Outcome, Reference, SaisineDraft};
use proptest::prelude::*;
use rocket::http::Status;
use serde_json::json;

use crate::support::{connect, nir_with_key, SaisineBuilder, TestApp, TestDir};

fn day(offset: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).expect("date") + Duration::days(offset)
}

fn everything(conn: &mut DbConn) -> Vec<mediation::domain::Saisine> {
    let rows =
        saisines::table.order(saisines::id).select(mediation::db::models::SaisineRow::as_select()).load(conn).unwrap();
    store::with_motifs(conn, rows).unwrap()
}

/// The schedule each saisine should have, computed from the rows without `db::schedule`.
fn expected(conn: &mut DbConn, settings: &DeadlineSettings) -> Vec<(String, Schedule)> {
    let all = everything(conn);
    let dismissed: HashSet<(i32, i32)> = duplicate_dismissals::table
        .select((duplicate_dismissals::saisine_id, duplicate_dismissals::other_id))
        .load(conn)
        .unwrap()
        .into_iter()
        .collect();
    let identity = |s: &mediation::domain::Saisine| Identity {
        received_on: s.facts.received_on,
        nir: s.facts.requester.nir.as_ref().map(|n| n.to_string()),
        email: s.facts.requester.email.as_ref().map(|e| e.to_string()),
    };
    let mut found = Vec::new();
    for s in &all {
        let duplicate = all.iter().any(|other| {
            other.id != s.id
                && !dismissed.contains(&(s.id.0, other.id.0))
                && is_possible_duplicate(&identity(s), &identity(other))
        });
        let reminded = match Wait::of(&s.lifecycle) {
            None => false,
            Some(_) => {
                let requests: Vec<i32> = mediation::db::schema::events::table
                    .filter(mediation::db::schema::events::saisine_id.eq(s.id.0))
                    .filter(mediation::db::schema::events::kind.eq("pieces_demandees"))
                    .select(mediation::db::schema::events::id)
                    .load(conn)
                    .unwrap();
                let current = requests.into_iter().max().unwrap_or(0);
                followups::table
                    .filter(followups::saisine_id.eq(s.id.0))
                    .filter(followups::request_event_id.eq(current))
                    .filter(followups::kind.eq("relance"))
                    .count()
                    .get_result::<i64>(conn)
                    .unwrap()
                    > 0
            }
        };
        let schedule = Schedule::of(
            settings,
            &s.lifecycle,
            Signals { reminded, possible_duplicate: duplicate, ..Signals::default() },
        );
        found.push((s.reference.to_string(), schedule));
    }
    found
}

fn stored(conn: &mut DbConn) -> Vec<(String, ScheduleRow)> {
    saisines::table.order(saisines::id).select((saisines::reference, ScheduleRow::as_select())).load(conn).unwrap()
}

fn check(conn: &mut DbConn, today: NaiveDate, what: &str) {
    let settings = deadline_settings::load(conn).unwrap();
    let expected = expected(conn, &settings);
    let stored = stored(conn);
    for ((reference, want), (_, got)) in expected.iter().zip(&stored) {
        assert_eq!(&ScheduleRow::new(want), got, "{reference} après {what}");
    }
    // The navigation count is the queue, as the rules assess it today.
    let all = everything(conn);
    let on_queue = expected.iter().filter(|(_, s)| s.on_queue(today)).count();
    let late = expected.iter().filter(|(_, s)| s.late(today)).count();
    let by_rules = all
        .iter()
        .zip(&expected)
        .filter(|(s, (_, e))| {
            let signals = Signals {
                reminded: e.reminder_on.is_none(),
                possible_duplicate: e.possible_duplicate,
                ..Default::default()
            };
            !assess(&settings, &s.lifecycle, signals, today).is_empty()
        })
        .count();
    let count = schedule::count(conn, Scope::Team, today).unwrap();
    assert_eq!((count.total, count.late), (on_queue, late), "compte après {what}");
    assert_eq!(count.total, by_rules, "file après {what}");
    let page = mediation::db::queue::entries(conn, Scope::Team, today, 0, 1000).unwrap().1;
    assert_eq!(page.len(), count.total, "page de la file après {what}");
}

#[derive(Debug, Clone)]
enum Op {
    TakeUp(usize),
    Request(usize),
    Remind(usize),
    Receive(usize),
    Close(usize, bool),
    Reopen(usize),
    MoveReception(usize, i64),
    Settings(u32, bool),
    Dismiss(usize, usize),
    NextDays(i64),
}

fn op() -> impl Strategy<Value = Op> {
    let who = 0usize..3;
    prop_oneof![
        who.clone().prop_map(Op::TakeUp),
        who.clone().prop_map(Op::Request),
        who.clone().prop_map(Op::Remind),
        who.clone().prop_map(Op::Receive),
        (who.clone(), any::<bool>()).prop_map(|(w, o)| Op::Close(w, o)),
        who.clone().prop_map(Op::Reopen),
        (who.clone(), -6i64..6).prop_map(|(w, d)| Op::MoveReception(w, d)),
        (3u32..12, any::<bool>()).prop_map(|(d, w)| Op::Settings(d, w)),
        (who.clone(), who).prop_map(|(a, b)| Op::Dismiss(a, b)),
        (1i64..20).prop_map(Op::NextDays),
    ]
}

/// Applies one operation through the use cases; refusals are part of life and change nothing.
fn apply(conn: &mut DbConn, refs: &[Reference], op: &Op, today: &mut NaiveDate, actor: &Actor) {
    let at = today.and_hms_opt(10, 0, 0).expect("heure");
    let stamp = Stamp { actor, at };
    let step = |conn: &mut DbConn, who: usize, action: Action| {
        let _ = app::saisines::apply(conn, refs[who], &action, *today, &stamp);
    };
    match op {
        Op::TakeUp(w) => step(conn, *w, Action::TakeUp { on: *today }),
        Op::Request(w) => {
            step(conn, *w, Action::TakeUp { on: *today });
            let due_on = *today + Duration::days(20);
            step(conn, *w, Action::RequestDocuments { on: *today, due_on, description: "RIB".into() })
        }
        Op::Remind(w) => {
            // Taken up and waiting first when it is not: reminders need a wait to follow.
            step(conn, *w, Action::TakeUp { on: *today });
            let due_on = *today + Duration::days(20);
            step(conn, *w, Action::RequestDocuments { on: *today, due_on, description: "RIB".into() });
            let _ = app::followups::remind(conn, refs[*w], *today, "", *today, &stamp);
        }
        Op::Receive(w) => step(conn, *w, Action::ReceiveDocuments { on: *today }),
        Op::Close(w, oriented) => {
            let outcome = if *oriented { Outcome::Orientation } else { Outcome::Explications };
            step(conn, *w, Action::Close { on: *today, outcome: Some(outcome), summary: "Réglé".into() })
        }
        Op::Reopen(w) => step(conn, *w, Action::Reopen { on: *today, reason: "Nouvelle pièce".into() }),
        Op::MoveReception(w, by) => {
            let _ = app::saisines::patch(
                conn,
                refs[*w],
                |mut draft: SaisineDraft| {
                    if let Ok(on) = draft.received_on.parse::<NaiveDate>() {
                        draft.received_on = (on + Duration::days(*by)).to_string();
                    }
                    draft
                },
                *today,
                &stamp,
            );
        }
        Op::Settings(take_up, working) => {
            let settings = DeadlineSettings {
                take_up_days: *take_up,
                day_count: if *working { DayCount::Working } else { DayCount::Calendar },
                ..DeadlineSettings::default()
            };
            app::admin::save_deadlines(conn, &settings, actor, at).expect("réglages");
        }
        Op::Dismiss(a, b) => {
            let _ = app::duplicates::dismiss(conn, refs[*a], refs[*b], &stamp);
        }
        Op::NextDays(days) => {
            *today += Duration::days(*days);
            let clock = mediation::domain::clock::FixedClock(chrono::TimeZone::from_utc_datetime(
                &chrono::Utc,
                &today.and_hms_opt(6, 0, 0).expect("heure"),
            ));
            app::sweep::run(conn, &clock).expect("veille");
        }
    }
}

fn draft(received: NaiveDate, nir: Option<&str>, email: &str) -> SaisineDraft {
    let builder = SaisineBuilder::default()
        .received_on(&received.to_string())
        .set("nir", json!(nir.unwrap_or("")))
        .set("email", json!(email));
    serde_json::from_value(builder.json()).expect("brouillon")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    /// Random histories of four saisines, two of them the same person's: after every change,
    /// each stored schedule is what the rules compute, and the counts agree with the queue.
    #[test]
    fn stored_deadlines_follow_every_change(ops in proptest::collection::vec(op(), 1..14)) {
        let dir = TestDir::sqlite();
        let mut conn = connect(&dir);
        let actor = Actor::system("test");
        let mut today = day(0);
        let nir = nir_with_key("1840512345678");
        let drafts = [
            draft(day(0), Some(&nir), "a@exemple.fr"),
            draft(day(0), Some(&nir), "b@exemple.fr"),
            draft(day(0), None, "c@exemple.fr"),
            draft(day(0), None, "C@exemple.fr"),
        ];
        let stamp = Stamp { actor: &actor, at: today.and_hms_opt(9, 0, 0).expect("heure") };
        let refs: Vec<Reference> =
            drafts.iter().map(|d| app::saisines::record(&mut conn, d, today, &stamp).expect("saisine")).collect();
        check(&mut conn, today, "création");
        for op in &ops {
            apply(&mut conn, &refs, op, &mut today, &actor);
            check(&mut conn, today, &format!("{op:?}"));
        }
    }
}

#[test]
fn duplicates_are_flagged_both_ways_and_a_dismissal_stays() {
    let app = TestApp::new();
    let nir = nir_with_key("1840512345678");
    let person = |date: &str| SaisineBuilder::default().received_on(date).set("nir", json!(nir));
    let first = app.create(&person("2026-06-10"));
    let second = app.create(&person("2026-06-14"));
    let page = |reference: &str| app.browser.get(&format!("/saisines/{reference}")).into_string().unwrap();
    assert!(page(&first).contains(&format!(r#"href="/saisines/{second}""#)), "flagged on the older one too");
    assert!(page(&second).contains(&format!(r#"href="/saisines/{first}""#)));
    let queue = app.browser.get("/a-traiter").into_string().unwrap();
    assert_eq!(queue.matches("Doublon possible").count(), 2, "{queue}");

    let dismissed = app.post_form(&format!("/saisines/{second}/doublons/{first}/ecarter"), &[]);
    assert_eq!(dismissed.status(), Status::SeeOther);
    assert!(!page(&first).contains(&format!(r#"href="/saisines/{second}""#)));
    assert!(!page(&second).contains(&format!(r#"href="/saisines/{first}""#)));
    assert!(app.timeline_kinds(&first).contains(&"doublon_ecarte".to_string()));
    assert!(app.audit_actions().iter().any(|(a, _, t)| a == "doublon_ecarte" && t == &second));
    // Kept: an edit of either saisine does not bring the pair back.
    let edited = app.patch_json(&format!("/api/v1/saisines/{first}"), &json!({"summary": "Complété"}));
    assert_eq!(edited.status(), Status::Ok);
    assert!(!page(&first).contains(&format!(r#"href="/saisines/{second}""#)));
    // A third saisine of the same person is flagged with both.
    let third = app.create(&person("2026-06-12"));
    let third_page = page(&third);
    assert!(third_page.contains(&format!(r#"href="/saisines/{first}""#)));
    assert!(third_page.contains(&format!(r#"href="/saisines/{second}""#)));
    // Refused for a saisine that is not flagged.
    let other = app.create(&SaisineBuilder::default().received_on("2026-05-01").set("nir", json!(null)));
    let refused = app.post_form(&format!("/saisines/{first}/doublons/{other}/ecarter"), &[]);
    assert_eq!(refused.status(), Status::SeeOther);
    assert!(app
        .browser
        .get(&format!("/saisines/{first}"))
        .into_string()
        .unwrap()
        .contains("pas signalée comme doublon possible"));
}

#[test]
fn rows_written_before_the_stored_deadlines_get_them_at_start_up() {
    let app = TestApp::new();
    let reference = app.create(&SaisineBuilder::default().received_on("2026-06-01"));
    let mut conn = connect(&app.dir);
    diesel::update(saisines::table)
        .set((saisines::queue_from.eq(None::<NaiveDate>), saisines::schedule_version.eq(0)))
        .execute(&mut conn)
        .unwrap();
    assert_eq!(schedule::count(&mut conn, Scope::Team, day(200)).unwrap().total, 0);
    drop(conn);
    let mut conn = connect(&app.dir); // migrations, then the stale rows computed
    assert_eq!(schedule::count(&mut conn, Scope::Team, day(200)).unwrap().total, 1, "{reference}");
    check(&mut conn, day(200), "redémarrage");
}

#[test]
fn the_list_filters_on_the_stored_deadlines() {
    let app = TestApp::new(); // 15 June 2026, take-up delay 7 days
    let anonymous =
        |date: &str| SaisineBuilder::default().received_on(date).set("nir", json!("")).set("email", json!(""));
    let late = app.create(&anonymous("2026-06-01"));
    let fresh = app.create(&anonymous("2026-06-14"));
    let waiting = app.create(&anonymous("2026-05-20"));
    app.step(&waiting, "prise-en-charge", json!({"date": "2026-05-21"}));
    app.step(&waiting, "demande-pieces", json!({"date": "2026-06-01", "due_on": "2026-07-01", "description": "RIB"}));
    let listed = |filter: &str| {
        let (status, body) = app.get_json(&format!("/api/v1/saisines?echeance={filter}"));
        assert_eq!(status, Status::Ok, "{body}");
        let mut found: Vec<String> =
            body["items"].as_array().unwrap().iter().map(|s| s["reference"].as_str().unwrap().to_string()).collect();
        found.sort();
        found
    };
    assert_eq!(listed("en_retard"), vec![late.clone()]);
    assert_eq!(listed("prise_en_charge"), {
        let mut v = vec![late.clone(), fresh.clone()];
        v.sort();
        v
    });
    assert_eq!(listed("relance"), vec![waiting.clone()], "reminder due ten days after the request");
    let (status, body) = app.get_json("/api/v1/saisines?echeance=bientot");
    assert_eq!((status, body["field"].as_str()), (Status::UnprocessableEntity, Some("echeance")));
}

/// An import writes its new saisines in bulk and computes their deadlines in batches: each is
/// what the rules compute, and a possible duplicate is flagged on both sides, with a saisine
/// already there and between two lines of the file. On both backends.
#[test]
fn an_import_stores_the_deadlines_the_rules_compute() {
    let dir = TestDir::new();
    let mut conn = connect(&dir);
    let actor = Actor::system("test");
    let today = day(40);
    let at = today.and_hms_opt(10, 0, 0).expect("heure");
    let nir = nir_with_key("1840512345678");
    let stamp = Stamp { actor: &actor, at };
    let before = app::saisines::record(&mut conn, &draft(day(30), Some(&nir), "avant@exemple.fr"), today, &stamp)
        .expect("saisine");
    let header = "reference;received_on;channel;requester_type;partner;process;motifs;status;taken_on;outcome;closed_on;requester_name;nir;email;phone;summary;documents_requested_on;documents_due_on";
    let line = |received: NaiveDate, status: &str, taken: &str, closing: &str, who: &str, docs: &str| {
        format!(";{received};courriel;assure;;droits;information;{status};{taken};{closing};{who};;;{docs}")
    };
    let lines = [
        // The same NIR as the saisine already there, three days later.
        line(day(33), "recue", "", ";", &format!("Bea;{nir};"), ";"),
        // The same person twice in the file (the e-mail's case aside), a week apart.
        line(day(20), "recue", "", ";", ";;cid@exemple.fr", ";"),
        line(day(27), "en_cours", &day(28).to_string(), ";", ";;CID@exemple.fr", ";"),
        line(day(5), "attente_pieces", &day(6).to_string(), ";", "Dan;;", &format!("{};{}", day(8), day(38))),
        line(day(1), "cloturee", &day(2).to_string(), &format!("explications;{}", day(9)), "Eve;;", ";"),
        line(day(0), "recue", "", ";", "Fay;;", ";"),
    ];
    let content = format!("{header}\n{}\n", lines.join("\n"));
    let open =
        move || -> std::io::Result<Box<dyn std::io::Read>> { Ok(Box::new(std::io::Cursor::new(content.clone()))) };
    let options = app::import::ImportOptions { file_name: "lot.csv".into(), skip_invalid: false, dry_run: false };
    let report = app::import::run(&mut conn, &open, &options, &actor, at, &mut |_| {}).expect("import");
    assert_eq!((report.created, report.error_count), (6, 0), "{report:?}");
    check(&mut conn, today, "import");
    let flagged: Vec<String> = saisines::table
        .filter(saisines::possible_duplicate.eq(true))
        .select(saisines::reference)
        .load(&mut conn)
        .unwrap();
    assert_eq!(flagged.len(), 3, "{flagged:?}: the one before the import, Bea and the received Cid");
    let first: bool = saisines::table
        .filter(saisines::reference.eq(before.to_string()))
        .select(saisines::possible_duplicate)
        .first(&mut conn)
        .unwrap();
    assert!(first, "flagged on the side of the saisine already there");
}
