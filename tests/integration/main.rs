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
mod partner;
mod platform;
mod report_data;
mod report_property;
mod reports;
mod security_address;
mod security_audit;
mod security_counters;
mod security_forms;
mod security_panics;
mod security_sessions;
mod support;
