//! The session cookie: private (encrypted and signed), HttpOnly, SameSite=Strict, Secure over
//! TLS, and a browser-session cookie (no `Expires`/`Max-Age`): nothing stays on a shared
//! workstation's disk once the browser is closed. The server ends sessions on its own idle and
//! absolute limits (`auth::session_policy`).

use rocket::http::{Cookie, CookieJar, SameSite};

pub const SESSION_COOKIE: &str = "mediation_session";
pub const PRE_SESSION_COOKIE: &str = "mediation_csrf";

pub fn cookie(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    // Rocket gives private cookies a week's `Expires` unless one is set: no date is the
    // cookie crate's `Expiration::Session`, which Rocket keeps.
    Cookie::build((name, value))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .path("/")
        .expires(None::<rocket::time::OffsetDateTime>)
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
