//! French error pages that reveal nothing internal.

use rocket::http::Status;
use rocket::{catch, catchers, Catcher, Request};
use rocket_dyn_templates::Template;

use crate::web::error::error_page;

#[catch(default)]
fn any_error(status: Status, _request: &Request<'_>) -> (Status, Template) {
    (status, error_page(status, None))
}

pub fn all() -> Vec<Catcher> {
    catchers![any_error]
}
