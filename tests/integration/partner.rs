//! The public partner form: a submission lands in the mediators' queue with its files;
//! every abuse and every invalid field is refused with nothing stored.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::Duration;
use mediation::auth::Role;
use rocket::http::{ContentType, Status};
use rocket::local::blocking::LocalResponse;
use serde_json::Value;

use crate::support::{nir_with_key, Browser, TestApp, TODAY};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R'];

/// A multipart/form-data body.
pub fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (ContentType, Vec<u8>) {
    let boundary = "----mediation-test-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    for (name, file_name, data) in files {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(data);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").as_bytes());
    (ContentType::new("multipart", "form-data").with_params(("boundary", boundary)), body)
}

pub fn valid_fields(token: &str) -> Vec<(&'static str, String)> {
    vec![
        ("form_token", token.to_string()),
        ("partner", "defenseur_des_droits".into()),
        ("organisation", "Défenseur des droits — délégation de Lyon".into()),
        ("contact_name", "Claire Déléguée".into()),
        ("contact_email", "claire.deleguee@defenseurdesdroits.fr".into()),
        ("contact_phone", "04 72 00 00 00".into()),
        ("requester_name", "Yanis Benali".into()),
        ("nir", nir_with_key("1850169123456")),
        ("email", "yanis.benali@exemple.fr".into()),
        ("phone", "06 98 76 54 32".into()),
        ("address", "3 rue Mercière, 69002 Lyon".into()),
        ("consent", "on".into()),
        ("process", "revenus_remplacement".into()),
        ("motifs", "paiement_non_recu".into()),
        ("motifs", "delai_traitement".into()),
        ("account", "Arrêt de travail depuis janvier ; aucune indemnité versée malgré deux relances.".into()),
    ]
}

/// The form's token, as a partner's browser receives it.
pub fn token(partner: &Browser) -> String {
    let page = partner.page("/partenaires/saisine");
    let marker = r#"name="form_token" value=""#;
    let start = page.find(marker).expect("jeton du formulaire") + marker.len();
    page[start..start + page[start..].find('"').unwrap()].to_string()
}

pub fn send<'c>(partner: &'c Browser, fields: &[(&str, String)], files: &[(&str, &str, &[u8])]) -> LocalResponse<'c> {
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (content_type, body) = multipart(&fields, files);
    partner.client.post("/partenaires/saisine").header(content_type).body(body).dispatch()
}

fn without(fields: &[(&'static str, String)], name: &str) -> Vec<(&'static str, String)> {
    fields.iter().filter(|(k, _)| *k != name).cloned().collect()
}

fn replaced(fields: &[(&'static str, String)], name: &'static str, value: &str) -> Vec<(&'static str, String)> {
    let mut fields = without(fields, name);
    fields.push((name, value.to_string()));
    fields
}

#[test]
fn a_valid_submission_creates_one_saisine_with_its_attachments() {
    let app = TestApp::new();
    let partner = app.anonymous();
    let token = token(&partner);
    app.clock.advance(Duration::seconds(20));
    let response = send(
        &partner,
        &valid_fields(&token),
        &[("attachments", "arret.pdf", PDF), ("attachments", "courrier.png", PNG)],
    );
    assert_eq!(response.status(), Status::SeeOther);
    let confirmation_uri = response.headers().get_one("Location").unwrap().to_string();
    assert!(confirmation_uri.starts_with("/partenaires/saisine/2026-0001?expire="));
    let confirmation = partner.page(&confirmation_uri).replace("&#x2F;", "/").replace("&amp;", "&");
    assert!(confirmation.contains("2026-0001") && confirmation.contains("Et maintenant"));
    assert!(confirmation.contains("/partenaires/accuse/2026-0001?expire="));
    let link_start = confirmation.find("/partenaires/accuse/").unwrap();
    let link = &confirmation[link_start..link_start + confirmation[link_start..].find('"').unwrap()];
    let pdf = partner.get(link);
    assert_eq!(pdf.status(), Status::Ok);
    assert_eq!(pdf.content_type(), Some(ContentType::PDF));
    let (pages, text) = crate::report_data::pdf_text(&pdf.into_bytes().unwrap());
    assert_eq!(pages, 1);
    for expected in [
        "Accusé de réception",
        "2026-0001",
        "15/06/2026 à 12:00",
        "Défenseur des droits — délégation de Lyon",
        "Yanis Benali",
        "Paiement non reçu",
        "Délai de traitement",
        "Médiation de la CPAM",
    ] {
        assert!(text.contains(expected), "« {expected} » absent de l'accusé : {text}");
    }
    let tampered = link.replace("signature=", "signature=00");
    assert_eq!(partner.get(&tampered).status(), Status::NotFound);

    assert_eq!(app.count(), 1);
    let saisine = app.saisine("2026-0001");
    assert_eq!(saisine["channel"], "boite_generique");
    assert_eq!(saisine["status"], "recue");
    assert_eq!(saisine["partner"], "defenseur_des_droits");
    assert_eq!(saisine["received_on"], TODAY);
    assert_eq!(saisine["motifs"], serde_json::json!(["delai_traitement", "paiement_non_recu"]));
    let (_, events) = app.get_json("/api/v1/saisines/2026-0001/evenements");
    assert_eq!(events[0]["text"], "déposée par le formulaire partenaire");

    let page = app.get("/saisines/2026-0001").into_string().unwrap();
    assert!(page.contains("Claire Déléguée") && page.contains("arret.pdf") && page.contains("courrier.png"));
    let link_start = page.find("/saisines/2026-0001/pieces/").unwrap();
    let link = &page[link_start..link_start + page[link_start..].find('"').unwrap()];
    let file = app.get(link);
    assert_eq!(file.status(), Status::Ok);
    assert_eq!(file.headers().get_one("Content-Disposition"), Some("attachment; filename=\"arret.pdf\""));
    assert_eq!(file.headers().get_one("X-Content-Type-Options"), Some("nosniff"));
    assert_eq!(file.content_type(), Some(ContentType::PDF));
    assert_eq!(file.into_bytes().unwrap(), PDF);
    let reader = app.browser_as(Role::Lecteur);
    assert_eq!(reader.get(link).status(), Status::Forbidden);
}

#[test]
fn each_invalid_field_is_reported_beside_it_what_was_typed_is_kept_and_nothing_is_stored() {
    let app = TestApp::new();
    let partner = app.anonymous();
    let token = token(&partner);
    app.clock.advance(Duration::seconds(20));
    let good = valid_fields(&token);
    let long = "x".repeat(5_001);
    type Fields = Vec<(&'static str, String)>;
    let cases: Vec<(Fields, &str, &str)> = vec![
        (without(&good, "organisation"), "organisation", "indiquez votre organisme"),
        (replaced(&good, "contact_email", "claire@"), "contact_email", "adresse e-mail invalide"),
        (without(&good, "contact_email"), "contact_email", "pour que la médiation puisse vous répondre"),
        (without(&good, "consent"), "consent", "consentement"),
        (replaced(&good, "nir", "1 85 01 69 123 456 00"), "nir", "clé du NIR"),
        (without(&good, "motifs"), "motifs", "au moins un motif"),
        (replaced(&good, "account", &long), "account", "5000 caractères au plus"),
        (without(&good, "requester_name"), "requester_name", "personne concernée"),
        (replaced(&good, "partner", "inconnu"), "partner", "type de votre organisme dans la liste proposée"),
        (replaced(&good, "contact_phone", "12"), "contact_phone", "numéro de téléphone invalide"),
    ];
    for (fields, field, message) in cases {
        let response = send(&partner, &fields, &[("attachments", "arret.pdf", PDF)]);
        assert_eq!(response.status(), Status::UnprocessableEntity, "{field}");
        let page = response.into_string().unwrap();
        assert!(page.contains(&format!(r#"id="{field}-error""#)), "{field}: error tied to its field");
        assert!(page.contains(message), "{field}: « {message} »");
        assert!(page.contains("Yanis Benali") || field == "requester_name", "{field}: typed values kept");
        assert!(page.contains("sélectionner de nouveau"), "files are asked for again");
    }
    assert_eq!(app.count(), 0);
}

#[test]
fn robots_fast_senders_and_forged_or_stale_tokens_are_refused() {
    let app = TestApp::new();
    let partner = app.anonymous();
    let token = token(&partner);
    let too_fast = send(&partner, &valid_fields(&token), &[]);
    assert_eq!(too_fast.status(), Status::UnprocessableEntity);
    assert!(too_fast.into_string().unwrap().contains("trop vite"));

    app.clock.advance(Duration::seconds(20));
    let mut honeypot = valid_fields(&token);
    honeypot.push(("site_web", "http://spam.example".into()));
    let trapped = send(&partner, &honeypot, &[]);
    assert_eq!(trapped.status(), Status::Ok);
    assert!(!trapped.into_string().unwrap().contains("2026-0001"));

    let forged = token.replacen(|c: char| c.is_ascii_digit(), "9", 1);
    let refused = send(&partner, &replaced(&valid_fields(&token), "form_token", &forged), &[]);
    assert_eq!(refused.status(), Status::UnprocessableEntity);
    assert!(refused.into_string().unwrap().contains("pas pu être authentifié"));

    app.clock.advance(Duration::hours(3));
    let stale = send(&partner, &valid_fields(&token), &[]);
    assert_eq!(stale.status(), Status::UnprocessableEntity);
    assert!(stale.into_string().unwrap().contains("a expiré"));
    assert_eq!(app.count(), 0);
}

#[test]
fn each_address_is_limited_per_hour() {
    let app = TestApp::configured(TODAY, |f| f.merge(("partner_form_per_hour", 2)));
    let partner = app.anonymous();
    // A token is good for one submission: each one opens the form again.
    let tokens = [token(&partner), token(&partner), token(&partner)];
    app.clock.advance(Duration::seconds(20));
    for token in &tokens[..2] {
        assert_eq!(send(&partner, &valid_fields(token), &[]).status(), Status::SeeOther);
    }
    let third = send(&partner, &valid_fields(&tokens[2]), &[]);
    assert_eq!(third.status(), Status::TooManyRequests);
    assert!(third.into_string().unwrap().contains("limite horaire"));
    app.clock.advance(Duration::minutes(61));
    let token = self::token(&partner);
    app.clock.advance(Duration::seconds(20));
    assert_eq!(send(&partner, &valid_fields(&token), &[]).status(), Status::SeeOther);
    assert_eq!(app.count(), 3);
}

#[test]
fn files_are_checked_by_content_size_and_number() {
    let app = TestApp::new();
    let partner = app.anonymous();
    let token = token(&partner);
    app.clock.advance(Duration::seconds(20));
    let fake = send(&partner, &valid_fields(&token), &[("attachments", "photo.png", b"MZ\x90\x00 this is a program")]);
    assert_eq!(fake.status(), Status::UnprocessableEntity);
    assert!(fake.into_string().unwrap().contains("seuls les fichiers PDF, JPEG et PNG"));
    let mut big = PDF.to_vec();
    big.resize(5 * 1024 * 1024 + 1, b' ');
    let oversized = send(&partner, &valid_fields(&token), &[("attachments", "gros.pdf", &big)]);
    assert_eq!(oversized.status(), Status::UnprocessableEntity);
    assert!(oversized.into_string().unwrap().contains("5 Mo au plus"));
    let four = [
        ("attachments", "a.pdf", PDF),
        ("attachments", "b.pdf", PDF),
        ("attachments", "c.pdf", PDF),
        ("attachments", "d.pdf", PDF),
    ];
    let too_many = send(&partner, &valid_fields(&token), &four);
    assert_eq!(too_many.status(), Status::UnprocessableEntity);
    assert!(too_many.into_string().unwrap().contains("3 pièces jointes au plus"));
    assert_eq!(app.count(), 0);
}

#[test]
fn an_oversized_body_gets_a_clear_413_page() {
    let app = TestApp::configured(TODAY, |f| f.merge(("limits.data-form", 64 * 1024)));
    let partner = app.anonymous();
    let token = token(&partner);
    app.clock.advance(Duration::seconds(20));
    let mut big = PDF.to_vec();
    big.resize(200 * 1024, b' ');
    let response = send(&partner, &valid_fields(&token), &[("attachments", "gros.pdf", &big)]);
    assert_eq!(response.status(), Status::PayloadTooLarge);
    assert!(response.into_string().unwrap().contains("Envoi trop volumineux"));
    assert_eq!(app.count(), 0);
}

#[test]
fn the_confirmation_link_refuses_a_tampered_or_expired_signature() {
    let app = TestApp::new();
    let partner = app.anonymous();
    let token = token(&partner);
    app.clock.advance(Duration::seconds(20));
    let uri = send(&partner, &valid_fields(&token), &[]).headers().get_one("Location").unwrap().to_string();
    assert_eq!(partner.get(&uri).status(), Status::Ok);
    assert_eq!(partner.get(&uri.replace("2026-0001", "2026-0002")).status(), Status::NotFound);
    let tampered_expiry = {
        let start = uri.find("expire=").unwrap() + 7;
        let expiry: i64 = uri[start..start + 10].parse().unwrap();
        uri.replace(&expiry.to_string(), &(expiry + 3600).to_string())
    };
    assert_eq!(partner.get(&tampered_expiry).status(), Status::NotFound);
    app.clock.advance(Duration::days(8));
    assert_eq!(partner.get(&uri).status(), Status::NotFound, "expired after 7 days");
}

#[test]
fn a_possible_duplicate_is_shown_to_the_mediator() {
    let app = TestApp::new();
    let partner = app.anonymous();
    let token = token(&partner);
    app.clock.advance(Duration::seconds(20));
    send(&partner, &valid_fields(&token), &[]);
    app.clock.advance(Duration::days(2));
    let token = self::token(&partner);
    app.clock.advance(Duration::seconds(20));
    let second = send(&partner, &replaced(&valid_fields(&token), "nir", ""), &[]);
    assert_eq!(second.status(), Status::SeeOther, "a duplicate is not refused");
    assert_eq!(app.browser.sign_in(crate::support::MEDIATOR_EMAIL, crate::support::PASSWORD), Status::SeeOther);
    let page = app.get("/saisines/2026-0002").into_string().unwrap();
    assert!(
        page.contains("Doublon possible") && page.contains(r#"<a href="/saisines/2026-0001">"#),
        "same e-mail within 7 days"
    );
}

#[test]
fn mediators_attach_files_to_any_saisine() {
    let app = TestApp::new();
    let reference = app.create(&crate::support::SaisineBuilder::default());
    let csrf = app.browser.csrf();
    let upload = |token: &str, name: &str, data: &[u8]| {
        let (content_type, body) = multipart(&[("csrf_token", token)], &[("file", name, data)]);
        app.browser
            .client
            .post(format!("/saisines/{reference}/pieces"))
            .header(content_type)
            .body(body)
            .dispatch()
            .status()
    };
    assert_eq!(upload(&csrf, "rib.pdf", PDF), Status::SeeOther);
    assert_eq!(upload("mauvais", "rib.pdf", PDF), Status::Forbidden);
    assert_eq!(upload(&csrf, "rib.pdf", b"not a pdf"), Status::SeeOther);
    let page = app.get(&format!("/saisines/{reference}")).into_string().unwrap();
    let listed = page.matches(&format!("/saisines/{reference}/pieces/")).count();
    assert_eq!(listed, 1, "only the genuine PDF was kept");
    assert_eq!(app.timeline_kinds(&reference).iter().filter(|k| *k == "piece_ajoutee").count(), 1);
    assert!(app.audit_actions().iter().any(|(a, _, _)| a == "piece_jointe_ajoutee"));
}

#[rocket::async_test]
async fn fifty_concurrent_submissions_give_fifty_saisines() {
    use mediation::domain::clock::ManualClock;
    use rocket::local::asynchronous::Client;
    let dir = crate::support::TestDir::new();
    let clock = Arc::new(ManualClock::new(crate::support::noon(TODAY)));
    let figment = crate::support::test_figment(&dir).merge(("partner_form_per_hour", 1000));
    let client = Client::tracked(mediation::web::build(figment, clock.clone())).await.unwrap();
    // A token is good for one submission: fifty partners open the form.
    let mut bodies = Vec::new();
    for _ in 0..50 {
        let page = client.get("/partenaires/saisine").dispatch().await.into_string().await.unwrap();
        let marker = r#"name="form_token" value=""#;
        let start = page.find(marker).unwrap() + marker.len();
        let token = page[start..start + page[start..].find('"').unwrap()].to_string();
        let fields = valid_fields(&token);
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        bodies.push(multipart(&fields, &[("attachments", "arret.pdf", PDF)]));
    }
    clock.advance(Duration::seconds(20));
    let requests = bodies.into_iter().map(|(content_type, body)| {
        let client = &client;
        async move {
            let response = client.post("/partenaires/saisine").header(content_type).body(body).dispatch().await;
            (response.status(), response.headers().get_one("Location").map(str::to_string))
        }
    });
    let results = futures::future::join_all(requests).await;
    assert!(
        results.iter().all(|(s, _)| *s == Status::SeeOther),
        "{:?}",
        results.iter().find(|(s, _)| *s != Status::SeeOther)
    );
    let references: BTreeSet<String> = results
        .iter()
        .filter_map(|(_, l)| l.as_ref())
        .map(|l| l.split('?').next().unwrap().rsplit('/').next().unwrap().to_string())
        .collect();
    assert_eq!(references.len(), 50);
    let mut conn = crate::support::connect(&dir);
    use diesel::prelude::*;
    let saisines: i64 = mediation::db::schema::saisines::table.count().get_result(&mut conn).unwrap();
    let files: i64 = mediation::db::schema::attachments::table.count().get_result(&mut conn).unwrap();
    assert_eq!((saisines, files), (50, 50));
    let _: Option<Value> = None;
}
