//! New messages: each becomes one saisine « à qualifier », whatever its charset, its HTML,
//! its files, its date; recorded exactly once.

use mediation::app::mailbox::Ingested;
use proptest::prelude::*;
use rocket::http::Status;

use super::support::{base64_lines, crlf, deliver, last_entry, new_saisine, pdf, png};
use crate::support::TestApp;

fn plain(message_id: &str, from: &str, subject: &str, date: &str, body: &str) -> Vec<u8> {
    crlf(&format!(
        "Return-Path: <x@exemple.fr>\nFrom: {from}\nTo: Médiation <mediation@cpam.test>\nSubject: {subject}\n\
         Date: {date}\nMessage-ID: {message_id}\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\
         Content-Transfer-Encoding: 8bit\n\n{body}"
    ))
}

#[test]
fn a_plain_message_becomes_a_saisine_to_qualify() {
    let app = TestApp::new();
    let raw = plain(
        "<CAB1234@mail.exemple.fr>",
        "Jeanne Dupré <Jeanne.Dupre@Exemple.fr>",
        "Mes indemnités journalières",
        "Mon, 15 Jun 2026 09:12:00 +0200",
        "Bonjour,\n\nJe n'ai pas reçu mes indemnités journalières depuis avril.\n\nJeanne Dupré\n",
    );
    let reference = new_saisine(deliver(&app, &raw));
    let saisine = app.saisine(&reference);
    assert_eq!(saisine["channel"], "courriel");
    assert_eq!(saisine["received_on"], "2026-06-15");
    assert_eq!(saisine["requester_name"], "Jeanne Dupré");
    assert_eq!(saisine["email"], "jeanne.dupre@exemple.fr");
    assert_eq!(saisine["status"], "recue");
    assert!(saisine["summary"].as_str().unwrap().contains("pas reçu mes indemnités journalières"), "{saisine}");
    let entry = last_entry(&app, &reference, "courriel_recu");
    assert!(entry["text"].as_str().unwrap().contains("De : Jeanne Dupré <jeanne.dupre@exemple.fr>"), "{entry}");

    // « À qualifier » in the list, its filter, and the page; it counts like any other.
    let listed = app.browser.page("/saisines?a_qualifier=oui");
    assert!(listed.contains(&reference) && listed.contains("à qualifier"), "{listed}");
    assert!(app.browser.page("/saisines").contains(&reference));
    let page = app.browser.page(&format!("/saisines/{reference}"));
    assert!(page.contains("<strong>À qualifier</strong>"), "{page}");
    assert!(page.contains(".eml"), "{page}");
    assert_eq!(app.count(), 1);
    // The bytes kept are the bytes received.
    let download = app.get(&format!("/saisines/{reference}/courriels/1.eml"));
    assert_eq!(download.status(), Status::Ok);
    assert_eq!(download.content_type().map(|c| c.to_string()), Some("message/rfc822".into()));
    assert_eq!(download.into_bytes().unwrap(), raw);
    assert!(app
        .audit_actions()
        .iter()
        .any(|(action, _, target)| action == "courriel_consulte" && target == &reference));

    // A mediator qualifies it: process and motifs chosen, the flag goes.
    let fields = [
        ("received_on", "2026-06-15"),
        ("channel", "courriel"),
        ("requester_type", "assure"),
        ("requester_name", "Jeanne Dupré"),
        ("email", "jeanne.dupre@exemple.fr"),
        ("process", "revenus_remplacement"),
        ("motifs", "paiement_non_recu"),
        ("summary", "IJ non versées depuis avril"),
    ];
    let edit = app.browser.page(&format!("/saisines/{reference}/modifier"));
    assert!(!edit.contains("value=\"autre\" selected"), "le processus provisoire n'est pas proposé : {edit}");
    assert_eq!(app.post_form(&format!("/saisines/{reference}/modifier"), &fields).status(), Status::SeeOther);
    assert!(!app.browser.page("/saisines?a_qualifier=oui").contains(&reference));
    assert!(!app.browser.page(&format!("/saisines/{reference}")).contains("<strong>À qualifier</strong>"));
}

#[test]
fn a_french_message_in_latin1_quoted_printable_keeps_its_accents() {
    let app = TestApp::new();
    let raw = crlf(
        "From: =?ISO-8859-1?Q?H=E9l=E8ne_B=E9rang=E8re?= <helene@exemple.fr>\n\
         To: mediation@cpam.test\n\
         Subject: =?ISO-8859-1?Q?R=E9clamation_=E0_propos_de_ma_carte_Vitale?=\n\
         Date: Mon, 15 Jun 2026 08:00:00 +0000\n\
         Message-ID: <latin1@exemple.fr>\n\
         MIME-Version: 1.0\n\
         Content-Type: text/plain; charset=ISO-8859-1\n\
         Content-Transfer-Encoding: quoted-printable\n\n\
         Je souhaite d=E9poser une r=E9clamation : ma carte Vitale n'est jamais arriv=\n\
         =E9e, d=E9j=E0 trois mois. Fran=E7oise m'a conseill=E9 de vous =E9crire.\n",
    );
    let reference = new_saisine(deliver(&app, &raw));
    let saisine = app.saisine(&reference);
    assert_eq!(saisine["requester_name"], "Hélène Bérangère");
    let summary = saisine["summary"].as_str().unwrap();
    assert!(
        summary.contains("déposer une réclamation : ma carte Vitale n'est jamais arrivée, déjà trois mois"),
        "{summary}"
    );
    assert!(summary.contains("Françoise m'a conseillé de vous écrire"), "{summary}");
    let entry = last_entry(&app, &reference, "courriel_recu");
    assert!(entry["text"].as_str().unwrap().contains("Objet : Réclamation à propos de ma carte Vitale"), "{entry}");
}

#[test]
fn an_html_only_message_is_read_as_text() {
    let app = TestApp::new();
    let raw = crlf(
        "From: Paul Martin <paul@exemple.fr>\nTo: mediation@cpam.test\nSubject: Demande\n\
         Date: Mon, 15 Jun 2026 08:00:00 +0000\nMessage-ID: <html@exemple.fr>\nMIME-Version: 1.0\n\
         Content-Type: text/html; charset=utf-8\n\n\
         <html><body><p>Bonjour,</p><p>Mon <b>remboursement</b> de lunettes est refus&eacute;.</p>\
         <script>alert(1)</script></body></html>\n",
    );
    let reference = new_saisine(deliver(&app, &raw));
    let summary = app.saisine(&reference)["summary"].as_str().unwrap().to_string();
    assert!(summary.contains("remboursement de lunettes est refusé"), "{summary}");
    assert!(!summary.contains("<p>") && !summary.contains("<b>"), "{summary}");
    let page = app.browser.page(&format!("/saisines/{reference}"));
    assert!(!page.contains("<script>alert(1)"), "le HTML reçu n'est jamais rendu tel quel");
}

fn with_files(files: &[(&str, &str, &[u8])]) -> Vec<u8> {
    let mut text = String::from(
        "From: Luc Petit <luc@exemple.fr>\nTo: mediation@cpam.test\nSubject: Pièces pour ma demande\n\
         Date: Mon, 15 Jun 2026 08:00:00 +0000\nMessage-ID: <files-",
    );
    text.push_str(&files.len().to_string());
    text.push_str(
        "@exemple.fr>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"frontiere\"\n\n\
         --frontiere\nContent-Type: text/plain; charset=utf-8\n\nVoici mes documents.\n",
    );
    for (name, kind, data) in files {
        text.push_str(&format!(
            "--frontiere\nContent-Type: {kind}; name=\"{name}\"\nContent-Disposition: attachment; filename=\"{name}\"\n\
             Content-Transfer-Encoding: base64\n\n{}\n",
            base64_lines(data)
        ));
    }
    text.push_str("--frontiere--\n");
    crlf(&text)
}

#[test]
fn attachments_are_kept_as_documents_and_refused_ones_listed() {
    let app = TestApp::new();
    let (pdf, png) = (pdf(), png());
    let raw = with_files(&[("attestation.pdf", "application/pdf", &pdf), ("photo carte.png", "image/png", &png)]);
    let reference = new_saisine(deliver(&app, &raw));
    let page = app.browser.page(&format!("/saisines/{reference}"));
    assert!(page.contains("attestation.pdf") && page.contains("photo carte.png"), "{page}");
    let first = app.get(&format!("/saisines/{reference}/pieces/1"));
    assert_eq!(first.content_type().map(|c| c.to_string()), Some("application/pdf".into()));
    assert_eq!(first.into_bytes().unwrap(), pdf);
    let second = app.get(&format!("/saisines/{reference}/pieces/2"));
    assert_eq!(second.content_type().map(|c| c.to_string()), Some("image/png".into()));
    assert_eq!(second.into_bytes().unwrap().len(), png.len());

    // A program disguised as a PDF, and a file too big: listed on the saisine, never dropped silently.
    let big = [b"%PDF-1.4\n".as_slice(), &vec![b'a'; 5 * 1024 * 1024 + 1]].concat();
    let raw = with_files(&[
        ("facture.pdf", "application/pdf", b"MZ\x90\x00 not a pdf"),
        ("releve.pdf", "application/pdf", &big),
        ("ordonnance.pdf", "application/pdf", &pdf),
    ]);
    let reference = new_saisine(deliver(&app, &raw));
    let page = app.browser.page(&format!("/saisines/{reference}"));
    assert!(page.contains("Pièces jointes refusées"), "{page}");
    assert!(page.contains("facture.pdf (type non accepté"), "{page}");
    assert!(page.contains("releve.pdf (plus de 5 Mo)"), "{page}");
    assert!(page.contains("ordonnance.pdf"), "{page}");
    let entry = last_entry(&app, &reference, "courriel_recu");
    assert!(entry["text"].as_str().unwrap().contains("Pièces jointes refusées : facture.pdf"), "{entry}");
}

#[test]
fn the_reception_day_is_the_day_in_paris() {
    let app = TestApp::on("2026-06-20");
    let raw = plain(
        "<late@exemple.fr>",
        "noctambule@exemple.fr",
        "Tard le soir",
        "Mon, 15 Jun 2026 23:30:00 +0000",
        "Écrit à 1 h 30 à Paris.",
    );
    let reference = new_saisine(deliver(&app, &raw));
    assert_eq!(app.saisine(&reference)["received_on"], "2026-06-16");
    assert!(crate::mail::text(&app.browser.page(&format!("/saisines/{reference}"))).contains("16/06/2026"));
    // A date in the future (a wrong clock) is not believed: the day it came.
    let raw = plain("<future@exemple.fr>", "futur@exemple.fr", "x", "Fri, 01 Jan 2027 10:00:00 +0000", "x");
    let reference = new_saisine(deliver(&app, &raw));
    assert_eq!(app.saisine(&reference)["received_on"], "2026-06-20");
}

#[test]
fn the_same_message_is_recorded_once() {
    let app = TestApp::new();
    let raw = plain("<once@exemple.fr>", "une@exemple.fr", "Une fois", "Mon, 15 Jun 2026 08:00:00 +0000", "x");
    new_saisine(deliver(&app, &raw));
    assert_eq!(deliver(&app, &raw), Ingested::AlreadyRecorded);
    // The same Message-ID written differently is the same message.
    let again = plain("<ONCE@Exemple.FR>", "une@exemple.fr", "Une fois", "Mon, 15 Jun 2026 08:00:00 +0000", "x");
    assert_eq!(deliver(&app, &again), Ingested::AlreadyRecorded);
    assert_eq!(app.count(), 1);

    // Without a Message-ID, the bytes are the key.
    let anonymous =
        crlf("From: sans-id@exemple.fr\nSubject: Sans identifiant\nDate: Mon, 15 Jun 2026 08:00:00 +0000\n\nTexte.\n");
    new_saisine(deliver(&app, &anonymous));
    assert_eq!(deliver(&app, &anonymous), Ingested::AlreadyRecorded);
    let other =
        crlf("From: sans-id@exemple.fr\nSubject: Sans identifiant\nDate: Mon, 15 Jun 2026 08:00:00 +0000\n\nAutre.\n");
    new_saisine(deliver(&app, &other));
    assert_eq!(app.count(), 3);
}

#[test]
fn two_readers_at_once_make_one_saisine() {
    let app = TestApp::new();
    let raw = plain("<race@exemple.fr>", "course@exemple.fr", "Course", "Mon, 15 Jun 2026 08:00:00 +0000", "x");
    let barrier = std::sync::Barrier::new(2);
    let outcomes: Vec<Ingested> = std::thread::scope(|scope| {
        let readers: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    let mut conn = crate::support::connect(&app.dir);
                    barrier.wait();
                    mediation::app::mailbox::ingest(&mut conn, &super::support::source(), &raw, noon()).unwrap()
                })
            })
            .collect();
        readers.into_iter().map(|r| r.join().unwrap()).collect()
    });
    let new = outcomes.iter().filter(|o| matches!(o, Ingested::NewSaisine { .. })).count();
    assert_eq!(new, 1, "{outcomes:?}");
    assert!(outcomes.contains(&Ingested::AlreadyRecorded), "{outcomes:?}");
    assert_eq!(app.count(), 1);
}

fn noon() -> chrono::DateTime<chrono::Utc> {
    crate::support::noon(crate::support::TODAY)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    /// Whatever bytes come, the mailbox answers (a saisine, an ignored or an unread message).
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600), header in any::<bool>()) {
        let app = TestApp::new();
        let mut raw = if header { b"From: a@exemple.fr\r\nSubject: \xff\xfe\r\n\r\n".to_vec() } else { Vec::new() };
        raw.extend(bytes);
        let outcome = super::support::deliver_direct(&app, &raw);
        prop_assert!(!matches!(outcome, Ingested::AlreadyRecorded));
        prop_assert_eq!(super::support::deliver_direct(&app, &raw), Ingested::AlreadyRecorded);
    }
}
