//! The session cookie: private (encrypted and signed), HttpOnly, SameSite=Strict, Secure over
//! TLS, and a browser-session cookie (no `Expires`/`Max-Age`): nothing stays on a shared
//! workstation's disk once the browser is closed. The server ends sessions on its own idle and
//! absolute limits (`auth::session_policy`).

use rocket::http::cookie::Expiration;
use rocket::http::{Cookie, CookieJar, SameSite};

pub const SESSION_COOKIE: &str = "mediation_session";
pub const PRE_SESSION_COOKIE: &str = "mediation_csrf";

pub fn cookie(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    // Rocket gives private cookies a week's `Expires` unless one is set: `Session` is one.
    Cookie::build((name, value))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .path("/")
        .expires(Expiration::Session)
        .build()
}

pub fn set_session(jar: &CookieJar<'_>, token: String, secure: bool) {
    jar.add_private(cookie(SESSION_COOKIE, token, secure));
}

pub fn clear_session(jar: &CookieJar<'_>) {
    jar.remove_private(Cookie::build(SESSION_COOKIE).path("/").build());
}

pub fn session_token(jar: &CookieJar<'_>) -> Option<String> {
    jar.get_private(SESSION_COOKIE).map(|c| c.value().to_string())
}
