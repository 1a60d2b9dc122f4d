//! The outbox and its delivery through a real SMTP server: what was edited is what is sent
//! and kept, a crash loses nothing and sends once, a server down is tried again, a refusal
//! shows on the saisine.

use chrono::Duration;
use diesel::prelude::*;
use mediation::auth::Role;
use mediation::db::schema::outbox;
use rocket::http::Status;

use super::smtp::{shared, Delivered, SmtpServer};
use super::{deliver, mail_app, mailer, saisine_for, step_with_letter, text};
use crate::support::connect;

fn take_up_by_email(app: &crate::support::TestApp, reference: &str, body: &str) {
    let fields =
        [("date", "2026-06-15"), ("letter", "courriel"), ("letter_subject", "Prise en charge"), ("letter_body", body)];
    let (status, page) = step_with_letter(app, reference, "prise-en-charge", &fields);
    assert_eq!(status, Status::SeeOther, "{page}");
}

fn statuses(app: &crate::support::TestApp) -> Vec<(String, i32)> {
    outbox::table.order(outbox::id).select((outbox::status, outbox::attempts)).load(&mut connect(&app.dir)).unwrap()
}

#[test]
fn an_edited_email_is_what_is_sent_and_kept() {
    let server = shared();
    let app = mail_app(&server.url());
    let to = "anne.envoi@exemple.fr";
    let reference = saisine_for(&app, to);
    let edited = "Madame,\n\nVotre demande est prise en charge ; délai « suspendu » — été.\n\nBien à vous.";
    take_up_by_email(&app, &reference, edited);

    // Written with the step, not sent from the request.
    assert!(server.messages_to(to).is_empty());
    assert!(text(&app.browser.page(&format!("/saisines/{reference}"))).contains("en attente d'envoi"));
    let kinds = app.timeline_kinds(&reference);
    assert!(kinds.ends_with(&["prise_en_charge".to_string(), "courriel_envoye".to_string()]), "{kinds:?}");

    let report = deliver(&app, &server.url());
    assert_eq!((report.sent, report.retried, report.failed), (1, 0, 0));
    let delivered = server.messages_to(to);
    assert_eq!(delivered.len(), 1);
    let message = &delivered[0];
    assert_eq!(message.subject, format!("[Médiation {reference}] Prise en charge"));
    assert!(message.body.contains("délai « suspendu » — été."), "{}", message.body);
    assert!(message.body.contains("Le médiateur"), "la signature manque : {}", message.body);
    assert!(!message.message_id.is_empty());

    // The kept e-mail is the one sent: same Message-ID, same text.
    let kept = app.get(&format!("/saisines/{reference}/courriers/1"));
    assert_eq!(kept.content_type().map(|c| c.to_string()), Some("message/rfc822".into()));
    let kept = Delivered::parse(&kept.into_bytes().unwrap()).expect("courriel conservé");
    assert_eq!(kept.message_id, message.message_id);
    // The Maildir writes line ends as LF; the message went out with CRLF.
    let lines = |body: &str| body.replace("\r\n", "\n").trim_end().to_string();
    assert_eq!(lines(&kept.body), lines(&message.body));
    let page = text(&app.browser.page(&format!("/saisines/{reference}")));
    assert!(page.contains("<strong>envoyé</strong> le 15/06/2026 12:00"), "{page}");
    assert_eq!(deliver(&app, &server.url()).sent, 0, "un courriel envoyé ne repart pas");
}

#[test]
fn a_crash_between_commit_and_delivery_loses_nothing_and_sends_once() {
    let server = shared();
    let to = "bruno.panne@exemple.fr";
    let app = mail_app(&server.url());
    let reference = saisine_for(&app, to);
    take_up_by_email(&app, &reference, "Texte écrit avant la panne.");
    // The server process goes away after the commit: the next one (or cron) delivers.
    let (dir, clock) = (app.dir, app.clock);
    let report =
        mediation::app::outbox::deliver_due(&mut connect(&dir), &mailer(&server.url()), clock.as_ref()).unwrap();
    assert_eq!(report.sent, 1);
    let report =
        mediation::app::outbox::deliver_due(&mut connect(&dir), &mailer(&server.url()), clock.as_ref()).unwrap();
    assert_eq!(report.sent, 0);
    let delivered = server.messages_to(to);
    assert_eq!(delivered.len(), 1, "envoyé une fois");
    assert!(delivered[0].body.contains("Texte écrit avant la panne."));
}

#[test]
fn a_crash_after_the_server_took_the_message_resends_it_with_the_same_message_id() {
    let server = shared();
    let to = "carla.reprise@exemple.fr";
    let app = mail_app(&server.url());
    let reference = saisine_for(&app, to);
    take_up_by_email(&app, &reference, "Texte remis puis interrompu.");
    // A worker claims the message and hands it over, then dies before marking it sent.
    let mut conn = connect(&app.dir);
    let now = mediation::domain::clock::Clock::now(app.clock.as_ref()).naive_utc();
    let (id, recipient, raw): (i32, String, Vec<u8>) =
        outbox::table.select((outbox::id, outbox::recipient, outbox::message)).first(&mut conn).unwrap();
    assert!(mediation::db::outbox::claim(&mut conn, id, now, now + Duration::minutes(10)).unwrap());
    mailer(&server.url()).send(&recipient, &raw).unwrap();
    // Another worker, meanwhile, leaves the claimed message alone.
    assert_eq!(deliver(&app, &server.url()).sent, 0);
    app.clock.advance(Duration::minutes(11));
    assert_eq!(deliver(&app, &server.url()).sent, 1);
    let delivered = server.messages_to(to);
    assert_eq!(delivered.len(), 2);
    assert_eq!(delivered[0].message_id, delivered[1].message_id, "le renvoi garde le Message-ID");
    assert_eq!(statuses(&app), vec![("envoye".to_string(), 2)]);
}

#[test]
fn a_server_that_is_down_then_back_gets_the_message() {
    let server = SmtpServer::stopped();
    let to = "denis.retour@exemple.fr";
    let app = mail_app(&server.url());
    let reference = saisine_for(&app, to);
    take_up_by_email(&app, &reference, "Texte qui attend le serveur.");

    let report = deliver(&app, &server.url());
    assert_eq!((report.sent, report.retried, report.failed), (0, 1, 0));
    let page = text(&app.browser.page(&format!("/saisines/{reference}")));
    assert!(page.contains("serveur SMTP injoignable") && page.contains("nouvel essai le"), "{page}");
    // Not due yet: nothing is tried before the backoff delay.
    assert_eq!(deliver(&app, &server.url()), Default::default());

    server.start();
    app.clock.advance(Duration::minutes(1));
    assert_eq!(deliver(&app, &server.url()).sent, 1);
    let delivered = server.messages_to(to);
    assert_eq!(delivered.len(), 1);
    assert!(delivered[0].body.contains("Texte qui attend le serveur."));
    assert_eq!(statuses(&app), vec![("envoye".to_string(), 2)]);
}

#[test]
fn temporary_refusals_are_retried_and_permanent_ones_show_on_the_saisine() {
    let server = shared();
    let app = mail_app(&server.url());
    let temporary = saisine_for(&app, "tempo.attente@exemple.fr");
    take_up_by_email(&app, &temporary, "Texte temporairement refusé.");
    let refused = saisine_for(&app, "refus.definitif@exemple.fr");
    take_up_by_email(&app, &refused, "Texte définitivement refusé.");

    let report = deliver(&app, &server.url());
    assert_eq!((report.sent, report.retried, report.failed), (0, 1, 1));
    assert_eq!(statuses(&app), vec![("en_attente".to_string(), 1), ("echec".to_string(), 1)]);

    let page = text(&app.browser.page(&format!("/saisines/{refused}")));
    assert!(page.contains("échec d'envoi") && page.contains("550"), "{page}");
    assert!(page.contains("Courriel non distribué"), "l'échec manque dans l'historique : {page}");
    let page = text(&app.browser.page(&format!("/saisines/{temporary}")));
    assert!(page.contains("refus temporaire") && page.contains("451"), "{page}");

    // The administrator's outbox page: resend, cancel; readers see addresses masked.
    let admin = app.browser_as(Role::Admin);
    let outbox_page = text(&admin.page("/admin/envois?etat=echec"));
    assert!(
        outbox_page.contains("refus.definitif@exemple.fr") && !outbox_page.contains("tempo.attente"),
        "{outbox_page}"
    );
    let reader = app.browser_as(Role::Lecteur);
    let masked = text(&reader.page("/admin/envois"));
    assert!(masked.contains("r•••@exemple.fr") && !masked.contains("refus.definitif@"), "{masked}");
    assert!(!masked.contains("Renvoyer"));
    let seen = text(&reader.page(&format!("/saisines/{refused}")));
    assert!(seen.contains("échec d'envoi") && !seen.contains("refus.definitif@") && !seen.contains("550"), "{seen}");
    assert_eq!(reader.post_form("/admin/envois/2/renvoyer", &[]).status(), Status::Forbidden);

    assert_eq!(admin.post_form("/admin/envois/2/renvoyer", &[]).status(), Status::SeeOther);
    assert_eq!(statuses(&app)[1], ("en_attente".to_string(), 0));
    assert_eq!(admin.post_form("/admin/envois/2/annuler", &[]).status(), Status::SeeOther);
    assert_eq!(admin.post_form("/admin/envois/2/annuler", &[]).status(), Status::Conflict);
    assert_eq!(statuses(&app)[1], ("annule".to_string(), 0));
    app.clock.advance(Duration::hours(1));
    let report = deliver(&app, &server.url());
    assert_eq!((report.sent, report.retried), (0, 1), "un courriel annulé ne part pas");
    let actions: Vec<String> = app.audit_actions().into_iter().map(|(a, _, _)| a).collect();
    assert!(actions.contains(&"envoi_relance".to_string()) && actions.contains(&"envoi_annule".to_string()));
}

#[test]
fn nothing_personal_is_logged_when_sending() {
    crate::support::captured_logs();
    let server = shared();
    let app = mail_app(&server.url());
    let reference = saisine_for(&app, "elise.journal@exemple.fr");
    take_up_by_email(&app, &reference, "Texte à ne pas journaliser.");
    deliver(&app, &server.url());
    let logs = crate::support::captured_logs();
    assert!(!logs.contains("elise.journal") && !logs.contains("Texte à ne pas journaliser"));
}

#[test]
fn a_free_message_carries_the_documents_chosen_from_the_saisine() {
    let server = shared();
    let app = mail_app(&server.url());
    let to = "fanny.pieces@exemple.fr";
    let reference = saisine_for(&app, to);
    let token = app.browser.csrf();
    let pdf: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    let (content_type, body) =
        crate::partner::multipart(&[("csrf_token", &token)], &[("file", "attestation.pdf", pdf)]);
    let upload =
        app.browser.client.post(format!("/saisines/{reference}/pieces")).header(content_type).body(body).dispatch();
    assert_eq!(upload.status(), Status::SeeOther);

    let editor = text(&app.browser.page(&format!("/saisines/{reference}/courriers/nouveau")));
    assert!(editor.contains("attestation.pdf") && editor.contains(&format!("Envoyer par courriel à {to}")), "{editor}");
    let fields = [
        ("kind", "libre"),
        ("recipient", "personne"),
        ("subject", "Votre attestation"),
        ("body", "Veuillez trouver ci-joint l'attestation demandée."),
        ("delivery", "courriel"),
        ("attachments", "1"),
    ];
    assert_eq!(app.post_form(&format!("/saisines/{reference}/courriers"), &fields).status(), Status::SeeOther);
    assert_eq!(deliver(&app, &server.url()).sent, 1);
    let delivered = server.messages_to(to);
    assert_eq!(delivered.len(), 1);
    assert_eq!(delivered[0].subject, format!("[Médiation {reference}] Votre attestation"));
    assert_eq!(delivered[0].attachments, vec!["attestation.pdf".to_string()]);
    // Without an address, e-mail is refused and nothing typed is lost.
    let silent = app.create(&crate::support::SaisineBuilder::default().set("email", serde_json::Value::Null));
    let response = app.post_form(&format!("/saisines/{silent}/courriers"), &fields[..5]);
    assert_eq!(response.status(), Status::UnprocessableEntity);
    let page = text(&response.into_string().unwrap());
    assert!(page.contains("aucune adresse électronique") && page.contains("Veuillez trouver ci-joint"), "{page}");
}

fn mail_send(dir: &crate::support::TestDir, env: &[(&str, &str)]) -> std::process::Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_mediation"));
    command
        .args(["mail", "send"])
        .env("MEDIATION_DATA_DIR", dir.path())
        .env("MEDIATION_DATABASE_URL", &dir.url)
        .env("ROCKET_CONFIG", dir.path().join("absent.toml"));
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("mediation mail send")
}

#[test]
fn mediation_mail_send_delivers_the_outbox_for_cron() {
    let server = shared();
    let app = mail_app(&server.url());
    let to = "ines.cron@exemple.fr";
    let reference = saisine_for(&app, to);
    take_up_by_email(&app, &reference, "Texte remis par cron.");

    let off = mail_send(&app.dir, &[]);
    assert!(!off.status.success());
    assert!(String::from_utf8_lossy(&off.stderr).contains("l'envoi de courriels n'est pas configuré"));
    let url = server.url();
    let settings = [("MEDIATION_SMTP_URL", url.as_str()), ("MEDIATION_MAIL_FROM", super::FROM)];
    let unreadable = mail_send(&app.dir, &[settings[0], settings[1], ("MEDIATION_SMTP_PASSWORD_FILE", "/absent/smtp")]);
    assert!(String::from_utf8_lossy(&unreadable.stderr).contains("mot de passe SMTP illisible"));
    assert!(server.messages_to(to).is_empty());

    let sent = mail_send(&app.dir, &settings);
    assert!(sent.status.success(), "{}", String::from_utf8_lossy(&sent.stderr));
    assert!(String::from_utf8_lossy(&sent.stdout).contains("1 envoyé(s)"), "{}", String::from_utf8_lossy(&sent.stdout));
    assert_eq!(server.messages_to(to).len(), 1);
    let again = mail_send(&app.dir, &settings);
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 envoyé(s)"));
    assert_eq!(server.messages_to(to).len(), 1);
}

#[test]
fn the_servers_own_worker_delivers_the_outbox() {
    let server = shared();
    let url = server.url();
    let app = crate::support::TestApp::configured(crate::support::TODAY, |figment| {
        figment.merge(("smtp_url", url.clone())).merge(("mail_from", super::FROM)).merge(("mail_interval_seconds", 1))
    });
    let to = "jules.worker@exemple.fr";
    let reference = saisine_for(&app, to);
    take_up_by_email(&app, &reference, "Texte remis par le serveur lui-même.");
    // The local client's runtime runs the worker while it serves requests.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let page = format!("/saisines/{reference}");
    while !text(&app.browser.page(&page)).contains("<strong>envoyé</strong>") {
        assert!(std::time::Instant::now() < deadline, "le courriel n'est pas parti");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    assert_eq!(server.messages_to(to).len(), 1);
}
