//! The daily digest: a mediator who chose it receives, once a day from 7 a.m. (Paris), the
//! list of their overdue saisines, without personal data.

use chrono::Duration;
use rocket::http::Status;

use super::smtp::shared;
use super::{deliver, mail_app, FROM};
use crate::support::{connect, SaisineBuilder, MEDIATOR_EMAIL};

#[test]
fn a_mediator_who_chose_the_digest_receives_their_overdue_items_once_a_day() {
    let server = shared();
    let app = mail_app(&server.url());
    let late = app.create(&SaisineBuilder::default().received_on("2026-06-01").name("Zoé Retard"));
    let settings = mediation::app::letters::MailSettings {
        from: Some(FROM.parse().unwrap()),
        mediation: Default::default(),
        public_url: Some("https://mediation.cpam.test".into()),
    };
    let queue = |hours: i64| {
        let at = mediation::domain::clock::Clock::now(app.clock.as_ref()).naive_utc() + Duration::hours(hours);
        mediation::app::notifications::queue_digests(&mut connect(&app.dir), &settings, at).unwrap()
    };
    assert_eq!(queue(0), 0, "personne n'a demandé la synthèse");

    assert!(app.browser.page("/compte/synthese").contains("Recevoir la synthèse quotidienne"));
    assert_eq!(app.post_form("/compte/synthese", &[("daily", "true")]).status(), Status::SeeOther);
    assert!(app.browser.page("/compte/synthese").contains("checked"));
    // The clock reads 10:00 UTC, noon in Paris in June; 04:00 UTC is 6:00, before the hour.
    assert_eq!(queue(-6), 0, "avant 7 h");
    assert_eq!(queue(0), 1);
    assert_eq!(queue(0), 0, "une seule synthèse par jour");
    assert_eq!(deliver(&app, &server.url()).sent, 1);
    let digest = server.messages_to(MEDIATOR_EMAIL);
    assert_eq!(digest.len(), 1);
    assert!(digest[0].subject.starts_with("[Médiation] Vos saisines en retard au 15/06/2026"), "{}", digest[0].subject);
    assert!(digest[0].body.contains(&format!("- {late} : À prendre en charge")), "{}", digest[0].body);
    assert!(
        !digest[0].body.contains("Zoé") && !digest[0].body.contains("Retard"),
        "données personnelles dans la synthèse"
    );

    assert_eq!(queue(14), 0, "2 h le lendemain : trop tôt");
    assert_eq!(queue(22), 1, "le lendemain à partir de 7 h");
    assert_eq!(app.post_form("/compte/synthese", &[]).status(), Status::SeeOther);
    assert_eq!(queue(48), 0, "synthèse arrêtée");
}
