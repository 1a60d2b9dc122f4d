//! Administrators' pages: reference lists and the audit log; error pages.

use mediation::auth::Role;
use rocket::http::Status;
use serde_json::Value;

use crate::support::{SaisineBuilder, TestApp};

#[test]
fn reference_lists_grow_and_a_retired_entry_stays_on_old_saisines() {
    let app = TestApp::new();
    let admin = app.browser_as(Role::Admin);
    let added = admin.post_form("/admin/referentiels/motifs", &[("code", "perte_carte"), ("label", "Perte de carte")]);
    assert_eq!(added.status(), Status::SeeOther);
    let bad = admin.post_form("/admin/referentiels/motifs", &[("code", "Perte Carte!"), ("label", "")]);
    assert_eq!(bad.status(), Status::UnprocessableEntity);
    let page = bad.into_string().unwrap();
    assert!(page.contains(r#"value="Perte Carte!""#) && page.contains("minuscules sans accent"));
    let taken = admin.post_form("/admin/referentiels/partenaires", &[("code", "elu"), ("label", "Élu local")]);
    assert!(taken.into_string().unwrap().contains("existe déjà"));

    let reference = app.create(&SaisineBuilder::default().motifs(&["perte_carte", "indu"]));
    let renamed = admin.post_form(
        "/admin/referentiels/motifs/perte_carte",
        &[("label", "Carte perdue ou volée"), ("retired", "true")],
    );
    assert_eq!(renamed.status(), Status::SeeOther);

    // Retired: no longer offered, refused on new saisines, kept on the old one.
    let form = app.get("/saisines/nouvelle").into_string().unwrap();
    assert!(!form.contains("perte_carte"));
    let refused = app.post_json("/api/v1/saisines", &SaisineBuilder::default().motifs(&["perte_carte"]).json());
    assert_eq!(refused.status(), Status::UnprocessableEntity);
    assert_eq!(app.saisine(&reference)["motifs"], serde_json::json!(["indu", "perte_carte"]));
    assert!(app.get(&format!("/saisines/{reference}")).into_string().unwrap().contains("Carte perdue ou volée"));
    // Editing the old saisine keeps its retired motif allowed.
    let kept = app.patch_json(&format!("/api/v1/saisines/{reference}"), &serde_json::json!({"channel": "telephone"}));
    assert_eq!(kept.status(), Status::Ok);
    assert!(app.audit_actions().iter().filter(|(a, _, _)| a == "referentiel_modifie").count() >= 2);

    let mediator_try = app.post_form("/admin/referentiels/motifs", &[("code", "x_y"), ("label", "X")]);
    assert_eq!(mediator_try.status(), Status::Forbidden);
}

#[test]
fn the_audit_log_is_browsed_and_filtered_and_cannot_be_changed() {
    let app = TestApp::new();
    let reference = app.create(&SaisineBuilder::default());
    let admin = app.browser_as(Role::Admin);
    let all = admin.page("/admin/journal");
    assert!(all.contains("<td>Connexion réussie</td>") && all.contains("<td>Saisine créée</td>"));
    let filtered = admin.page("/admin/journal?action=saisine_creee");
    assert!(filtered.contains(&reference) && !filtered.contains("<td>Connexion réussie</td>"));
    let by_target = admin.page(&format!("/admin/journal?target={reference}"));
    assert!(by_target.contains("<td>Saisine créée</td>") && !by_target.contains("<td>Connexion réussie</td>"));

    use diesel::connection::SimpleConnection;
    let mut conn = crate::support::connect(&app.dir);
    assert!(conn.batch_execute("UPDATE audit_log SET actor = 'personne'").is_err(), "append-only");
    assert!(conn.batch_execute("DELETE FROM audit_log").is_err(), "append-only");
}

#[test]
fn error_pages_are_in_french_and_reveal_nothing() {
    let app = TestApp::configured(crate::support::TODAY, |f| f.merge(("limits.form", 1024)));
    let big = "x".repeat(4096);
    let response = app.post_form("/saisines", &[("summary", &big)]);
    assert_eq!(response.status(), Status::PayloadTooLarge);
    assert!(response.into_string().unwrap().contains("Envoi trop volumineux"));
    let reader = app.browser_as(Role::Lecteur);
    let forbidden = reader.get("/saisines/nouvelle");
    assert_eq!(forbidden.status(), Status::Forbidden);
    assert!(forbidden.into_string().unwrap().contains("Accès refusé"));
    let bad = app.api_get("/api/v1/saisines?year=deux-mille");
    assert_eq!(bad.status(), Status::UnprocessableEntity);
    assert_eq!(bad.into_json::<Value>().unwrap()["field"], "year");
}
