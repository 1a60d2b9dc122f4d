//! Reading files in the CSV interchange format: encoding and separator detection, records
//! numbered as a spreadsheet numbers its rows. The import use case is `app::import`.

pub mod reader;
