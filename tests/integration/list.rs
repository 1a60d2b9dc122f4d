//! Filters, search, sorting and keyset pagination return exactly the expected saisines.

use std::collections::BTreeSet;

use rocket::http::Status;
use serde_json::{json, Value};

use crate::support::{SaisineBuilder, TestApp};

fn references(app: &TestApp, query: &str) -> BTreeSet<String> {
    let (status, body) = app.get_json(&format!("/api/v1/saisines?limit=500&{query}"));
    assert_eq!(status, Status::Ok, "{query}: {body}");
    body["items"].as_array().unwrap().iter().map(|i| i["reference"].as_str().unwrap().to_string()).collect()
}

fn set(refs: &[&str]) -> BTreeSet<String> {
    refs.iter().map(|r| r.to_string()).collect()
}

/// Six saisines that differ in one way each.
fn dataset(app: &TestApp) {
    let base = SaisineBuilder::default;
    app.create(&base().received_on("2025-03-04").name("Ancien Dossier")); // 2025-0001
    app.create(&base().received_on("2026-01-10").channel("telephone").name("Paul Durand")); // 2026-0001
    app.create(&base().received_on("2026-02-11").process("css").motifs(&["indu", "erreur_calcul"]).name("Zoé Lefèvre")); // 2026-0002
    app.create(
        &base().received_on("2026-03-12").channel("boite_generique").partner("defenseur_des_droits").name("Luc Martin"),
    ); // 2026-0003
    app.create(&base().received_on("2026-04-13").channel("compte_ameli").motifs(&["indu"]).name("Anne Petit")); // 2026-0004
    let closed = app.create(&base().received_on("2026-05-14").name("Marc Lefebvre")); // 2026-0005
    app.step(&closed, "prise-en-charge", json!({}));
    app.step("2026-0004", "prise-en-charge", json!({}));
    app.step(&closed, "cloture", json!({"outcome": "explications", "summary": "Expliqué."}));
}

#[test]
fn each_filter_returns_exactly_the_matching_saisines() {
    let app = TestApp::new();
    dataset(&app);
    assert_eq!(references(&app, "").len(), 6);
    assert_eq!(references(&app, "status=cloturee"), set(&["2026-0005"]));
    assert_eq!(references(&app, "status=en_cours"), set(&["2026-0004"]));
    assert_eq!(references(&app, "status=recue"), set(&["2025-0001", "2026-0001", "2026-0002", "2026-0003"]));
    assert_eq!(references(&app, "channel=telephone"), set(&["2026-0001"]));
    assert_eq!(references(&app, "channel=compte_ameli"), set(&["2026-0004"]));
    assert_eq!(references(&app, "process=css"), set(&["2026-0002"]));
    assert_eq!(references(&app, "motif=indu"), set(&["2026-0002", "2026-0004"]));
    assert_eq!(references(&app, "motif=erreur_calcul"), set(&["2026-0002"]));
    assert_eq!(references(&app, "partner=defenseur_des_droits"), set(&["2026-0003"]));
    assert_eq!(references(&app, "year=2025"), set(&["2025-0001"]));
    assert_eq!(references(&app, "year=2026").len(), 5);
    assert_eq!(references(&app, "year=2026&motif=indu&status=recue"), set(&["2026-0002"]));
}

#[test]
fn search_finds_a_reference_or_a_name_without_case_or_accents() {
    let app = TestApp::new();
    dataset(&app);
    assert_eq!(references(&app, "q=2026-0003"), set(&["2026-0003"]));
    assert_eq!(references(&app, "q=2025-"), set(&["2025-0001"]));
    assert_eq!(references(&app, "q=lefevre"), set(&["2026-0002"]));
    assert_eq!(references(&app, "q=LEF"), set(&["2026-0002", "2026-0005"]));
    assert_eq!(references(&app, "q=zo%C3%A9"), set(&["2026-0002"]));
    assert!(references(&app, "q=%25").is_empty(), "a % typed is a character, not a wildcard");
}

#[test]
fn unknown_filter_values_are_reported() {
    let app = TestApp::new();
    let (status, body) = app.get_json("/api/v1/saisines?status=perdue");
    assert_eq!(status, Status::UnprocessableEntity);
    assert_eq!(body["field"], "status");
    let page = app.get("/saisines?channel=fax");
    assert_eq!(page.status(), Status::UnprocessableEntity);
    assert!(page.into_string().unwrap().contains("canal inconnu(e)"));
}

#[test]
fn keyset_pages_cover_every_saisine_once_in_date_order() {
    let app = TestApp::new();
    // Several saisines on the same day: the id breaks the tie.
    let days = ["2026-01-05", "2026-01-05", "2026-02-01", "2026-01-20", "2026-01-05", "2026-03-03", "2026-02-01"];
    for day in days {
        app.create(&SaisineBuilder::default().received_on(day));
    }
    for (sort, expect_ascending) in [("desc", false), ("asc", true)] {
        let mut seen: Vec<(String, String)> = Vec::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0;
        loop {
            let after = cursor.as_deref().map(|c| format!("&after={c}")).unwrap_or_default();
            let (_, body) = app.get_json(&format!("/api/v1/saisines?limit=3&sort={sort}{after}"));
            let items = body["items"].as_array().unwrap();
            assert!(items.len() <= 3);
            assert_eq!(body["total"], 7);
            seen.extend(items.iter().map(|i| {
                (i["received_on"].as_str().unwrap().to_string(), i["reference"].as_str().unwrap().to_string())
            }));
            pages += 1;
            match body["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_string()),
                None => break,
            }
        }
        assert_eq!(pages, 3);
        assert_eq!(seen.len(), 7, "{sort}");
        let unique: BTreeSet<_> = seen.iter().map(|(_, r)| r.clone()).collect();
        assert_eq!(unique.len(), 7, "no saisine twice ({sort})");
        let dates: Vec<&String> = seen.iter().map(|(d, _)| d).collect();
        let mut sorted = dates.clone();
        sorted.sort();
        if !expect_ascending {
            sorted.reverse();
        }
        assert_eq!(dates, sorted, "{sort}");
    }
}

#[test]
fn the_list_page_shows_the_filtered_saisines_and_their_count() {
    let app = TestApp::new();
    for _ in 0..3 {
        app.create(&SaisineBuilder::default().channel("telephone"));
    }
    app.create(&SaisineBuilder::default());
    let page = app.get("/saisines?channel=telephone").into_string().unwrap();
    assert!(page.contains("3 saisines correspondant aux filtres"));
    assert!(page.contains("2026-0001") && page.contains("2026-0002") && page.contains("2026-0003"));
    assert!(!page.contains(">2026-0004<"));
}

#[test]
fn lists_mask_the_nir_and_the_email_but_the_case_page_does_not() {
    let app = TestApp::new();
    let builder = SaisineBuilder::default();
    let nir = builder.json()["nir"].as_str().unwrap().to_string();
    let reference = app.create(&builder);
    let key = &nir[13..];
    let masked = format!("2 84 05 •• ••• ••• {key}");

    let (_, body) = app.get_json("/api/v1/saisines");
    let item: &Value = &body["items"][0];
    assert_eq!(item["nir"], masked);
    assert_eq!(item["email"], "j•••@exemple.fr");
    assert_eq!(item["phone"], "•• •• •• •• 78");
    let serialized = body.to_string();
    assert!(!serialized.contains(&nir) && !serialized.contains("jeanne.martin@") && !serialized.contains("06 12 34"));

    // The dense list shows the name, and no NIR, e-mail or phone at all (the case page does).
    let page = app.get("/saisines").into_string().unwrap();
    assert!(page.contains("Jeanne Martin"));
    assert!(!page.contains(&nir) && !page.contains(&masked));
    assert!(!page.contains("jeanne.martin@exemple.fr"));
    assert!(!page.contains("75 123 456"));

    assert_eq!(app.saisine(&reference)["nir"], nir);
    assert!(app.get(&format!("/saisines/{reference}")).into_string().unwrap().contains("jeanne.martin@exemple.fr"));
}

#[test]
fn the_list_page_links_to_the_next_page_with_the_same_filters() {
    let app = TestApp::configured(crate::support::TODAY, |f| f.merge(("page_size", 2)));
    for day in ["2026-01-01", "2026-01-02", "2026-01-03"] {
        app.create(&SaisineBuilder::default().received_on(day).channel("telephone"));
    }
    app.create(&SaisineBuilder::default().received_on("2026-01-04"));
    let first = app.get("/saisines?channel=telephone").into_string().unwrap();
    assert!(first.contains(">2026-0003<") && first.contains(">2026-0002<") && !first.contains(">2026-0001<"));
    let first = first.replace("&#x2F;", "/").replace("&amp;", "&");
    let start = first.find("href=\"/saisines?channel=telephone&after=").expect("next link");
    let link = &first[start + 6..];
    let link = link[..link.find('"').unwrap()].to_string();
    let second = app.get(&link).into_string().unwrap();
    assert!(second.contains(">2026-0001<"));
    assert!(!second.contains(">2026-0004<"), "the filter is kept on the next page");
    assert!(!second.contains("rel=\"next\""));
    assert!(second.contains("Première page"));
}

#[test]
fn logs_hold_no_personal_data() {
    crate::support::captured_logs();
    let app = TestApp::new();
    let nir = crate::support::nir_with_key("1770699123456");
    let builder = SaisineBuilder::default()
        .name("Zébulon Quintessence")
        .set("nir", json!(nir))
        .set("email", json!("zebulon.q@exemple.fr"));
    let reference = app.create(&builder);
    app.get("/saisines?q=Quintessence");
    app.get(&format!("/saisines/{reference}"));
    app.api_get("/api/v1/saisines?q=Quintessence");
    app.post_json("/api/v1/saisines", &builder.clone().set("nir", json!("1 77 06 99 123 456 00")).json());
    let logs = crate::support::captured_logs();
    assert!(logs.contains("path=/saisines") && logs.contains(&reference), "requests are logged");
    for secret in ["Quintessence", "Zébulon", &nir, &nir[..13], "zebulon.q", "1 77 06 99"] {
        assert!(!logs.contains(secret), "« {secret} » dans les journaux");
    }
}
