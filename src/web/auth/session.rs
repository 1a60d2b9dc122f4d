//! The session cookie: private (encrypted and signed), HttpOnly, SameSite=Strict, Secure over TLS.

use rocket::http::{Cookie, CookieJar, SameSite};

pub const SESSION_COOKIE: &str = "mediation_session";
pub const PRE_SESSION_COOKIE: &str = "mediation_csrf";

pub fn cookie(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((name, value)).http_only(true).same_site(SameSite::Strict).secure(secure).path("/").build()
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
