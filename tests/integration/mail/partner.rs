//! A partner who used the public form receives an acknowledgement by e-mail with the signed
//! link to its PDF; the team is told of the new saisine, without the person's details.

use chrono::Duration;
use rocket::http::Status;

use super::smtp::shared;
use super::{deliver, FROM};
use crate::partner::{send, token, valid_fields};
use crate::support::{TestApp, TODAY};

#[test]
fn a_partner_submission_queues_its_acknowledgement_and_the_teams_notice() {
    let server = shared();
    let url = server.url();
    let team = "equipe.partenaires@cpam.test";
    let app = TestApp::configured(TODAY, |figment| {
        figment
            .merge(("smtp_url", url.clone()))
            .merge(("mail_from", FROM))
            .merge(("mail_interval_seconds", 0))
            .merge(("team_address", team))
            .merge(("public_url", "https://mediation.cpam.test/"))
    });
    let partner = app.anonymous();
    let form_token = token(&partner);
    app.clock.advance(Duration::seconds(20));
    let mut fields = valid_fields(&form_token);
    fields.retain(|(k, _)| *k != "contact_email");
    fields.push(("contact_email", "claire.accuse@defenseurdesdroits.fr".into()));
    assert_eq!(send(&partner, &fields, &[]).status(), Status::SeeOther);
    let reference = "2026-0001";
    assert_eq!(deliver(&app, &server.url()).sent, 2);

    let ack = server.messages_to("claire.accuse@defenseurdesdroits.fr");
    assert_eq!(ack.len(), 1);
    assert_eq!(ack[0].subject, format!("[Médiation {reference}] Saisine reçue par la médiation"));
    assert!(ack[0].body.contains("Bonjour Claire Déléguée") && ack[0].body.contains("pour le compte de Yanis Benali"));
    let prefix = format!("https://mediation.cpam.test/partenaires/accuse/{reference}?expire=");
    let start = ack[0].body.find(&prefix).expect("lien signé vers l'accusé");
    let end = start + ack[0].body[start..].find(char::is_whitespace).unwrap_or(ack[0].body.len() - start);
    let path = &ack[0].body[start + "https://mediation.cpam.test".len()..end];
    let pdf = partner.get(path);
    assert_eq!(pdf.status(), Status::Ok, "{path}");

    let notice = server.messages_to(team);
    assert_eq!(notice.len(), 1);
    assert!(notice[0].body.contains(&format!("https://mediation.cpam.test/saisines/{reference}")));
    assert!(notice[0].body.contains("Défenseur des droits — délégation de Lyon"));
    assert!(
        !notice[0].body.contains("Yanis") && !notice[0].body.contains("Benali"),
        "données personnelles dans la notification"
    );
    let kinds = app.timeline_kinds(reference);
    assert!(kinds.contains(&"courriel_envoye".to_string()), "{kinds:?}");
}
