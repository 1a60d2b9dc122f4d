//! Failed sign-ins and second-factor codes counted by the database: sent all at once, each is
//! counted and the account locks. Runs on PostgreSQL too when `MEDIATION_TEST_DATABASE_URL`
//! is set.

use std::sync::Arc;

use diesel::prelude::*;
use mediation::auth::{Role, UserId};
use mediation::db::audit::Actor;
use mediation::db::schema::users;
use mediation::domain::clock::FixedClock;
use rocket::http::{ContentType, Status};
use rocket::local::asynchronous::Client;

use crate::support::{connect, create_user, csrf_of, noon, test_figment, TestDir, PASSWORD, TODAY};

const ATTEMPTS: usize = 20;

/// The account's lock: until when, and how many locks in a row.
fn lock_of(dir: &TestDir, user: UserId) -> (Option<chrono::NaiveDateTime>, i32) {
    users::table.find(user.0).select((users::locked_until, users::lock_count)).first(&mut connect(dir)).expect("compte")
}

#[rocket::async_test]
async fn twenty_concurrent_wrong_passwords_lock_the_account() {
    let dir = TestDir::new();
    let user = create_user(&dir, "cible@cpam.test", "Compte visé", Role::Mediateur);
    let rocket = mediation::web::build(test_figment(&dir), Arc::new(FixedClock(noon(TODAY))));
    let client = Client::tracked(rocket).await.unwrap();
    let page = client.get("/connexion").dispatch().await.into_string().await.unwrap();
    let token = csrf_of(&page);
    let body = |password: &str| {
        serde_urlencoded::to_string([
            ("csrf_token", token.as_str()),
            ("email", "cible@cpam.test"),
            ("password", password),
        ])
        .unwrap()
    };
    let attempts = (0..ATTEMPTS).map(|n| {
        let request = client.post("/connexion").header(ContentType::Form).body(body(&format!("faux-{n}")));
        async move { request.dispatch().await.status() }
    });
    let statuses = futures::future::join_all(attempts).await;
    assert!(statuses.iter().all(|s| *s == Status::Unauthorized), "{statuses:?}");

    let (locked_until, locks) = lock_of(&dir, user);
    assert!(locked_until.is_some_and(|until| until > noon(TODAY).naive_utc()), "the account is locked");
    assert_eq!(locks, 1, "a locked account counts no more failures");
    let right = client.post("/connexion").header(ContentType::Form).body(body(PASSWORD)).dispatch().await;
    assert_ne!(right.status(), Status::SeeOther, "even the right password waits for the lock to end");
}

#[test]
fn twenty_concurrent_wrong_second_factor_codes_lock_the_account() {
    let dir = TestDir::new();
    let user = create_user(&dir, "cible@cpam.test", "Compte visé", Role::Mediateur);
    let url = dir.url.clone();
    let at = noon(TODAY).naive_utc();
    let barrier = Arc::new(std::sync::Barrier::new(ATTEMPTS));
    let threads: Vec<_> = (0..ATTEMPTS)
        .map(|n| {
            let (url, barrier) = (url.clone(), barrier.clone());
            std::thread::spawn(move || {
                let mut conn = mediation::db::pool::connect(&url).expect("connexion");
                let secrets = mediation::auth::secret_box::SecretBox::new(&"0".repeat(64), "totp");
                let actor = Actor { id: Some(user), name: "Compte visé".into(), ip: "198.51.100.7".into() };
                barrier.wait();
                let code = format!("{:06}", n);
                mediation::app::accounts::second_factor(&mut conn, "", user, &code, &secrets, &actor, at)
                    .expect("code refusé sans erreur")
            })
        })
        .collect();
    let accepted: Vec<bool> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert!(accepted.iter().all(|a| !a));
    let (locked_until, locks) = lock_of(&dir, user);
    assert!(locked_until.is_some_and(|until| until > at), "the account is locked");
    assert_eq!(locks, 1);
}
