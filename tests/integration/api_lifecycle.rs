//! The life of a saisine through the JSON API, and the moves the domain refuses.

use rocket::http::Status;
use serde_json::{json, Value};

use crate::support::{SaisineBuilder, TestApp};

#[test]
fn a_saisine_lives_from_reception_to_closing_and_reopening() {
    let app = TestApp::new();
    let reference = app.create(&SaisineBuilder::default());
    assert_eq!(reference, "2026-0001");
    let created = app.saisine(&reference);
    assert_eq!(created["status"], "recue");
    assert_eq!(created["channel"], "courriel");
    assert_eq!(created["motifs"], json!(["paiement_non_recu"]));

    let taken = app.step(&reference, "prise-en-charge", json!({"date": "2026-06-03"}));
    assert_eq!(taken["status"], "en_cours");
    assert_eq!(taken["taken_on"], "2026-06-03");

    app.step(&reference, "notes", json!({"text": "Appel de l'assurée, dossier IJ bloqué."}));
    let waiting = app.step(
        &reference,
        "demande-pieces",
        json!({"date": "2026-06-04", "due_on": "2026-07-04", "description": "Attestation employeur"}),
    );
    assert_eq!(waiting["status"], "attente_pieces");
    assert_eq!(waiting["documents_due_on"], "2026-07-04");

    let received = app.step(&reference, "reception-pieces", json!({"date": "2026-06-10"}));
    assert_eq!(received["status"], "en_cours");
    assert_eq!(received["days_waiting"], 6);

    let closed = app.step(
        &reference,
        "cloture",
        json!({"outcome": "paiement_recu", "summary": "IJ versées le 12 juin.", "date": "2026-06-12"}),
    );
    assert_eq!(closed["status"], "cloturee");
    assert_eq!(closed["outcome"], "paiement_recu");
    assert_eq!(closed["closed_on"], "2026-06-12");

    let reopened = app.step(&reference, "reouverture", json!({"reason": "Versement partiel seulement."}));
    assert_eq!(reopened["status"], "en_cours");
    assert_eq!(reopened["outcome"], Value::Null);
    assert_eq!(reopened["days_waiting"], 6, "reopening keeps the waits already counted");

    assert_eq!(
        app.timeline_kinds(&reference),
        ["creee", "prise_en_charge", "note", "pieces_demandees", "pieces_recues", "cloturee", "rouverte"]
    );
}

#[test]
fn each_timeline_entry_says_when_by_whom_and_what() {
    let app = TestApp::new();
    let reference = app.create(&SaisineBuilder::default());
    app.step(&reference, "prise-en-charge", json!({}));
    app.step(&reference, "demande-pieces", json!({"due_on": "2026-07-01", "description": "RIB"}));
    app.step(&reference, "cloture", json!({"outcome": "abandon", "summary": "Plus de nouvelles."}));
    let (_, events) = app.get_json(&format!("/api/v1/saisines/{reference}/evenements"));
    let events = events.as_array().unwrap();
    for event in events {
        assert!(!event["actor"].as_str().unwrap().is_empty());
        assert!(event["occurred_at"].as_str().unwrap().starts_with("2026-06-15"));
    }
    assert_eq!(events[1]["date"], "2026-06-15", "the date defaults to today");
    assert_eq!(events[2]["due_on"], "2026-07-01");
    assert_eq!(events[2]["description"], "RIB");
    assert_eq!(events[3]["outcome"], "abandon");
    assert_eq!(events[3]["text"], "Plus de nouvelles.");
}

#[test]
fn an_edit_records_each_changed_field_with_old_and_new_value() {
    let app = TestApp::new();
    let reference = app.create(&SaisineBuilder::default());
    let response = app.patch_json(
        &format!("/api/v1/saisines/{reference}"),
        &json!({"channel": "telephone", "motifs": ["indu", "delai_traitement"]}),
    );
    assert_eq!(response.status(), Status::Ok);
    let saisine = app.saisine(&reference);
    assert_eq!(saisine["channel"], "telephone");
    assert_eq!(saisine["motifs"], json!(["delai_traitement", "indu"]));
    assert_eq!(saisine["requester_name"], "Jeanne Martin", "fields left out keep their value");

    let (_, events) = app.get_json(&format!("/api/v1/saisines/{reference}/evenements"));
    let edit = &events[1];
    assert_eq!(edit["kind"], "modifiee");
    let changes = edit["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[0], json!({"field": "channel", "old": "courriel", "new": "telephone"}));
    assert_eq!(changes[1]["field"], "motifs");
    assert_eq!(changes[1]["old"], "paiement_non_recu");
}

#[test]
fn an_edit_that_changes_nothing_leaves_no_entry() {
    let app = TestApp::new();
    let reference = app.create(&SaisineBuilder::default());
    let response = app.patch_json(&format!("/api/v1/saisines/{reference}"), &json!({"channel": "courriel"}));
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(app.timeline_kinds(&reference), ["creee"]);
}

/// Each illegal move answers with its code and leaves the saisine and its timeline as they were.
#[test]
fn illegal_moves_are_refused_and_change_nothing() {
    let app = TestApp::new();
    let reference = app.create(&SaisineBuilder::default());
    let refused = |step: &str, body: Value, status: Status, code: &str| {
        let before = (app.saisine(&reference), app.timeline_kinds(&reference));
        let response = app.post_json(&format!("/api/v1/saisines/{reference}/{step}"), &body);
        assert_eq!(response.status(), status, "{step}");
        let error: Value = response.into_json().unwrap();
        assert_eq!(error["code"], code, "{step}: {error}");
        assert!(!error["message"].as_str().unwrap().is_empty());
        assert_eq!((app.saisine(&reference), app.timeline_kinds(&reference)), before, "{step} changed something");
    };
    // Not taken up yet.
    refused("demande-pieces", json!({"due_on": "2026-07-01", "description": "RIB"}), Status::Conflict, "not_taken_up");
    refused("reception-pieces", json!({}), Status::Conflict, "not_waiting");
    refused(
        "cloture",
        json!({"outcome": "paiement_recu", "summary": "x"}),
        Status::UnprocessableEntity,
        "not_taken_up",
    );
    refused("reouverture", json!({"reason": "x"}), Status::Conflict, "not_closed");
    refused("prise-en-charge", json!({"date": "2026-05-30"}), Status::UnprocessableEntity, "date_before_last_event");
    refused("prise-en-charge", json!({"date": "2026-06-16"}), Status::UnprocessableEntity, "date_future");

    app.step(&reference, "prise-en-charge", json!({}));
    refused("prise-en-charge", json!({}), Status::Conflict, "already_taken_up");
    refused("cloture", json!({"summary": "Sans suite"}), Status::UnprocessableEntity, "outcome_required");
    refused("cloture", json!({"outcome": "gagne", "summary": "x"}), Status::UnprocessableEntity, "unknown_code");
    refused("cloture", json!({"outcome": "explications", "summary": "  "}), Status::UnprocessableEntity, "required");
    refused(
        "demande-pieces",
        json!({"due_on": "2026-06-10", "description": "RIB"}),
        Status::UnprocessableEntity,
        "due_before_request",
    );
    refused("notes", json!({"text": ""}), Status::UnprocessableEntity, "required");

    app.step(&reference, "cloture", json!({"outcome": "explications", "summary": "Expliqué."}));
    refused("demande-pieces", json!({"due_on": "2026-07-01", "description": "RIB"}), Status::Conflict, "closed");
    refused("cloture", json!({"outcome": "abandon", "summary": "x"}), Status::Conflict, "already_closed");
    refused("prise-en-charge", json!({}), Status::Conflict, "already_taken_up");
}

#[test]
fn validation_errors_name_every_field_and_create_nothing() {
    let app = TestApp::new();
    let bad = SaisineBuilder::default()
        .received_on("2026-13-01")
        .channel("pigeon")
        .set("nir", json!("1 84 12 75 123 456 00"))
        .set("email", json!("pas-une-adresse"))
        .motifs(&[]);
    let response = app.post_json("/api/v1/saisines", &bad.json());
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let error: Value = response.into_json().unwrap();
    assert_eq!(error["code"], "validation");
    let fields: Vec<&str> = error["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["received_on", "channel", "nir", "email", "motifs"]);
    assert_eq!(error["field"], "received_on");
    assert_eq!(app.count(), 0);
}

#[test]
fn a_single_error_carries_its_field_and_code() {
    let app = TestApp::new();
    let response = app.post_json("/api/v1/saisines", &SaisineBuilder::default().channel("boite_generique").json());
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let error: Value = response.into_json().unwrap();
    assert_eq!(error["code"], "required");
    assert_eq!(error["field"], "partner");
    assert!(error["message"].as_str().unwrap().contains("partenaire"));
}

#[test]
fn malformed_json_and_unknown_saisines_answer_json_errors() {
    let app = TestApp::new();
    let response = app
        .browser
        .client
        .post("/api/v1/saisines")
        .header(rocket::http::ContentType::JSON)
        .header(rocket::http::Header::new("Authorization", format!("Bearer {}", app.token)))
        .body("{not json")
        .dispatch();
    assert_eq!(response.status(), Status::BadRequest);
    assert_eq!(response.into_json::<Value>().unwrap()["code"], "bad_json");

    let (status, body) = app.get_json("/api/v1/saisines/2026-0999");
    assert_eq!(status, Status::NotFound);
    assert_eq!(body["code"], "not_found");
    let (status, body) = app.get_json("/api/v1/nulle-part");
    assert_eq!(status, Status::NotFound);
    assert_eq!(body["code"], "not_found");
}

#[test]
fn nir_keys_are_checked_including_corsica() {
    use crate::support::nir_with_key;
    let app = TestApp::new();
    for nir in [nir_with_key("184122A123456"), nir_with_key("184122B123456"), nir_with_key("2840575123456")] {
        let reference = app.create(&SaisineBuilder::default().set("nir", json!(nir)));
        assert_eq!(app.saisine(&reference)["nir"], nir.to_uppercase());
    }
    // 2A's key does not fit 2B.
    let swapped = nir_with_key("184122A123456").replace("2A", "2B");
    let wrong_key = {
        let good = nir_with_key("2840575123456");
        let key: u32 = good[13..].parse().unwrap();
        format!("{}{:02}", &good[..13], (key % 97) + 1)
    };
    for bad in [swapped, wrong_key, "28405751234".to_string()] {
        let response = app.post_json("/api/v1/saisines", &SaisineBuilder::default().set("nir", json!(bad)).json());
        assert_eq!(response.status(), Status::UnprocessableEntity, "{bad}");
        assert_eq!(response.into_json::<Value>().unwrap()["field"], "nir");
    }
    assert_eq!(app.count(), 3);
}

#[test]
fn references_follow_one_sequence_per_year_of_reception() {
    let app = TestApp::new();
    assert_eq!(app.create(&SaisineBuilder::default().received_on("2025-12-30")), "2025-0001");
    assert_eq!(app.create(&SaisineBuilder::default()), "2026-0001");
    assert_eq!(app.create(&SaisineBuilder::default()), "2026-0002");
    assert_eq!(app.create(&SaisineBuilder::default().received_on("2025-11-02")), "2025-0002");
}

#[test]
fn a_reminder_is_recorded_through_the_api_only_while_documents_are_awaited() {
    let app = TestApp::new();
    let reference = app.create(&SaisineBuilder::default());
    let early = app.post_json(&format!("/api/v1/saisines/{reference}/relance"), &json!({}));
    assert_eq!(early.status(), Status::Conflict);
    assert_eq!(early.into_json::<Value>().unwrap()["code"], "not_waiting");
    app.step(&reference, "prise-en-charge", json!({"date": "2026-06-02"}));
    app.step(&reference, "demande-pieces", json!({"date": "2026-06-02", "due_on": "2026-07-02", "description": "RIB"}));
    app.step(&reference, "relance", json!({"text": "Relance par téléphone"}));
    let (_, events) = app.get_json(&format!("/api/v1/saisines/{reference}/evenements"));
    let last = events.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["kind"], "relance");
    assert_eq!(last["text"], "Relance par téléphone");
}

#[test]
fn a_documents_request_without_due_date_takes_the_settings_delay() {
    let app = TestApp::new();
    let reference = app.create(&SaisineBuilder::default());
    app.step(&reference, "prise-en-charge", json!({"date": "2026-06-02"}));
    let waiting = app.step(&reference, "demande-pieces", json!({"date": "2026-06-03", "description": "RIB"}));
    assert_eq!(waiting["documents_due_on"], "2026-07-03", "30 calendar days by default");
}
