//! The quick search in the header of every page, the help page and its keyboard shortcuts.

use mediation::auth::Role;
use rocket::http::{ContentType, Status};

use crate::support::{nir_with_key, SaisineBuilder, TestApp};

fn location(app: &TestApp, uri: &str) -> String {
    let response = app.get(uri);
    assert_eq!(response.status(), Status::SeeOther, "{uri}");
    response.headers().get_one("Location").unwrap_or_default().to_string()
}

#[test]
fn a_reference_typed_exactly_opens_its_saisine() {
    let app = TestApp::new();
    let reference = app.create(&SaisineBuilder::default());
    assert_eq!(location(&app, &format!("/recherche?q={reference}")), format!("/saisines/{reference}"));
    assert_eq!(location(&app, &format!("/recherche?q=%20{reference}%20")), format!("/saisines/{reference}"));
    assert_eq!(location(&app, "/recherche?q=2026-0999"), "/saisines?q=2026-0999", "an unknown one is searched for");
    assert_eq!(location(&app, "/recherche?q=%20%20"), "/saisines");
    assert_eq!(location(&app, "/recherche"), "/saisines");
}

#[test]
fn a_name_or_a_personal_datum_lists_the_matching_saisines() {
    let app = TestApp::new();
    let zoe = app.create(&SaisineBuilder::default().name("Zoé Lefèvre-Bœuf").set("email", "zoe@exemple.fr".into()));
    let other = app.create(&SaisineBuilder::default().name("Paul Martin").set("email", "paul@exemple.fr".into()));
    let target = location(&app, "/recherche?q=zoe%20BOEUF");
    assert_eq!(target, "/saisines?q=zoe+BOEUF");
    let page = app.browser.page(&target);
    assert!(page.contains(&zoe) && !page.contains(&other), "the list of what matches");
    let target = location(&app, "/recherche?q=ZOE%40exemple.fr");
    let page = app.browser.page(&target);
    assert!(page.contains(&zoe) && !page.contains(&other));
    let searched = app.audit_actions().into_iter().filter(|(a, _, _)| a == "recherche_donnees_personnelles").count();
    assert_eq!(searched, 1, "a search by e-mail from the header is audited like any other");
    // A reader searches by name, never by personal data.
    let reader = app.browser_as(Role::Lecteur);
    let nir = nir_with_key("2840575123456");
    let response = reader.get(&format!("/recherche?q={nir}"));
    let target = response.headers().get_one("Location").unwrap_or_default().to_string();
    assert_eq!(reader.get(&target).status(), Status::UnprocessableEntity);
}

#[test]
fn every_signed_in_page_has_the_labelled_quick_search() {
    let app = TestApp::new();
    for uri in ["/saisines", "/a-traiter", "/aide", "/compte", "/vues"] {
        let page = app.browser.page(uri);
        assert!(page.contains(r#"<form class="quick-search" method="get" action="/recherche" role="search""#), "{uri}");
        assert!(page.contains(r#"<label for="recherche-rapide""#), "{uri}: the field has a label");
        assert!(page.contains(r#"href="/aide""#), "{uri}: the help page is linked");
    }
    let signed_out = app.anonymous();
    assert!(!signed_out.page("/connexion").contains("recherche-rapide"), "not before signing in");
}

#[test]
fn the_help_page_documents_the_shortcuts() {
    let app = TestApp::new();
    let page = app.browser.page("/aide");
    for text in ["<kbd>/</kbd>", "<kbd>n</kbd>", "<kbd>?</kbd>", "Vues enregistrées", "Actions groupées"] {
        assert!(page.contains(text), "« {text} » on the help page");
    }
    let reader = app.browser_as(Role::Lecteur);
    let page = reader.page("/aide");
    assert!(page.contains("<kbd>/</kbd>") && !page.contains("<kbd>n</kbd>"), "a reader records no saisine");
    let signed_out = app.anonymous();
    assert_eq!(signed_out.get("/aide").headers().get_one("Location"), Some("/connexion"));
}

#[test]
fn the_shortcuts_script_is_a_same_origin_file_the_policy_allows() {
    let app = TestApp::new();
    let script = app.get("/static/shortcuts.js");
    assert_eq!(script.status(), Status::Ok);
    assert_eq!(script.content_type(), Some(ContentType::JavaScript));
    assert!(script.into_string().unwrap().contains("keydown"));
    let page = app.get("/saisines");
    let csp = page.headers().get_one("Content-Security-Policy").unwrap().to_string();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
    let html = page.into_string().unwrap();
    assert!(html.contains(r#"<script src="/static/shortcuts.js" defer></script>"#));
    assert_eq!(html.matches("<script").count(), 1, "no inline script");
    assert!(html.contains(r#"data-shortcut="n""#) && html.contains(r#"data-shortcut="/""#));
}

#[test]
fn the_shortcuts_can_be_turned_off_and_on_again() {
    let app = TestApp::new();
    let off = app.post_form("/aide/raccourcis", &[("actifs", "non")]);
    assert_eq!(off.status(), Status::SeeOther);
    let page = app.browser.page("/aide");
    assert!(page.contains("Raccourcis clavier désactivés dans ce navigateur."));
    assert!(!page.contains("shortcuts.js") && !page.contains("aria-keyshortcuts"), "no shortcut left");
    assert!(page.contains("Activer les raccourcis clavier"));
    assert_eq!(app.post_form("/aide/raccourcis", &[("actifs", "oui")]).status(), Status::SeeOther);
    assert!(app.browser.page("/saisines").contains("shortcuts.js"));
    assert_eq!(app.browser.post_raw("/aide/raccourcis", &[("actifs", "non")]).status(), Status::Forbidden, "CSRF");
}
