//! One write path: concurrent partial updates, reminders keyed by saisine and request, and the
//! timeline entry of every write.

use std::sync::Arc;

use diesel::prelude::*;
use mediation::auth::Role;
use mediation::db::schema::{events, saisines};
use mediation::domain::clock::FixedClock;
use rocket::http::{ContentType, Header, Status};
use rocket::local::asynchronous::Client;
use serde_json::{json, Value};

use crate::deadlines::{go_to, waiting_saisine};
use crate::support::{api_token, connect, create_user, noon, test_figment, SaisineBuilder, TestApp, TestDir, TODAY};

async fn patch(client: &Client, bearer: &str, reference: &str, body: Value) -> Status {
    client
        .patch(format!("/api/v1/saisines/{reference}"))
        .header(ContentType::JSON)
        .header(Header::new("Authorization", bearer.to_string()))
        .body(body.to_string())
        .dispatch()
        .await
        .status()
}

#[rocket::async_test]
async fn concurrent_patches_of_different_fields_both_stay() {
    let dir = TestDir::new();
    let user = create_user(&dir, "marie@cpam.test", "Marie", Role::Mediateur);
    let bearer = format!("Bearer {}", api_token(&dir, user));
    let rocket = mediation::web::build(test_figment(&dir), Arc::new(FixedClock(noon(TODAY))));
    let client = Client::tracked(rocket).await.unwrap();
    let (_, reference) =
        crate::support::create_async(&client, SaisineBuilder::default().json().to_string(), bearer.clone()).await;
    let reference = reference.expect("référence");
    for round in 0..25 {
        let (summary, name) = (format!("Résumé n° {round}"), format!("Personne n° {round}"));
        let (a, b) = futures::join!(
            patch(&client, &bearer, &reference, json!({ "summary": summary })),
            patch(&client, &bearer, &reference, json!({ "requester_name": name })),
        );
        assert_eq!((a, b), (Status::Ok, Status::Ok));
        let got: Value = client
            .get(format!("/api/v1/saisines/{reference}"))
            .header(Header::new("Authorization", bearer.clone()))
            .dispatch()
            .await
            .into_json()
            .await
            .expect("JSON");
        assert_eq!(got["summary"], json!(summary), "tour {round} : {got}");
        assert_eq!(got["requester_name"], json!(name), "tour {round} : {got}");
    }
}

fn listed(app: &TestApp, reference: &str) -> bool {
    let page = app.browser.get("/a-traiter").into_string().unwrap_or_default();
    page.contains(&format!(r#"href="/saisines/{reference}""#))
}

#[test]
fn a_reminder_is_keyed_by_its_saisine_and_takes_only_it_off_the_list() {
    let app = TestApp::new();
    let first = waiting_saisine(&app, "2026-06-01", "2026-06-05", "2026-07-05");
    let second = waiting_saisine(&app, "2026-06-01", "2026-06-05", "2026-07-05");
    // A wait recorded without its request entry, as older versions of the import wrote them.
    let legacy = waiting_saisine(&app, "2026-06-01", "2026-06-05", "2026-07-05");
    let mut conn = connect(&app.dir);
    let legacy_id: i32 =
        saisines::table.filter(saisines::reference.eq(&legacy)).select(saisines::id).first(&mut conn).unwrap();
    diesel::delete(events::table.filter(events::saisine_id.eq(legacy_id)).filter(events::kind.eq("pieces_demandees")))
        .execute(&mut conn)
        .unwrap();
    go_to(&app, "2026-06-16");
    assert!(listed(&app, &first) && listed(&app, &second) && listed(&app, &legacy));

    let sent = app.post_form(&format!("/saisines/{first}/relance"), &[]);
    assert_eq!(sent.status(), Status::SeeOther);
    assert!(!listed(&app, &first));
    assert!(listed(&app, &second), "another saisine's reminder is still due");
    assert!(listed(&app, &legacy));

    let sent = app.post_form(&format!("/saisines/{legacy}/relance"), &[]);
    assert_eq!(sent.status(), Status::SeeOther);
    assert!(!listed(&app, &legacy), "a wait without its request entry leaves the list too");
    assert!(listed(&app, &second));
}

#[test]
fn every_write_leaves_its_timeline_entry_and_audit_record_in_one_transaction() {
    let app = TestApp::new();
    let reference = app.create(&SaisineBuilder::default());
    let csrf = app.browser.csrf();
    let (content_type, body) = crate::partner::multipart(
        &[("csrf_token", &csrf)],
        &[("file", "attestation.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")],
    );
    let sent =
        app.browser.client.post(format!("/saisines/{reference}/pieces")).header(content_type).body(body).dispatch();
    assert_eq!(sent.status(), Status::SeeOther);
    assert_eq!(app.timeline_kinds(&reference).last().map(String::as_str), Some("piece_ajoutee"));
    let audit = app.audit_actions();
    assert!(
        audit.iter().any(|(action, _, target)| action == "piece_jointe_ajoutee" && target == &reference),
        "{audit:?}"
    );

    // A refused move writes nothing at all.
    let entries = app.timeline_kinds(&reference).len();
    let audited = app.audit_actions().len();
    let refused = app.post_json(
        &format!("/api/v1/saisines/{reference}/cloture"),
        &json!({"outcome": "paiement_recu", "summary": "x"}),
    );
    assert_eq!(refused.status(), Status::UnprocessableEntity);
    assert_eq!(app.audit_actions().len(), audited, "neither the move nor its read-back is recorded");
    assert_eq!(app.timeline_kinds(&reference).len(), entries);
}
