//! Administrators add a motif or a partner by its label: the code is derived (or typed), and
//! the entry goes where they place it in the list the forms show.

use mediation::auth::Role;
use rocket::http::Status;

use crate::support::TestApp;

/// The motifs' codes in the order the new-saisine form offers them.
fn motif_order(app: &TestApp) -> Vec<String> {
    let form = app.browser.page("/saisines/nouvelle");
    form.match_indices(r#"name="motifs" value=""#)
        .map(|(at, marker)| {
            let rest = &form[at + marker.len()..];
            rest[..rest.find('"').unwrap_or(0)].to_string()
        })
        .collect()
}

#[test]
fn a_motif_added_by_its_label_gets_a_derived_code_and_the_chosen_place() {
    let app = TestApp::new();
    let admin = app.browser_as(Role::Admin);
    let page = admin.page("/admin/referentiels");
    assert!(
        page.contains(r#"<option value="apres:information">Après « Demande d&#x27;information »</option>"#),
        "{page}"
    );

    let added = admin.post_form(
        "/admin/referentiels/motifs",
        &[("label", "Perte de la carte Vitale"), ("code", ""), ("position", "apres:paiement_non_recu")],
    );
    assert_eq!(added.status(), Status::SeeOther);
    let order = motif_order(&app);
    assert_eq!(&order[..2], ["paiement_non_recu", "perte_de_la_carte_vitale"], "{order:?}");
    assert!(admin.page("/admin/referentiels").contains("perte_de_la_carte_vitale"));

    // The same label again: a numbered code, at the head of the list.
    let again =
        admin.post_form("/admin/referentiels/motifs", &[("label", "Perte de la carte  vitale"), ("position", "debut")]);
    assert_eq!(again.status(), Status::SeeOther);
    assert_eq!(motif_order(&app)[0], "perte_de_la_carte_vitale_2");

    // A typed code is kept; with no place chosen the entry goes last.
    let typed = admin.post_form("/admin/referentiels/motifs", &[("label", "Éloignement"), ("code", "eloignement_geo")]);
    assert_eq!(typed.status(), Status::SeeOther);
    assert_eq!(motif_order(&app).last().map(String::as_str), Some("eloignement_geo"));
    assert!(app.audit_actions().iter().any(|(_, _, target)| target == "motifs/perte_de_la_carte_vitale_2"));
}

#[test]
fn a_partner_placed_after_an_unknown_entry_is_refused_and_the_typed_label_kept() {
    let app = TestApp::new();
    let admin = app.browser_as(Role::Admin);
    let refused = admin.post_form(
        "/admin/referentiels/partenaires",
        &[("label", "Maison France services"), ("position", "apres:inexistant")],
    );
    assert_eq!(refused.status(), Status::UnprocessableEntity);
    let page = refused.into_string().unwrap();
    assert!(page.contains("choisissez une place dans la liste proposée"), "{page}");
    assert!(page.contains(r#"value="Maison France services""#));
    let added = admin.post_form("/admin/referentiels/partenaires", &[("label", "Maison France services")]);
    assert_eq!(added.status(), Status::SeeOther);
    assert!(app.browser.page("/saisines/nouvelle").contains(r#"value="maison_france_services""#));
}
