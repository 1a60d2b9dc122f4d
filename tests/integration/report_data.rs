//! The fixed data set of the report tests: ten saisines received in 2025 whose every figure
//! is worked out by hand below, four in 2024 (the previous year), one in 2026.

use serde_json::json;

use crate::support::{SaisineBuilder, TestApp};

fn take_up(app: &TestApp, reference: &str, date: &str) {
    app.step(reference, "prise-en-charge", json!({ "date": date }));
}

fn close(app: &TestApp, reference: &str, date: &str, outcome: &str) {
    app.step(reference, "cloture", json!({ "date": date, "outcome": outcome, "summary": "Synthèse." }));
}

fn request_documents(app: &TestApp, reference: &str, date: &str, due_on: &str) {
    app.step(reference, "demande-pieces", json!({ "date": date, "due_on": due_on, "description": "RIB" }));
}

fn saisine(received_on: &str, channel: &str, process: &str, motifs: &[&str]) -> SaisineBuilder {
    SaisineBuilder::default().received_on(received_on).channel(channel).process(process).motifs(motifs)
}

/// Gross / net days, take-up days, outcome of each 2025 saisine:
///  1: 14 / 14, 2 d, paiement_recu          6: 14 / 14, 2 d, decision_revisee
///  2: 40 / 30 (10 d waiting), 12 d, explications   7: 45 / 45, 14 d, decision_maintenue
///  3: 11 / 11, 1 d (reception date edited), accord_amiable   8: 30 / 30, 4 d, paiement_recu (reopened)
///  4: 2 / 2, never taken up, orientation    9: open, 1 d
///  5: 41 / 5 (36 d waiting), 1 d, abandon  10: received, not taken up
pub fn fixed_dataset(app: &TestApp) {
    for day in ["2024-03-01", "2024-06-01", "2024-09-01", "2024-12-31"] {
        app.create(&SaisineBuilder::default().received_on(day));
    }
    let s1 = app.create(&saisine("2025-01-06", "courriel", "revenus_remplacement", &["paiement_non_recu"]));
    take_up(app, &s1, "2025-01-08");
    close(app, &s1, "2025-01-20", "paiement_recu");

    let s2 = app.create(&saisine(
        "2025-01-15",
        "compte_ameli",
        "revenus_remplacement",
        &["paiement_non_recu", "delai_traitement"],
    ));
    take_up(app, &s2, "2025-01-27");
    request_documents(app, &s2, "2025-02-01", "2025-03-01");
    app.step(&s2, "reception-pieces", json!({ "date": "2025-02-11" }));
    close(app, &s2, "2025-02-24", "explications");

    let s3 = app.create(
        &saisine("2025-02-04", "telephone", "frais_sante", &["refus_prise_en_charge"])
            .set("requester_type", json!("employeur")),
    );
    take_up(app, &s3, "2025-02-04");
    let edited = app.patch_json(&format!("/api/v1/saisines/{s3}"), &json!({ "received_on": "2025-02-03" }));
    assert_eq!(edited.status(), rocket::http::Status::Ok, "{:?}", edited.into_string());
    close(app, &s3, "2025-02-14", "accord_amiable");

    let s4 =
        app.create(&saisine("2025-03-10", "boite_generique", "css", &["information"]).partner("defenseur_des_droits"));
    close(app, &s4, "2025-03-12", "orientation");

    let s5 = app.create(
        &saisine("2025-03-20", "courriel", "droits", &["indu"]).set("requester_type", json!("professionnel_sante")),
    );
    take_up(app, &s5, "2025-03-21");
    request_documents(app, &s5, "2025-03-25", "2025-04-10");
    close(app, &s5, "2025-04-30", "abandon");

    let s6 = app.create(&saisine("2025-05-05", "courrier", "revenus_remplacement", &["paiement_non_recu"]));
    take_up(app, &s6, "2025-05-07");
    close(app, &s6, "2025-05-19", "decision_revisee");

    let s7 = app.create(&saisine("2025-06-16", "courriel", "at_mp", &["erreur_calcul"]));
    take_up(app, &s7, "2025-06-30");
    close(app, &s7, "2025-07-31", "decision_maintenue");

    let s8 =
        app.create(&saisine("2025-09-01", "accueil", "autre", &["autre_motif"]).set("requester_type", json!("autre")));
    take_up(app, &s8, "2025-09-05");
    close(app, &s8, "2025-09-10", "paiement_recu");
    app.step(&s8, "reouverture", json!({ "date": "2025-09-15", "reason": "Paiement incomplet." }));
    close(app, &s8, "2025-10-01", "paiement_recu");

    let s9 = app.create(
        &saisine("2025-11-12", "boite_generique", "revenus_remplacement", &["paiement_non_recu"])
            .partner("service_social"),
    );
    take_up(app, &s9, "2025-11-13");

    app.create(&saisine("2025-12-30", "telephone", "carte_vitale", &["difficulte_contact"]));
    app.create(&SaisineBuilder::default().received_on("2026-01-05"));
}

/// The text of a PDF, read back with lopdf, lines joined by single spaces (the narrow and
/// ordinary no-break spaces kept as they are).
pub fn pdf_text(bytes: &[u8]) -> (usize, String) {
    let document = lopdf::Document::load_mem(bytes).expect("PDF lisible");
    let pages: Vec<u32> = document.get_pages().keys().copied().collect();
    let text = document.extract_text(&pages).expect("texte du PDF");
    let joined = text.split(['\n', ' ']).filter(|part| !part.is_empty()).collect::<Vec<_>>().join(" ");
    (pages.len(), joined)
}

/// The text as Tera escapes it in a page.
pub fn html_escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('/', "&#x2F;")
}
