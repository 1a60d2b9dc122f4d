//! Bulk actions from the list: applied through the single actions' use cases in one
//! transaction, all or nothing, the refused rows named, what was typed kept; the export of the
//! checked rows; the roles and the CSRF token as for every form.

use rocket::http::Status;
use serde_json::json;

use mediation::auth::Role;

use crate::support::{user_id, SaisineBuilder, TestApp, MEDIATOR_EMAIL, MEDIATOR_NAME};

fn three(app: &TestApp) -> Vec<String> {
    ["Anne Petit", "Luc Martin", "Zoé Lefèvre"]
        .iter()
        .map(|name| app.create(&SaisineBuilder::default().name(name)))
        .collect()
}

fn post<'a>(app: &'a TestApp, fields: &[(&str, &str)]) -> rocket::local::blocking::LocalResponse<'a> {
    app.post_form("/saisines/lot", fields)
}

/// The page's text as a browser reads its attributes (Tera escapes `/`, `'` and `&`).
fn plain(page: &str) -> String {
    page.replace("&#x2F;", "/").replace("&#x27;", "'").replace("&quot;", "\"").replace("&amp;", "&")
}

fn status_of(app: &TestApp, reference: &str) -> String {
    app.saisine(reference)["status"].as_str().unwrap_or_default().to_string()
}

#[test]
fn checked_saisines_are_assigned_in_one_go_and_the_list_says_so() {
    let app = TestApp::new();
    let refs = three(&app);
    let me = user_id(&app.dir, MEDIATOR_EMAIL).0.to_string();
    let response = post(
        &app,
        &[
            ("liste", "status=recue&sort=echeance_asc"),
            ("ids", &refs[0]),
            ("ids", &refs[2]),
            ("action", "attribuer"),
            ("assignee", &me),
        ],
    );
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(response.headers().get_one("Location"), Some("/saisines?status=recue&sort=echeance_asc"));
    let page = app.browser.page("/saisines?status=recue&sort=echeance_asc");
    assert!(page.contains(&format!("2 saisines attribuées à {MEDIATOR_NAME}.")), "{page}");
    for (n, reference) in refs.iter().enumerate() {
        let assigned = app.saisine(reference)["assigned_to"].clone();
        assert_eq!(assigned.is_null(), n == 1, "{reference}: {assigned}");
    }
    assert!(app.timeline_kinds(&refs[0]).contains(&"attribuee".to_string()));
    let audited = app.audit_actions().iter().filter(|(action, _, _)| action == "saisine_attribuee").count();
    assert_eq!(audited, 2, "one audit record per saisine, as for the single action");
    // And taken back from nobody in particular.
    let response = post(&app, &[("liste", ""), ("ids", &refs[0]), ("action", "attribuer"), ("assignee", "none")]);
    assert_eq!(response.status(), Status::SeeOther);
    assert!(app.browser.page("/saisines").contains("Attribution retirée de 1 saisine."));
    assert!(app.saisine(&refs[0])["assigned_to"].is_null());
}

#[test]
fn one_refused_row_and_nothing_is_taken_up_the_rows_named_and_kept_checked() {
    let app = TestApp::new();
    let refs = three(&app);
    app.step(&refs[1], "prise-en-charge", json!({}));
    let typed = "Rappelé l'assurée le 3 juin ; « pièces » à venir\r\nDeuxième ligne";
    let response = post(
        &app,
        &[
            ("liste", "sort=asc"),
            ("ids", &refs[0]),
            ("ids", &refs[1]),
            ("ids", &refs[2]),
            ("action", "prendre_en_charge"),
            ("note", typed),
        ],
    );
    assert_eq!(response.status(), Status::Conflict);
    let page = plain(&response.into_string().expect("the list again"));
    assert!(page.contains("Rien n'a été appliqué : 1 saisine refuse cette action"), "{page}");
    assert!(page.contains(&format!("{}</a> : cette saisine a déjà été prise en charge", refs[1])), "{page}");
    for reference in &refs {
        assert!(
            page.contains(&format!(r#"value="{reference}" id="cocher-{reference}" checked"#)),
            "{reference} still checked"
        );
    }
    assert!(page.contains("Rappelé l'assurée le 3 juin ; « pièces » à venir"), "the note typed is kept");
    assert_eq!(status_of(&app, &refs[0]), "recue", "nothing applied");
    assert_eq!(status_of(&app, &refs[2]), "recue", "nothing applied");
    // Without the refused row, all are taken up.
    let response = post(&app, &[("liste", ""), ("ids", &refs[0]), ("ids", &refs[2]), ("action", "prendre_en_charge")]);
    assert_eq!(response.status(), Status::SeeOther);
    assert!(app.browser.page("/saisines").contains("2 saisines prises en charge."));
    assert_eq!(status_of(&app, &refs[0]), "en_cours");
    assert_eq!(status_of(&app, &refs[2]), "en_cours");
}

#[test]
fn a_note_is_added_to_every_checked_saisine_or_to_none() {
    let app = TestApp::new();
    let refs = three(&app);
    let closed = &refs[2];
    app.step(closed, "prise-en-charge", json!({}));
    app.step(closed, "cloture", json!({"outcome": "explications", "summary": "Expliqué."}));
    let note = "Dossier vu en réunion d'équipe.";
    let refused =
        post(&app, &[("liste", ""), ("ids", &refs[0]), ("ids", "2026-9999"), ("action", "noter"), ("note", note)]);
    assert_eq!(refused.status(), Status::Conflict);
    let page = plain(&refused.into_string().expect("page"));
    assert!(page.contains("2026-9999</a> : saisine introuvable"), "{page}");
    assert!(page.contains("Dossier vu en réunion d'équipe."), "the note is kept");
    assert!(!app.timeline_kinds(&refs[0]).contains(&"note".to_string()), "nothing applied");
    let empty = post(&app, &[("liste", ""), ("ids", &refs[0]), ("action", "noter"), ("note", "  ")]);
    assert_eq!(empty.status(), Status::UnprocessableEntity);
    assert!(empty.into_string().unwrap_or_default().contains("écrivez la note"));
    let done = post(&app, &[("liste", ""), ("ids", &refs[0]), ("ids", closed), ("action", "noter"), ("note", note)]);
    assert_eq!(done.status(), Status::SeeOther);
    assert!(app.browser.page("/saisines").contains("Note ajoutée à 2 saisines."));
    for reference in [&refs[0], closed] {
        assert!(app.timeline_kinds(reference).contains(&"note".to_string()), "{reference}");
    }
}

#[test]
fn the_checked_rows_export_as_the_masked_csv_does() {
    let app = TestApp::new();
    let refs = three(&app);
    let response = post(&app, &[("liste", ""), ("ids", &refs[2]), ("ids", &refs[0]), ("action", "exporter")]);
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(response.content_type().map(|c| c.to_string()), Some("text/csv; charset=utf-8".into()));
    let checked = response.into_string().expect("CSV");
    let whole = app.browser.get("/saisines/export.csv").into_string().expect("CSV");
    let records = |text: &str| -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .delimiter(b';')
            .from_reader(text.as_bytes())
            .records()
            .map(|r| r.expect("a record").iter().map(str::to_string).collect())
            .collect()
    };
    let (checked, whole) = (records(&checked), records(&whole));
    assert_eq!(checked[0], whole[0], "the same columns");
    assert_eq!(checked.len(), 3);
    for line in &checked[1..] {
        assert!(whole.contains(line), "a line of the masked export: {line:?}");
    }
    let exported: Vec<&String> = checked[1..].iter().filter_map(|l| l.iter().find(|v| refs.contains(v))).collect();
    assert_eq!(exported, [&refs[2], &refs[0]]);
    assert!(!checked.concat().concat().contains("jeanne.martin@exemple.fr"), "masked");
    let none = post(&app, &[("liste", ""), ("action", "exporter")]);
    assert_eq!(none.status(), Status::UnprocessableEntity);
}

#[test]
fn readers_may_export_but_not_act_and_every_post_needs_its_token() {
    let app = TestApp::new();
    let refs = three(&app);
    let reader = app.browser_as(Role::Lecteur);
    let list = reader.page("/saisines");
    assert!(list.contains("Exporter (CSV masqué)") && !list.contains(r#"value="prendre_en_charge""#), "{list}");
    for action in ["attribuer", "prendre_en_charge", "noter"] {
        let response = reader.post_form(
            "/saisines/lot",
            &[("liste", ""), ("ids", &refs[0]), ("action", action), ("note", "x"), ("assignee", "none")],
        );
        assert_eq!(response.status(), Status::Forbidden, "{action}");
    }
    assert_eq!(status_of(&app, &refs[0]), "recue");
    let export = reader.post_form("/saisines/lot", &[("liste", ""), ("ids", &refs[0]), ("action", "exporter")]);
    assert_eq!(export.status(), Status::Ok);
    let forged =
        app.browser.post_raw("/saisines/lot", &[("liste", ""), ("ids", &refs[0]), ("action", "prendre_en_charge")]);
    assert_eq!(forged.status(), Status::Forbidden);
    assert_eq!(status_of(&app, &refs[0]), "recue");
}

#[test]
fn a_bulk_action_is_bounded_and_select_all_checks_the_page() {
    let app = TestApp::new();
    let refs = three(&app);
    let many: Vec<String> = (1..=101).map(|n| format!("2026-{n:04}")).collect();
    let mut fields: Vec<(&str, &str)> = vec![("liste", ""), ("action", "prendre_en_charge")];
    fields.extend(many.iter().map(|r| ("ids", r.as_str())));
    let response = post(&app, &fields);
    assert_eq!(response.status(), Status::UnprocessableEntity);
    assert!(response.into_string().unwrap_or_default().contains("cochez 100 saisines au plus"));
    assert_eq!(status_of(&app, &refs[0]), "recue");
    let all = post(&app, &[("liste", "sort=asc"), ("action", "cocher")]);
    assert_eq!(all.status(), Status::Ok);
    let page = plain(&all.into_string().expect("page"));
    for reference in &refs {
        assert!(page.contains(&format!(r#"id="cocher-{reference}" checked"#)), "{reference}");
    }
    let missing = post(&app, &[("liste", ""), ("ids", &refs[0]), ("action", "attribuer"), ("assignee", "")]);
    assert_eq!(missing.status(), Status::UnprocessableEntity);
    assert!(missing.into_string().unwrap_or_default().contains("choisissez à qui attribuer"));
}
