//! French error pages that reveal nothing internal; a page that needs a signed-in user sends
//! the browser to the sign-in page, or to the step its user still owes.

use crate::web::template::Template;
use rocket::http::Status;
use rocket::response::Redirect;
use rocket::{catch, catchers, Catcher, Either, Request};

use crate::web::auth::guards::resolve;
use crate::web::error::error_page;

#[catch(401)]
async fn unauthorized(request: &Request<'_>) -> Redirect {
    let pending = resolve(request).await.as_ref().and_then(|u| u.pending.page());
    Redirect::to(pending.unwrap_or("/connexion"))
}

#[catch(default)]
fn any_error(status: Status, _request: &Request<'_>) -> Either<(Status, Template), Redirect> {
    Either::Left((status, error_page(status, None)))
}

pub fn all() -> Vec<Catcher> {
    catchers![unauthorized, any_error]
}
