//! A saisine's page: the actions its stage allows, each in a folded section, and nothing
//! else; a refused or invalid form answered with its section open and what was typed kept;
//! every URL a form posts to sends a reload back to the saisine.

use mediation::auth::Role;
use rocket::http::Status;
use serde_json::json;

use crate::support::{SaisineBuilder, TestApp};

/// The sections of actions a page may offer, by their anchor.
const SECTIONS: [&str; 9] = [
    "prise-en-charge",
    "reception-pieces",
    "relance",
    "abandon",
    "demande-pieces",
    "cloture",
    "reouverture",
    "attribution",
    "notes",
];

fn offered(page: &str) -> Vec<&'static str> {
    SECTIONS.iter().copied().filter(|s| page.contains(&format!("id=\"action-{s}\""))).collect()
}

/// A move posted, its fields, and the status of its refusal.
type Refused<'a> = (&'a str, Vec<(&'a str, &'a str)>, Status);

fn location(response: &rocket::local::blocking::LocalResponse<'_>) -> String {
    response.headers().get_one("Location").expect("a redirection").to_string()
}

#[test]
fn each_stage_offers_only_the_actions_its_lifecycle_allows_all_folded() {
    let app = TestApp::new();
    let r = app.create(&SaisineBuilder::default());
    let page = |app: &TestApp| app.browser.page(&format!("/saisines/{r}"));

    let received = page(&app);
    assert_eq!(offered(&received), ["prise-en-charge", "cloture", "attribution", "notes"]);
    assert!(received.contains("Clôturer : orientation vers"), "before the prise en charge, only an orientation");
    assert!(!received.contains(" open>"), "every section folded on arrival");
    assert!(!received.contains(&format!("action=\"/saisines/{r}/demande-pieces\"")), "no form for a forbidden move");
    // The history leads: its column is there, newest entry first.
    assert!(received.contains("id=\"t-historique\"") && received.contains("Saisine enregistrée"));

    app.step(&r, "prise-en-charge", json!({ "date": "2026-06-02" }));
    let taken = page(&app);
    assert_eq!(offered(&taken), ["demande-pieces", "cloture", "attribution", "notes"]);
    assert!(taken.contains("<select id=\"cloture-outcome\""), "once taken up, every outcome");
    assert!(!taken.contains(&format!("action=\"/saisines/{r}/prise-en-charge\"")));

    app.step(&r, "demande-pieces", json!({ "date": "2026-06-03", "due_on": "2026-07-03", "description": "RIB" }));
    let waiting = page(&app);
    assert_eq!(
        offered(&waiting),
        ["reception-pieces", "relance", "abandon", "cloture", "attribution", "notes"],
        "while waiting: the documents received, a reminder, abandon"
    );
    assert!(!waiting.contains(&format!("action=\"/saisines/{r}/demande-pieces\"")));

    app.step(&r, "cloture", json!({ "date": "2026-06-10", "outcome": "abandon", "summary": "Sans nouvelles." }));
    let closed = page(&app);
    assert_eq!(offered(&closed), ["reouverture", "notes"]);
    for slug in ["prise-en-charge", "reception-pieces", "cloture", "attribution", "relance"] {
        assert!(!closed.contains(&format!("action=\"/saisines/{r}/{slug}\"")), "{slug} offered once closed");
    }
    assert!(closed.contains("Écrire à la personne"), "letters stay available once closed");

    // A reader sees the saisine and its history, and no action.
    let reader = app.browser_as(Role::Lecteur).page(&format!("/saisines/{r}"));
    assert!(offered(&reader).is_empty() && !reader.contains("id=\"t-actions\""));
    assert!(reader.contains("id=\"t-historique\""));
}

#[test]
fn after_a_refused_step_a_reload_of_its_url_shows_the_saisine() {
    let app = TestApp::new();
    let r = app.create(&SaisineBuilder::default());
    let other = app.create(&SaisineBuilder::default());
    // Each move route refused on a received saisine (by the lifecycle, or for its input).
    let refused: [Refused; 6] = [
        ("reception-pieces", vec![], Status::Conflict),
        ("demande-pieces", vec![("description", "RIB"), ("due_on", "2026-07-01")], Status::Conflict),
        ("reouverture", vec![("reason", "Rappel")], Status::Conflict),
        ("prise-en-charge", vec![("date", "2026-07-01")], Status::UnprocessableEntity),
        ("cloture", vec![("outcome", "paiement_recu"), ("summary", "Payé.")], Status::UnprocessableEntity),
        ("notes", vec![("text", "   ")], Status::UnprocessableEntity),
    ];
    for (step, fields, status) in refused {
        let url = format!("/saisines/{r}/{step}");
        let answer = app.post_form(&url, &fields);
        assert_eq!(answer.status(), status, "{step}");
        let page = answer.into_string().expect("the page");
        assert!(page.contains(&format!("Saisine {r}")), "{step}: the saisine's page answers the refusal");
        let reload = app.get(&url);
        assert_eq!(reload.status(), Status::SeeOther, "GET {url}");
        assert_eq!(location(&reload), format!("/saisines/{r}#action-{step}"));
    }
    // Every other URL a form of the page posts to.
    for (path, to) in [
        (format!("/saisines/{r}/attribution"), format!("/saisines/{r}#action-attribution")),
        (format!("/saisines/{r}/relance"), format!("/saisines/{r}#action-relance")),
        (format!("/saisines/{r}/pieces"), format!("/saisines/{r}#pieces")),
        (format!("/saisines/{r}/courriers"), format!("/saisines/{r}#courriers")),
        (format!("/saisines/{r}/doublons/{other}/ecarter"), format!("/saisines/{r}/doublons/{other}")),
        (format!("/saisines/{r}/doublons/{other}/fusion"), format!("/saisines/{r}/doublons/{other}")),
    ] {
        let reload = app.get(&path);
        assert_eq!(reload.status(), Status::SeeOther, "GET {path}");
        assert_eq!(location(&reload), to, "GET {path}");
        let page = to.split('#').next().unwrap_or_default();
        assert_eq!(app.get(page).status(), Status::Ok, "{to}");
    }
    // A refused assignment: its error page, then a reload of its URL shows the saisine.
    let assigned = app.post_form(&format!("/saisines/{r}/attribution"), &[("assignee", "quelqu'un")]);
    assert_eq!(assigned.status(), Status::Conflict);
    assert_eq!(location(&app.get(&format!("/saisines/{r}/attribution"))), format!("/saisines/{r}#action-attribution"));
    // Not a URL forms post to: still not found.
    assert_eq!(app.get(&format!("/saisines/{r}/nimporte-quoi")).status(), Status::NotFound);
}

#[test]
fn an_invalid_form_opens_its_section_keeps_what_was_typed_and_says_what_to_do() {
    let app = TestApp::new();
    let r = app.create(&SaisineBuilder::default());
    app.step(&r, "prise-en-charge", json!({ "date": "2026-06-02" }));
    let typed = "Réponse donnée par téléphone à 23 h 30 ; l'assurée est d'accord.\r\nDeuxième ligne — fin.";
    let answer = app.post_form(&format!("/saisines/{r}/cloture"), &[("summary", typed), ("date", "2026-06-14")]);
    assert_eq!(answer.status(), Status::UnprocessableEntity);
    let page = answer.into_string().expect("the page");
    assert!(page.contains("<details class=\"action\" id=\"action-cloture\" open>"), "{page}");
    assert_eq!(page.matches(" open>").count(), 1, "only the section of the failed form is open");
    assert!(page.contains("Réponse donnée par téléphone à 23 h 30 ; l&#x27;assurée est d&#x27;accord."), "{page}");
    assert!(page.contains("value=\"2026-06-14\""), "the typed date kept");
    assert!(page.contains("id=\"cloture-erreurs\" role=\"alert\" tabindex=\"-1\" autofocus"), "focus on its errors");
    assert!(page.contains("<a href=\"#cloture-outcome\">choisissez la suite donnée pour clôturer la saisine</a>"));

    // While waiting, an abandon without its summary opens the abandon section, not the closing.
    app.step(&r, "demande-pieces", json!({ "date": "2026-06-03", "due_on": "2026-07-03", "description": "RIB" }));
    let answer = app.post_form(&format!("/saisines/{r}/cloture"), &[("outcome", "abandon"), ("summary", "")]);
    assert_eq!(answer.status(), Status::UnprocessableEntity);
    let page = answer.into_string().expect("the page");
    assert!(page.contains("id=\"action-abandon\" open>"), "{page}");
    assert!(!page.contains("id=\"action-cloture\" open>"));
    assert!(page.contains("rédigez la synthèse de clôture"));
}
