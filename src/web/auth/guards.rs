//! The signed-in user, resolved once per request, and the guards that check roles.
//! A page guard that fails answers 401 (the catcher sends the browser to the sign-in page,
//! or to the step it still owes: second factor, new password) or 403.

use rocket::http::Status;
use rocket::request::{FromRequest, Outcome, Request};

use super::session::{clear_session, session_token};
use crate::auth::session_policy;
use crate::auth::{tokens, Role, UserId};
use crate::db::audit::Actor;
use crate::db::users::UserRow;
use crate::db::{api_tokens, sessions, users, DbResult};
use crate::web::state::AppState;

/// What a signed-in user still has to do before working.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending {
    None,
    SecondFactor,
    PasswordChange,
    SecondFactorEnrolment,
}

impl Pending {
    /// Where the browser is sent to finish signing in.
    pub fn page(self) -> Option<&'static str> {
        match self {
            Pending::None => None,
            Pending::SecondFactor => Some("/connexion/second-facteur"),
            Pending::PasswordChange => Some("/compte/mot-de-passe"),
            Pending::SecondFactorEnrolment => Some("/compte/double-facteur"),
        }
    }
}

/// The user behind the request, whatever their stage.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: UserId,
    pub name: String,
    pub role: Role,
    pub pending: Pending,
    /// The session's digest and CSRF token; `None` for an API token.
    pub session: Option<(String, String)>,
    pub ip: String,
}

impl CurrentUser {
    pub fn actor(&self) -> Actor {
        Actor { id: Some(self.id), name: self.name.clone(), ip: self.ip.clone() }
    }

    pub fn session_hash(&self) -> &str {
        self.session.as_ref().map(|(h, _)| h.as_str()).unwrap_or("")
    }
}

/// The client's address: the connection's, or a trusted proxy's header (see `address`).
/// Every use (sign-in throttle, partner form limit, audit log) goes through this one guard.
pub struct ClientIp(pub String);

struct CachedAddress(String);

pub fn client_ip(request: &Request<'_>) -> String {
    request
        .local_cache(|| {
            let remote = request.remote().map(|r| r.ip());
            let resolved = match request.rocket().state::<AppState>() {
                Some(state) => {
                    let header = request.headers().get_one(&state.config.client_ip_header);
                    super::address::resolve(remote, header, &state.proxies)
                }
                None => remote,
            };
            CachedAddress(resolved.map(|ip| ip.to_string()).unwrap_or_else(|| "inconnue".into()))
        })
        .0
        .clone()
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for ClientIp {
    type Error = ();
    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, ()> {
        Outcome::Success(ClientIp(client_ip(request)))
    }
}

fn pending(row: &UserRow, second_factor_done: bool) -> DbResult<Pending> {
    let role = row.role()?;
    Ok(if row.totp_enabled && !second_factor_done {
        Pending::SecondFactor
    } else if row.must_change_password {
        Pending::PasswordChange
    } else if role.requires_second_factor() && !row.totp_enabled {
        Pending::SecondFactorEnrolment
    } else {
        Pending::None
    })
}

fn to_current(row: &UserRow, pending: Pending, session: Option<(String, String)>, ip: String) -> DbResult<CurrentUser> {
    Ok(CurrentUser { id: UserId(row.id), name: row.display_name.clone(), role: row.role()?, pending, session, ip })
}

async fn from_bearer(state: &AppState, token: String, ip: String) -> Option<CurrentUser> {
    let digest = tokens::digest(&token);
    let at = state.clock.now().naive_utc();
    let pool = state.pool.clone();
    let found = rocket::tokio::task::spawn_blocking(move || -> DbResult<Option<CurrentUser>> {
        let mut conn = pool.get()?;
        let Some(user) = api_tokens::owner(&mut conn, &digest, at)? else { return Ok(None) };
        let row = users::row(&mut conn, user)?;
        if !row.active || row.must_change_password {
            return Ok(None);
        }
        Ok(Some(to_current(&row, Pending::None, None, ip)?))
    })
    .await;
    match found {
        Ok(Ok(user)) => user,
        Ok(Err(e)) => {
            tracing::error!(error = %e, "jeton d'API : base indisponible");
            None
        }
        Err(_) => None,
    }
}

async fn from_session(state: &AppState, token: String, ip: String) -> Option<CurrentUser> {
    let digest = tokens::digest(&token);
    let now = state.clock.now().naive_utc();
    let pool = state.pool.clone();
    let found = rocket::tokio::task::spawn_blocking(move || -> DbResult<Option<CurrentUser>> {
        let mut conn = pool.get()?;
        let Some(session) = sessions::find_open(&mut conn, &digest)? else { return Ok(None) };
        if session_policy::is_expired(session.created_at, session.last_seen_at, now) {
            sessions::end(&mut conn, &digest, now)?;
            return Ok(None);
        }
        let row = users::row(&mut conn, UserId(session.user_id))?;
        if !row.active {
            sessions::end(&mut conn, &digest, now)?;
            return Ok(None);
        }
        if session_policy::needs_touch(session.last_seen_at, now) {
            sessions::touch(&mut conn, &digest, now)?;
        }
        let pending = pending(&row, session.second_factor_done)?;
        Ok(Some(to_current(&row, pending, Some((digest, session.csrf_token)), ip)?))
    })
    .await;
    match found {
        Ok(Ok(user)) => user,
        Ok(Err(e)) => {
            tracing::error!(error = %e, "session : base indisponible");
            None
        }
        Err(_) => None,
    }
}

/// Resolves the user once per request: a Bearer token on the API, the session cookie on pages.
pub async fn resolve<'r>(request: &'r Request<'_>) -> &'r Option<CurrentUser> {
    request
        .local_cache_async(async {
            let state = request.rocket().state::<AppState>()?;
            let ip = client_ip(request);
            if let Some(header) = request.headers().get_one("Authorization") {
                let token = header.strip_prefix("Bearer ")?.trim().to_string();
                return from_bearer(state, token, ip).await;
            }
            if request.uri().path().starts_with("/api/") {
                // The API takes tokens only: no cookie, so no cross-site request can use it.
                return None;
            }
            let jar = request.cookies();
            let token = session_token(jar)?;
            let user = from_session(state, token, ip).await;
            if user.is_none() {
                clear_session(jar);
            }
            user
        })
        .await
}

/// Anyone signed in, whatever remains to do (sign-out, password change, second factor).
pub struct SignedIn(pub CurrentUser);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for SignedIn {
    type Error = ();
    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, ()> {
        match resolve(request).await {
            Some(user) => Outcome::Success(SignedIn(user.clone())),
            None => Outcome::Error((Status::Unauthorized, ())),
        }
    }
}

async fn with_role(request: &Request<'_>, allowed: fn(Role) -> bool) -> Outcome<CurrentUser, ()> {
    match resolve(request).await {
        None => Outcome::Error((Status::Unauthorized, ())),
        Some(user) if user.pending != Pending::None => Outcome::Error((Status::Unauthorized, ())),
        Some(user) if !allowed(user.role) => Outcome::Error((Status::Forbidden, ())),
        Some(user) => Outcome::Success(user.clone()),
    }
}

macro_rules! role_guard {
    ($(#[$meta:meta])* $name:ident, $allowed:expr) => {
        $(#[$meta])*
        pub struct $name(pub CurrentUser);

        #[rocket::async_trait]
        impl<'r> FromRequest<'r> for $name {
            type Error = ();
            async fn from_request(request: &'r Request<'_>) -> Outcome<Self, ()> {
                with_role(request, $allowed).await.map($name)
            }
        }
    };
}

role_guard!(
    /// Any role: reads saisines and reports.
    Reader,
    |_| true
);
role_guard!(
    /// Works on saisines: `mediateur` or `admin`.
    Mediator,
    Role::can_work_on_saisines
);
role_guard!(
    /// Manages accounts and reference lists.
    Admin,
    Role::is_admin
);
