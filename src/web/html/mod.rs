//! Server-rendered pages, in French, working without JavaScript.

mod catchers;
mod edit;
mod form;
mod list;
mod show;

use rocket::{Catcher, Route};

pub fn routes() -> Vec<Route> {
    let mut routes = Vec::new();
    routes.extend(list::routes());
    routes.extend(edit::routes());
    routes.extend(show::routes());
    routes
}

pub fn catchers() -> Vec<Catcher> {
    catchers::all()
}
