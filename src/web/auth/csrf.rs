//! CSRF protection: every form carries a token tied to the session (or, before sign-in, to a
//! private cookie); a state-changing request without the right token gets 403 and changes
//! nothing, since the check happens before the handler runs.

use rocket::data::{self, Data, FromData, Limits, ToByteUnit};
use rocket::form::{Form, FromForm, ValueField};
use rocket::http::{ContentType, RawStr, Status};
use rocket::request::{FromRequest, Outcome, Request};

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
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
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
            tracing::warn!(path = %request.uri().path(), "jeton CSRF absent ou invalide");
            return data::Outcome::Error((Status::Forbidden, ()));
        }
        match Form::<T>::parse_iter(
            fields.iter().map(|(name, value)| ValueField::from((name.as_str(), value.as_str()))),
        ) {
            Ok(value) => data::Outcome::Success(Protected(value)),
            Err(_) => data::Outcome::Error((Status::UnprocessableEntity, ())),
        }
    }
}

/// A form with nothing but its CSRF token (sign-out, revoke, reset).
#[derive(FromForm)]
pub struct CsrfOnly {
    #[expect(dead_code, reason = "checked from the raw body by `Protected` before parsing")]
    csrf_token: Option<String>,
}
