//! The same life through the HTML forms a mediator uses.

use rocket::http::Status;

use crate::support::{nir_with_key, SaisineBuilder, TestApp};

fn location(response: &rocket::local::blocking::LocalResponse<'_>) -> String {
    response.headers().get_one("Location").expect("redirection").to_string()
}

#[test]
fn a_mediator_records_follows_and_closes_a_saisine_through_the_pages() {
    let app = TestApp::new();
    let form = app.get("/saisines/nouvelle");
    assert_eq!(form.status(), Status::Ok);
    let page = form.into_string().unwrap();
    assert!(page.contains(r#"value="2026-06-15""#), "reception date defaults to today");
    assert!(page.contains(r#"<label for="nir">"#));

    let nir = nir_with_key("1840575123456");
    let created = app.post_form(
        "/saisines",
        &[
            ("received_on", "2026-06-10"),
            ("channel", "telephone"),
            ("requester_type", "assure"),
            ("requester_name", "Élodie Lefèvre"),
            ("nir", &nir),
            ("email", "elodie@exemple.fr"),
            ("phone", "01 23 45 67 89"),
            ("address", "2 place du Marché"),
            ("partner", ""),
            ("process", "frais_sante"),
            ("motifs", "refus_prise_en_charge"),
            ("motifs", "erreur_calcul"),
            ("summary", "Refus de remboursement d'une prothèse."),
        ],
    );
    assert_eq!(created.status(), Status::SeeOther);
    assert_eq!(location(&created), "/saisines/2026-0001");

    let show = app.get("/saisines/2026-0001").into_string().unwrap();
    assert!(show.contains("Élodie Lefèvre"));
    assert!(show.contains("Téléphone"));
    assert!(show.contains("Refus de prise en charge"));
    assert!(show.contains("Erreur de calcul"));
    assert!(show.contains(&format!("1 84 05 75 123 456 {}", &nir[13..])), "the case's own page shows the NIR whole");
    assert!(show.contains("Saisine enregistrée"));

    let steps: [(&str, Vec<(&str, &str)>); 4] = [
        ("prise-en-charge", vec![("date", "2026-06-11")]),
        (
            "demande-pieces",
            vec![("description", "Devis du dentiste"), ("date", "2026-06-11"), ("due_on", "2026-07-11")],
        ),
        ("reception-pieces", vec![("date", "2026-06-13")]),
        (
            "cloture",
            vec![("outcome", "decision_revisee"), ("summary", "Prise en charge accordée."), ("date", "2026-06-14")],
        ),
    ];
    for (step, fields) in steps {
        let response = app.post_form(&format!("/saisines/2026-0001/{step}"), &fields);
        assert_eq!(response.status(), Status::SeeOther, "{step}");
    }
    let closed = app.get("/saisines/2026-0001").into_string().unwrap();
    assert!(closed.contains("Décision révisée"));
    assert!(closed.contains("Saisine clôturée."), "flash message after the redirect");
    assert!(closed.contains("Devis du dentiste"));
    assert!(closed.contains("4 jours (2 hors attente de pièces)"));
    assert!(closed.contains("Rouvrir la saisine"));
    assert!(!closed.contains("Clôturer la saisine"), "a closed saisine offers no closing form");

    let note = app.post_form("/saisines/2026-0001/notes", &[("text", "Courrier de confirmation envoyé.")]);
    assert_eq!(note.status(), Status::SeeOther);
    let reopened = app.post_form("/saisines/2026-0001/reouverture", &[("reason", "Contestation du montant")]);
    assert_eq!(reopened.status(), Status::SeeOther);
    assert_eq!(
        app.timeline_kinds("2026-0001"),
        ["creee", "prise_en_charge", "pieces_demandees", "pieces_recues", "cloturee", "note", "rouverte"]
    );
}

#[test]
fn an_invalid_form_keeps_what_was_typed_ties_each_error_to_its_field_and_creates_nothing() {
    let app = TestApp::new();
    let response = app.post_form(
        "/saisines",
        &[
            ("received_on", "2026-06-10"),
            ("channel", "courriel"),
            ("requester_type", "assure"),
            ("requester_name", "Zoé Dupont-SSeta"),
            ("nir", "1 84 05 75 123 456 00"),
            ("email", "zoe@exemple"),
            ("process", "css"),
            ("summary", "Texte <b>saisi</b> à conserver"),
        ],
    );
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let page = response.into_string().unwrap();
    assert!(page.contains(r#"value="Zoé Dupont-SSeta""#), "the name is kept");
    assert!(page.contains(r#"value="1 84 05 75 123 456 00""#), "the wrong NIR is shown back to be fixed");
    assert!(page.contains("Texte &lt;b&gt;saisi&lt;&#x2F;b&gt; à conserver"), "kept and escaped");
    assert!(page.contains(r#"<option value="css" selected>"#));
    assert!(page.contains(r#"id="nir-error""#) && page.contains(r#"aria-describedby="nir-hint nir-error""#));
    assert!(page.contains(r#"id="email-error""#));
    assert!(page.contains(r#"id="motifs-error""#));
    assert!(page.contains("la clé du NIR ne correspond pas"));
    assert!(page.contains("3 points à corriger"));
    assert_eq!(app.count(), 0);
}

#[test]
fn a_refused_move_on_the_page_says_why_and_keeps_the_typed_summary() {
    let app = TestApp::new();
    let reference = app.create(&SaisineBuilder::default());
    app.step(&reference, "prise-en-charge", serde_json::json!({}));
    let response =
        app.post_form(&format!("/saisines/{reference}/cloture"), &[("outcome", ""), ("summary", "Synthèse rédigée")]);
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let page = response.into_string().unwrap();
    assert!(page.contains("choisissez la suite donnée"));
    assert!(page.contains(r#"id="cloture-outcome-error""#));
    assert!(page.contains("Synthèse rédigée"));
    assert_eq!(app.saisine(&reference)["status"], "en_cours");

    let again = app.post_form(&format!("/saisines/{reference}/prise-en-charge"), &[]);
    assert_eq!(again.status(), Status::Conflict);
    assert!(again.into_string().unwrap().contains("déjà été prise en charge"));
}

#[test]
fn the_edit_form_starts_from_the_saisine_and_saves_changes() {
    let app = TestApp::new();
    let reference = app.create(&SaisineBuilder::default());
    let form = app.get(&format!("/saisines/{reference}/modifier")).into_string().unwrap();
    assert!(form.contains(r#"value="Jeanne Martin""#));
    assert!(form.contains(r#"value="paiement_non_recu" checked"#));
    let saved = app.post_form(
        &format!("/saisines/{reference}/modifier"),
        &[
            ("received_on", "2026-06-01"),
            ("channel", "courrier"),
            ("requester_type", "assure"),
            ("requester_name", "Jeanne Martin-Durand"),
            ("process", "revenus_remplacement"),
            ("motifs", "paiement_non_recu"),
        ],
    );
    assert_eq!(saved.status(), Status::SeeOther);
    let saisine = app.saisine(&reference);
    assert_eq!(saisine["channel"], "courrier");
    assert_eq!(saisine["requester_name"], "Jeanne Martin-Durand");
    assert_eq!(saisine["email"], serde_json::Value::Null, "a field emptied in the form is emptied");
    let show = app.get(&format!("/saisines/{reference}")).into_string().unwrap();
    assert!(show.contains("Canal : « courriel » → « courrier »"));
}

#[test]
fn unknown_pages_get_a_french_page_and_revealing_nothing() {
    let app = TestApp::new();
    let response = app.get("/saisines/2026-0042");
    assert_eq!(response.status(), Status::NotFound);
    let page = response.into_string().unwrap();
    assert!(page.contains("Page introuvable"));
    assert!(page.contains(r#"lang="fr""#));
    let response = app.get("/pas/de/page");
    assert_eq!(response.status(), Status::NotFound);
}
