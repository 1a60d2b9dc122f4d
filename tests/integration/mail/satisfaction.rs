//! The closing answer by e-mail carries a single-use link, valid 30 days, to a three-question
//! satisfaction form; the report shows the rate and the number of answers.

use chrono::Duration;
use mediation::auth::Role;
use rocket::http::Status;

use super::smtp::shared;
use super::{deliver, mail_app, pdf_text, saisine_for, step_with_letter, text};

#[test]
fn the_answer_carries_a_single_use_satisfaction_link_counted_in_the_report() {
    let server = shared();
    let app = mail_app(&server.url());
    let to = "gaelle.avis@exemple.fr";
    let reference = saisine_for(&app, to);
    step_with_letter(&app, &reference, "prise-en-charge", &[("date", "2026-06-15")]);
    let closing = [
        ("outcome", "explications"),
        ("summary", "Le calcul des indemnités a été expliqué."),
        ("date", "2026-06-15"),
        ("letter", "courriel"),
        ("satisfaction", "true"),
    ];
    let (status, page) = step_with_letter(&app, &reference, "cloture", &closing);
    assert_eq!(status, Status::SeeOther, "{page}");
    assert_eq!(deliver(&app, &server.url()).sent, 1);
    let body = &server.messages_to(to)[0].body;
    assert!(
        body.contains("Le calcul des indemnités a été expliqué.") && body.contains("jusqu'au 15/07/2026"),
        "{body}"
    );
    let start = body.find("/satisfaction/").expect("lien du questionnaire");
    let end = start + body[start..].find(char::is_whitespace).unwrap_or(body.len() - start);
    let link = body[start..end].to_string();

    let visitor = app.anonymous();
    let form = text(&visitor.page(&link));
    assert!(form.contains("Êtes-vous satisfait(e) du traitement") && form.contains("Plutôt non"), "{form}");
    let post = |fields: &[(&str, &str)]| visitor.post_raw(&link, fields);
    let incomplete = post(&[("handling", "plutot_oui"), ("understood", ""), ("comment", "Très clair")]);
    assert_eq!(incomplete.status(), Status::UnprocessableEntity);
    assert!(text(&incomplete.into_string().unwrap()).contains("Très clair"), "le commentaire saisi est perdu");
    assert_eq!(
        post(&[("handling", "plutot_oui"), ("understood", "oui"), ("comment", "Très clair")]).status(),
        Status::Ok
    );
    assert_eq!(
        post(&[("handling", "non"), ("understood", "non"), ("comment", "")]).status(),
        Status::Gone,
        "lien à usage unique"
    );
    assert_eq!(visitor.get(&link).status(), Status::Gone);
    assert_eq!(visitor.get("/satisfaction/inconnu").status(), Status::Gone);

    let admin = app.browser_as(Role::Admin);
    let report = text(&admin.page("/rapports/2026"));
    assert!(report.contains("taux de satisfaction") && report.contains("1 réponse au questionnaire"), "{report}");
    let pdf = pdf_text(&admin.get("/rapports/2026.pdf").into_bytes().unwrap());
    assert!(pdf.contains("taux de satisfaction") && pdf.contains("1 réponse au questionnaire"), "{pdf}");
}

#[test]
fn a_satisfaction_link_expires_after_thirty_days() {
    let server = shared();
    let app = mail_app(&server.url());
    let to = "hugo.tard@exemple.fr";
    let reference = saisine_for(&app, to);
    step_with_letter(&app, &reference, "prise-en-charge", &[("date", "2026-06-15")]);
    let closing = [
        ("outcome", "accord_amiable"),
        ("summary", "Accord trouvé."),
        ("date", "2026-06-15"),
        ("letter", "courriel"),
        ("satisfaction", "true"),
    ];
    assert_eq!(step_with_letter(&app, &reference, "cloture", &closing).0, Status::SeeOther);
    deliver(&app, &server.url());
    let body = &server.messages_to(to)[0].body;
    let start = body.find("/satisfaction/").unwrap();
    let link = body[start..start + body[start..].find(char::is_whitespace).unwrap()].to_string();
    app.clock.advance(Duration::days(31));
    let visitor = app.anonymous();
    let late = visitor.post_raw(&link, &[("handling", "oui"), ("understood", "oui"), ("comment", "")]);
    assert_eq!(late.status(), Status::Gone);
}
