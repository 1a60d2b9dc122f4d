//! Error pages: the site's layout with its navigation, plain French, and a way back that the
//! visitor can really take (a signed-out visitor or a partner is not sent to the saisines).

use mediation::auth::Role;
use rocket::http::Status;

use crate::support::{SaisineBuilder, TestApp};

#[test]
fn a_mediator_lost_on_a_missing_saisine_keeps_the_navigation_and_is_sent_to_work() {
    let app = TestApp::new();
    let response = app.get("/saisines/2099-9999");
    assert_eq!(response.status(), Status::NotFound);
    let page = response.into_string().unwrap();
    assert!(page.contains("Page introuvable") && page.contains("ou la référence"), "{page}");
    assert!(page.contains(r#"aria-label="Navigation principale""#), "the normal layout: {page}");
    assert!(page.contains(r#"<a href="/a-traiter">Voir les saisines à traiter</a>"#));
    assert!(page.contains(r#"<a href="/saisines">Aller à la liste des saisines</a>"#));
    assert!(!page.contains("Code d'erreur") && !page.contains("404"), "no status code for people: {page}");
}

#[test]
fn a_refused_step_offers_the_way_back_to_its_saisine() {
    let app = TestApp::new();
    let reference = app.create(&SaisineBuilder::default());
    let refused = app.post_form(&format!("/saisines/{reference}/attribution"), &[("assignee", "personne-inconnue")]);
    assert_eq!(refused.status(), Status::Conflict);
    let page = refused.into_string().unwrap();
    assert!(
        page.contains("Action impossible pour le moment") && page.contains("choix de médiateur invalide"),
        "{page}"
    );
    assert!(
        page.contains(&format!(r#"<a href="/saisines/{reference}">Revenir à la saisine {reference}</a>"#)),
        "{page}"
    );
    assert!(!page.contains("Code d'erreur") && !page.contains("409"), "{page}");
}

#[test]
fn a_reader_refused_a_page_is_told_whom_to_ask() {
    let app = TestApp::new();
    let reader = app.browser_as(Role::Lecteur);
    let response = reader.get("/admin/comptes");
    assert_eq!(response.status(), Status::Forbidden);
    let page = response.into_string().unwrap();
    assert!(page.contains("Accès refusé") && page.contains("demandez-le à un administrateur"), "{page}");
    assert!(page.contains(r#"aria-label="Navigation principale""#));
    assert!(!page.contains("/a-traiter"), "a reader has no queue: {page}");
    assert!(page.contains(r#"<a href="/saisines">Aller à la liste des saisines</a>"#));
}

#[test]
fn a_signed_out_visitor_is_offered_to_sign_in_and_a_partner_the_form_never_the_saisines() {
    let app = TestApp::new();
    let visitor = app.anonymous();
    let response = visitor.get("/pas/de/page");
    assert_eq!(response.status(), Status::NotFound);
    let page = response.into_string().unwrap();
    assert!(page.contains(r#"<a href="/connexion">Se connecter</a>"#), "{page}");
    assert!(!page.contains(r#"href="/saisines"#), "a signed-out visitor cannot open the saisines: {page}");

    let response = visitor.get("/partenaires/accuse/2026-0001?expire=1&signature=faux");
    assert!(response.status().code >= 400, "{}", response.status());
    let page = response.into_string().unwrap();
    assert!(page.contains(r#"<a href="/partenaires/saisine">Revenir au formulaire de saisine</a>"#), "{page}");
    assert!(!page.contains(r#"href="/saisines"#) && !page.contains(r#"href="/connexion""#), "{page}");
}
