//! Response headers every page needs, and a request log without personal data.

use std::time::Instant;

use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::{ContentType, Header};
use rocket::{Data, Request, Response};

use super::state::AppState;

/// A strict CSP (no inline script or style: scripts are the application's own files, the
/// keyboard shortcuts), no framing, no sniffing, no caching of pages.
pub struct SecurityHeaders;

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
     frame-ancestors 'none'; base-uri 'none'";

#[rocket::async_trait]
impl Fairing for SecurityHeaders {
    fn info(&self) -> Info {
        Info { name: "En-têtes de sécurité", kind: Kind::Response }
    }

    async fn on_response<'r>(&self, request: &'r Request<'_>, response: &mut Response<'r>) {
        response.set_header(Header::new("Content-Security-Policy", CSP));
        response.set_header(Header::new("X-Frame-Options", "DENY"));
        response.set_header(Header::new("X-Content-Type-Options", "nosniff"));
        response.set_header(Header::new("Referrer-Policy", "same-origin"));
        let is_static = request.uri().path().starts_with("/static/");
        if !is_static && response.headers().get_one("Cache-Control").is_none() {
            // Pages and API answers hold personal data: never stored by a browser or proxy.
            response.set_header(Header::new("Cache-Control", "no-store"));
        }
        let secure = request.rocket().state::<AppState>().is_some_and(|s| s.secure_cookies);
        if secure {
            response.set_header(Header::new("Strict-Transport-Security", "max-age=31536000; includeSubDomains"));
        }
        if response.content_type() == Some(ContentType::HTML) {
            response.set_header(Header::new("Content-Language", "fr"));
        }
    }
}

/// One structured line a request: method, path (never the query, which may hold a name),
/// status and duration.
pub struct RequestLog;

#[derive(Clone, Copy)]
struct Started(Instant);

#[rocket::async_trait]
impl Fairing for RequestLog {
    fn info(&self) -> Info {
        Info { name: "Journal des requêtes", kind: Kind::Request | Kind::Response }
    }

    async fn on_request(&self, request: &mut Request<'_>, _: &mut Data<'_>) {
        request.local_cache(|| Started(Instant::now()));
    }

    async fn on_response<'r>(&self, request: &'r Request<'_>, response: &mut Response<'r>) {
        let started = request.local_cache(|| Started(Instant::now()));
        tracing::info!(
            method = %request.method(),
            path = %request.uri().path(),
            status = response.status().code,
            elapsed_ms = started.0.elapsed().as_millis() as u64,
            "requête"
        );
    }
}
