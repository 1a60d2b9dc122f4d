//! What every page's layout needs, gathered once per request.

use rocket::request::{FlashMessage, FromRequest, Outcome, Request};
use serde::Serialize;

use super::state::AppState;

#[derive(Debug, Clone, Serialize)]
pub struct Flash {
    pub kind: String,
    pub message: String,
}

/// The layout's data: the mediation's name and the message left by the previous action.
#[derive(Debug, Clone, Serialize)]
pub struct Layout {
    pub mediation: String,
    pub flash: Option<Flash>,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Layout {
    type Error = ();

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, ()> {
        let mediation = request
            .rocket()
            .state::<AppState>()
            .map(|s| s.config.mediation.name.clone())
            .unwrap_or_else(|| "Médiation".to_string());
        let flash = request
            .guard::<Option<FlashMessage<'_>>>()
            .await
            .succeeded()
            .flatten()
            .map(|f| Flash { kind: f.kind().to_string(), message: f.message().to_string() });
        Outcome::Success(Layout { mediation, flash })
    }
}

/// Who acts, as recorded in the timeline.
#[derive(Debug, Clone)]
pub struct Actor {
    pub name: String,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Actor {
    type Error = ();

    async fn from_request(_request: &'r Request<'_>) -> Outcome<Self, ()> {
        // Until accounts exist every action is the shared mediation desk's.
        Outcome::Success(Actor { name: "Médiation (poste partagé)".to_string() })
    }
}

/// Today and now, read from the application's clock (fixed in tests).
pub struct Now {
    pub today: chrono::NaiveDate,
    pub at: chrono::NaiveDateTime,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Now {
    type Error = ();

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, ()> {
        match request.rocket().state::<AppState>() {
            Some(state) => Outcome::Success(Now { today: state.clock.today(), at: state.clock.now().naive_utc() }),
            None => Outcome::Error((rocket::http::Status::ServiceUnavailable, ())),
        }
    }
}
