//! The saisine form as the browser sends it, and how it is shown back with its errors.

use std::collections::BTreeMap;

use rocket::FromForm;
use serde::Serialize;

use crate::domain::{FieldError, SaisineDraft};

#[derive(Debug, Default, FromForm)]
pub struct SaisineForm {
    pub received_on: Option<String>,
    pub channel: Option<String>,
    pub requester_type: Option<String>,
    pub requester_name: Option<String>,
    pub nir: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub partner: Option<String>,
    pub process: Option<String>,
    pub motifs: Vec<String>,
    pub summary: Option<String>,
}

impl SaisineForm {
    pub fn into_draft(self) -> SaisineDraft {
        let text = |v: Option<String>| v.unwrap_or_default();
        SaisineDraft {
            received_on: text(self.received_on),
            channel: text(self.channel),
            requester_type: text(self.requester_type),
            requester_name: text(self.requester_name),
            nir: text(self.nir),
            email: text(self.email),
            phone: text(self.phone),
            address: text(self.address),
            partner: text(self.partner),
            process: text(self.process),
            motifs: self.motifs,
            summary: text(self.summary),
        }
    }
}

/// Errors keyed by field for the template, plus the ordered list for the summary at the top.
#[derive(Debug, Default, Serialize)]
pub struct FormErrors {
    pub by_field: BTreeMap<String, String>,
    pub list: Vec<FieldError>,
}

impl FormErrors {
    pub fn new(errors: &[FieldError]) -> Self {
        let mut by_field: BTreeMap<String, String> = BTreeMap::new();
        for error in errors {
            by_field
                .entry(error.field.clone())
                .and_modify(|m| {
                    m.push_str(" ; ");
                    m.push_str(&error.message)
                })
                .or_insert_with(|| error.message.clone());
        }
        FormErrors { by_field, list: errors.to_vec() }
    }
}
