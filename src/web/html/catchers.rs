//! French error pages that reveal nothing internal; a page that needs a signed-in user sends
//! the browser to the sign-in page, or to the step its user still owes.

use crate::web::template::Template;
use rocket::http::Status;
use rocket::response::Redirect;
use rocket::{catch, catchers, Catcher, Request};

use crate::web::auth::guards::resolve;
use crate::web::context::Layout;
use crate::web::error::{error_page, ErrorDetail};

#[catch(401)]
async fn unauthorized(request: &Request<'_>) -> Redirect {
    let pending = resolve(request).await.as_ref().and_then(|u| u.pending.page());
    Redirect::to(pending.unwrap_or("/connexion"))
}

/// Every other error: the page in the site's layout, with what a page handler said went wrong.
#[catch(default)]
async fn any_error(status: Status, request: &Request<'_>) -> (Status, Template) {
    let layout = request.guard::<Layout>().await.succeeded().unwrap_or_else(|| Layout {
        mediation: "Médiation".to_string(),
        flash: None,
        user: None,
        csrf: String::new(),
        queue: None,
        views: None,
        shortcuts: false,
    });
    let detail = request.local_cache(ErrorDetail::default).0.as_deref();
    (status, error_page(status, detail, &layout, request.uri().path().as_str()))
}

pub fn all() -> Vec<Catcher> {
    catchers![unauthorized, any_error]
}
