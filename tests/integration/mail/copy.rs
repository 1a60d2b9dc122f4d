//! `copy-data` carries the correspondence too: templates, letterhead and logo, letters, the
//! outbox, digest subscriptions and satisfaction answers, byte for byte.

use mediation::auth::Role;
use rocket::http::Status;

use super::{saisine_for, step_with_letter, FROM};
use crate::backends::{mediation, sqlite_content};
use crate::support::{TestApp, TestDir, TODAY};

#[test]
#[ignore = "needs PostgreSQL: .ci/run runs it with MEDIATION_TEST_DATABASE_URL and --include-ignored"]
fn copy_data_keeps_every_letter_and_message() {
    // Nothing is delivered here: the outbox only has to hold its messages.
    let app = TestApp::in_dir(TestDir::sqlite(), TODAY, |f| {
        f.merge(("smtp_url", "smtp://127.0.0.1:9")).merge(("mail_from", FROM)).merge(("mail_interval_seconds", 0))
    });
    let admin = app.browser_as(Role::Admin);
    let fields = [
        ("subject", "Objet {{ reference }}"),
        ("body", "Bonjour {{ personne.nom }}"),
        ("action", "enregistrer"),
        ("reference", ""),
    ];
    assert_eq!(admin.post_form("/admin/modeles/relance", &fields).status(), Status::SeeOther);
    let head = [
        ("name", "CPAM — Médiation"),
        ("address", "1 rue\n75000 Paris"),
        ("phone", "36 46"),
        ("email", ""),
        ("signature", "Le médiateur"),
    ];
    super::letters::set_letterhead(&admin, &head);
    let reference = saisine_for(&app, "karim.copie@exemple.fr");
    let take_up = [("date", "2026-06-15"), ("letter", "courrier")];
    assert_eq!(step_with_letter(&app, &reference, "prise-en-charge", &take_up).0, Status::SeeOther);
    let closing = [
        ("outcome", "explications"),
        ("summary", "Expliqué."),
        ("date", "2026-06-15"),
        ("letter", "courriel"),
        ("satisfaction", "true"),
    ];
    assert_eq!(step_with_letter(&app, &reference, "cloture", &closing).0, Status::SeeOther);
    assert_eq!(app.post_form("/compte/synthese", &[("daily", "true")]).status(), Status::SeeOther);

    let middle = TestDir::postgres();
    let copied = mediation(&["copy-data", "--from", &app.dir.url, "--to", &middle.url], &[]);
    assert!(copied.status.success(), "{}", String::from_utf8_lossy(&copied.stderr));
    let back = TestDir::sqlite();
    let returned = mediation(&["copy-data", "--from", &middle.url, "--to", &back.url], &[]);
    assert!(returned.status.success(), "{}", String::from_utf8_lossy(&returned.stderr));
    let (before, after) = (sqlite_content(&app.dir.url), sqlite_content(&back.url));
    for table in ["letter_templates", "letterhead", "letters", "outbox", "digest_subscriptions", "satisfaction_surveys"]
    {
        let rows = before.iter().find(|(t, _)| t == table).map(|(_, rows)| rows.len()).unwrap_or(0);
        assert!(rows > 0, "{table} est vide : le test ne prouve rien");
    }
    assert_eq!(before, after);
}
