//! Replies join their saisine; partners' messages name their partner; robots, bounces and the
//! application's own messages are set aside; unreadable messages wait for a mediator.

use diesel::prelude::*;
use mediation::app::mailbox::{IgnoredReason, Ingested};
use mediation::auth::Role;
use mediation::db::schema::outbox;
use rocket::http::Status;
use serde_json::json;

use super::support::{base64_lines, crlf, deliver, deliver_direct, joined, last_entry, new_saisine, pdf};
use crate::mail::{mail_app, saisine_for, smtp::shared, step_with_letter, text};
use crate::support::{connect, SaisineBuilder, TestApp};

#[test]
fn a_reply_to_a_sent_message_joins_its_saisine_and_shows_on_the_queue() {
    let server = shared();
    let app = mail_app(&server.url());
    let reference = saisine_for(&app, "rose.attente@exemple.fr");
    app.step(&reference, "prise-en-charge", json!({ "date": "2026-06-15" }));
    let fields = [
        ("description", "Votre dernier avis d'imposition"),
        ("date", "2026-06-15"),
        ("due_on", "2026-07-15"),
        ("letter", "courriel"),
        ("letter_subject", "Pièces à fournir"),
        ("letter_body", "Madame,\n\nMerci de nous adresser votre avis d'imposition."),
    ];
    let (status, page) = step_with_letter(&app, &reference, "demande-pieces", &fields);
    assert_eq!(status, Status::SeeOther, "{page}");
    assert_eq!(crate::mail::deliver(&app, &server.url()).sent, 1);
    let sent: String = outbox::table.select(outbox::message_id).first(&mut connect(&app.dir)).unwrap();

    // The reply's subject lost the reference: its In-Reply-To is enough.
    let raw = crlf(&format!(
        "From: Rose Attente <rose.attente@exemple.fr>\nTo: mediation@cpam.test\nSubject: RE: Pièces\n\
         Date: Mon, 15 Jun 2026 11:00:00 +0000\nMessage-ID: <reponse-rose@exemple.fr>\nIn-Reply-To: {sent}\n\
         References: {sent}\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b\"\n\n\
         --b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n\
         Voici mon avis d'imposition.\nRose\n\n\
         Le lun. 15 juin 2026 à 12:00, Médiation CPAM <mediation@cpam.test> a écrit :\n\
         > Madame,\n> Merci de nous adresser votre avis d'imposition.\n\
         --b\nContent-Type: application/pdf; name=\"avis.pdf\"\nContent-Disposition: attachment; filename=\"avis.pdf\"\n\
         Content-Transfer-Encoding: base64\n\n{}\n--b--\n",
        base64_lines(&pdf())
    ));
    assert_eq!(joined(deliver(&app, &raw)), reference);
    assert_eq!(app.count(), 1);
    let entry = last_entry(&app, &reference, "courriel_recu");
    let own = entry["text"].as_str().unwrap();
    assert!(own.contains("Voici mon avis d'imposition.") && !own.contains("> Madame"), "{entry}");
    assert!(entry["quoted"].as_str().unwrap().contains("> Merci de nous adresser"), "{entry}");
    // Not marked received: a mediator looks first. The queue and the page say something came.
    assert_eq!(app.saisine(&reference)["status"], "attente_pieces");
    let page = text(&app.browser.page(&format!("/saisines/{reference}")));
    assert!(page.contains("<details class=\"quoted\">"), "{page}");
    assert!(
        page.contains("avis.pdf") && page.contains("Courriel reçu</strong> pendant l'attente des pièces"),
        "{page}"
    );
    let queue = text(&app.browser.page("/a-traiter"));
    assert!(queue.contains(&reference) && queue.contains("Courriel reçu"), "{queue}");

    let seen = app.post_form(&format!("/saisines/{reference}/courriel-vu"), &[]);
    assert_eq!(seen.status(), Status::SeeOther);
    assert!(!text(&app.browser.page(&format!("/saisines/{reference}"))).contains("Marquer comme vu"));
    assert!(!text(&app.browser.page("/a-traiter")).contains("Courriel reçu"));
    assert!(app.audit_actions().iter().any(|(action, _, _)| action == "courriel_vu"));
}

#[test]
fn a_reply_carrying_the_reference_in_its_subject_joins_it() {
    let app = TestApp::new();
    let reference = app.create(&SaisineBuilder::default());
    let message = |id: &str, subject: &str| {
        crlf(&format!(
            "From: marc@exemple.fr\nSubject: {subject}\nDate: Mon, 15 Jun 2026 08:00:00 +0000\nMessage-ID: <{id}>\n\n\
             Complément d'information.\nOn Mon, Jun 15, 2026 at 9:00 AM Médiation wrote:\n> ancien texte\n"
        ))
    };
    let raw = message("sujet@exemple.fr", &format!("Re: [Médiation {reference}] Votre saisine"));
    assert_eq!(joined(deliver(&app, &raw)), reference);
    let entry = last_entry(&app, &reference, "courriel_recu");
    assert!(entry["text"].as_str().unwrap().ends_with("Complément d'information."), "{entry}");
    // A saisine that does not exist: a new one.
    let unknown = message("inconnue@exemple.fr", "Re: [Médiation 2019-0999] Ancienne demande");
    new_saisine(deliver(&app, &unknown));
    assert_eq!(app.count(), 2);
}

#[test]
fn a_partners_message_names_the_partner_by_address_or_domain() {
    let app = TestApp::new();
    let admin = app.browser_as(Role::Admin);
    for (pattern, partner) in [("Accueil@Asso-Entraide.fr", "association"), ("france-services.test", "france_services")]
    {
        let response = admin.post_form("/admin/adresses-partenaires", &[("pattern", pattern), ("partner", partner)]);
        assert_eq!(response.status(), Status::SeeOther);
    }
    let refused = admin.post_form("/admin/adresses-partenaires", &[("pattern", "pas un domaine"), ("partner", "elu")]);
    assert_eq!(refused.status(), Status::UnprocessableEntity);
    let page = admin.page("/admin/adresses-partenaires");
    assert!(page.contains("accueil@asso-entraide.fr") && page.contains("france-services.test"), "{page}");

    let message = |from: &str, id: &str| {
        crlf(&format!(
            "From: {from}\nSubject: Orientation d'une personne\nDate: Mon, 15 Jun 2026 08:00:00 +0000\n\
             Message-ID: <{id}>\n\nNous vous adressons Mme X, sans réponse de la caisse.\n"
        ))
    };
    let by_address = new_saisine(deliver(&app, &message("Claire Asso <accueil@asso-entraide.fr>", "p1@x")));
    let saisine = app.saisine(&by_address);
    assert_eq!(
        (saisine["channel"].as_str(), saisine["partner"].as_str()),
        (Some("boite_generique"), Some("association"))
    );
    assert!(saisine["requester_name"].is_null() && saisine["email"].is_null(), "{saisine}");
    let page = text(&app.browser.page(&format!("/saisines/{by_address}")));
    assert!(page.contains("Claire Asso, Association") && page.contains("accueil@asso-entraide.fr"), "{page}");

    let by_domain = new_saisine(deliver(&app, &message("agent@france-services.test", "p2@x")));
    assert_eq!(app.saisine(&by_domain)["partner"], "france_services");
    let other = new_saisine(deliver(&app, &message("agent@autre-domaine.test", "p3@x")));
    assert_eq!(app.saisine(&other)["channel"], "courriel");
}

#[test]
fn robots_bounces_and_own_messages_are_listed_for_administrators_only() {
    let app = TestApp::new();
    let auto = crlf(
        "From: Jean Absent <jean@exemple.fr>\nSubject: Absence du bureau\nAuto-Submitted: auto-replied\n\
         Date: Mon, 15 Jun 2026 08:00:00 +0000\nMessage-ID: <auto@exemple.fr>\n\nJe suis absent jusqu'au 30.\n",
    );
    let bounce = crlf(
        "From: Mail Delivery System <MAILER-DAEMON@mx.exemple.fr>\nSubject: Undelivered Mail Returned to Sender\n\
         Date: Mon, 15 Jun 2026 08:00:00 +0000\nMessage-ID: <bounce@mx.exemple.fr>\nMIME-Version: 1.0\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\n\n\
         --r\nContent-Type: text/plain\n\nThis is the mail system.\n\
         --r\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.exemple.fr\n\nFinal-Recipient: rfc822; x@exemple.fr\nAction: failed\nStatus: 5.1.1\n\
         --r--\n",
    );
    let own = crlf(
        "From: Médiation CPAM <mediation@cpam.test>\nSubject: [Médiation 2026-0001] Copie\n\
         Date: Mon, 15 Jun 2026 08:00:00 +0000\nMessage-ID: <abc.mediation@cpam.test>\n\nCopie.\n",
    );
    assert_eq!(deliver(&app, &auto), Ingested::Ignored { reason: IgnoredReason::AutoReply });
    assert_eq!(deliver(&app, &bounce), Ingested::Ignored { reason: IgnoredReason::DeliveryFailure });
    assert_eq!(deliver(&app, &own), Ingested::Ignored { reason: IgnoredReason::OwnMessage });
    assert_eq!(app.count(), 0);

    let admin = app.browser_as(Role::Admin);
    let page = text(&admin.page("/admin/courriels-ignores"));
    for expected in
        ["Absence du bureau", "Réponse automatique", "Avis de non-distribution", "Message envoyé par l'application"]
    {
        assert!(page.contains(expected), "{expected} : {page}");
    }
    assert_eq!(app.get("/admin/courriels-ignores").status(), Status::Forbidden);
}

#[test]
fn unreadable_messages_wait_for_a_mediator_who_records_or_dismisses_them() {
    let app = TestApp::new();
    let no_sender = crlf(
        "Subject: =?utf-8?Q?Demande_sans_exp=C3=A9diteur?=\nDate: Mon, 15 Jun 2026 08:00:00 +0000\n\nMon dossier IJ.\n",
    );
    let garbage = b"\x00\x01\x02 ceci n'est pas un courriel \xff\xfe".to_vec();
    assert_eq!(deliver(&app, &no_sender), Ingested::Unparsed);
    // NUL bytes: no IMAP server stores them as they are; the use case still keeps them.
    assert_eq!(super::support::deliver_direct(&app, &garbage), Ingested::Unparsed);
    assert_eq!(super::support::deliver_direct(&app, &garbage), Ingested::AlreadyRecorded);
    let list = text(&app.browser.page("/courriels/non-traites"));
    assert!(list.contains("Demande sans expéditeur"), "{list}");
    let raw = app.get("/courriels/2.eml");
    assert_eq!(raw.status(), Status::Ok);
    assert_eq!(raw.into_bytes().unwrap(), garbage);

    // Turned into a saisine by hand, from a form filled with what could be read.
    let form = text(&app.browser.page("/courriels/non-traites/1/saisine"));
    assert!(form.contains("Mon dossier IJ.") && form.contains("action=\"/courriels/non-traites/1/saisine\""), "{form}");
    let fields = [
        ("received_on", "2026-06-15"),
        ("channel", "courriel"),
        ("requester_type", "assure"),
        ("process", "revenus_remplacement"),
        ("motifs", "paiement_non_recu"),
        ("summary", "Mon dossier IJ."),
    ];
    let created = app.post_form("/courriels/non-traites/1/saisine", &fields);
    assert_eq!(created.status(), Status::SeeOther);
    assert_eq!(app.count(), 1);
    assert_eq!(app.post_form("/courriels/non-traites/1/saisine", &fields).status(), Status::SeeOther);
    assert_eq!(app.count(), 1, "un courriel ne se transforme qu'une fois");

    assert_eq!(app.post_form("/courriels/non-traites/2/ecarter", &[]).status(), Status::SeeOther);
    let list = text(&app.browser.page("/courriels/non-traites"));
    assert!(list.contains("Aucun courriel en attente"), "{list}");
    let actions: Vec<String> = app.audit_actions().into_iter().map(|(action, _, _)| action).collect();
    assert!(
        actions.contains(&"courriel_transforme".into()) && actions.contains(&"courriel_ecarte".into()),
        "{actions:?}"
    );
    // Readers see neither the list nor the messages.
    let reader = app.browser_as(Role::Lecteur);
    assert_eq!(reader.get("/courriels/non-traites").status(), Status::Forbidden);
    assert_eq!(reader.get("/courriels/2.eml").status(), Status::Forbidden);
}

#[test]
fn the_ignored_messages_are_paged_from_the_newest() {
    let app = TestApp::new();
    for n in 0..53 {
        let auto = crlf(&format!(
            "From: Robot <robot@exemple.fr>\nSubject: Absence {n:02}\nAuto-Submitted: auto-replied\n\
             Date: Mon, 15 Jun 2026 08:00:00 +0000\nMessage-ID: <absence-{n}@exemple.fr>\n\nAbsent.\n"
        ));
        assert_eq!(deliver_direct(&app, &auto), Ingested::Ignored { reason: IgnoredReason::AutoReply });
    }
    let admin = app.browser_as(Role::Admin);
    let first = admin.page("/admin/courriels-ignores");
    assert_eq!(first.matches("Absence ").count(), 50, "{first}");
    assert!(first.contains("Absence 52") && !first.contains("Absence 02"), "newest first");
    let start = first.find("rel=\"next\" href=\"").expect("a link to older messages") + 17;
    let next = &first[start..start + first[start..].find('"').unwrap()];
    let older = admin.page(next);
    assert_eq!(older.matches("Absence ").count(), 3, "{older}");
    assert!(older.contains("Absence 00") && older.contains("Absence 02") && !older.contains("rel=\"next\""));
    assert!(older.contains("href=\"/admin/courriels-ignores\">Les plus récents"));
}
