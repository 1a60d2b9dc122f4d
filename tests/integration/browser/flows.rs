//! The main flows clicked through in Chromium, every page on the way checked (axe-core, width)
//! and photographed.

use fantoccini::Locator;

use super::{run, Server, Session};

impl Session<'_> {
    async fn choose_value(&self, css: &str, value: &str) {
        let select = self.client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
        select.select_by_value(value).await.unwrap_or_else(|e| panic!("{css} ← {value}: {e}"));
    }

    async fn heading(&self) -> String {
        self.client.find(Locator::Css("h1")).await.expect("a heading").text().await.expect("its text")
    }

    /// An administrator's first sign-in: the second factor set up with the key the page shows.
    async fn enrol_second_factor(&self) {
        assert_eq!(self.path().await, "/compte/double-facteur", "administrators set up a second factor first");
        self.check("second-facteur").await;
        let manual = self.client.find(Locator::Css("code.secret")).await.expect("the key").text().await.expect("text");
        let secret = totp_rs::Secret::Encoded(manual.split_whitespace().collect()).to_bytes().expect("a base32 key");
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("after 1970").as_secs();
        self.fill("#code", &mediation::auth::totp::code_at(&secret, now)).await;
        self.submit("form[action='/compte/double-facteur'] button[type=submit]").await;
        assert!(self.text().await.contains("Second facteur activé"), "{}", self.text().await);
        self.check("codes-de-secours").await;
    }

    /// After a refused submission the keyboard and screen reader start at the error summary.
    async fn focus_is_on_the_error_summary(&self) {
        let focused = self.client.execute("return document.activeElement.id;", vec![]).await.expect("the focus");
        assert_eq!(focused, serde_json::json!("erreurs"), "focus after a refused submission");
    }

    /// On a phone, the queue's "À faire" cell is on screen, not beyond its right edge.
    async fn queue_fits_a_phone(&self) {
        self.resize(390, 844).await;
        let script = "const c = document.querySelector('table.queue td[data-label=\"À faire\"]'); \
                      const r = c.getBoundingClientRect(); return [r.left, r.right, window.innerWidth];";
        let sides = self.client.execute(script, vec![]).await.expect("the cell's position");
        let (left, right, width) = (sides[0].as_f64(), sides[1].as_f64(), sides[2].as_f64());
        assert!(left >= Some(0.0) && right <= width, "\"À faire\" spans {left:?}–{right:?} on a {width:?} px screen");
        self.resize(1280, 800).await;
    }

    /// Opens the folded section of an action on the saisine's page.
    async fn open_action(&self, section: &str) {
        self.click(&format!("#action-{section} > summary")).await;
    }

    /// Submits the form of an action's section on the saisine's page (opened first).
    async fn step(&self, section: &str) {
        self.submit(&format!("#action-{section} form button[type=submit]")).await;
    }

    /// After a refused step form, the keyboard starts at that form's errors, in its open section.
    async fn focus_is_on_the_step_errors(&self, section: &str) {
        let focused = self.client.execute("return document.activeElement.id;", vec![]).await.expect("the focus");
        assert_eq!(focused, serde_json::json!(format!("{section}-erreurs")), "focus after a refused step");
    }
}

#[test]
fn a_mediator_records_takes_up_requests_documents_and_closes_a_saisine() {
    let server = Server::start();
    server.add_user("mediatrice@cpam.test", "mediateur");
    server.add_user("admin@cpam.test", "admin");
    run(async {
        let page = Session::open(&server).await;
        page.visit("/saisines").await;
        assert_eq!(page.path().await, "/connexion", "signed out, the saisines ask to sign in");
        page.check("connexion").await;
        page.sign_in("mediatrice@cpam.test").await;

        page.visit("/saisines/nouvelle").await;
        page.check("saisine-nouvelle").await;
        page.choose_value("#channel", "courriel").await;
        page.choose_value("#requester_type", "assure").await;
        page.fill("#requester_name", "Adèle Würtz-Ngô").await;
        page.fill("#nir", "1 84 12").await;
        page.choose_value("#process", "revenus_remplacement").await;
        page.click("#motif-paiement_non_recu").await;
        page.fill("#summary", "Indemnités journalières non versées depuis le 2 novembre.").await;
        page.submit("form[action='/saisines'] button[type=submit]").await;
        page.client.find(Locator::Css(".error-summary")).await.expect("a refused NIR is reported at the top");
        page.focus_is_on_the_error_summary().await;
        assert_eq!(
            page.client.find(Locator::Css("#requester_name")).await.expect("name").prop("value").await.expect("value"),
            Some("Adèle Würtz-Ngô".to_string()),
            "nothing typed is lost"
        );
        page.check("saisine-nouvelle-erreurs").await;
        page.fill("#nir", "").await;
        page.submit("form[action='/saisines'] button[type=submit]").await;
        let show = page.path().await;
        assert!(show.starts_with("/saisines/2026-"), "the new saisine's page, not {show}");
        assert!(page.heading().await.contains("Reçue"), "{}", page.heading().await);
        page.check("saisine-recue").await;
        let text = page.text().await;
        for wrong in ["(0 jour)", "Comment (", "champ(s)"] {
            assert!(!text.contains(wrong), "« {wrong} » on the saisine's page");
        }
        page.visit("/a-traiter").await;
        page.check("a-traiter-une-saisine").await;
        page.queue_fits_a_phone().await;
        page.visit(&show).await;

        page.open_action("prise-en-charge").await;
        page.check("saisine-recue-prise-en-charge-ouverte").await;
        page.step("prise-en-charge").await;
        assert!(page.heading().await.contains("En cours"), "{}", page.heading().await);
        page.check("saisine-prise-en-charge").await;

        page.open_action("demande-pieces").await;
        page.fill("#demande-pieces-description", "Attestation de salaire de l'employeur").await;
        page.step("demande-pieces").await;
        assert!(page.text().await.contains("Attestation de salaire"), "the request is in the history");
        page.check("saisine-attente-pieces").await;
        page.open_action("reception-pieces").await;
        page.step("reception-pieces").await;

        // A closing without its outcome: refused, its section open, what was typed kept.
        page.open_action("cloture").await;
        page.fill("#cloture-summary", "Paiement débloqué après réception de l'attestation.").await;
        page.client
            .execute("document.getElementById('cloture-outcome').removeAttribute('required');", vec![])
            .await
            .expect("the browser's own check set aside, to reach the server's");
        page.step("cloture").await;
        page.focus_is_on_the_step_errors("cloture").await;
        page.check("saisine-cloture-erreurs").await;
        page.client
            .find(Locator::Css("#cloture-outcome option:nth-child(2)"))
            .await
            .expect("an outcome")
            .click()
            .await
            .expect("outcome chosen");
        let kept = page.client.find(Locator::Css("#cloture-summary")).await.expect("summary").prop("value").await;
        assert_eq!(kept.expect("value").as_deref(), Some("Paiement débloqué après réception de l'attestation."));
        page.step("cloture").await;
        assert!(page.heading().await.contains("Clôturée"), "{}", page.heading().await);
        page.check("saisine-cloturee").await;

        for (path, name) in [
            ("/saisines", "liste"),
            ("/saisines?status=cloturee&q=W%C3%BCrtz", "liste-filtree"),
            ("/a-traiter", "a-traiter"),
            ("/indicateurs", "indicateurs"),
            ("/rapports", "rapports"),
            ("/compte", "compte"),
            ("/saisines/2099-9999", "erreur-404"),
        ] {
            page.visit(path).await;
            page.check(name).await;
        }
        page.close().await;

        let admin = Session::open(&server).await;
        admin.sign_in("admin@cpam.test").await;
        admin.enrol_second_factor().await;
        for (path, name) in [
            ("/admin/comptes", "admin-comptes"),
            ("/admin/referentiels", "admin-referentiels"),
            ("/admin/delais", "admin-delais"),
            ("/admin/journal", "admin-journal"),
            ("/admin/modeles", "admin-modeles"),
            ("/admin/import", "admin-import"),
        ] {
            admin.visit(path).await;
            admin.check(name).await;
        }
        admin.close().await;
    });
}

/// Records a saisine through the form, with an e-mail address; returns its page's path.
async fn record_with_email(page: &Session<'_>, name: &str, email: &str) -> String {
    page.visit("/saisines/nouvelle").await;
    page.choose_value("#channel", "courriel").await;
    page.choose_value("#requester_type", "assure").await;
    page.fill("#requester_name", name).await;
    page.fill("#email", email).await;
    page.choose_value("#process", "frais_sante").await;
    page.click("#motif-paiement_non_recu").await;
    page.fill("#summary", "Remboursement attendu depuis deux mois.").await;
    page.submit("form[action='/saisines'] button[type=submit]").await;
    page.path().await
}

#[test]
fn a_mediator_compares_two_duplicates_side_by_side_and_merges_them() {
    let server = Server::start();
    server.add_user("mediatrice@cpam.test", "mediateur");
    run(async {
        let page = Session::open(&server).await;
        page.sign_in("mediatrice@cpam.test").await;
        let kept = record_with_email(&page, "Zoé Ârnaud", "zoe.arnaud@exemple.fr").await;
        let other = record_with_email(&page, "Zoé Arnaud", "zoe.arnaud@exemple.fr").await;
        page.visit(&kept).await;
        assert!(page.text().await.contains("Doublon possible"), "{}", page.text().await);
        page.click("ul.duplicates a[href*='/doublons/']").await;
        assert!(page.path().await.contains("/doublons/"), "{}", page.path().await);
        assert!(page.text().await.contains("différent"), "the names differ: {}", page.text().await);
        page.check("doublons-cote-a-cote").await;
        page.submit(".merge-actions form:first-child button[type=submit]").await;
        assert_eq!(page.path().await, kept, "back on the saisine kept");
        assert!(page.text().await.contains("Fusion d'un doublon"), "{}", page.text().await);
        page.check("saisine-apres-fusion").await;
        page.visit(&other).await;
        assert!(page.text().await.contains("Doublon fusionné"), "{}", page.text().await);
        page.check("saisine-fusionnee").await;
        page.close().await;
    });
}

#[test]
fn a_partner_sends_a_saisine_through_the_public_form() {
    let server = Server::start();
    run(async {
        let page = Session::open(&server).await;
        page.visit("/partenaires/saisine").await;
        page.check("partenaire-formulaire").await;

        page.submit("form[action='/partenaires/saisine'] button[type=submit]").await;
        let summary = page.client.find(Locator::Css(".error-summary")).await.expect("an error summary");
        let said = summary.text().await.expect("its text");
        for jargon in ["processus", "générique", "boîte", "code"] {
            assert!(!said.contains(jargon), "« {jargon} » said to a partner: {said}");
        }
        page.focus_is_on_the_error_summary().await;
        page.check("partenaire-formulaire-erreurs").await;

        page.choose_value("#partner", "defenseur_des_droits").await;
        page.fill("#organisation", "Délégation du Défenseur des droits").await;
        page.fill("#contact_name", "Inès Lefèvre").await;
        page.fill("#contact_email", "ines.lefevre@exemple.fr").await;
        page.fill("#requester_name", "Jean-Noël Dupré").await;
        page.click("#consent").await;
        page.choose_value("#process", "frais_sante").await;
        page.click("input[name=motifs]").await;
        page.fill("#account", "Remboursement refusé deux fois ; courrier du 3 octobre resté sans réponse.").await;
        page.submit("form[action='/partenaires/saisine'] button[type=submit]").await;
        assert!(page.heading().await.starts_with("Saisine transmise"), "{}", page.text().await);
        page.check("partenaire-confirmation").await;
        page.visit("/partenaires/accuse/2026-0001?expire=1&signature=faux").await;
        assert!(page.text().await.contains("Revenir au formulaire de saisine"), "{}", page.text().await);
        page.check("partenaire-erreur").await;
        page.close().await;
    });
}

#[test]
fn the_mailbox_pages_pass_axe_and_fit_a_phone() {
    let server = Server::start();
    server.add_user("mediatrice@cpam.test", "mediateur");
    server.add_user("admin@cpam.test", "admin");
    let crlf = |text: &str| text.replace('\n', "\r\n").into_bytes();
    server.receive(&crlf(
        "Subject: =?utf-8?Q?Demande_sans_exp=C3=A9diteur_ni_adresse_lisible?=\nDate: Mon, 15 Jun 2026 08:00:00 +0000\n\n\
         Mon dossier IJ.\n",
    ));
    server.receive(&crlf(
        "From: Robot <absences-automatiques@exemple.fr>\nSubject: Absence du bureau jusqu'au lundi 22 juin inclus\n\
         Auto-Submitted: auto-replied\nDate: Mon, 15 Jun 2026 08:00:00 +0000\nMessage-ID: <absence@exemple.fr>\n\nAbsent.\n",
    ));
    server.receive(&crlf(
        "From: =?utf-8?Q?Jean-No=C3=ABl_Dupr=C3=A9?= <jean-noel.dupre@exemple.fr>\nSubject: Mes indemnités journalières\n\
         Date: Mon, 15 Jun 2026 08:00:00 +0000\nMessage-ID: <ij@exemple.fr>\n\nBonjour, mes IJ ne sont pas payées.\n",
    ));
    run(async {
        let page = Session::open(&server).await;
        page.sign_in("mediatrice@cpam.test").await;
        page.visit("/courriels/non-traites").await;
        assert!(page.text().await.contains("Demande sans expéditeur"), "{}", page.text().await);
        page.check("courriels-non-traites").await;
        page.click("a[href$='/saisine']").await;
        page.check("courriel-vers-saisine").await;
        page.visit("/saisines?a_qualifier=oui").await;
        page.click("a[href^='/saisines/20']").await;
        assert!(page.text().await.contains("Mes indemnités journalières"), "{}", page.text().await);
        page.check("saisine-ouverte-par-courriel").await;
        page.close().await;

        let admin = Session::open(&server).await;
        admin.sign_in("admin@cpam.test").await;
        admin.enrol_second_factor().await;
        admin.visit("/admin/courriels-ignores").await;
        assert!(admin.text().await.contains("Absence du bureau"), "{}", admin.text().await);
        admin.check("admin-courriels-ignores").await;
        admin.visit("/admin/adresses-partenaires").await;
        admin.check("admin-adresses-partenaires").await;
        admin.close().await;
    });
}
