//! Sign-in, lock-out, throttling, sessions, CSRF, second factor, accounts, tokens, storage.

use chrono::Duration;
use mediation::auth::Role;
use rocket::http::{Header, Status};
use serde_json::{json, Value};

use crate::support::{create_user, enrol_second_factor, Browser, SaisineBuilder, TestApp, MEDIATOR_EMAIL, PASSWORD};

fn location(response: &rocket::local::blocking::LocalResponse<'_>) -> String {
    response.headers().get_one("Location").unwrap_or_default().to_string()
}

#[test]
fn pages_and_api_need_a_signed_in_user() {
    let app = TestApp::new();
    let anonymous = app.anonymous();
    let response = anonymous.get("/saisines");
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(location(&response), "/connexion");
    let api = anonymous.get("/api/v1/saisines");
    assert_eq!(api.status(), Status::Unauthorized);
    assert_eq!(api.into_json::<Value>().unwrap()["code"], "unauthorized");
    let forged =
        anonymous.client.get("/api/v1/saisines").header(Header::new("Authorization", "Bearer pas-un-jeton")).dispatch();
    assert_eq!(forged.status(), Status::Unauthorized);
}

#[test]
fn a_wrong_password_and_an_unknown_account_get_the_same_answer() {
    let app = TestApp::new();
    let browser = app.anonymous();
    browser.csrf();
    let wrong = browser.post_form("/connexion", &[("email", MEDIATOR_EMAIL), ("password", "mauvais-mot-de-passe")]);
    assert_eq!(wrong.status(), Status::Unauthorized);
    let wrong_page = wrong.into_string().unwrap();
    let unknown =
        browser.post_form("/connexion", &[("email", "personne@cpam.test"), ("password", "mauvais-mot-de-passe")]);
    assert_eq!(unknown.status(), Status::Unauthorized);
    let unknown_page = unknown.into_string().unwrap();
    let message = |page: &str| page[page.find("error-summary").unwrap()..][..300].to_string();
    assert_eq!(message(&wrong_page), message(&unknown_page));
    let failures: Vec<_> = app.audit_actions().into_iter().filter(|(a, _, _)| a == "connexion_echouee").collect();
    assert_eq!(failures.len(), 2, "each failed sign-in is audited");
}

#[test]
fn five_failures_lock_the_account_for_fifteen_minutes() {
    let app = TestApp::new();
    let browser = app.anonymous();
    for _ in 0..5 {
        assert_eq!(browser.sign_in(MEDIATOR_EMAIL, "mauvais-mot-de-passe"), Status::Unauthorized);
    }
    assert_eq!(browser.sign_in(MEDIATOR_EMAIL, PASSWORD), Status::Unauthorized, "locked, even with the right password");
    app.clock.advance(Duration::minutes(14));
    assert_eq!(browser.sign_in(MEDIATOR_EMAIL, PASSWORD), Status::Unauthorized);
    app.clock.advance(Duration::minutes(2));
    assert_eq!(browser.sign_in(MEDIATOR_EMAIL, PASSWORD), Status::SeeOther, "unlocked after 15 minutes");
    let audit = app.audit_actions();
    assert!(audit.iter().any(|(a, _, _)| a == "connexion_reussie"));
}

#[test]
fn an_address_that_fails_too_often_is_throttled() {
    let app = TestApp::new();
    let browser = app.anonymous();
    for i in 0..20 {
        let status = browser.sign_in(&format!("inconnu{i}@cpam.test"), "mauvais-mot-de-passe");
        assert_eq!(status, Status::Unauthorized);
    }
    assert_eq!(browser.sign_in(MEDIATOR_EMAIL, PASSWORD), Status::TooManyRequests);
    app.clock.advance(Duration::minutes(16));
    assert_eq!(browser.sign_in(MEDIATOR_EMAIL, PASSWORD), Status::SeeOther);
}

#[test]
fn sessions_end_after_thirty_idle_minutes_and_twelve_hours_in_all() {
    let app = TestApp::new();
    assert_eq!(app.get("/saisines").status(), Status::Ok);
    app.clock.advance(Duration::minutes(29));
    assert_eq!(app.get("/saisines").status(), Status::Ok, "activity keeps the session alive");
    app.clock.advance(Duration::minutes(29));
    assert_eq!(app.get("/saisines").status(), Status::Ok);
    app.clock.advance(Duration::minutes(31));
    assert_eq!(location(&app.get("/saisines")), "/connexion", "30 idle minutes end the session");

    assert_eq!(app.browser.sign_in(MEDIATOR_EMAIL, PASSWORD), Status::SeeOther);
    for _ in 0..24 {
        app.clock.advance(Duration::minutes(29));
        assert_eq!(app.get("/saisines").status(), Status::Ok);
    }
    app.clock.advance(Duration::minutes(29));
    assert_eq!(location(&app.get("/saisines")), "/connexion", "12 hours in all end the session");
}

#[test]
fn signing_out_ends_the_session_on_the_server() {
    let app = TestApp::new();
    let cookie = app.browser.client.cookies().get_private("mediation_session").expect("session").value().to_string();
    let out = app.post_form("/deconnexion", &[]);
    assert_eq!(out.status(), Status::SeeOther);
    assert_eq!(location(&app.get("/saisines")), "/connexion");
    // The old cookie, replayed, opens nothing.
    let thief = app.anonymous();
    thief.client.cookies().add_private(rocket::http::Cookie::new("mediation_session", cookie));
    assert_eq!(location(&thief.get("/saisines")), "/connexion");
    assert!(app.audit_actions().iter().any(|(a, _, _)| a == "deconnexion"));
}

#[test]
fn the_session_token_is_renewed_at_sign_in() {
    let app = TestApp::new();
    let first = app.browser.client.cookies().get_private("mediation_session").unwrap().value().to_string();
    assert_eq!(app.browser.sign_in(MEDIATOR_EMAIL, PASSWORD), Status::SeeOther);
    let second = app.browser.client.cookies().get_private("mediation_session").unwrap().value().to_string();
    assert_ne!(first, second);
}

#[test]
fn the_session_cookie_is_http_only_and_same_site_strict() {
    let app = TestApp::new();
    let browser = app.anonymous();
    browser.csrf();
    let body = serde_urlencoded::to_string([
        ("csrf_token", browser.csrf().as_str()),
        ("email", MEDIATOR_EMAIL),
        ("password", PASSWORD),
    ])
    .unwrap();
    let response = browser.client.post("/connexion").header(rocket::http::ContentType::Form).body(body).dispatch();
    let set_cookie: Vec<String> = response.headers().get("Set-Cookie").map(str::to_string).collect();
    let session = set_cookie.iter().find(|c| c.starts_with("mediation_session=")).expect("cookie de session");
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Strict"), "{session}");
}

#[test]
fn a_form_without_its_csrf_token_is_refused_and_changes_nothing() {
    let app = TestApp::new();
    let fields = [
        ("received_on", "2026-06-10"),
        ("channel", "courriel"),
        ("requester_type", "assure"),
        ("process", "css"),
        ("motifs", "indu"),
    ];
    let missing = app.browser.post_raw("/saisines", &fields);
    assert_eq!(missing.status(), Status::Forbidden);
    assert!(missing.into_string().unwrap().contains("Accès refusé"));
    let mut forged = vec![("csrf_token", "jeton-forge")];
    forged.extend_from_slice(&fields);
    assert_eq!(app.browser.post_raw("/saisines", &forged).status(), Status::Forbidden);
    assert_eq!(app.count(), 0);
    // Another session's token does not fit this one.
    let other = app.browser_as(Role::Mediateur);
    let mut theirs = vec![("csrf_token", other.csrf())];
    theirs.extend(fields.iter().map(|(k, v)| (*k, v.to_string())));
    let theirs: Vec<(&str, &str)> = theirs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(app.browser.post_raw("/saisines", &theirs).status(), Status::Forbidden);
    assert_eq!(app.count(), 0);
    assert_eq!(app.post_form("/saisines", &fields).status(), Status::SeeOther, "with the token it works");
}

#[test]
fn a_reader_sees_personal_data_masked_changes_nothing_and_leaves_no_view_record() {
    let app = TestApp::new();
    let reference = app.create(&SaisineBuilder::default());
    let reader = app.browser_as(Role::Lecteur);
    let page = reader.page(&format!("/saisines/{reference}"));
    assert!(page.contains("j•••@exemple.fr") && !page.contains("jeanne.martin@exemple.fr"));
    assert!(page.contains("•• ••• •••") && page.contains("•• •• •• •• 78"));
    assert!(!page.contains("Clôturer la saisine"), "no action forms for a reader");
    let refused = reader.post_form(&format!("/saisines/{reference}/notes"), &[("text", "Essai")]);
    assert_eq!(refused.status(), Status::Forbidden);
    assert_eq!(app.timeline_kinds(&reference), ["creee"]);
    let views =
        |app: &TestApp| app.audit_actions().iter().filter(|(a, _, _)| a == "donnees_personnelles_consultees").count();
    // The API's answers (creation, timeline) carried the saisine whole: recorded already.
    let before = views(&app);
    reader.page(&format!("/saisines/{reference}"));
    assert_eq!(views(&app), before, "a reader's view shows nothing whole, so nothing is recorded");
    app.get(&format!("/saisines/{reference}"));
    assert_eq!(views(&app), before + 1, "a mediator's view of the case page is recorded");

    let token = app.token_as(Role::Lecteur, "lecteur-api@cpam.test");
    let body: Value = reader
        .client
        .get(format!("/api/v1/saisines/{reference}"))
        .header(Header::new("Authorization", format!("Bearer {token}")))
        .dispatch()
        .into_json()
        .unwrap();
    assert_eq!(body["email"], "j•••@exemple.fr");
    assert!(body["nir"].as_str().unwrap().contains("••"));
}

#[test]
fn every_timeline_entry_names_the_signed_in_user() {
    let app = TestApp::new();
    app.post_form(
        "/saisines",
        &[
            ("received_on", "2026-06-10"),
            ("channel", "courriel"),
            ("requester_type", "assure"),
            ("process", "css"),
            ("motifs", "indu"),
        ],
    );
    app.post_form("/saisines/2026-0001/prise-en-charge", &[]);
    let (_, events) = app.get_json("/api/v1/saisines/2026-0001/evenements");
    for event in events.as_array().unwrap() {
        assert_eq!(event["actor"], "Marie Médiatrice");
    }
    let audit = app.audit_actions();
    assert!(audit
        .iter()
        .any(|(a, who, target)| a == "saisine_creee" && who == "Marie Médiatrice" && target == "2026-0001"));
    assert!(audit.iter().any(|(a, _, target)| a == "saisine_etape" && target == "2026-0001"));
}

#[test]
fn saisines_are_assigned_and_each_mediator_has_their_own_list() {
    let app = TestApp::new();
    let other = create_user(&app.dir, "paul@cpam.test", "Paul Médiateur", Role::Mediateur);
    let mine = app.create(&SaisineBuilder::default());
    let theirs = app.create(&SaisineBuilder::default());
    app.create(&SaisineBuilder::default());
    let me = app.saisine(&mine);
    let my_id = {
        let (_, users) = app.get_json("/api/v1/saisines");
        let _ = users;
        crate::support::user_id(&app.dir, MEDIATOR_EMAIL)
    };
    let _ = me;
    let response = app.post_json(&format!("/api/v1/saisines/{mine}/attribution"), &json!({"assignee": my_id}));
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(
        app.post_form(&format!("/saisines/{theirs}/attribution"), &[("assignee", &other.0.to_string())]).status(),
        Status::SeeOther
    );
    let page = app.get("/saisines?assigned=me").into_string().unwrap();
    assert!(page.contains(&format!(">{mine}<")) && !page.contains(&format!(">{theirs}<")));
    let (_, body) = app.get_json(&format!("/api/v1/saisines?assigned={}", other.0));
    assert_eq!(body["total"], 1);
    let (_, body) = app.get_json("/api/v1/saisines?assigned=none");
    assert_eq!(body["total"], 1);
    let (_, events) = app.get_json(&format!("/api/v1/saisines/{theirs}/evenements"));
    assert_eq!(events[1]["kind"], "attribuee");
    assert_eq!(events[1]["text"], "Paul Médiateur");
    // Reassigning, then taking back.
    app.post_json(&format!("/api/v1/saisines/{theirs}/attribution"), &json!({"assignee": my_id}));
    app.post_json(&format!("/api/v1/saisines/{theirs}/attribution"), &json!({"assignee": null}));
    assert_eq!(app.timeline_kinds(&theirs), ["creee", "attribuee", "attribuee", "attribuee"]);
    let reader = create_user(&app.dir, "lea@cpam.test", "Léa Lectrice", Role::Lecteur);
    let refused = app.post_json(&format!("/api/v1/saisines/{mine}/attribution"), &json!({"assignee": reader.0}));
    assert_eq!(refused.status(), Status::UnprocessableEntity, "a reader cannot be given saisines");
}

#[test]
fn administrators_enrol_a_second_factor_then_need_it_at_each_sign_in() {
    let app = TestApp::new();
    create_user(&app.dir, "admin@cpam.test", "Alice Admin", Role::Admin);
    let browser = app.anonymous();
    assert_eq!(browser.sign_in("admin@cpam.test", PASSWORD), Status::SeeOther);
    assert_eq!(location(&browser.get("/saisines")), "/compte/double-facteur", "no work before enrolment");
    let page = browser.page("/compte/double-facteur");
    assert!(page.contains("<svg") && page.contains("Code QR"));
    let wrong = browser.post_form("/compte/double-facteur", &[("code", "000000")]);
    assert_eq!(wrong.status(), Status::UnprocessableEntity);
    let (secret, codes) = enrol_second_factor(&browser, &app.clock);
    assert_eq!(browser.get("/admin/comptes").status(), Status::Ok);

    let next = app.anonymous();
    assert_eq!(next.sign_in("admin@cpam.test", PASSWORD), Status::SeeOther);
    assert_eq!(location(&next.get("/admin/comptes")), "/connexion/second-facteur");
    assert_eq!(next.post_form("/connexion/second-facteur", &[("code", "123456")]).status(), Status::Unauthorized);
    // The code used at enrolment cannot be used again.
    use mediation::domain::clock::Clock;
    let used = mediation::auth::totp::code_at(&secret, app.clock.now().timestamp() as u64);
    assert_eq!(next.post_form("/connexion/second-facteur", &[("code", &used)]).status(), Status::Unauthorized);
    app.clock.advance(Duration::seconds(30));
    let fresh = mediation::auth::totp::code_at(&secret, app.clock.now().timestamp() as u64);
    assert_eq!(next.post_form("/connexion/second-facteur", &[("code", &fresh)]).status(), Status::SeeOther);
    next.forget_csrf();
    assert_eq!(next.get("/admin/comptes").status(), Status::Ok);

    // A recovery code works once.
    let third = app.anonymous();
    assert_eq!(third.sign_in("admin@cpam.test", PASSWORD), Status::SeeOther);
    let spaced = codes[0].to_uppercase().replace('-', " ");
    assert_eq!(third.post_form("/connexion/second-facteur", &[("code", &spaced)]).status(), Status::SeeOther);
    let fourth = app.anonymous();
    assert_eq!(fourth.sign_in("admin@cpam.test", PASSWORD), Status::SeeOther);
    assert_eq!(fourth.post_form("/connexion/second-facteur", &[("code", &codes[0])]).status(), Status::Unauthorized);
    assert!(app.audit_actions().iter().any(|(a, _, _)| a == "double_facteur_active"));
    assert!(app.audit_actions().iter().any(|(a, _, _)| a == "code_secours_utilise"));
}

#[test]
fn an_administrator_creates_an_account_whose_temporary_password_must_be_changed() {
    let app = TestApp::new();
    let admin = app.browser_as(Role::Admin);
    let created = admin.post_form(
        "/admin/comptes",
        &[("email", "Nouveau@CPAM.test"), ("display_name", "Noé Nouveau"), ("role", "mediateur")],
    );
    assert_eq!(created.status(), Status::Ok);
    let page = created.into_string().unwrap();
    let marker = r#"<code class="secret">"#;
    let start = page.find(marker).unwrap() + marker.len();
    let temporary = page[start..start + 16].to_string();

    let newcomer = app.anonymous();
    assert_eq!(newcomer.sign_in("nouveau@cpam.test", &temporary), Status::SeeOther);
    assert_eq!(location(&newcomer.get("/saisines")), "/compte/mot-de-passe");
    let weak = newcomer.post_form(
        "/compte/mot-de-passe",
        &[("current", &temporary), ("password", "motdepasse123"), ("confirmation", "motdepasse123")],
    );
    assert_eq!(weak.status(), Status::UnprocessableEntity);
    assert!(weak.into_string().unwrap().contains("les plus courants"));
    let short = newcomer.post_form(
        "/compte/mot-de-passe",
        &[("current", &temporary), ("password", "court"), ("confirmation", "court")],
    );
    assert!(short.into_string().unwrap().contains("au moins 12 caractères"));
    let changed = newcomer.post_form(
        "/compte/mot-de-passe",
        &[
            ("current", &temporary),
            ("password", "une-phrase-longue-et-rare"),
            ("confirmation", "une-phrase-longue-et-rare"),
        ],
    );
    assert_eq!(changed.status(), Status::SeeOther);
    assert_eq!(newcomer.get("/saisines").status(), Status::Ok);

    // The duplicate address is refused, with the fields kept.
    let duplicate = admin
        .post_form("/admin/comptes", &[("email", "nouveau@cpam.test"), ("display_name", "Autre"), ("role", "lecteur")]);
    assert_eq!(duplicate.status(), Status::UnprocessableEntity);
    assert!(duplicate.into_string().unwrap().contains("existe déjà"));
}

#[test]
fn a_temporary_password_expires_after_48_hours() {
    let app = TestApp::new();
    let admin = app.browser_as(Role::Admin);
    let target = crate::support::user_id(&app.dir, MEDIATOR_EMAIL);
    let page = admin.post_form(&format!("/admin/comptes/{}/reinitialisation", target.0), &[]).into_string().unwrap();
    let marker = r#"<code class="secret">"#;
    let start = page.find(marker).unwrap() + marker.len();
    let temporary = page[start..start + 16].to_string();
    assert_eq!(location(&app.get("/saisines")), "/connexion", "a reset ends the account's sessions");
    assert_eq!(app.browser.sign_in(MEDIATOR_EMAIL, PASSWORD), Status::Unauthorized, "the old password is gone");
    app.clock.advance(Duration::hours(49));
    assert_eq!(app.browser.sign_in(MEDIATOR_EMAIL, &temporary), Status::Unauthorized);
    assert!(app.audit_actions().iter().any(|(a, _, _)| a == "mot_de_passe_reinitialise"));
}

#[test]
fn a_deactivated_account_loses_its_sessions_and_tokens_stop_working() {
    let app = TestApp::new();
    let admin = app.browser_as(Role::Admin);
    let target = crate::support::user_id(&app.dir, MEDIATOR_EMAIL);
    let response =
        admin.post_form(&format!("/admin/comptes/{}", target.0), &[("role", "mediateur"), ("active", "false")]);
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(location(&app.get("/saisines")), "/connexion");
    assert_eq!(app.api_get("/api/v1/saisines").status(), Status::Unauthorized);
    assert_eq!(app.browser.sign_in(MEDIATOR_EMAIL, PASSWORD), Status::Unauthorized);
    assert!(app.audit_actions().iter().any(|(a, _, _)| a == "compte_modifie"));
}

#[test]
fn personal_tokens_are_shown_once_act_with_the_role_and_can_be_revoked() {
    let app = TestApp::new();
    let created = app.post_form("/compte/jetons", &[("name", "Script de suivi")]);
    assert_eq!(created.status(), Status::Ok);
    let page = created.into_string().unwrap();
    let marker = r#"<code class="secret">"#;
    let start = page.find(marker).unwrap() + marker.len();
    let token = page[start..start + 43].to_string();
    assert!(!app.get("/compte/jetons").into_string().unwrap().contains(&token), "shown once");
    let bearer = Header::new("Authorization", format!("Bearer {token}"));
    let ok = app.browser.client.get("/api/v1/saisines").header(bearer.clone()).dispatch();
    assert_eq!(ok.status(), Status::Ok);
    let id = page.split("/compte/jetons/").nth(1).unwrap().split('/').next().unwrap().to_string();
    assert_eq!(app.post_form(&format!("/compte/jetons/{id}/revocation"), &[]).status(), Status::SeeOther);
    assert_eq!(app.browser.client.get("/api/v1/saisines").header(bearer).dispatch().status(), Status::Unauthorized);
    let audit = app.audit_actions();
    assert!(audit.iter().any(|(a, _, _)| a == "jeton_cree") && audit.iter().any(|(a, _, _)| a == "jeton_revoque"));
}

#[test]
fn no_password_token_or_totp_seed_is_stored_in_clear() {
    let app = TestApp::new();
    let admin_browser = app.anonymous();
    create_user(&app.dir, "admin@cpam.test", "Alice Admin", Role::Admin);
    assert_eq!(admin_browser.sign_in("admin@cpam.test", PASSWORD), Status::SeeOther);
    let (secret, codes) = enrol_second_factor(&admin_browser, &app.clock);
    let bytes = crate::support::database_bytes(&app.dir);
    let contains = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(contains(b"$argon2id$"), "passwords are stored as argon2id hashes");
    assert!(!contains(PASSWORD.as_bytes()));
    assert!(!contains(app.token.as_bytes()));
    assert!(!contains(&secret));
    assert!(!contains(mediation::auth::totp::secret_base32(&secret, "x").as_bytes()));
    for code in codes {
        assert!(!contains(code.as_bytes()));
    }
}

#[test]
fn the_first_administrator_is_created_through_the_one_time_link() {
    let dir = crate::support::TestDir::new();
    let clock =
        std::sync::Arc::new(mediation::domain::clock::ManualClock::new(crate::support::noon(crate::support::TODAY)));
    let token = mediation::app::accounts::setup_link_token(
        &mut crate::support::connect(&dir),
        crate::support::noon("2026-06-15").naive_utc(),
    )
    .unwrap()
    .expect("no account yet: a link");
    let rocket = mediation::web::build(crate::support::test_figment(&dir), clock.clone());
    let browser = Browser::from(rocket::local::blocking::Client::tracked(rocket).unwrap());
    assert!(browser.page("/connexion").contains("Aucun compte n'existe encore"));
    assert_eq!(browser.get("/installation/mauvais-lien").status(), Status::NotFound);
    let uri = format!("/installation/{token}");
    assert!(browser.page(&uri).contains("premier compte administrateur"));
    let weak = browser.post_form(
        &uri,
        &[
            ("email", "chef@cpam.test"),
            ("display_name", "Chef"),
            ("password", "azertyuiop123"),
            ("confirmation", "azertyuiop123"),
        ],
    );
    assert_eq!(weak.status(), Status::UnprocessableEntity);
    assert!(weak.into_string().unwrap().contains(r#"value="chef@cpam.test""#), "what was typed is kept");
    let created = browser.post_form(
        &uri,
        &[("email", "chef@cpam.test"), ("display_name", "Chef"), ("password", PASSWORD), ("confirmation", PASSWORD)],
    );
    assert_eq!(created.status(), Status::SeeOther);
    assert_eq!(browser.get(&uri).status(), Status::NotFound, "the link works once");
    assert_eq!(browser.sign_in("chef@cpam.test", PASSWORD), Status::SeeOther);
    assert_eq!(location(&browser.get("/saisines")), "/compte/double-facteur");
}

#[test]
fn the_command_line_creates_accounts_from_standard_input() {
    use std::io::Write;
    let dir = tempfile::TempDir::new().unwrap();
    let run = |args: &[&str], input: &str| {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mediation"))
            .args(args)
            .env("MEDIATION_DATA_DIR", dir.path())
            .env_remove("MEDIATION_DATABASE_URL")
            .current_dir(dir.path())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let weak = run(&["user", "add", "--role", "admin", "--password-stdin", "chef@cpam.test"], "motdepasse123\n");
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("les plus courants"));
    let ok = run(&["user", "add", "--role", "admin", "--password-stdin", "chef@cpam.test"], &format!("{PASSWORD}\n"));
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("Compte chef@cpam.test créé"));
    let again = run(&["user", "add", "--password-stdin", "CHEF@cpam.test"], &format!("{PASSWORD}\n"));
    assert!(!again.status.success(), "the address is taken, whatever its case");
    let row = mediation::db::users::row_by_email(
        &mut mediation::db::pool::connect(&format!("sqlite://{}", dir.path().join("mediation.sqlite").display()))
            .unwrap(),
        "chef@cpam.test",
    )
    .unwrap()
    .unwrap();
    assert_eq!(row.role, "admin");
    assert!(mediation::auth::password::verify(PASSWORD, &row.password_hash));
}

#[test]
fn hsts_is_sent_when_served_over_tls() {
    let app = TestApp::configured(crate::support::TODAY, |f| f.merge(("secure_cookies", true)));
    let browser = app.anonymous();
    let response = browser.get("/connexion");
    assert!(response.headers().get_one("Strict-Transport-Security").unwrap().contains("max-age="));
    let plain = TestApp::new();
    let browser = plain.anonymous();
    assert!(browser.get("/connexion").headers().get_one("Strict-Transport-Security").is_none());
}
