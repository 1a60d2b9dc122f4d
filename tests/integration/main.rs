//! One integration-test binary: every module shares the build. Each test drives the real
//! application through `rocket::local` against a fresh SQLite file.

mod access;
mod accessibility;
mod admin;
mod api_lifecycle;
mod auth;
mod backends;
mod concurrency;
mod copy_columns;
mod deadlines;
mod docs;
mod embedded;
mod exports;
mod figures_agree;
mod html_pages;
mod import;
mod import_rules;
mod list;
mod paris_time;
mod parsers_property;
mod partner;
mod perf_shutdown;
mod perf_views;
mod platform;
mod report_data;
mod report_property;
mod reports;
mod search;
mod security_address;
mod security_audit;
mod security_counters;
mod security_forms;
mod security_panics;
mod security_sessions;
mod support;
mod write_path;
