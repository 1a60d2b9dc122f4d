//! Server-rendered pages, in French, working without JavaScript.

mod account;
mod admin_accounts;
mod admin_audit;
mod admin_deadlines;
mod admin_import;
mod admin_letters;
mod admin_lists;
mod admin_outbox;
mod admin_retention;
mod attachments;
mod case_page;
mod catchers;
mod digest;
mod duplicates;
mod edit;
mod export_xlsx;
mod exports;
mod form;
pub(crate) mod help;
mod indicators;
mod letters;
mod list;
mod list_bulk;
mod list_nav;
mod list_view;
mod mailbox;
mod partner;
mod partner_form;
mod privacy;
mod queue;
mod reports;
mod satisfaction;
mod saved_views;
mod search;
mod settings_form;
mod show;
mod signin;
pub(crate) mod step_letters;

use rocket::{Catcher, Route};

pub fn routes() -> Vec<Route> {
    let mut routes = Vec::new();
    routes.extend(list::routes());
    routes.extend(list_bulk::routes());
    routes.extend(edit::routes());
    routes.extend(show::routes());
    routes.extend(duplicates::routes());
    routes.extend(signin::routes());
    routes.extend(account::routes());
    routes.extend(admin_accounts::routes());
    routes.extend(admin_lists::routes());
    routes.extend(admin_audit::routes());
    routes.extend(admin_import::routes());
    routes.extend(partner::routes());
    routes.extend(attachments::routes());
    routes.extend(admin_deadlines::routes());
    routes.extend(queue::routes());
    routes.extend(indicators::routes());
    routes.extend(reports::routes());
    routes.extend(exports::routes());
    routes.extend(export_xlsx::routes());
    routes.extend(admin_letters::routes());
    routes.extend(admin_outbox::routes());
    routes.extend(letters::routes());
    routes.extend(digest::routes());
    routes.extend(satisfaction::routes());
    routes.extend(admin_retention::routes());
    routes.extend(privacy::routes());
    routes.extend(saved_views::routes());
    routes.extend(search::routes());
    routes.extend(help::routes());
    routes.extend(mailbox::routes());
    routes
}

pub fn catchers() -> Vec<Catcher> {
    catchers::all()
}
