//! The JSON API under `/api/v1/`: canonical codes in, canonical codes out.

mod catchers;
mod model;
mod reference;
mod saisines;

use rocket::{Catcher, Route};

pub fn routes() -> Vec<Route> {
    let mut routes = saisines::routes();
    routes.extend(reference::routes());
    routes
}

pub fn catchers() -> Vec<Catcher> {
    catchers::all()
}
