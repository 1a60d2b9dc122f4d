//! Importing saisines from the CSV interchange format: read, check every line, then write all
//! (or, on request, the valid ones) in one transaction.

pub mod reader;
mod run;

pub use run::{run, run_checked, ImportError, ImportOptions, ImportReport, LineError, SweepLine};
