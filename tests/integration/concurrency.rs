//! Many mediators recording at the same moment: every saisine saved, every reference distinct.

use std::collections::BTreeSet;
use std::sync::Arc;

use mediation::auth::Role;
use rocket::http::{Header, Status};
use rocket::local::asynchronous::Client;
use serde_json::Value;

use mediation::domain::clock::FixedClock;

use crate::support::{api_token, create_async, create_user, noon, test_figment, SaisineBuilder, TODAY};

#[rocket::async_test]
async fn two_hundred_concurrent_creations_get_two_hundred_distinct_references() {
    let dir = crate::support::TestDir::new();
    let user = create_user(&dir, "marie@cpam.test", "Marie", Role::Mediateur);
    let bearer = format!("Bearer {}", api_token(&dir, user));
    let rocket = mediation::web::build(test_figment(&dir), Arc::new(FixedClock(noon(TODAY))));
    let client = Client::tracked(rocket).await.unwrap();
    let body = SaisineBuilder::default().json().to_string();
    let requests = (0..200).map(|_| create_async(&client, body.clone(), bearer.clone()));
    let results = futures::future::join_all(requests).await;
    let failures: Vec<_> = results.iter().filter(|(status, _)| *status != Status::Created).collect();
    assert!(failures.is_empty(), "{} créations en échec : {:?}", failures.len(), failures.first());
    let references: BTreeSet<String> = results.into_iter().filter_map(|(_, r)| r).collect();
    assert_eq!(references.len(), 200);
    assert!(references.contains("2026-0001") && references.contains("2026-0200"));

    let list =
        client.get("/api/v1/saisines?limit=1").header(Header::new("Authorization", bearer.clone())).dispatch().await;
    let json: Value = list.into_json().await.unwrap();
    assert_eq!(json["total"], 200);
}
