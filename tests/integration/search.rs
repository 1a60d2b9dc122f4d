//! The search box: accents and ligatures folded both ways, a reference number without its
//! year, and personal data (NIR, e-mail, phone) for mediators and administrators, audited.

use std::collections::BTreeSet;

use diesel::prelude::*;
use mediation::auth::Role;
use mediation::db::schema::{audit_log, saisines};
use rocket::http::{Header, Status};
use serde_json::Value;

use crate::support::{connect, nir_with_key, SaisineBuilder, TestApp};

fn found(app: &TestApp, q: &str) -> BTreeSet<String> {
    let query = serde_urlencoded::to_string([("q", q), ("limit", "500")]).unwrap();
    let (status, body) = app.get_json(&format!("/api/v1/saisines?{query}"));
    assert_eq!(status, Status::Ok, "{q}: {body}");
    body["items"].as_array().unwrap().iter().map(|i| i["reference"].as_str().unwrap().to_string()).collect()
}

fn set(refs: &[&str]) -> BTreeSet<String> {
    refs.iter().map(|r| r.to_string()).collect()
}

#[test]
fn ligatures_and_accents_fold_both_ways() {
    let app = TestApp::new();
    let ligature = app.create(&SaisineBuilder::default().name("Jean Bœuf"));
    let spelt = app.create(&SaisineBuilder::default().name("Paul BOEUF"));
    let laetitia = app.create(&SaisineBuilder::default().name("Lætitia Hérault"));
    app.create(&SaisineBuilder::default().name("Ève Bouf"));
    assert_eq!(found(&app, "Boeuf"), set(&[&ligature, &spelt]));
    assert_eq!(found(&app, "bœuf"), set(&[&ligature, &spelt]));
    assert_eq!(found(&app, "BŒUF"), set(&[&ligature, &spelt]));
    assert_eq!(found(&app, "laetitia herault"), set(&[&laetitia]));
    assert_eq!(found(&app, "LÆTITIA"), set(&[&laetitia]));
}

#[test]
fn a_reference_number_without_its_year_finds_it_in_every_year() {
    let app = TestApp::new();
    for _ in 0..3 {
        app.create(&SaisineBuilder::default().received_on("2025-03-01").name("Ancien"));
    }
    for _ in 0..12 {
        app.create(&SaisineBuilder::default().name("Nouveau"));
    }
    assert_eq!(found(&app, "0003"), set(&["2025-0003", "2026-0003"]));
    assert_eq!(found(&app, "3"), set(&["2025-0003", "2026-0003"]));
    assert_eq!(found(&app, "12"), set(&["2026-0012"]));
    assert_eq!(found(&app, "2026-0003"), set(&["2026-0003"]), "a whole reference still finds exactly it");
    assert_eq!(found(&app, "2025-"), set(&["2025-0001", "2025-0002", "2025-0003"]));
}

/// The audit rows of personal-data searches: (actor, details).
fn search_audits(app: &TestApp) -> Vec<(String, String)> {
    audit_log::table
        .filter(audit_log::action.eq("recherche_donnees_personnelles"))
        .order(audit_log::id.asc())
        .select((audit_log::actor, audit_log::details))
        .load(&mut connect(&app.dir))
        .unwrap()
}

#[test]
fn mediators_find_a_saisine_by_nir_email_or_phone_exactly_and_the_search_is_audited() {
    let app = TestApp::new();
    let nir = nir_with_key("1841275123456");
    let wanted = app.create(
        &SaisineBuilder::default()
            .set("nir", nir.clone().into())
            .set("email", "Jeanne.Martin@Exemple.fr".into())
            .set("phone", "06 98 76 54 32".into()),
    );
    // Another person: the builder's defaults, another NIR, address and number.
    app.create(&SaisineBuilder::default().set("email", "paul.durand@exemple.fr".into()));
    let spaced = format!("{} {} {} {}", &nir[0..1], &nir[1..3], &nir[3..7], &nir[7..]);
    assert_eq!(found(&app, &spaced), set(&[&wanted]));
    assert_eq!(found(&app, "jeanne.martin@exemple.FR"), set(&[&wanted]));
    assert_eq!(found(&app, "+33 6 98 76 54 32"), set(&[&wanted]));
    assert_eq!(found(&app, "06.98.76.54.32"), set(&[&wanted]));
    assert_eq!(found(&app, "martin@exemple.fr"), set(&[]), "an exact match, never a part of an address");
    assert_eq!(found(&app, "06 98 76 54 33"), set(&[]));

    let audits = search_audits(&app);
    assert_eq!(audits.len(), 6, "{audits:?}");
    for (actor, details) in &audits {
        assert_eq!(actor, crate::support::MEDIATOR_NAME);
        assert!(
            !details.contains(&nir[7..13]) && !details.contains("martin") && !details.contains("76 54"),
            "{details}"
        );
    }
    assert!(audits[0].1.contains("nir") && audits[1].1.contains("email") && audits[2].1.contains("telephone"));
    // A name search is no access to personal data by a datum: nothing more is recorded.
    found(&app, "Jeanne");
    assert_eq!(search_audits(&app).len(), 6);

    // The page and the CSV export record the search too.
    let page = app.browser.page(&format!("/saisines?q={}", spaced.replace(' ', "+")));
    assert!(page.contains(&wanted));
    let export = app.get(&format!("/saisines/export.csv?q={}", spaced.replace(' ', "+")));
    assert_eq!(export.status(), Status::Ok);
    assert_eq!(search_audits(&app).len(), 8);
}

#[test]
fn readers_cannot_search_by_personal_data() {
    let app = TestApp::new();
    app.create(&SaisineBuilder::default());
    let token = app.token_as(Role::Lecteur, "lecteur-api@cpam.test");
    let response = app
        .browser
        .client
        .get("/api/v1/saisines?q=jeanne.martin%40exemple.fr")
        .header(Header::new("Authorization", format!("Bearer {token}")))
        .dispatch();
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let body: Value = response.into_json().unwrap();
    assert!(body.to_string().contains("réservée aux médiateurs"), "{body}");
    let reader = app.browser_as(Role::Lecteur);
    let page = reader.get("/saisines?q=06+12+34+56+78");
    assert_eq!(page.status(), Status::UnprocessableEntity);
    assert!(page.into_string().unwrap().contains("réservée aux médiateurs"));
    let by_name = reader.get("/saisines?q=martin");
    assert_eq!(by_name.status(), Status::Ok);
    assert!(search_audits(&app).is_empty());
}

#[test]
fn keys_of_saisines_written_before_the_search_keys_are_filled_at_start_up() {
    let app = TestApp::new();
    let reference = app.create(&SaisineBuilder::default().name("Jean Bœuf"));
    // As the migration leaves them: no e-mail or phone key, the ligature's name key marked.
    diesel::update(saisines::table)
        .set((
            saisines::email_key.eq(None::<String>),
            saisines::phone_key.eq(None::<String>),
            saisines::name_key.eq(""),
        ))
        .execute(&mut connect(&app.dir))
        .unwrap();
    assert_eq!(found(&app, "Boeuf"), set(&[]));
    mediation::db::pool::migrate(&app.dir.url).unwrap();
    let keys: (String, Option<String>, Option<String>) = saisines::table
        .select((saisines::name_key, saisines::email_key, saisines::phone_key))
        .first(&mut connect(&app.dir))
        .unwrap();
    assert_eq!(keys, ("jean boeuf".into(), Some("jeanne.martin@exemple.fr".into()), Some("0612345678".into())));
    assert_eq!(found(&app, "Boeuf"), set(&[&reference]));
    assert_eq!(found(&app, "06 12 34 56 78"), set(&[&reference]));
}
