//! The JSON API under `/api/v1/`: canonical codes in, canonical codes out.

mod catchers;
mod model;
mod saisines;

use rocket::{Catcher, Route};

pub fn routes() -> Vec<Route> {
    saisines::routes()
}

pub fn catchers() -> Vec<Catcher> {
    catchers::all()
}
