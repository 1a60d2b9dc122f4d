//! Templates are data typed by an administrator: only the listed placeholders, never the
//! template engine's features, and values inserted as plain text.

use mediation::auth::Role;
use rocket::http::Status;
use serde_json::json;

use super::{pdf_text, text, textarea};
use crate::support::{SaisineBuilder, TestApp};

#[test]
fn administrators_edit_templates_and_unknown_placeholders_are_refused_on_save() {
    let app = TestApp::new();
    let admin = app.browser_as(Role::Admin);
    let list = text(&admin.page("/admin/modeles"));
    assert!(
        list.contains("Accusé de prise en charge") && list.contains("Réponse de clôture : Décision révisée"),
        "{list}"
    );
    assert!(list.contains("L'envoi de courriels n'est pas configuré"));
    assert_eq!(app.get("/admin/modeles").status(), Status::Forbidden, "un médiateur n'administre pas les modèles");

    let editor = text(&admin.page("/admin/modeles/accuse_prise_en_charge"));
    assert!(
        editor.contains("{{ personne.nom }}") && editor.contains("{{ date_limite }}"),
        "la liste des variables manque"
    );

    for wrong in ["Bonjour {{ config }}", "{{ personne.nom | upper }}", "{{ reference"] {
        let response = admin.post_form(
            "/admin/modeles/accuse_prise_en_charge",
            &[("subject", "Objet"), ("body", wrong), ("action", "enregistrer"), ("reference", "")],
        );
        assert_eq!(response.status(), Status::UnprocessableEntity, "{wrong}");
        let page = text(&response.into_string().unwrap());
        assert!(page.contains("variable inconnue") || page.contains("n'est pas fermée"), "{page}");
        assert!(page.contains(wrong), "le texte saisi est perdu : {wrong}");
    }
    let kept = text(&admin.page("/admin/modeles/accuse_prise_en_charge"));
    assert!(kept.contains("Vous avez saisi la médiation"), "un modèle refusé a remplacé le texte");
}

#[test]
fn template_injection_attempts_render_as_plain_text() {
    let app = TestApp::new();
    let admin = app.browser_as(Role::Admin);
    let name = "Zoé <b>Gras</b> {{ config }} {% include \"base.html\" %}";
    let reference = app.create(&SaisineBuilder::default().set("requester_name", json!(name)));
    let body = "{% include \"base.html\" %}{{ personne.nom }} — {{ reference }} {# commentaire #} {{ caisse.nom }}";
    let save = |action: &str| {
        admin.post_form(
            "/admin/modeles/accuse_prise_en_charge",
            &[("subject", "Objet {{ reference }}"), ("body", body), ("action", action), ("reference", &reference)],
        )
    };
    let preview = save("apercu");
    assert_eq!(preview.status(), Status::Ok);
    let html = preview.into_string().unwrap();
    assert!(html.contains("&lt;b&gt;Gras&lt;&#x2F;b&gt;"), "le HTML d'une valeur n'est pas échappé");
    assert!(!html.contains("<b>Gras</b>"));
    let shown = text(&html);
    let expected =
        format!("{{% include \"base.html\" %}}{name} — {reference} {{# commentaire #}} Médiation de la CPAM");
    assert!(shown.contains(&expected), "aperçu : {shown}");
    assert_eq!(save("enregistrer").status(), Status::SeeOther);

    // The mediator's proposal and the PDF carry the same text, as text.
    let page = app
        .get(&format!("/saisines/{reference}/courriers/nouveau?modele=accuse_prise_en_charge"))
        .into_string()
        .unwrap();
    assert_eq!(textarea(&page, "body"), expected);
    let sent = app.post_form(
        &format!("/saisines/{reference}/courriers"),
        &[
            ("kind", "accuse_prise_en_charge"),
            ("recipient", "personne"),
            ("subject", "Objet"),
            ("body", &expected),
            ("delivery", "courrier"),
        ],
    );
    assert_eq!(sent.status(), Status::SeeOther);
    let pdf = pdf_text(&app.get(&format!("/saisines/{reference}/courriers/1")).into_bytes().unwrap());
    assert!(
        pdf.contains("{{ config }}") && pdf.contains("{% include \"base.html\" %}") && pdf.contains("<b>Gras</b>"),
        "{pdf}"
    );

    // Back to the shipped text.
    assert_eq!(save("retablir").status(), Status::SeeOther);
    let editor = text(&admin.page("/admin/modeles/accuse_prise_en_charge"));
    assert!(editor.contains("texte par défaut"));
}
