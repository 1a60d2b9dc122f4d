//! CSRF protection, one guard for every form: a token tied to the session (or, before sign-in,
//! to a private cookie) compared in constant time, and a same-origin check on the request's
//! `Sec-Fetch-Site`/`Origin` headers. A state-changing request that fails either gets 403 and
//! changes nothing, since the checks happen before the handler runs; a multipart form is
//! checked for its origin and its sender's session before its body is read (spooled to disk),
//! then for its token.

use rocket::data::{self, Data, FromData, Limits, ToByteUnit};
use rocket::form::{Contextual, Form, FromForm, ValueField};
use rocket::http::{ContentType, RawStr, Status};
use rocket::request::{FromRequest, Outcome, Request};
use subtle::ConstantTimeEq;

use super::guards::resolve;
use super::session::{cookie, PRE_SESSION_COOKIE};
use crate::auth::tokens;
use crate::web::state::AppState;

pub const FIELD: &str = "csrf_token";

/// The token forms must send back.
pub struct CsrfToken(pub String);

fn secure_cookies(request: &Request<'_>) -> bool {
    request.rocket().state::<AppState>().is_some_and(|s| s.secure_cookies)
}

/// The token this request must carry, if one exists yet.
async fn expected(request: &Request<'_>) -> Option<String> {
    if let Some(user) = resolve(request).await {
        return user.session.as_ref().map(|(_, csrf)| csrf.clone());
    }
    request.cookies().get_private(PRE_SESSION_COOKIE).map(|c| c.value().to_string())
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for CsrfToken {
    type Error = ();
    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, ()> {
        if let Some(token) = expected(request).await {
            return Outcome::Success(CsrfToken(token));
        }
        let token = tokens::new_token();
        request.cookies().add_private(cookie(PRE_SESSION_COOKIE, token.clone(), secure_cookies(request)));
        Outcome::Success(CsrfToken(token))
    }
}

/// Compares without leaking, through timing, how much of the token was right.
pub fn same(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// Whether the request's own headers say a browser sent it from another site. Browsers send
/// `Sec-Fetch-Site` (and `Origin` on every POST); a client that sends neither is no browser,
/// so it cannot be a cross-site forgery (and still needs the token).
pub fn cross_site(request: &Request<'_>) -> bool {
    if let Some(site) = request.headers().get_one("Sec-Fetch-Site") {
        return !matches!(site.trim().to_ascii_lowercase().as_str(), "same-origin" | "none");
    }
    match request.headers().get_one("Origin") {
        None => false,
        Some(origin) => !origin_is_ours(request, origin.trim()),
    }
}

/// The origin's host and port against the `Host` the request was sent to, or the configured
/// public address (a proxy may rewrite `Host`).
fn origin_is_ours(request: &Request<'_>, origin: &str) -> bool {
    let Some((_, authority)) = origin.split_once("://") else { return false };
    let authority = authority.trim_end_matches('/');
    let host = request.host().map(|h| h.to_string());
    let header = request.headers().get_one("Host").map(str::to_string);
    let public = request
        .rocket()
        .state::<AppState>()
        .and_then(|s| s.config.public_url.clone())
        .and_then(|url| url.split_once("://").map(|(_, rest)| rest.split('/').next().unwrap_or("").to_string()));
    [host, header, public].into_iter().flatten().any(|ours| !ours.is_empty() && ours.eq_ignore_ascii_case(authority))
}

fn refused<'r, T: FromData<'r, Error = ()>>(request: &Request<'_>, why: &str) -> data::Outcome<'r, T> {
    tracing::warn!(path = %request.uri().path(), why, "jeton CSRF absent ou invalide");
    data::Outcome::Error((Status::Forbidden, ()))
}

/// A form whose CSRF token was checked before anything else.
pub struct Protected<T>(pub T);

/// The form's fields, percent-decoded, kept for the request's lifetime.
struct DecodedForm(Vec<(String, String)>);

fn decode(body: &str) -> DecodedForm {
    let decode = |text: &str| RawStr::new(text).url_decode_lossy().into_owned();
    DecodedForm(
        body.split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
            .map(|(name, value)| (decode(name), decode(value)))
            .collect(),
    )
}

#[rocket::async_trait]
impl<'r, T: FromForm<'r> + Send + 'r> FromData<'r> for Protected<T> {
    type Error = ();

    async fn from_data(request: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        if request.content_type() != Some(&ContentType::Form) {
            return data::Outcome::Error((Status::BadRequest, ()));
        }
        if cross_site(request) {
            return refused(request, "autre site");
        }
        let limit = request.limits().get("form").unwrap_or(Limits::FORM).min(1.mebibytes());
        let body = match data.open(limit).into_string().await {
            Ok(body) if body.is_complete() => body.into_inner(),
            Ok(_) => return data::Outcome::Error((Status::PayloadTooLarge, ())),
            Err(_) => return data::Outcome::Error((Status::BadRequest, ())),
        };
        let fields: &'r [(String, String)] = &request.local_cache(|| decode(&body)).0;
        let sent = fields.iter().find(|(name, _)| name == FIELD).map(|(_, value)| value.as_str());
        let valid = match (sent, expected(request).await) {
            (Some(sent), Some(expected)) => same(sent, &expected),
            _ => false,
        };
        if !valid {
            return refused(request, "jeton");
        }
        match Form::<T>::parse_iter(
            fields.iter().map(|(name, value)| ValueField::from((name.as_str(), value.as_str()))),
        ) {
            Ok(value) => data::Outcome::Success(Protected(value)),
            Err(_) => data::Outcome::Error((Status::UnprocessableEntity, ())),
        }
    }
}

/// A multipart form (files), whose fields and errors stay readable through `Contextual`.
/// Its origin, and that its sender has a session or pre-session token at all, are checked
/// before the body is read; the token itself once the fields are parsed.
pub struct ProtectedUpload<'r, T>(pub Contextual<'r, T>);

#[rocket::async_trait]
impl<'r, T: FromForm<'r> + Send + 'r> FromData<'r> for ProtectedUpload<'r, T> {
    type Error = ();

    async fn from_data(request: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        if request.content_type().is_none_or(|c| !c.is_form_data()) {
            return data::Outcome::Error((Status::BadRequest, ()));
        }
        if cross_site(request) {
            return refused(request, "autre site");
        }
        let Some(expected) = expected(request).await else {
            return refused(request, "aucune session");
        };
        let form = match multipart::<T, Self>(request, data).await {
            Ok(form) => form,
            Err(outcome) => return outcome,
        };
        if !same(form.context.field_value(FIELD).unwrap_or_default(), &expected) {
            return refused(request, "jeton");
        }
        data::Outcome::Success(ProtectedUpload(form))
    }
}

/// Parses a multipart body; its errors stay in the context, except a body that is no form.
async fn multipart<'r, T: FromForm<'r> + Send + 'r, G: FromData<'r, Error = ()>>(
    request: &'r Request<'_>,
    data: Data<'r>,
) -> Result<Contextual<'r, T>, data::Outcome<'r, G>> {
    match Form::<Contextual<'r, T>>::from_data(request, data).await {
        data::Outcome::Success(form) => Ok(form.into_inner()),
        data::Outcome::Error((status, _)) => Err(data::Outcome::Error((status, ()))),
        data::Outcome::Forward(forward) => Err(data::Outcome::Forward(forward)),
    }
}

/// The public partner form's multipart body: no session, so no session token (its own signed
/// token is checked by the handler), but a request from another site is refused before its
/// body is read.
pub struct SameOriginUpload<'r, T>(pub Contextual<'r, T>);

#[rocket::async_trait]
impl<'r, T: FromForm<'r> + Send + 'r> FromData<'r> for SameOriginUpload<'r, T> {
    type Error = ();

    async fn from_data(request: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        if cross_site(request) {
            return refused(request, "autre site");
        }
        match multipart::<T, Self>(request, data).await {
            Ok(form) => data::Outcome::Success(SameOriginUpload(form)),
            Err(outcome) => outcome,
        }
    }
}

/// A form with nothing but its CSRF token (sign-out, revoke, reset).
#[derive(FromForm)]
pub struct CsrfOnly {
    #[expect(dead_code, reason = "checked from the raw body by `Protected` before parsing")]
    csrf_token: Option<String>,
}
