//! What every page's layout needs, gathered once per request.

use rocket::request::{FlashMessage, FromRequest, Outcome, Request};
use serde::Serialize;

use super::auth::guards::{resolve, CurrentUser, Pending};
use super::auth::CsrfToken;
use super::nav_views::{nav_views, NavViews};
use super::state::AppState;
use crate::db::queue::{self, QueueCount, Scope};

#[derive(Debug, Clone, Serialize)]
pub struct Flash {
    pub kind: String,
    pub message: String,
}

/// The signed-in user as the layout shows them.
#[derive(Debug, Clone, Serialize)]
pub struct LayoutUser {
    pub name: String,
    pub role: String,
    pub role_label: String,
    pub is_admin: bool,
    pub can_edit: bool,
    /// False while a second factor or a new password is still owed.
    pub ready: bool,
}

/// The layout's data: the mediation's name, the user, the CSRF token every form carries,
/// and the message left by the previous action.
#[derive(Debug, Clone, Serialize)]
pub struct Layout {
    pub mediation: String,
    pub flash: Option<Flash>,
    pub user: Option<LayoutUser>,
    pub csrf: String,
    /// The signed-in mediator's "à traiter" queue, counted for the navigation.
    pub queue: Option<QueueCount>,
    /// The saved views in the navigation, with their counts (see `nav_views`).
    pub views: Option<NavViews>,
    /// Keyboard shortcuts on (`/aide` turns them off for this browser).
    pub shortcuts: bool,
}

/// Counts the queue of a mediator ready to work; `None` for everyone else or on failure.
async fn queue_count(state: &AppState, user: &CurrentUser) -> Option<QueueCount> {
    if user.pending != Pending::None || !user.role.can_work_on_saisines() {
        return None;
    }
    let (pool, today, scope, memo) =
        (state.pool.clone(), state.clock.today(), Scope::Mine(user.id), state.memo.clone());
    let counted = rocket::tokio::task::spawn_blocking(move || {
        memo.get_or(format!("file {scope:?} {today}"), || {
            let mut conn = pool.get()?;
            queue::count(&mut conn, scope, today)
        })
    })
    .await;
    match counted {
        Ok(Ok(count)) => Some(count),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "file à traiter : comptage impossible");
            None
        }
        Err(_) => None,
    }
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
        let current = resolve(request).await.as_ref();
        let queue = match (request.rocket().state::<AppState>(), current) {
            (Some(state), Some(user)) => queue_count(state, user).await,
            _ => None,
        };
        let list_query =
            (request.uri().path() == "/saisines").then(|| request.uri().query().map_or("", |q| q.as_str()));
        let views = match (request.rocket().state::<AppState>(), current) {
            (Some(state), Some(user)) => nav_views(state, user, list_query).await,
            _ => None,
        };
        let shortcuts = super::html::help::shortcuts_on(request.cookies());
        let user = current.map(|u| LayoutUser {
            name: u.name.clone(),
            role: u.role.code().to_string(),
            role_label: u.role.label().to_string(),
            is_admin: u.role.is_admin(),
            can_edit: u.role.can_work_on_saisines(),
            ready: u.pending == Pending::None,
        });
        let csrf = match request.guard::<CsrfToken>().await {
            Outcome::Success(token) => token.0,
            _ => String::new(),
        };
        Outcome::Success(Layout { mediation, flash, user, csrf, queue, views, shortcuts })
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
