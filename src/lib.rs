//! Médiation: the case tracker of a CPAM's mediator.
//!
//! Layers, data flowing one way: `web` (routes, forms, guards) → `domain` (codes, rules; no
//! I/O) → `db` (schema, queries). `cli` is the binary's command line; `config` the settings.

pub mod app;
pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod imap;
pub mod import;
pub mod logging;
pub mod mail;
pub mod memory;
pub mod report;
pub mod web;

pub use web::rocket;
