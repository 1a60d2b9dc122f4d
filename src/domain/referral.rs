//! A saisine submitted by a partner through the public form: who refers the person, the
//! person's consent, and the facts, checked like any other saisine.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::codes::Channel;
use super::contact::{Email, Phone};
use super::error::{DomainError, FieldError};
use super::saisine::{refuse_masked, AllowedCodes, SaisineDraft, SaisineFacts};
use super::text::non_blank;

/// What the timeline says of a saisine that came through the partner form.
pub const ORIGIN: &str = "déposée par le formulaire partenaire";

/// The most a partner may write about what happened.
pub const MAX_ACCOUNT: usize = 5_000;

/// Who referred the saisine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referral {
    pub organisation: String,
    pub contact_name: String,
    pub contact_email: Email,
    pub contact_phone: Option<Phone>,
}

/// The partner form as typed, kept whole to be shown back with its errors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReferralDraft {
    pub partner: String,
    pub organisation: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub requester_name: String,
    pub nir: String,
    pub email: String,
    pub phone: String,
    pub address: String,
    pub consent: bool,
    pub process: String,
    pub motifs: Vec<String>,
    pub account: String,
}

fn required(value: &str, field: &str, message: &str, max: usize, errors: &mut Vec<FieldError>) -> Option<String> {
    match non_blank(value) {
        None => {
            errors.push(FieldError::new(field, "required", message));
            None
        }
        Some(text) if text.chars().count() > max => {
            errors.push(FieldError::new(field, "too_long", format!("{max} caractères au plus")));
            None
        }
        Some(text) => Some(text),
    }
}

/// A saisine's field error reworded for the partner, who knows neither the mediation's
/// internal words (processus, boîte générique) nor its codes, and reads the form's labels.
fn in_partner_words(mut error: FieldError) -> FieldError {
    let message = match (error.field.as_str(), error.code) {
        ("summary", _) => {
            error.field = "account".into();
            None
        }
        ("process", "required") => Some("choisissez le domaine concerné"),
        ("process", _) => Some("choisissez le domaine concerné dans la liste proposée"),
        ("partner", "required") => Some("choisissez le type de votre organisme"),
        ("partner", _) => Some("choisissez le type de votre organisme dans la liste proposée"),
        ("motifs", "required") => Some("cochez au moins un motif"),
        ("motifs", _) => Some("cochez des motifs parmi ceux proposés"),
        _ => None,
    };
    if let Some(message) = message {
        error.message = message.to_string();
    }
    error
}

impl ReferralDraft {
    /// The saisine it describes: received today by the generic inbox, from an insured person.
    fn saisine_draft(&self, today: NaiveDate) -> SaisineDraft {
        SaisineDraft {
            received_on: today.to_string(),
            channel: Channel::BoiteGenerique.code().into(),
            requester_type: "assure".into(),
            requester_name: self.requester_name.clone(),
            nir: self.nir.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            address: self.address.clone(),
            partner: self.partner.clone(),
            process: self.process.clone(),
            motifs: self.motifs.clone(),
            summary: self.account.clone(),
        }
    }

    /// Checks every field and reports every error at once.
    pub fn validate(&self, allowed: &AllowedCodes, today: NaiveDate) -> Result<(SaisineFacts, Referral), DomainError> {
        let mut errors = Vec::new();
        let facts = match self.saisine_draft(today).validate(allowed, today) {
            Ok(facts) => Some(facts),
            Err(e) => {
                errors.extend(e.field_errors().iter().cloned().map(in_partner_words));
                None
            }
        };
        let organisation = required(&self.organisation, "organisation", "indiquez votre organisme", 200, &mut errors);
        let contact_name = required(&self.contact_name, "contact_name", "indiquez votre nom", 200, &mut errors);
        refuse_masked(&self.contact_name, "contact_name", "votre nom", &mut errors);
        let email_masked = refuse_masked(&self.contact_email, "contact_email", "votre adresse e-mail", &mut errors);
        let contact_email = match non_blank(&self.contact_email) {
            None => {
                errors.push(FieldError::new(
                    "contact_email",
                    "required",
                    "indiquez votre adresse e-mail pour que la médiation puisse vous répondre",
                ));
                None
            }
            Some(_) if email_masked => None,
            Some(text) => text
                .parse::<Email>()
                .map_err(|e| errors.push(FieldError::new("contact_email", "invalid_email", e.to_string())))
                .ok(),
        };
        let contact_phone = non_blank(&self.contact_phone).and_then(|text| {
            text.parse::<Phone>()
                .map_err(|e| errors.push(FieldError::new("contact_phone", "invalid_phone", e.to_string())))
                .ok()
        });
        if self.requester_name.trim().is_empty() {
            errors.push(FieldError::new("requester_name", "required", "indiquez le nom de la personne concernée"));
        }
        if self.account.trim().is_empty() {
            errors.push(FieldError::new("account", "required", "décrivez ce qui s'est passé"));
        } else if self.account.chars().count() > MAX_ACCOUNT {
            errors.retain(|e| !(e.field == "account" && e.code == "too_long"));
            errors.push(FieldError::new("account", "too_long", format!("{MAX_ACCOUNT} caractères au plus")));
        }
        if !self.consent {
            errors.push(FieldError::new(
                "consent",
                "required",
                "la saisine ne peut être transmise qu'avec le consentement de la personne",
            ));
        }
        match (facts, organisation, contact_name, contact_email) {
            (Some(facts), Some(organisation), Some(contact_name), Some(contact_email)) if errors.is_empty() => {
                Ok((facts, Referral { organisation, contact_name, contact_email, contact_phone }))
            }
            _ => Err(DomainError::Invalid(errors)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> ReferralDraft {
        ReferralDraft {
            partner: "association".into(),
            organisation: "Association d'aide".into(),
            contact_name: "Paul Durand".into(),
            contact_email: "paul@asso.fr".into(),
            requester_name: "Jeanne Martin".into(),
            consent: true,
            process: "droits".into(),
            motifs: vec!["information".into()],
            account: "Sans réponse depuis mars.".into(),
            ..ReferralDraft::default()
        }
    }

    fn allowed() -> AllowedCodes {
        AllowedCodes { motifs: vec!["information".into()], partners: vec!["association".into()] }
    }

    #[test]
    fn masked_names_and_addresses_are_refused_on_the_partner_form() {
        let today: NaiveDate = "2026-06-15".parse().unwrap();
        assert!(draft().validate(&allowed(), today).is_ok());
        let masked = ReferralDraft {
            contact_email: "p•••@asso.fr".into(),
            requester_name: "J••• M•••".into(),
            email: "j•••@exemple.fr".into(),
            ..draft()
        };
        let error = masked.validate(&allowed(), today).unwrap_err();
        let mut fields: Vec<(&str, &str)> = error.field_errors().iter().map(|e| (e.field.as_str(), e.code)).collect();
        fields.sort();
        assert_eq!(
            fields,
            [("contact_email", "masked_value"), ("email", "masked_value"), ("requester_name", "masked_value")]
        );
    }

    #[test]
    fn the_partner_reads_what_to_do_in_the_form_s_words_not_the_mediation_s() {
        let today: NaiveDate = "2026-06-15".parse().unwrap();
        let empty = ReferralDraft { partner: String::new(), process: String::new(), motifs: Vec::new(), ..draft() };
        let error = empty.validate(&allowed(), today).unwrap_err();
        let messages: Vec<(&str, &str)> =
            error.field_errors().iter().map(|e| (e.field.as_str(), e.message.as_str())).collect();
        assert!(messages.contains(&("process", "choisissez le domaine concerné")), "{messages:?}");
        assert!(messages.contains(&("partner", "choisissez le type de votre organisme")), "{messages:?}");
        assert!(messages.contains(&("motifs", "cochez au moins un motif")), "{messages:?}");
        let unknown =
            ReferralDraft { partner: "autre".into(), process: "x".into(), motifs: vec!["y".into()], ..draft() };
        let error = unknown.validate(&allowed(), today).unwrap_err();
        for e in error.field_errors() {
            for jargon in ["processus", "générique", "«", "code"] {
                assert!(!e.message.contains(jargon), "{jargon} in « {} »", e.message);
            }
        }
    }
}
