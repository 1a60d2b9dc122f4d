//! The person's rights and the figures: the annual reports are the same before and after
//! anonymising every saisine of several years; the access document holds every saisine of
//! the person and none of another's; erasure, rectification and the settings are audited.

use diesel::prelude::*;
use mediation::app::anonymise::{self, RunOptions};
use mediation::auth::Role;
use mediation::db::schema;
use rocket::http::{ContentType, Status};
use serde_json::{json, Value};

use crate::report_data::{fixed_dataset, pdf_text};
use crate::support::{connect, nir_with_key, SaisineBuilder, TestApp};

/// Every report of every year: the dashboard's page, the PDF's bytes and text, the CSV.
fn reports(app: &TestApp, years: &[i32]) -> Vec<(String, Vec<u8>)> {
    let mut all = Vec::new();
    for year in years {
        for uri in [format!("/rapports/{year}"), format!("/rapports/{year}.pdf"), format!("/rapports/{year}.csv")] {
            let response = app.get(&uri);
            assert_eq!(response.status(), Status::Ok, "GET {uri}");
            let bytes = response.into_bytes().expect("corps");
            if uri.ends_with(".pdf") {
                all.push((format!("{uri} (texte)"), pdf_text(&bytes).1.into_bytes()));
            }
            all.push((uri, bytes));
        }
    }
    all
}

#[test]
fn the_annual_reports_are_identical_after_anonymising_everything() {
    let app = TestApp::new();
    fixed_dataset(&app);
    // A closed saisine with a note and a partner, the year before.
    let extra = app.create(&SaisineBuilder::default().received_on("2023-05-02").partner("defenseur_des_droits"));
    app.step(&extra, "prise-en-charge", json!({ "date": "2023-05-03" }));
    app.step(&extra, "notes", json!({ "text": "Appel de la personne" }));
    app.step(&extra, "cloture", json!({ "date": "2023-06-01", "outcome": "explications", "summary": "Expliqué." }));
    let years = [2023, 2024, 2025, 2026];
    let before = reports(&app, &years);
    assert!(String::from_utf8_lossy(&before[0].1).contains("2023"));
    let closed: i64 = schema::saisines::table
        .filter(schema::saisines::status.eq("cloturee"))
        .count()
        .get_result(&mut connect(&app.dir))
        .unwrap();
    let report = anonymise::run(
        &mut connect(&app.dir),
        app.clock.as_ref(),
        RunOptions { dry_run: false, retention_months: Some(0) },
    )
    .expect("anonymisation");
    assert_eq!(report.anonymised.len() as i64, closed, "{report:?}");
    assert!(closed >= 9);
    let after = reports(&app, &years);
    for ((uri, a), (_, b)) in before.iter().zip(&after) {
        assert!(a == b, "{uri} a changé après l'anonymisation");
    }
}

fn person(name: &str, nir_body: &str, email: &str, received_on: &str) -> SaisineBuilder {
    SaisineBuilder::default()
        .received_on(received_on)
        .name(name)
        .set("nir", json!(nir_with_key(nir_body)))
        .set("email", json!(email))
}

#[test]
fn the_access_document_holds_every_saisine_of_the_person_and_none_of_another() {
    let app = TestApp::new();
    let nir = nir_with_key("2840575123456");
    let first = app.create(&person("Adèle Fournier", "2840575123456", "adele@exemple.fr", "2026-01-05"));
    let second = app.create(&person("Adèle Fournier-Roy", "2840575123456", "adele.roy@exemple.fr", "2026-03-02"));
    app.step(&second, "notes", json!({ "text": "Rappelée au sujet de sa pension" }));
    let other = app.create(&person("Bérénice Lagarde", "1790233123456", "berenice@exemple.fr", "2026-02-02"));
    let namesake = app.create(&person("Adèle Fournier-Rouge", "2910175123456", "rouge@exemple.fr", "2026-02-03"));

    // A letter posted to the person: in the document with its text.
    {
        use mediation::domain::letters::{Delivery, LetterDraft, Recipient};
        let settings = mediation::app::letters::MailSettings::from_config(&mediation::config::AppConfig::default());
        let order = mediation::app::letters::LetterOrder {
            kind: "libre".into(),
            recipient: Recipient::Person,
            delivery: Delivery::Post,
            letter: LetterDraft::check("Votre pension d'invalidité", "Nous avons relancé le service.").unwrap(),
            attachments: Vec::new(),
            satisfaction: false,
        };
        let actor = mediation::app::Actor::system("Marie");
        let stamp = mediation::app::Stamp { actor: &actor, at: crate::support::noon("2026-06-15").naive_utc() };
        let mut conn = crate::support::connect(&app.dir);
        mediation::app::letters::send(&mut conn, second.parse().unwrap(), &order, &settings, &stamp).unwrap();
    }
    let page = app.post_form("/personnes", &[("q", &nir)]).into_string().expect("page");
    assert!(page.contains(&first) && page.contains(&second) && !page.contains(&other), "{page}");

    let response = app.post_form("/personnes/document", &[("q", &nir), ("format", "json")]);
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(response.content_type(), Some(ContentType::JSON));
    let file: Value = response.into_json().expect("JSON");
    let references: Vec<&str> =
        file["saisines"].as_array().unwrap().iter().map(|s| s["reference"].as_str().unwrap()).collect();
    assert_eq!(references, [first.as_str(), second.as_str()]);
    let text = file.to_string();
    assert!(text.contains("Rappelée au sujet de sa pension"), "l'historique est dans le document");
    assert!(text.contains("Nous avons relancé le service."), "les courriers sont dans le document");
    assert!(text.contains("adele.roy@exemple.fr") && text.contains("Adèle Fournier-Roy"));
    for foreign in ["Bérénice", "berenice@exemple.fr", other.as_str(), namesake.as_str()] {
        assert!(!text.contains(foreign), "{foreign} n'est pas à cette personne");
    }

    let response = app.post_form("/personnes/document", &[("q", &nir), ("format", "pdf")]);
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(response.content_type(), Some(ContentType::PDF));
    let (_, pdf) = pdf_text(&response.into_bytes().unwrap());
    assert!(pdf.contains(&first) && pdf.contains(&second), "{pdf}");
    assert!(pdf.contains("pension"), "{pdf}");
    assert!(pdf.contains("Nous avons relancé le service."), "{pdf}");
    assert!(!pdf.contains(&other) && !pdf.contains("Bérénice") && !pdf.contains(&namesake), "{pdf}");

    // By name: the whole name, accents and case folded, never a part of another name.
    let by_name = app.post_form("/personnes/document", &[("q", "ADELE fournier"), ("format", "json")]);
    let file: Value = by_name.into_json().expect("JSON");
    let references: Vec<&str> =
        file["saisines"].as_array().unwrap().iter().map(|s| s["reference"].as_str().unwrap()).collect();
    assert_eq!(references, [first.as_str()]);

    let audit = app.audit_actions();
    let produced: Vec<&(String, String, String)> = audit.iter().filter(|a| a.0 == "droit_acces").collect();
    assert_eq!(produced.len(), 3, "{audit:?}");
    assert_eq!(produced[0].2, format!("{first},{second}"));
    // The log never holds the NIR in clear.
    assert!(!audit.iter().any(|a| a.2.contains(&nir)));
    let empty = app.post_form("/personnes", &[("q", " ")]);
    assert_eq!(empty.status(), Status::UnprocessableEntity);
}

fn closed(app: &TestApp) -> String {
    let reference = app.create(&SaisineBuilder::default().received_on("2026-05-04"));
    app.step(&reference, "cloture", json!({ "date": "2026-05-05", "outcome": "orientation", "summary": "Orientée." }));
    reference
}

#[test]
fn an_administrator_erases_a_saisine_before_its_term_with_a_confirmed_reason() {
    let app = TestApp::new();
    let admin = app.browser_as(Role::Admin);
    let reference = closed(&app);
    let open = app.create(&SaisineBuilder::default());
    let uri = format!("/saisines/{reference}/anonymiser");
    assert_eq!(admin.get(&uri).status(), Status::Ok);
    assert_eq!(app.post_form(&uri, &[("reason", "Demande"), ("confirm", "true")]).status(), Status::Forbidden);
    let unconfirmed = admin.post_form(&uri, &[("reason", "Demande d'effacement du 02/06/2026")]);
    assert_eq!(unconfirmed.status(), Status::UnprocessableEntity);
    assert!(unconfirmed.into_string().unwrap().contains("Demande d&#x27;effacement du 02&#x2F;06&#x2F;2026"));
    assert_eq!(admin.post_form(&uri, &[("reason", " "), ("confirm", "true")]).status(), Status::UnprocessableEntity);
    assert_eq!(app.saisine(&reference)["requester_name"], "Jeanne Martin");
    let done = admin.post_form(&uri, &[("reason", "Demande d'effacement du 02/06/2026"), ("confirm", "true")]);
    assert_eq!(done.status(), Status::SeeOther);
    assert!(app.saisine(&reference)["requester_name"].is_null());
    let audit = app.audit_actions();
    let erased: Vec<_> = audit.iter().filter(|a| a.0 == "saisine_effacee").collect();
    assert_eq!(erased.len(), 1);
    assert_eq!(erased[0].2, reference);
    let details: String = schema::audit_log::table
        .filter(schema::audit_log::action.eq("saisine_effacee"))
        .select(schema::audit_log::details)
        .first(&mut connect(&app.dir))
        .unwrap();
    assert_eq!(details, "Demande d'effacement du 02/06/2026");
    // Once is enough; an open saisine is closed first.
    assert_eq!(
        admin.post_form(&uri, &[("reason", "Encore"), ("confirm", "true")]).status(),
        Status::UnprocessableEntity
    );
    let open_uri = format!("/saisines/{open}/anonymiser");
    let refused = admin.post_form(&open_uri, &[("reason", "Demande"), ("confirm", "true")]);
    assert_eq!(refused.status(), Status::UnprocessableEntity);
    assert!(refused.into_string().unwrap().contains("clôturez d&#x27;abord"));
    // Not reopened, and no longer found by a search.
    let response = app.post_json(
        &format!("/api/v1/saisines/{reference}/reouverture"),
        &json!({ "date": "2026-06-15", "reason": "Rappel" }),
    );
    assert_eq!(response.status().code, 409);
    let (_, found) = app.get_json("/api/v1/saisines?q=Jeanne%20Martin");
    let listed: Vec<&str> = found["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|s| s["reference"].as_str()).collect())
        .unwrap_or_default();
    assert!(!listed.contains(&reference.as_str()), "{found}");
}

#[test]
fn a_mediator_replaces_an_old_value_of_the_history_without_keeping_it() {
    let app = TestApp::new();
    let reference = app.create(&SaisineBuilder::default().set("address", json!("8 rue Erronée")));
    let response = app.patch_json(&format!("/api/v1/saisines/{reference}"), &json!({ "address": "9 rue Juste" }));
    assert_eq!(response.status(), Status::Ok);
    let uri = format!("/saisines/{reference}/rectification");
    assert!(app.browser.page(&uri).contains("8 rue Erronée"));
    let event: i32 = schema::events::table
        .filter(schema::events::kind.eq("modifiee"))
        .select(schema::events::id)
        .first(&mut connect(&app.dir))
        .unwrap();
    let event = event.to_string();
    let empty = app.post_form(&uri, &[("event", &event), ("field", "address"), ("replacement", " ")]);
    assert_eq!(empty.status(), Status::SeeOther);
    assert!(app.browser.page(&uri).contains("8 rue Erronée"), "rien n'est remplacé par un texte vide");
    let done = app.post_form(&uri, &[("event", &event), ("field", "address"), ("replacement", "adresse rectifiée")]);
    assert_eq!(done.status(), Status::SeeOther);
    let (_, timeline) = app.get_json(&format!("/api/v1/saisines/{reference}/evenements"));
    let text = timeline.to_string();
    assert!(!text.contains("Erronée"), "{text}");
    assert!(text.contains("adresse rectifiée") && text.contains("rectifiee"), "{text}");
    assert!(app.audit_actions().iter().any(|a| a.0 == "historique_rectifie" && a.2 == reference));
}

#[test]
fn administrators_set_the_retention_periods() {
    let app = TestApp::new();
    let admin = app.browser_as(Role::Admin);
    assert!(admin.page("/admin/conservation").contains("value=\"60\""));
    assert_eq!(app.get("/admin/conservation").status(), Status::Forbidden);
    let wrong = admin.post_form("/admin/conservation", &[("closed_months", "cinq ans"), ("audit_months", "0")]);
    assert_eq!(wrong.status(), Status::UnprocessableEntity);
    let page = wrong.into_string().unwrap();
    assert!(page.contains("cinq ans") && page.contains("nombre entier de mois"), "{page}");
    let saved = admin.post_form("/admin/conservation", &[("closed_months", "36"), ("audit_months", "6")]);
    assert_eq!(saved.status(), Status::SeeOther);
    let settings = mediation::db::retention::load(&mut connect(&app.dir)).unwrap();
    assert_eq!((settings.closed_months, settings.audit_months), (36, 6));
    assert!(app.audit_actions().iter().any(|a| a.0 == "conservation_modifiee"));
}
