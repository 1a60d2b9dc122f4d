//! The "à traiter" queue: what is on it, in which order, the counts in the navigation,
//! reminders, possible duplicates, and the net handling clock.

use mediation::auth::Role;
use rocket::http::Status;
use serde_json::json;

use super::{entries_of, go_to, read, waiting_saisine};
use crate::support::{nir_with_key, user_id, SaisineBuilder, TestApp, MEDIATOR_EMAIL};

fn position(page: &str, reference: &str) -> usize {
    page.find(&format!(r#"href="/saisines/{reference}""#)).unwrap_or_else(|| panic!("{reference} absente"))
}

#[test]
fn the_queue_lists_what_needs_doing_most_urgent_first_and_counts_it_in_the_navigation() {
    let app = TestApp::new(); // 15 June 2026
                              // Nobody known twice: no possible duplicates here.
    let anonymous =
        |date: &str| SaisineBuilder::default().received_on(date).set("nir", json!(null)).set("email", json!(null));
    let late_take_up = app.create(&anonymous("2026-06-01"));
    let new_one = app.create(&anonymous("2026-06-14"));
    let near_deadline = app.create(&anonymous("2026-05-20"));
    app.step(&near_deadline, "prise-en-charge", json!({"date": "2026-05-21"}));
    let far_deadline = app.create(&anonymous("2026-06-10"));
    app.step(&far_deadline, "prise-en-charge", json!({"date": "2026-06-11"}));

    let page = read(&app.browser, "/a-traiter");
    assert!(page.contains("3 saisines à traiter, dont <strong>1 en retard</strong>"), "{page}");
    assert!(!page.contains(&format!(r#"href="/saisines/{far_deadline}""#)), "a month ahead: not on the queue");
    assert!(position(&page, &late_take_up) < position(&page, &near_deadline));
    assert!(position(&page, &near_deadline) < position(&page, &new_one));
    assert!(page.contains("Prise en charge à faire au plus tard le 08/06/2026 (en retard de 7 jours)"));
    assert!(page.contains("Échéance de traitement le 19/06/2026 (dans 4 jours)"));
    assert!(page.contains("Indicateurs 2026"));

    let nav = read(&app.browser, "/saisines");
    assert!(nav.contains(r#"À traiter <span class="nav-count">3</span>"#), "the navigation counts the queue");
    assert!(nav.contains("dont 1 en retard"));

    // Given to another mediator: off my queue, still on the team's.
    let colleague = app.browser_as(Role::Mediateur);
    let other = user_id(&app.dir, "mediateur@cpam.test");
    app.post_json(&format!("/api/v1/saisines/{late_take_up}/attribution"), &json!({"assignee": other.0}));
    assert!(!read(&app.browser, "/a-traiter").contains(&format!(r#"href="/saisines/{late_take_up}""#)));
    assert!(read(&app.browser, "/a-traiter?equipe=1").contains(&format!(r#"href="/saisines/{late_take_up}""#)));
    assert!(read(&colleague, "/a-traiter").contains(&format!(r#"href="/saisines/{late_take_up}""#)));
    let mine = user_id(&app.dir, MEDIATOR_EMAIL);
    app.post_json(&format!("/api/v1/saisines/{new_one}/attribution"), &json!({"assignee": mine.0}));
    assert!(!read(&colleague, "/a-traiter").contains(&format!(r#"href="/saisines/{new_one}""#)));

    // Readers have no queue.
    let reader = app.browser_as(Role::Lecteur);
    assert_eq!(reader.get("/a-traiter").status(), Status::Forbidden);
    assert!(!read(&reader, "/saisines").contains("nav-count"));
}

#[test]
fn a_reminder_is_due_on_its_day_and_no_longer_once_recorded() {
    let app = TestApp::new();
    let reference = waiting_saisine(&app, "2026-06-01", "2026-06-15", "2026-07-15");
    go_to(&app, "2026-06-24");
    let listed = |page: String| page.contains(&format!(r#"href="/saisines/{reference}""#));
    assert!(!listed(read(&app.browser, "/a-traiter")), "nine days after the request");
    go_to(&app, "2026-06-25");
    let page = read(&app.browser, "/a-traiter");
    assert!(page.contains("Relance à envoyer depuis le 25/06/2026"), "{page}");
    assert!(read(&app.browser, "/saisines").contains(r#"<span class="nav-count">1</span>"#));

    let sent = app.post_form(&format!("/saisines/{reference}/relance"), &[("retour", "a-traiter")]);
    assert_eq!(sent.status(), Status::SeeOther);
    assert_eq!(sent.headers().get_one("Location"), Some("/a-traiter"));
    assert!(!listed(read(&app.browser, "/a-traiter")), "no longer due");
    assert_eq!(entries_of(&app, &reference, "relance"), 1);
    let (_, events) = app.get_json(&format!("/api/v1/saisines/{reference}/evenements"));
    let reminder = events.as_array().unwrap().last().unwrap().clone();
    assert_eq!((reminder["date"].as_str(), reminder["actor"].as_str()), (Some("2026-06-25"), Some("Marie Médiatrice")));
    assert!(read(&app.browser, &format!("/saisines/{reference}")).contains("<dt>Relance</dt><dd>envoyée</dd>"));

    // A second one from the saisine's page, with a comment: one more entry.
    let again = app.post_form(&format!("/saisines/{reference}/relance"), &[("text", "Appel téléphonique")]);
    assert_eq!(again.headers().get_one("Location"), Some(format!("/saisines/{reference}").as_str()));
    assert_eq!(entries_of(&app, &reference, "relance"), 2);
    // Refused when nothing is awaited, and the saisine is left alone.
    app.step(&reference, "reception-pieces", json!({}));
    let refused = app.post_form(&format!("/saisines/{reference}/relance"), &[]);
    assert_eq!(refused.status(), Status::SeeOther);
    let page = read(&app.browser, &format!("/saisines/{reference}"));
    assert!(page.contains("Relance refusée : aucune demande de pièces n'est en attente"), "{page}");
    assert_eq!(entries_of(&app, &reference, "relance"), 2);
    let future = waiting_saisine(&app, "2026-06-20", "2026-06-22", "2026-07-22");
    app.post_form(&format!("/saisines/{future}/relance"), &[("date", "2026-07-01")]);
    assert_eq!(entries_of(&app, &future, "relance"), 0, "no reminder dated in the future");
}

#[test]
fn possible_duplicates_are_shown_until_taken_up() {
    let app = TestApp::new();
    let nir = nir_with_key("1840512345678");
    let person = |date: &str| SaisineBuilder::default().received_on(date).set("nir", json!(nir));
    let first = app.create(&person("2026-06-10"));
    let second = app.create(&person("2026-06-14"));
    let by_email = app.create(
        &SaisineBuilder::default()
            .received_on("2026-06-12")
            .set("nir", serde_json::Value::Null)
            .set("email", json!("Jeanne.Martin@exemple.fr")),
    );
    let long_before = app.create(&person("2026-06-01").set("email", json!("autre@exemple.fr")));
    let page = read(&app.browser, "/a-traiter");
    assert!(page.contains(&format!("Même NIR ou même courriel que {second}, {by_email} (")), "{page}");
    assert!(page.contains(&format!("Même NIR ou même courriel que {first}, {second} (")), "same e-mail, any case");
    let doubles = page.matches("<strong>Doublon possible</strong>").count();
    assert_eq!(doubles, 3, "nine days before: {long_before} is no duplicate of {first}");
    app.step(&first, "prise-en-charge", json!({}));
    let page = read(&app.browser, "/a-traiter");
    assert_eq!(page.matches("<strong>Doublon possible</strong>").count(), 2, "checked at take-up");
}

#[test]
fn the_handling_deadline_runs_on_the_net_clock() {
    let app = TestApp::new();
    let reference = waiting_saisine(&app, "2026-05-01", "2026-05-10", "2026-06-30");
    app.step(&reference, "reception-pieces", json!({"date": "2026-06-09"}));
    // 30 days of waiting: due on 30 June instead of 31 May.
    let page = read(&app.browser, &format!("/saisines/{reference}"));
    assert!(page.contains("<dt>Échéance de traitement</dt><dd>30/06/2026 (dans 15 jours)</dd>"), "{page}");
    assert!(page.contains("15 jours hors attente de pièces"), "net age: 45 days less 30");
    assert!(!read(&app.browser, "/a-traiter").contains(&format!(r#"href="/saisines/{reference}""#)));
    go_to(&app, "2026-06-25");
    assert!(read(&app.browser, "/a-traiter").contains("Échéance de traitement le 30/06/2026 (dans 5 jours)"));
    // While documents are awaited, the clock stops: the deadline moves day by day.
    app.step(&reference, "demande-pieces", json!({"due_on": "2026-07-25", "description": "RIB"}));
    go_to(&app, "2026-07-05");
    let page = read(&app.browser, &format!("/saisines/{reference}"));
    assert!(
        page.contains("<dt>Échéance de traitement</dt><dd>10/07/2026 (suspendue pendant l'attente des pièces)</dd>"),
        "{page}"
    );
}
