//! Server-rendered pages, in French, working without JavaScript.

mod account;
mod admin_accounts;
mod admin_audit;
mod admin_lists;
mod catchers;
mod edit;
mod exports;
mod form;
mod list;
mod reports;
mod show;
mod signin;

use rocket::{Catcher, Route};

pub fn routes() -> Vec<Route> {
    let mut routes = Vec::new();
    routes.extend(list::routes());
    routes.extend(edit::routes());
    routes.extend(show::routes());
    routes.extend(signin::routes());
    routes.extend(account::routes());
    routes.extend(admin_accounts::routes());
    routes.extend(admin_lists::routes());
    routes.extend(admin_audit::routes());
    routes.extend(reports::routes());
    routes.extend(exports::routes());
    routes
}

pub fn catchers() -> Vec<Catcher> {
    catchers::all()
}
