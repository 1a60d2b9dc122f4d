//! Each step proposes its letter, filled in with the saisine's values; the mediator edits it;
//! what was edited is what is kept, as a PDF with the letterhead.

use mediation::auth::Role;
use rocket::http::Status;

use super::{input, pdf_text, step_with_letter, text, textarea};
use crate::partner::multipart;
use crate::support::{Browser, SaisineBuilder, TestApp};

#[test]
fn each_step_proposes_its_letter_with_the_saisines_values() {
    let app = TestApp::new();
    let reference = app.create(&SaisineBuilder::default().received_on("2026-06-01"));

    let (status, page) =
        step_with_letter(&app, &reference, "prise-en-charge", &[("date", "2026-06-12"), ("letter", "apercu")]);
    assert_eq!(status, Status::Ok);
    let body = textarea(&page, "prise-en-charge-letter_body");
    assert!(body.contains(&format!("référence {reference}")), "{body}");
    assert!(body.contains("le 01/06/2026") && body.contains("depuis le 12/06/2026"), "{body}");
    assert!(body.contains("suspend les délais de recours"), "{body}");
    assert_eq!(input(&page, "prise-en-charge-letter_subject"), "Prise en charge de votre demande de médiation");
    // The preview changed nothing: the saisine is still waiting to be taken up.
    assert_eq!(app.saisine(&reference)["status"], "recue");
    // A letter for a step the rules refuse is not proposed: the refusal comes first.
    let early = [("outcome", "explications"), ("summary", "Trop tôt."), ("date", "2026-06-12"), ("letter", "apercu")];
    let (status, page) = step_with_letter(&app, &reference, "cloture", &early);
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(!page.contains("cloture-letter_body"), "un courrier est proposé pour une étape refusée");

    let (status, _) =
        step_with_letter(&app, &reference, "prise-en-charge", &[("date", "2026-06-12"), ("letter", "courrier")]);
    assert_eq!(status, Status::SeeOther);
    assert_eq!(app.saisine(&reference)["status"], "en_cours");
    let kinds = app.timeline_kinds(&reference);
    assert!(kinds.ends_with(&["prise_en_charge".to_string(), "courrier_envoye".to_string()]), "{kinds:?}");

    let request = [
        ("description", "Attestation de salaire de mars\nRelevé d'identité bancaire"),
        ("date", "2026-06-15"),
        ("due_on", "2026-07-15"),
        ("letter", "apercu"),
    ];
    let (status, page) = step_with_letter(&app, &reference, "demande-pieces", &request);
    assert_eq!(status, Status::Ok);
    let body = textarea(&page, "demande-pieces-letter_body");
    assert!(body.contains("Attestation de salaire de mars\nRelevé d'identité bancaire"), "{body}");
    assert!(body.contains("avant le 15/07/2026"), "{body}");
    let (status, _) = step_with_letter(&app, &reference, "demande-pieces", &request[..3]);
    assert_eq!(status, Status::SeeOther);

    // The reminder's letter reads the pending request.
    let page =
        text(&app.get(&format!("/saisines/{reference}/courriers/nouveau?modele=relance")).into_string().unwrap());
    assert!(
        page.contains("Le 15/06/2026, le médiateur vous a demandé") && page.contains("avant le 15/07/2026"),
        "{page}"
    );

    step_with_letter(&app, &reference, "reception-pieces", &[("date", "2026-06-15")]);
    let closing = [
        ("outcome", "decision_maintenue"),
        ("summary", "Les indemnités ne sont pas dues pour la période du 1er au 15 mars."),
        ("date", "2026-06-15"),
        ("letter", "apercu"),
    ];
    let (status, page) = step_with_letter(&app, &reference, "cloture", &closing);
    assert_eq!(status, Status::Ok);
    let body = textarea(&page, "cloture-letter_body");
    assert!(body.contains("la caisse maintient sa décision"), "{body}");
    assert!(body.contains("Les indemnités ne sont pas dues pour la période du 1er au 15 mars."), "{body}");
    assert!(body.contains("Défenseur des droits"), "{body}");
}

#[test]
fn an_edited_letter_is_what_is_kept_as_a_pdf_with_the_letterhead() {
    let app = TestApp::new();
    let admin = app.browser_as(Role::Admin);
    let head = [
        ("name", "CPAM de la Somme — Médiation"),
        ("address", "8 boulevard du Port\n80000 Amiens"),
        ("phone", "36 46"),
        ("email", "mediation@cpam-amiens.test"),
        ("signature", "Le médiateur,\nÉloïse Leœuvre"),
    ];
    set_letterhead(&admin, &head);

    let reference = app.create(&SaisineBuilder::default());
    let edited = "Madame,\n\nNous avons bien reçu votre demande ; le médiateur l'étudie avec soin (« été », œuvre).";
    let fields = [
        ("date", "2026-06-15"),
        ("letter", "courrier"),
        ("letter_subject", "Votre demande — accusé"),
        ("letter_body", edited),
    ];
    let (status, _) = step_with_letter(&app, &reference, "prise-en-charge", &fields);
    assert_eq!(status, Status::SeeOther);

    let page = app.get(&format!("/saisines/{reference}")).into_string().unwrap();
    let link = format!("/saisines/{reference}/courriers/");
    // The kept letter's link, not the one to write a new letter.
    let (start, _) = page
        .match_indices(&link)
        .find(|(at, _)| page[at + link.len()..].starts_with(|c: char| c.is_ascii_digit()))
        .expect("lien du courrier");
    let end = start + page[start..].find('"').unwrap();
    let response = app.get(&page[start..end]);
    assert_eq!(response.content_type(), Some(rocket::http::ContentType::PDF));
    let pdf = pdf_text(&response.into_bytes().unwrap());
    for expected in [
        "CPAM de la Somme — Médiation",
        "8 boulevard du Port",
        "Courriel : mediation@cpam-amiens.test",
        "Objet : Votre demande — accusé",
        "(« été », œuvre)",
        "Éloïse Leœuvre",
        "Jeanne Martin",
        "75002 Paris",
        "Le 15/06/2026",
    ] {
        assert!(pdf.contains(expected), "« {expected} » manque :\n{pdf}");
    }
    assert!(!pdf.contains("Le médiateur va examiner"), "le texte proposé a remplacé le texte modifié");
    // A reader sees the letter listed, not its content or the address.
    let reader = app.browser_as(Role::Lecteur);
    let page = reader.page(&format!("/saisines/{reference}"));
    assert!(page.contains("Votre demande — accusé") && !page.contains("75002 Paris, "), "{page}");
    assert_eq!(reader.get(&page_link(&page, &reference)).status(), Status::Forbidden);
}

fn page_link(_page: &str, reference: &str) -> String {
    format!("/saisines/{reference}/courriers/1")
}

/// The administrator's letterhead form (multipart: it may carry a logo).
pub fn set_letterhead(admin: &Browser, fields: &[(&str, &str)]) {
    let token = admin.csrf();
    let mut all = vec![("csrf_token", token.as_str())];
    all.extend_from_slice(fields);
    let (content_type, body) = multipart(&all, &[]);
    let response = admin.client.post("/admin/entete").header(content_type).body(body).dispatch();
    assert_eq!(response.status(), Status::SeeOther, "{:?}", response.into_string());
}

#[test]
fn a_step_whose_letter_is_refused_is_not_recorded_either() {
    let app = TestApp::new();
    let reference = app.create(&SaisineBuilder::default());
    // No SMTP server configured: the e-mail is refused, and the take-up with it.
    let fields = [
        ("date", "2026-06-15"),
        ("letter", "courriel"),
        ("letter_subject", "Objet"),
        ("letter_body", "Texte très particulier 42"),
    ];
    let (status, page) = step_with_letter(&app, &reference, "prise-en-charge", &fields);
    assert_eq!(status, Status::Conflict);
    assert!(text(&page).contains("l'envoi de courriels n'est pas configuré"), "{page}");
    assert_eq!(app.saisine(&reference)["status"], "recue");
    assert!(text(&page).contains("Texte très particulier 42"), "le texte saisi est perdu");
    // A letter emptied by the mediator is an error on its field, not the proposed text.
    let fields = [("date", "2026-06-15"), ("letter", "courrier"), ("letter_subject", "Objet"), ("letter_body", "  ")];
    let (status, page) = step_with_letter(&app, &reference, "prise-en-charge", &fields);
    assert_eq!(status, Status::UnprocessableEntity);
    assert!(text(&page).contains("écrivez le texte"), "{page}");
    assert_eq!(app.saisine(&reference)["status"], "recue");
}

/// A JPEG or PNG made by poppler from a PDF: the test needs a real image, not a hand-made header.
fn image_from(pdf: &[u8], format: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("page.pdf"), pdf).unwrap();
    let status = std::process::Command::new("pdftoppm")
        .args([&format!("-{format}"), "-r", "12", "-singlefile"])
        .arg(dir.path().join("page.pdf"))
        .arg(dir.path().join("logo"))
        .status()
        .expect("pdftoppm");
    assert!(status.success());
    let extension = if format == "jpeg" { "jpg" } else { format };
    std::fs::read(dir.path().join(format!("logo.{extension}"))).unwrap()
}

fn images_of(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("document.pdf");
    std::fs::write(&file, pdf).unwrap();
    let list = std::process::Command::new("pdfimages").arg("-list").arg(&file).output().expect("pdfimages");
    String::from_utf8_lossy(&list.stdout).into_owned()
}

#[test]
fn the_letterhead_logo_is_drawn_on_every_letter() {
    let app = TestApp::new();
    let admin = app.browser_as(Role::Admin);
    let reference = app.create(&SaisineBuilder::default());
    let produce = |subject: &str| {
        let fields = [
            ("kind", "libre"),
            ("recipient", "personne"),
            ("subject", subject),
            ("body", "Texte."),
            ("delivery", "courrier"),
        ];
        assert_eq!(app.post_form(&format!("/saisines/{reference}/courriers"), &fields).status(), Status::SeeOther);
    };
    produce("Sans logo");
    let first = app.get(&format!("/saisines/{reference}/courriers/1")).into_bytes().unwrap();
    let logo = image_from(&first, "jpeg");

    let token = admin.csrf();
    let fields = [
        ("csrf_token", token.as_str()),
        ("name", "Médiation de la CPAM"),
        ("address", ""),
        ("phone", ""),
        ("email", ""),
        ("signature", "Le médiateur"),
    ];
    for (bad, message) in
        [(&b"GIF89a..."[..], "le logo doit être une image PNG ou JPEG"), (b"\x89PNG\r\n\x1a\nrest", "image illisible")]
    {
        let (content_type, body) = multipart(&fields, &[("logo", "logo.png", bad)]);
        let refused = admin.client.post("/admin/entete").header(content_type).body(body).dispatch();
        assert_eq!(refused.status(), Status::UnprocessableEntity);
        assert!(text(&refused.into_string().unwrap()).contains(message), "{message}");
    }
    let (content_type, body) = multipart(&fields, &[("logo", "logo.jpg", &logo)]);
    assert_eq!(
        admin.client.post("/admin/entete").header(content_type).body(body).dispatch().status(),
        Status::SeeOther
    );

    produce("Avec logo");
    let second = app.get(&format!("/saisines/{reference}/courriers/2")).into_bytes().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("courrier.pdf");
    std::fs::write(&file, &second).unwrap();
    let list = std::process::Command::new("pdfimages").arg("-list").arg(&file).output().expect("pdfimages");
    let list = String::from_utf8_lossy(&list.stdout);
    assert!(list.lines().any(|l| l.contains("image") && l.contains("jpeg")), "pas de logo : {list}");
    assert!(pdf_text(&second).contains("Avec logo"));
    let rendered = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "20", "-singlefile"])
        .arg(&file)
        .arg(dir.path().join("page"))
        .status()
        .unwrap();
    assert!(rendered.success(), "le courrier avec logo ne s'affiche pas");

    // The annual report carries it too.
    let list = images_of(&admin.get("/rapports/2026.pdf").into_bytes().unwrap());
    assert!(list.lines().any(|l| l.contains("image") && l.contains("jpeg")), "pas de logo sur le bilan : {list}");

    // A PNG logo is drawn as well (decoded, on white).
    let png = image_from(&first, "png");
    let (content_type, body) = multipart(&fields, &[("logo", "logo.png", &png)]);
    assert_eq!(
        admin.client.post("/admin/entete").header(content_type).body(body).dispatch().status(),
        Status::SeeOther
    );
    produce("Avec logo PNG");
    let list = images_of(&app.get(&format!("/saisines/{reference}/courriers/3")).into_bytes().unwrap());
    assert!(list.lines().any(|l| l.contains("image") && l.contains("rgb")), "pas de logo PNG : {list}");
}
