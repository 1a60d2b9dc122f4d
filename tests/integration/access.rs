//! The access matrix: every route of the application × anonymous / lecteur / mediateur /
//! admin. The routes come from the application itself, so a new route without an entry in
//! `required_access` fails this test.

use std::collections::BTreeMap;

use mediation::auth::Role;
use rocket::http::{ContentType, Header, Method, Status};
use rocket::local::blocking::LocalResponse;

use crate::support::{Browser, SaisineBuilder, TestApp};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Access {
    Public,
    /// Signed in, even with a second factor or a new password still owed.
    SignedIn,
    Reader,
    Mediator,
    Admin,
}

fn required_access(method: Method, path: &str) -> Option<Access> {
    use Access::*;
    use Method::*;
    Some(match (method, path) {
        (Get, "/") | (Get, "/healthz") | (Get, "/static/<path..>") => Public,
        (Get, "/connexion") | (Post, "/connexion") => Public,
        (Get, "/installation/<token>") | (Post, "/installation/<token>") => Public,
        (Get, "/partenaires/saisine") | (Post, "/partenaires/saisine") => Public,
        (Get, "/partenaires/saisine/<reference>") | (Get, "/partenaires/accuse/<reference>") => Public,
        (Get, "/saisines/<reference>/pieces/<id>") | (Post, "/saisines/<reference>/pieces") => Mediator,
        (Get, "/connexion/suite") | (Post, "/deconnexion") => SignedIn,
        (Get, "/connexion/second-facteur") | (Post, "/connexion/second-facteur") => SignedIn,
        (Get, "/compte/mot-de-passe") | (Post, "/compte/mot-de-passe") => SignedIn,
        (Get, "/compte/double-facteur") | (Post, "/compte/double-facteur") => SignedIn,
        (Get, "/compte") | (Get, "/compte/jetons") | (Post, "/compte/jetons") => Reader,
        (Post, "/compte/jetons/<token_id>/revocation") => Reader,
        (Get, "/saisines") | (Get, "/saisines/<reference>") => Reader,
        (Get, "/saisines/export.csv") => Reader,
        (Get, "/saisines/export.xlsx") => Reader,
        // Readers may export the checked rows; its write actions answer them 403 (`list_bulk`).
        (Post, "/saisines/lot") => Reader,
        (Get, "/saisines/export-complet.csv") => Admin,
        (Get, "/rapports") | (Get, "/rapports/<year>") | (Get, "/rapports/<file>") => Reader,
        (Get, "/rapports/periode") | (Get, "/rapports/periode.pdf") => Reader,
        (Get, "/saisines/nouvelle") | (Post, "/saisines") => Mediator,
        (Get, "/saisines/<reference>/modifier") | (Post, "/saisines/<reference>/modifier") => Mediator,
        (Post, "/saisines/<reference>/<step>") | (Post, "/saisines/<reference>/attribution") => Mediator,
        (Get, "/admin/comptes") | (Post, "/admin/comptes") => Admin,
        (Post, "/admin/comptes/<id>") | (Post, "/admin/comptes/<id>/reinitialisation") => Admin,
        (Get, "/admin/referentiels") | (Post, "/admin/referentiels/<kind>") => Admin,
        (Post, "/admin/referentiels/<kind>/<code>") | (Get, "/admin/journal") => Admin,
        (Get, "/admin/import") | (Post, "/admin/import") | (Post, "/admin/import/<token>") => Admin,
        (Get, "/admin/delais") | (Post, "/admin/delais") => Admin,
        (Get, "/admin/conservation") | (Post, "/admin/conservation") => Admin,
        (Get, "/saisines/<reference>/anonymiser") | (Post, "/saisines/<reference>/anonymiser") => Admin,
        (Get, "/personnes") | (Post, "/personnes") | (Post, "/personnes/document") => Mediator,
        (Get, "/saisines/<reference>/rectification") | (Post, "/saisines/<reference>/rectification") => Mediator,
        (Get, "/a-traiter") | (Post, "/saisines/<reference>/relance") => Mediator,
        (Post, "/saisines/<reference>/doublons/<other>/ecarter") => Mediator,
        (Get, "/saisines/<reference>/<posted>") => Reader,
        (Get, "/saisines/<reference>/doublons/<other>") => Mediator,
        // Readers keep private views of their own (`saved_views`).
        (Get, "/vues") | (Post, "/vues") | (Post, "/vues/<id>/nom") => Reader,
        (Post, "/vues/<id>/<direction>") | (Post, "/vues/<id>/suppression") => Reader,
        (Get, "/aide") | (Post, "/aide/raccourcis") | (Get, "/recherche") => Reader,
        // The mediation's mailbox (`mailbox`).
        (Get, "/courriels/<id>") | (Get, "/courriels/non-traites") => Mediator,
        (Post, "/courriels/non-traites/<id>/ecarter") | (Get, "/courriels/non-traites/<id>/saisine") => Mediator,
        (Post, "/courriels/non-traites/<id>/saisine") | (Post, "/saisines/<reference>/courriel-vu") => Mediator,
        (Get, "/saisines/<reference>/courriels/<id>") => Mediator,
        (Get, "/admin/courriels-ignores") | (Get, "/admin/adresses-partenaires") => Admin,
        (Post, "/admin/adresses-partenaires") | (Post, "/admin/adresses-partenaires/retirer") => Admin,
        (Post, "/saisines/<reference>/doublons/<other>/fusion") => Mediator,
        (Get, "/saisines/<reference>/doublons/<other>/<_action>") => Mediator,
        (Get, "/indicateurs") => Reader,
        (Get, "/api/v1/saisines") | (Get, "/api/v1/saisines/<reference>") => Reader,
        (Get, "/api/v1/saisines/<reference>/evenements") | (Get, "/api/v1/referentiels") => Reader,
        (Post, "/api/v1/saisines") | (Patch, "/api/v1/saisines/<reference>") => Mediator,
        (Post, "/api/v1/saisines/<reference>/<step>") | (Post, "/api/v1/saisines/<reference>/attribution") => Mediator,
        (Post, "/api/v1/saisines/<reference>/relance") => Mediator,
        (Post, "/api/v1/saisines/<reference>/fusion") => Mediator,
        (Get, "/admin/modeles") | (Get, "/admin/modeles/<code>") | (Post, "/admin/modeles/<code>") => Admin,
        (Get, "/admin/entete") | (Post, "/admin/entete") => Admin,
        (Get, "/admin/envois") => Reader,
        (Post, "/admin/envois/<id>/renvoyer") | (Post, "/admin/envois/<id>/annuler") => Admin,
        (Get, "/saisines/<reference>/courriers/nouveau") | (Post, "/saisines/<reference>/courriers") => Mediator,
        (Get, "/saisines/<reference>/courriers/<id>") => Mediator,
        (Get, "/compte/synthese") | (Post, "/compte/synthese") => Mediator,
        (Get, "/satisfaction/<token>") | (Post, "/satisfaction/<token>") => Public,
        _ => return None,
    })
}

/// A concrete URI for a route pattern.
fn concrete(path: &str, reference: &str, spare_account: i32) -> String {
    // Who may change a view depends on whose it is (`saved_views` tests): here, one that does
    // not exist, so that only signing in is checked.
    if path.starts_with("/vues/") {
        return path.replace("<id>", "999999").replace("<direction>", "monter");
    }
    path.replace("<reference>", reference)
        .replace("<step>", "notes")
        .replace("<posted>", "cloture")
        .replace("<_action>", "fusion")
        .replace("<path..>", "app.css")
        .replace("<token>", "lien-invalide")
        .replace("<token_id>", "999")
        .replace("<id>", &spare_account.to_string())
        .replace("<kind>", "motifs")
        .replace("<code>", "indu")
        .replace("<year>", "2026")
        .replace("<file>", "2026.pdf")
        .replace("<other>", "2026-9999")
        .replace("<direction>", "monter")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Allowed,
    SignInRequired,
    Forbidden,
}

fn verdict(response: &LocalResponse<'_>) -> Verdict {
    // Signing out also lands on the sign-in page, with a message: that one was allowed.
    let signed_out = response.headers().get("Set-Cookie").any(|c| c.starts_with("_flash="));
    let to_sign_in = response.headers().get_one("Location") == Some("/connexion") && !signed_out;
    match response.status() {
        Status::Unauthorized if response.content_type() == Some(ContentType::JSON) => Verdict::SignInRequired,
        Status::SeeOther if to_sign_in => Verdict::SignInRequired,
        Status::Forbidden => Verdict::Forbidden,
        _ => Verdict::Allowed,
    }
}

fn expected(access: Access, role: Option<Role>) -> Verdict {
    let rank = |role: Role| match role {
        Role::Lecteur => Access::Reader,
        Role::Mediateur => Access::Mediator,
        Role::Admin => Access::Admin,
    };
    match (access, role) {
        (Access::Public, _) => Verdict::Allowed,
        (_, None) => Verdict::SignInRequired,
        (access, Some(role)) if access <= rank(role) => Verdict::Allowed,
        _ => Verdict::Forbidden,
    }
}

fn request<'c>(browser: &'c Browser, token: Option<&str>, method: Method, uri: &str) -> LocalResponse<'c> {
    let api = uri.starts_with("/api/");
    let mut request = browser.client.req(method, uri.to_string());
    if let Some(token) = token.filter(|_| api) {
        request.add_header(Header::new("Authorization", format!("Bearer {token}")));
    }
    if method == Method::Get {
        return request.dispatch();
    }
    if api {
        return request.header(ContentType::JSON).body("{}").dispatch();
    }
    let body = serde_urlencoded::to_string([("csrf_token", browser.csrf())]).unwrap();
    request.header(ContentType::Form).body(body).dispatch()
}

#[test]
fn every_route_answers_each_role_as_its_access_rule_says() {
    let app = TestApp::new();
    let reference = app.create(&SaisineBuilder::default());
    let spare = crate::support::create_user(&app.dir, "spare@cpam.test", "Compte de réserve", Role::Lecteur);
    let rocket = mediation::web::build(crate::support::test_figment(&app.dir), app.clock.clone());
    let mut routes: Vec<(Method, String)> = rocket.routes().map(|r| (r.method, r.uri.path().to_string())).collect();
    // Signing out last, so that each browser keeps its session through the others.
    routes.sort_by_key(|(method, path)| (path == "/deconnexion", path.clone(), method.as_str()));
    routes.dedup();
    let unlisted: Vec<_> = routes.iter().filter(|(m, p)| required_access(*m, p).is_none()).collect();
    assert!(unlisted.is_empty(), "routes sans règle d'accès dans ce test : {unlisted:?}");

    let visitors: Vec<(Option<Role>, Browser, Option<String>)> = vec![
        (None, app.anonymous(), None),
        (
            Some(Role::Lecteur),
            app.browser_as(Role::Lecteur),
            Some(app.token_as(Role::Lecteur, "lecteur-api@cpam.test")),
        ),
        (Some(Role::Mediateur), app.browser_as(Role::Mediateur), Some(app.token.clone())),
        (Some(Role::Admin), app.browser_as(Role::Admin), Some(app.token_as(Role::Admin, "admin-api@cpam.test"))),
    ];
    let mut failures: BTreeMap<String, String> = BTreeMap::new();
    for (method, path) in &routes {
        let access = required_access(*method, path).unwrap();
        let uri = concrete(path, &reference, spare.0);
        for (role, browser, token) in &visitors {
            let response = request(browser, token.as_deref(), *method, &uri);
            let got = verdict(&response);
            let want = expected(access, *role);
            if got != want {
                failures.insert(
                    format!("{method} {uri} as {role:?}"),
                    format!("{got:?} ({}), expected {want:?}", response.status()),
                );
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(routes.len() >= 40, "the matrix covers every route ({})", routes.len());
}

/// Every direct identifier of a saisine, and of the partner's contact, as typed.
const SECRETS: &[&str] = &[
    "Yanis",
    "Benali",
    "Durand",
    "yanis.benali",
    "98 76 54",
    "0698765",
    "Mercière",
    "Saint-Vincent",
    "claire.deleguee",
    "72 11 22",
    "0472112",
];

fn assert_masked(what: &str, text: &str, nir: &str) {
    let leaks: Vec<&str> = SECRETS.iter().copied().filter(|s| text.contains(s)).collect();
    assert!(leaks.is_empty(), "{what} shows {leaks:?} to a reader");
    let middle = &nir[5..13];
    let spaced = format!("{} {} {}", &nir[5..7], &nir[7..10], &nir[10..13]);
    assert!(!text.contains(middle) && !text.contains(&spaced), "{what} shows the NIR to a reader");
}

#[test]
fn a_reader_sees_every_personal_field_masked_on_every_page_and_in_the_api() {
    use mediation::app::referrals;
    use mediation::db::referrals::FormToken;
    use mediation::domain::referral::ReferralDraft;

    let app = TestApp::new();
    let nir = crate::support::nir_with_key("1850169123456");
    let draft = ReferralDraft {
        partner: "defenseur_des_droits".into(),
        organisation: "Défenseur des droits".into(),
        contact_name: "Claire D.".into(),
        contact_email: "claire.deleguee@defenseurdesdroits.fr".into(),
        contact_phone: "04 72 11 22 33".into(),
        requester_name: "Yanis Benali".into(),
        nir: nir.clone(),
        email: "yanis.benali@exemple.fr".into(),
        phone: "06 98 76 54 32".into(),
        address: "3 rue Mercière, 69002 Lyon".into(),
        consent: true,
        process: "revenus_remplacement".into(),
        motifs: vec!["paiement_non_recu".into()],
        account: "Aucune indemnité versée depuis janvier.".into(),
    };
    let at = crate::support::noon(crate::support::TODAY).naive_utc();
    let token = FormToken { nonce: "essai", expires_at: at + chrono::Duration::hours(2) };
    let mut conn = crate::support::connect(&app.dir);
    let file = mediation::db::attachments::NewAttachment {
        file_name: "arret Yanis Benali.pdf".into(),
        content_type: "application/pdf".into(),
        data: b"%PDF-1.4\n%%EOF\n".to_vec(),
    };
    let reference = referrals::submit(&mut conn, &draft, &[file], &token, "192.0.2.1", at).unwrap().to_string();
    // An edit puts the old and new name and address in the timeline.
    let edit =
        serde_json::json!({ "requester_name": "Yanis Benali-Durand", "address": "5 quai Saint-Vincent, 69001 Lyon" });
    assert_eq!(app.patch_json(&format!("/api/v1/saisines/{reference}"), &edit).status(), Status::Ok);
    let mediator_page = app.browser.page(&format!("/saisines/{reference}"));
    assert!(mediator_page.contains("Benali-Durand") && mediator_page.contains("claire.deleguee"), "control");

    let reader = app.browser_as(Role::Lecteur);
    let page = reader.page(&format!("/saisines/{reference}"));
    assert!(page.contains("Les données personnelles sont masquées pour votre rôle"));
    assert!(page.contains("Y••• B•••"), "the name as initials");
    for uri in [format!("/saisines/{reference}"), "/saisines".to_string(), "/saisines/export.csv".to_string()] {
        assert_masked(&uri, &reader.page(&uri), &nir);
    }
    assert_eq!(reader.get(&format!("/saisines/{reference}/modifier")).status(), Status::Forbidden);
    let token = app.token_as(Role::Lecteur, "lecteur-api@cpam.test");
    for uri in [
        "/api/v1/saisines".to_string(),
        format!("/api/v1/saisines/{reference}"),
        format!("/api/v1/saisines/{reference}/evenements"),
    ] {
        let response =
            reader.client.get(uri.clone()).header(Header::new("Authorization", format!("Bearer {token}"))).dispatch();
        assert_eq!(response.status(), Status::Ok, "{uri}");
        assert_masked(&uri, &response.into_string().unwrap(), &nir);
    }
}
