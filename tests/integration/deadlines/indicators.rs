//! Service-quality indicators (page, queue block, the function the annual report calls) and
//! the net processing time over several waits.

use mediation::auth::Role;
use mediation::domain::indicators::Share;
use rocket::http::Status;
use serde_json::json;

use super::{go_to, read};
use crate::support::{connect, SaisineBuilder, TestApp};

fn saisine(app: &TestApp, received: &str, steps: &[(&str, serde_json::Value)]) -> String {
    let reference =
        app.create(&SaisineBuilder::default().received_on(received).set("nir", json!(null)).set("email", json!(null)));
    for (step, body) in steps {
        app.step(&reference, step, body.clone());
    }
    reference
}

#[test]
fn the_indicators_count_saisines_on_time_late_and_overdue() {
    let app = TestApp::on("2026-09-30");
    let close = |on: &str| json!({"outcome": "explications", "summary": "Réponse donnée.", "date": on});
    saisine(
        &app,
        "2026-06-01",
        &[("prise-en-charge", json!({"date": "2026-06-02"})), ("cloture", close("2026-06-21"))],
    );
    saisine(
        &app,
        "2026-06-01",
        &[("prise-en-charge", json!({"date": "2026-06-11"})), ("cloture", close("2026-07-11"))],
    );
    saisine(&app, "2026-09-27", &[]);
    saisine(&app, "2025-12-20", &[("prise-en-charge", json!({"date": "2025-12-21"}))]);

    // What the annual report calls.
    let today = "2026-09-30".parse().unwrap();
    let found = mediation::db::indicators::for_year(&mut connect(&app.dir), 2026, today).unwrap();
    assert_eq!(found.saisines, 3);
    assert_eq!(found.taken_up_in_time, Share { count: 1, base: 2 }, "the open one is still within its 7 days");
    assert_eq!(found.delays.taken_up_within_7_days, Share { count: 1, base: 2 });
    assert_eq!(found.delays.taken_up_within_48_hours, Share { count: 1, base: 3 });
    assert_eq!(found.closed_in_time, Share { count: 1, base: 2 });
    assert_eq!(found.delays.closed_within_a_month, Share { count: 1, base: 2 });
    assert_eq!(found.overdue_now, 0);
    assert_eq!(mediation::db::indicators::overdue_now(&mut connect(&app.dir), today).unwrap(), 1);

    let reader = app.browser_as(Role::Lecteur);
    let page = read(&reader, "/indicateurs?annee=2026");
    assert!(
        page.contains("Prises en charge sous 7 jours</dt><dd><strong>50 %</strong> <span class=\"muted\">(1 sur 2)"),
        "{page}"
    );
    assert!(page.contains("<strong>33 %</strong> <span class=\"muted\">(1 sur 3)"));
    assert!(page.contains("<dt>En retard aujourd'hui (toute l'équipe)</dt><dd><strong>1</strong> saisine ouverte, toutes années confondues (dont 0 reçue en 2026)"));
    assert!(read(&app.browser, "/a-traiter").contains("Indicateurs 2026"));
    let last_year = read(&reader, "/indicateurs?annee=2025");
    assert!(last_year.contains("<dt>Saisines reçues en 2025</dt><dd>1</dd>"));
    assert_eq!(reader.get("/indicateurs?annee=deux-mille").status(), Status::UnprocessableEntity);
    let empty = read(&reader, "/indicateurs?annee=2024");
    assert!(empty.contains("pas encore mesurable"));
}

#[test]
fn several_waits_add_up_in_the_net_processing_time() {
    let app = TestApp::new();
    go_to(&app, "2026-07-10");
    let reference = saisine(
        &app,
        "2026-06-01",
        &[
            ("prise-en-charge", json!({"date": "2026-06-02"})),
            ("demande-pieces", json!({"date": "2026-06-05", "due_on": "2026-07-05", "description": "RIB"})),
            ("reception-pieces", json!({"date": "2026-06-12"})),
            ("demande-pieces", json!({"date": "2026-06-15", "due_on": "2026-07-15", "description": "Avis"})),
            ("reception-pieces", json!({"date": "2026-06-30"})),
        ],
    );
    assert_eq!(app.saisine(&reference)["days_waiting"], 7 + 15);
    let page = read(&app.browser, &format!("/saisines/{reference}"));
    assert!(page.contains("17 jours hors attente de pièces"), "39 days since reception, 22 of them waiting");
    assert!(page.contains("<dt>Échéance de traitement</dt><dd>23/07/2026 (dans 13 jours)</dd>"));
    app.step(&reference, "cloture", json!({"outcome": "paiement_recu", "summary": "Versé."}));
    let page = read(&app.browser, &format!("/saisines/{reference}"));
    assert!(page.contains("<dt>Délai de traitement</dt><dd>39 jours (17 hors attente de pièces)</dd>"), "{page}");
}
