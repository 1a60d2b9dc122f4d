//! CSV export of the saisines of a filter: the interchange format's columns, personal data
//! masked for every role, whole for administrators only, and recorded in the audit log.

use mediation::auth::Role;
use rocket::http::Status;

use crate::report_data::fixed_dataset;
use crate::support::{nir_with_key, Browser, SaisineBuilder, TestApp};

const HEADER: &str = "reference;received_on;channel;requester_type;partner;process;motifs;status;taken_on;outcome;closed_on;requester_name;nir;email;phone;summary;external_reference;documents_requested_on;documents_due_on;masque";

fn csv(browser: &Browser, uri: &str) -> (String, Vec<String>) {
    let response = browser.get(uri);
    assert_eq!(response.status(), Status::Ok, "GET {uri}");
    assert_eq!(response.content_type().map(|c| c.to_string()), Some("text/csv; charset=utf-8".into()));
    let disposition = response.headers().get_one("Content-Disposition").unwrap_or_default().to_string();
    let body = response.into_string().expect("CSV");
    let body = body.strip_prefix('\u{FEFF}').expect("byte order mark for spreadsheets");
    let lines: Vec<String> = body.split("\r\n").filter(|l| !l.is_empty()).map(str::to_string).collect();
    assert_eq!(lines[0], HEADER);
    (disposition, lines[1..].to_vec())
}

#[test]
fn a_reader_exports_a_year_masked_in_the_interchange_format() {
    let app = TestApp::new();
    fixed_dataset(&app);
    let reader = app.browser_as(Role::Lecteur);
    let (disposition, lines) = csv(&reader, "/saisines/export.csv?year=2025");
    assert_eq!(disposition, "attachment; filename=\"saisines-2025.csv\"");
    assert_eq!(lines.len(), 10);
    let nir = nir_with_key("2840575123456");
    let masked_nir = format!("2 84 05 •• ••• ••• {}", &nir[13..]);
    assert_eq!(
        lines[1],
        format!(
            "2025-0002;2025-01-15;compte_ameli;assure;;revenus_remplacement;delai_traitement|paiement_non_recu;\
             cloturee;2025-01-27;explications;2025-02-24;J••• M•••;{masked_nir};j•••@exemple.fr;•• •• •• •• 78;;;;;oui"
        )
    );
    assert!(lines[3].starts_with("2025-0004;2025-03-10;boite_generique;assure;defenseur_des_droits;css;information;cloturee;;orientation;2025-03-12;"));
    assert!(lines[9].starts_with("2025-0010;2025-12-30;telephone;assure;;carte_vitale;difficulte_contact;recue;;;;"));
    let all = lines.join("\n");
    assert!(
        !all.contains("Jeanne") && !all.contains(&nir) && !all.contains("jeanne.martin") && !all.contains("Indemnités")
    );
}

#[test]
fn the_export_follows_the_list_filters() {
    let app = TestApp::new();
    fixed_dataset(&app);
    let (_, lines) = csv(&app.browser, "/saisines/export.csv?status=cloturee&channel=courriel");
    let references: Vec<&str> = lines.iter().map(|l| &l[..9]).collect();
    assert_eq!(references, ["2025-0001", "2025-0005", "2025-0007"]);
    let (_, all) = csv(&app.browser, "/saisines/export.csv");
    assert_eq!(all.len(), 15);
    assert_eq!(app.get("/saisines/export.csv?channel=fax").status(), Status::UnprocessableEntity);
    let list = app.browser.page("/saisines?status=cloturee&channel=courriel");
    assert!(list.contains("href=\"/saisines/export.csv?status=cloturee&amp;channel=courriel\""), "{list}");
    assert!(!list.contains("export-complet.csv"), "the whole export is offered to administrators only");
    let admin = app.browser_as(Role::Admin).page("/saisines?year=2025");
    assert!(admin.contains("export-complet.csv?year=2025"));
}

#[test]
fn only_an_administrator_exports_personal_data_and_it_is_audited() {
    let app = TestApp::new();
    let reference = app.create(
        &SaisineBuilder::default()
            .received_on("2026-02-03")
            .name("Zoé L'Hôte")
            .set("summary", serde_json::json!("Ligne 1; \"citée\"\nLigne 2")),
    );
    assert_eq!(app.get("/saisines/export-complet.csv").status(), Status::Forbidden);
    assert_eq!(app.browser_as(Role::Lecteur).get("/saisines/export-complet.csv").status(), Status::Forbidden);
    let admin = app.browser_as(Role::Admin);
    let (disposition, lines) = csv(&admin, "/saisines/export-complet.csv?year=2026");
    assert_eq!(disposition, "attachment; filename=\"saisines-2026-complet.csv\"");
    let nir = nir_with_key("2840575123456");
    let formatted = format!("2 84 05 75 123 456 {}", &nir[13..]);
    let whole = lines.join("\r\n");
    assert_eq!(
        whole,
        format!(
            "{reference};2026-02-03;courriel;assure;;revenus_remplacement;paiement_non_recu;recue;;;;Zoé L'Hôte;\
             {formatted};jeanne.martin@exemple.fr;06 12 34 56 78;\"Ligne 1; \"\"citée\"\"\nLigne 2\";;;;non"
        )
    );
    let audited: Vec<_> =
        app.audit_actions().into_iter().filter(|(action, _, _)| action == "export_non_masque").collect();
    assert_eq!(audited.len(), 1);
    assert_eq!(audited[0].1, "Administrateur de test");
}
