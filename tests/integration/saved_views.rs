//! Saved views: saved from the list, private or shared, renamed, moved, deleted, shown in the
//! navigation with a count equal to their list's and bounded; the shipped defaults.

use diesel::prelude::*;
use mediation::auth::Role;
use mediation::db::schema::saved_views;
use rocket::http::Status;
use rocket::local::blocking::LocalResponse;
use serde_json::json;

use crate::support::{connect, Browser, SaisineBuilder, TestApp};

/// The navigation's views: (name, count shown) in order.
pub fn nav_views(page: &str) -> Vec<(String, Option<String>)> {
    let Some(start) = page.find(r#"aria-label="Vues enregistrées""#) else { return Vec::new() };
    let nav = &page[start..start + page[start..].find("</nav>").expect("end of the views' navigation")];
    nav.split("<li><a href=\"")
        .skip(1)
        .filter_map(|item| {
            let text = &item[item.find('>')? + 1..item.find("</a>")?];
            let (name, count) = match text.split_once(r#" <span class="nav-count" aria-hidden="true">"#) {
                Some((name, rest)) => (name, Some(rest[..rest.find('<')?].to_string())),
                None => (text, None),
            };
            (!matches!(name, "Gérer les vues" | "Toutes les vues")).then(|| (name.to_string(), count))
        })
        .collect()
}

/// The count the navigation shows for a view, read on the help page.
pub fn nav_count(browser: &Browser, name: &str) -> Option<String> {
    let page = browser.page("/aide");
    nav_views(&page)
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("« {name} » not in the navigation"))
        .1
}

fn has_view(browser: &Browser, name: &str) -> bool {
    nav_views(&browser.page("/aide")).iter().any(|(n, _)| n == name)
}

fn view_id(app: &TestApp, name: &str) -> i32 {
    saved_views::table
        .filter(saved_views::name.eq(name))
        .select(saved_views::id)
        .first(&mut connect(&app.dir))
        .expect("the view")
}

fn save<'a>(browser: &'a Browser, name: &str, query: &str, shared: bool) -> LocalResponse<'a> {
    let mut fields = vec![("name", name), ("query", query)];
    if shared {
        fields.push(("shared", "oui"));
    }
    browser.post_form("/vues", &fields)
}

fn location(response: &LocalResponse<'_>) -> String {
    response.headers().get_one("Location").unwrap_or_default().to_string()
}

#[test]
fn a_private_view_is_saved_renamed_moved_and_deleted() {
    let app = TestApp::new();
    for _ in 0..2 {
        app.create(&SaisineBuilder::default().channel("telephone"));
    }
    app.create(&SaisineBuilder::default());
    let list = app.browser.page("/saisines?channel=telephone&status=&after=");
    assert!(list.contains("Enregistrer cette vue"), "the list offers to save itself");
    assert!(list.contains(r#"name="query" value="channel=telephone""#), "the query kept, without blanks or cursors");

    let saved = save(&app.browser, "  Téléphone ", "channel=telephone&after=2026-06-01.3&status=", false);
    assert_eq!(saved.status(), Status::SeeOther);
    assert_eq!(location(&saved), "/saisines?channel=telephone", "back to the list the view keeps");
    assert_eq!(nav_count(&app.browser, "Téléphone"), Some("2".into()));
    let list = app.browser.page("/saisines?channel=telephone");
    assert!(list.contains(r#"aria-current="page">Téléphone"#), "the view of the list shown is marked");
    save(&app.browser, "Courriels", "channel=courriel", false);

    let id = view_id(&app, "Téléphone");
    let renamed = app.browser.post_form(&format!("/vues/{id}/nom"), &[("name", "Appels")]);
    assert_eq!(renamed.status(), Status::SeeOther);
    assert_eq!(nav_count(&app.browser, "Appels"), Some("2".into()));
    assert!(!has_view(&app.browser, "Téléphone"));

    let mine: Vec<String> = nav_views(&app.browser.page("/aide")).into_iter().map(|(n, _)| n).skip(5).collect();
    assert_eq!(mine, ["Appels", "Courriels"], "private views follow the five shared defaults");
    let moved = app.browser.post_form(&format!("/vues/{id}/descendre"), &[]);
    assert_eq!(moved.status(), Status::SeeOther);
    let mine: Vec<String> = nav_views(&app.browser.page("/aide")).into_iter().map(|(n, _)| n).skip(5).collect();
    assert_eq!(mine, ["Courriels", "Appels"]);

    // Nobody else sees it, or can touch it.
    let other = app.browser_as(Role::Mediateur);
    assert!(!has_view(&other, "Appels"));
    assert!(!other.page("/vues").contains("Appels"));
    assert_eq!(other.post_form(&format!("/vues/{id}/nom"), &[("name", "À moi")]).status(), Status::NotFound);
    assert_eq!(other.post_form(&format!("/vues/{id}/suppression"), &[]).status(), Status::NotFound);

    let deleted = app.browser.post_form(&format!("/vues/{id}/suppression"), &[]);
    assert_eq!(deleted.status(), Status::SeeOther);
    assert!(!has_view(&app.browser, "Appels"));
    let actions: Vec<String> = app.audit_actions().into_iter().map(|(action, _, _)| action).collect();
    for action in ["vue_creee", "vue_modifiee", "vue_supprimee"] {
        assert!(actions.iter().any(|a| a == action), "{action} in the audit log");
    }
}

#[test]
fn a_shared_view_is_seen_by_the_team_and_changed_by_its_author_or_an_administrator() {
    let app = TestApp::new();
    app.create(&SaisineBuilder::default().channel("courrier"));
    assert_eq!(save(&app.browser, "Courrier postal", "channel=courrier", true).status(), Status::SeeOther);
    let colleague = app.browser_as(Role::Mediateur);
    assert_eq!(nav_count(&colleague, "Courrier postal"), Some("1".into()), "the team sees it, counted");
    let id = view_id(&app, "Courrier postal");
    assert_eq!(colleague.post_form(&format!("/vues/{id}/nom"), &[("name", "Lettres")]).status(), Status::Forbidden);
    assert_eq!(colleague.post_form(&format!("/vues/{id}/suppression"), &[]).status(), Status::Forbidden);
    let reader = app.browser_as(Role::Lecteur);
    assert!(!has_view(&reader, "Courrier postal"), "shared views are the team's: mediators and administrators");

    assert_eq!(app.browser.post_form(&format!("/vues/{id}/nom"), &[("name", "Lettres")]).status(), Status::SeeOther);
    assert!(has_view(&colleague, "Lettres"));
    let admin = app.browser_as(Role::Admin);
    assert_eq!(admin.post_form(&format!("/vues/{id}/suppression"), &[]).status(), Status::SeeOther);
    assert!(!has_view(&colleague, "Lettres"));
    // An administrator also renames and deletes the shipped defaults; they stay deleted.
    let late = view_id(&app, "En retard");
    assert_eq!(admin.post_form(&format!("/vues/{late}/nom"), &[("name", "Retards")]).status(), Status::SeeOther);
    assert!(has_view(&app.browser, "Retards"));
    assert_eq!(app.browser.post_form(&format!("/vues/{late}/suppression"), &[]).status(), Status::Forbidden);
    assert_eq!(admin.post_form(&format!("/vues/{late}/suppression"), &[]).status(), Status::SeeOther);
    assert!(!has_view(&app.browser, "Retards"));
}

#[test]
fn a_reader_keeps_private_views_and_shares_none() {
    let app = TestApp::new();
    app.create(&SaisineBuilder::default());
    let reader = app.browser_as(Role::Lecteur);
    assert_eq!(nav_views(&reader.page("/aide")), Vec::<(String, Option<String>)>::new(), "no shared view for a reader");
    assert!(!reader.page("/saisines").contains("Partager avec l'équipe"));
    assert_eq!(save(&reader, "Toutes", "status=recue", true).status(), Status::Forbidden);
    assert_eq!(save(&reader, "Reçues", "status=recue", false).status(), Status::SeeOther);
    assert_eq!(nav_count(&reader, "Reçues"), Some("1".into()));
}

/// The refused save's page: status 422, the message shown, what was typed kept.
fn refused_save(browser: &Browser, name: &str, query: &str, message: &str) -> String {
    let response = save(browser, name, query, false);
    assert_eq!(response.status(), Status::UnprocessableEntity, "« {name} » refused");
    let page = response.into_string().expect("the page");
    assert!(page.contains(message), "« {message} » in:\n{page}");
    page
}

#[test]
fn names_are_checked_and_what_was_typed_is_kept() {
    let app = TestApp::new();
    let page = refused_save(&app.browser, "   ", "status=recue", "Donnez un nom à la vue.");
    assert!(page.contains(r#"name="query" value="status=recue""#), "the list's query is kept");
    let long: String = "Réclamation très détaillée ".repeat(3).chars().take(61).collect();
    let page = refused_save(&app.browser, &long, "status=recue", "60 caractères au plus (il en compte 61)");
    assert!(page.contains(&format!(r#"value="{long}""#)), "what was typed is shown back");
    refused_save(&app.browser, "Tab\u{0}NUL", "status=recue", "caractères spéciaux invisibles");
    refused_save(&app.browser, "Par NIR", "q=jeanne.martin@exemple.fr", "Une vue ne garde pas de recherche par NIR");
    refused_save(&app.browser, "Mauvais", "status=perdue", "Les filtres de cette liste sont invalides");

    assert_eq!(save(&app.browser, "Téléphone", "channel=telephone", false).status(), Status::SeeOther);
    refused_save(&app.browser, "TELEPHONE", "channel=courriel", "Vous avez déjà une vue nommée « TELEPHONE »");
    let response = save(&app.browser, "en RETARD", "echeance=en_retard", true);
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(response.into_string().unwrap().contains("Une vue partagée s&#x27;appelle déjà « en RETARD »"));
    assert_eq!(
        save(&app.browser, "En retard", "echeance=en_retard", false).status(),
        Status::SeeOther,
        "a private one may"
    );

    let id = view_id(&app, "Téléphone");
    let response = app.browser.post_form(&format!("/vues/{id}/nom"), &[("name", "Téléphone ".repeat(7).as_str())]);
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let page = response.into_string().unwrap();
    assert!(page.contains(&format!(r##"href="#nom-{id}""##)), "the summary leads to the refused field");
    assert!(
        page.contains(&format!(r#"id="nom-{id}" name="name" autocomplete="off" value="{}""#, "Téléphone ".repeat(7)))
    );
    let response = app.browser.post_form(&format!("/vues/{id}/nom"), &[("name", "en retard")]);
    assert_eq!(response.status(), Status::UnprocessableEntity, "the owner's private « En retard » takes the name");
}

#[test]
fn the_shipped_defaults_exist_and_each_opens_its_list() {
    let app = TestApp::new();
    let reference = app.create(&SaisineBuilder::default());
    let page = app.browser.page("/aide");
    let names: Vec<String> = nav_views(&page).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["Mes saisines", "En retard", "À qualifier", "En attente de pièces", "Clôturées ce mois-ci"]);
    let nav = &page[page.find(r#"aria-label="Vues enregistrées""#).unwrap()..];
    for href in nav.split("<li><a href=\"").skip(1).map(|item| &item[..item.find('"').unwrap()]) {
        let uri = href.replace("&amp;", "&").replace("&#x2F;", "/");
        assert_eq!(app.browser.get(&uri).status(), Status::Ok, "{uri}");
    }
    // « Mes saisines » are the open ones assigned to me.
    let me = crate::support::user_id(&app.dir, crate::support::MEDIATOR_EMAIL);
    app.post_json(&format!("/api/v1/saisines/{reference}/attribution"), &json!({"assignee": me.0}));
    assert_eq!(nav_count(&app.browser, "Mes saisines"), Some("1".into()));
    app.step(&reference, "prise-en-charge", json!({}));
    app.step(&reference, "demande-pieces", json!({"due_on": "2026-07-01", "description": "RIB"}));
    assert_eq!(nav_count(&app.browser, "En attente de pièces"), Some("1".into()));
    app.step(&reference, "cloture", json!({"outcome": "abandon", "summary": "Sans nouvelles."}));
    assert_eq!(nav_count(&app.browser, "Mes saisines"), Some("0".into()), "a closed saisine is no longer mine to do");
    assert_eq!(nav_count(&app.browser, "Clôturées ce mois-ci"), Some("1".into()));
    // An unknown filter (the list's, yet to come) is ignored rather than refused.
    assert_eq!(app.browser.get("/saisines?a_qualifier=oui&inconnu=1").status(), Status::Ok);
}

#[test]
fn a_view_counts_what_its_list_counts_and_stops_at_999() {
    let app = TestApp::new();
    crate::perf_data::load(&mut connect(&app.dir), 1_000);
    let process = mediation::domain::Process::ALL[1].code();
    save(&app.browser, "Un processus", &format!("process={process}"), false);
    save(&app.browser, "Année 2025", "year=2025", false);
    save(&app.browser, "Lefèvre", "q=lefevre", false);
    for (name, query) in [("Un processus", format!("process={process}")), ("Lefèvre", "q=lefevre".to_string())] {
        let (_, body) = app.get_json(&format!("/api/v1/saisines?{query}"));
        let listed = body["total"].as_i64().expect("the list's total");
        assert!(listed > 100 && listed < 999, "{name}: {listed}");
        assert_eq!(nav_count(&app.browser, name), Some(listed.to_string()), "{name} counts what its list counts");
    }
    let (_, body) = app.get_json("/api/v1/saisines?year=2025");
    assert_eq!(body["total"], 1_000);
    assert_eq!(nav_count(&app.browser, "Année 2025"), Some("999+".into()));
    assert!(app.browser.page("/aide").contains("plus de 999 saisines"), "read aloud in words");
}

/// Closes a new saisine (received on the 2nd of the month before) on `day`.
fn closed_on(app: &TestApp, received: &str, day: &str) -> String {
    let reference = app.create(&SaisineBuilder::default().received_on(received));
    app.step(&reference, "prise-en-charge", json!({"date": received}));
    app.step(&reference, "cloture", json!({"outcome": "explications", "summary": "Expliqué.", "date": day}));
    reference
}

/// The references of « Clôturées ce mois-ci » (its list, through the API that shares its
/// query), with the navigation's count.
fn closed_this_month(app: &TestApp) -> (Vec<String>, Option<String>) {
    assert_eq!(app.browser.get("/saisines?cloture=mois").status(), Status::Ok);
    let (status, body) = app.get_json("/api/v1/saisines?cloture=mois&limit=500");
    assert_eq!(status, Status::Ok, "{body}");
    let mut found: Vec<String> =
        body["items"].as_array().unwrap().iter().map(|i| i["reference"].as_str().unwrap().to_string()).collect();
    found.sort();
    (found, nav_count(&app.browser, "Clôturées ce mois-ci"))
}

#[test]
fn closed_this_month_is_the_month_in_paris_at_23_30_utc_on_the_last_day() {
    // Summer time: at 22:30 UTC on 31 March it is already 1 April in Paris.
    let app = TestApp::on("2026-04-01");
    let march = closed_on(&app, "2026-03-02", "2026-03-31");
    let april = closed_on(&app, "2026-03-02", "2026-04-01");
    app.clock.advance(chrono::Duration::minutes(-(10 * 60 + 30))); // 2026-03-31 23:30 UTC
    assert_eq!(closed_this_month(&app), (vec![april.clone()], Some("1".into())));
    app.clock.advance(chrono::Duration::hours(-1)); // 22:30 UTC, 00:30 in Paris
    assert_eq!(closed_this_month(&app), (vec![april], Some("1".into())));
    app.clock.advance(chrono::Duration::hours(-1)); // 21:30 UTC, 23:30 in Paris
    assert_eq!(closed_this_month(&app), (vec![march], Some("1".into())));
}

#[test]
fn closed_this_month_follows_the_change_back_to_winter_time() {
    // Winter time since 25 October: 22:30 UTC on 31 October is still October in Paris.
    let app = TestApp::on("2026-11-01");
    let october = closed_on(&app, "2026-10-02", "2026-10-31");
    let november = closed_on(&app, "2026-10-02", "2026-11-01");
    app.clock.advance(chrono::Duration::minutes(-(10 * 60 + 30))); // 2026-10-31 23:30 UTC
    assert_eq!(closed_this_month(&app), (vec![november], Some("1".into())));
    app.clock.advance(chrono::Duration::hours(-1)); // 22:30 UTC, 23:30 in Paris
    assert_eq!(closed_this_month(&app), (vec![october.clone()], Some("1".into())));
    // A reopened saisine is no longer closed this month.
    app.step(&october, "reouverture", json!({"reason": "Nouvel élément."}));
    assert_eq!(closed_this_month(&app), (vec![], Some("0".into())));
}

#[test]
fn closed_this_month_is_found_through_its_index_on_sqlite() {
    #[derive(QueryableByName)]
    struct Step {
        #[diesel(sql_type = diesel::sql_types::Text)]
        detail: String,
    }
    let dir = crate::support::TestDir::sqlite();
    let mediation::db::DbConn::Sqlite(mut conn) = connect(&dir) else { unreachable!() };
    let plan: Vec<String> = diesel::sql_query(
        "EXPLAIN QUERY PLAN SELECT id FROM saisines WHERE closed_on BETWEEN '2026-04-01' AND '2026-04-30' LIMIT 1000",
    )
    .load::<Step>(&mut conn)
    .unwrap()
    .into_iter()
    .map(|s| s.detail)
    .collect();
    assert!(plan.iter().any(|s| s.contains("saisines_by_closed_on")), "{plan:?}");
}
