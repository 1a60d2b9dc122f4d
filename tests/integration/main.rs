//! One integration-test binary: every module shares the build. Each test drives the real
//! application through `rocket::local` against a fresh SQLite file.

mod access;
mod accessibility;
mod admin;
mod api_lifecycle;
mod auth;
mod backends;
mod concurrency;
mod deadlines;
mod exports;
mod html_pages;
mod import;
mod list;
mod mail;
mod partner;
mod platform;
mod report_data;
mod report_property;
mod reports;
mod support;
mod write_path;
