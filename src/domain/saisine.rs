//! The recorded facts of a saisine (who, how, about what) and their validation.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::codes::{Channel, Process, RequesterType};
use super::contact::{has_masking_characters, Email, Phone};
use super::dates::parse_date;
use super::error::{DomainError, FieldError};
use super::nir::Nir;
use super::text::non_blank;

/// A saisine's database identifier (never shown to users: they see the reference).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SaisineId(pub i32);

/// A saisine as stored: its facts, where it stands, and its reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saisine {
    pub id: SaisineId,
    pub reference: super::reference::Reference,
    pub facts: SaisineFacts,
    pub lifecycle: super::lifecycle::Lifecycle,
    /// The mediator in charge, if any.
    pub assigned_to: Option<crate::auth::UserId>,
    /// The partner who submitted it through the public form.
    pub referral: Option<super::referral::Referral>,
    /// The reference another system gave it, when it was imported from there.
    pub external_reference: Option<String>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    /// Received by e-mail, its process and motifs not chosen yet (« à qualifier »).
    pub to_qualify: bool,
}

/// A motif code from the reference table (administrators can add some).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MotifCode(pub String);

/// A partner code from the reference table.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PartnerCode(pub String);

/// The person who asks for mediation; every part is optional (an anonymous call happens).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Requester {
    pub name: Option<String>,
    pub nir: Option<Nir>,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub address: Option<String>,
}

/// A saisine's recorded facts, valid by construction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaisineFacts {
    pub received_on: NaiveDate,
    pub channel: Channel,
    pub requester_type: RequesterType,
    pub requester: Requester,
    pub partner: Option<PartnerCode>,
    pub process: Process,
    pub motifs: Vec<MotifCode>,
    pub summary: Option<String>,
}

/// What the user typed, as text: kept whole to be shown back with the errors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SaisineDraft {
    pub received_on: String,
    pub channel: String,
    pub requester_type: String,
    pub requester_name: String,
    pub nir: String,
    pub email: String,
    pub phone: String,
    pub address: String,
    pub partner: String,
    pub process: String,
    pub motifs: Vec<String>,
    pub summary: String,
}

/// The codes of the reference tables a saisine may use.
#[derive(Debug, Clone, Default)]
pub struct AllowedCodes {
    pub motifs: Vec<String>,
    pub partners: Vec<String>,
}

const MAX_NAME: usize = 200;
const MAX_ADDRESS: usize = 500;
const MAX_SUMMARY: usize = 10_000;

impl SaisineDraft {
    /// Checks every field and reports every error at once.
    pub fn validate(&self, allowed: &AllowedCodes, today: NaiveDate) -> Result<SaisineFacts, DomainError> {
        let mut errors = Vec::new();
        let received_on = self.check_received_on(today, &mut errors);
        let channel = required_code(&self.channel, "channel", "le canal de réception", &mut errors);
        let requester_type = required_code(&self.requester_type, "requester_type", "le type de demandeur", &mut errors);
        let process = required_code(&self.process, "process", "le processus concerné", &mut errors);
        let requester = self.check_requester(&mut errors);
        let partner = self.check_partner(channel, allowed, &mut errors);
        let motifs = self.check_motifs(allowed, &mut errors);
        let summary = bounded_text(&self.summary, "summary", MAX_SUMMARY, &mut errors);
        match (received_on, channel, requester_type, process) {
            (Some(received_on), Some(channel), Some(requester_type), Some(process)) if errors.is_empty() => {
                Ok(SaisineFacts { received_on, channel, requester_type, requester, partner, process, motifs, summary })
            }
            _ => Err(DomainError::Invalid(errors)),
        }
    }

    fn check_received_on(&self, today: NaiveDate, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
        if self.received_on.trim().is_empty() {
            errors.push(FieldError::new("received_on", "required", "indiquez la date de réception"));
            return None;
        }
        let Some(date) = parse_date(&self.received_on) else {
            errors.push(FieldError::new(
                "received_on",
                "invalid_date",
                "date invalide : attendu JJ/MM/AAAA ou AAAA-MM-JJ",
            ));
            return None;
        };
        if date > today {
            errors.push(FieldError::new(
                "received_on",
                "date_future",
                "la date de réception ne peut pas être dans le futur",
            ));
            return None;
        }
        if date.year() < 2000 {
            errors.push(FieldError::new(
                "received_on",
                "date_too_old",
                "la date de réception doit être postérieure à l'an 2000",
            ));
            return None;
        }
        Some(date)
    }

    fn check_requester(&self, errors: &mut Vec<FieldError>) -> Requester {
        refuse_masked(&self.requester_name, "requester_name", "le nom", errors);
        refuse_masked(&self.email, "email", "l'adresse e-mail", errors);
        let name = bounded_text(&self.requester_name, "requester_name", MAX_NAME, errors)
            .filter(|name| !has_masking_characters(name));
        let address = bounded_text(&self.address, "address", MAX_ADDRESS, errors);
        let nir = optional_parsed(&self.nir, "nir", "invalid_nir", errors);
        let email = if has_masking_characters(&self.email) {
            None
        } else {
            optional_parsed(&self.email, "email", "invalid_email", errors)
        };
        let phone = optional_parsed(&self.phone, "phone", "invalid_phone", errors);
        Requester { name, nir, email, phone, address }
    }

    fn check_partner(
        &self,
        channel: Option<Channel>,
        allowed: &AllowedCodes,
        errors: &mut Vec<FieldError>,
    ) -> Option<PartnerCode> {
        let Some(code) = non_blank(&self.partner) else {
            if channel == Some(Channel::BoiteGenerique) {
                errors.push(FieldError::new(
                    "partner",
                    "required",
                    "une saisine de la boîte générique indique le partenaire qui l'adresse",
                ));
            }
            return None;
        };
        if allowed.partners.contains(&code) {
            Some(PartnerCode(code))
        } else {
            errors.push(FieldError::new(
                "partner",
                "unknown_code",
                format!("partenaire inconnu ou retiré : « {code} »"),
            ));
            None
        }
    }

    fn check_motifs(&self, allowed: &AllowedCodes, errors: &mut Vec<FieldError>) -> Vec<MotifCode> {
        let mut motifs: Vec<MotifCode> = Vec::new();
        for code in self.motifs.iter().filter_map(|m| non_blank(m)) {
            if !allowed.motifs.contains(&code) {
                errors.push(FieldError::new("motifs", "unknown_code", format!("motif inconnu ou retiré : « {code} »")));
            } else if !motifs.iter().any(|m| m.0 == code) {
                motifs.push(MotifCode(code));
            }
        }
        if motifs.is_empty() && !errors.iter().any(|e| e.field == "motifs") {
            errors.push(FieldError::new("motifs", "required", "choisissez au moins un motif"));
        }
        motifs.sort();
        motifs
    }
}

/// A masked value (`J••• M•••`, `j•••@exemple.fr`) copied from a list or an export is not the
/// real one: refused, so that it never replaces it.
pub fn refuse_masked(input: &str, field: &str, what: &str, errors: &mut Vec<FieldError>) -> bool {
    let masked = has_masking_characters(input);
    if masked {
        errors.push(FieldError::new(
            field,
            "masked_value",
            format!("{what} contient des caractères de masquage (•) : saisissez la valeur complète"),
        ));
    }
    masked
}

fn required_code<T: std::str::FromStr + Copy>(
    input: &str,
    field: &str,
    what: &str,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    if input.trim().is_empty() {
        errors.push(FieldError::new(field, "required", format!("indiquez {what}")));
        return None;
    }
    match input.parse() {
        Ok(value) => Some(value),
        Err(_) => {
            errors.push(FieldError::new(
                field,
                "unknown_code",
                format!("valeur inconnue pour {what} : « {} »", input.trim()),
            ));
            None
        }
    }
}

fn optional_parsed<T>(input: &str, field: &str, code: &'static str, errors: &mut Vec<FieldError>) -> Option<T>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    let text = non_blank(input)?;
    match text.parse() {
        Ok(value) => Some(value),
        Err(e) => {
            errors.push(FieldError::new(field, code, e.to_string()));
            None
        }
    }
}

fn bounded_text(input: &str, field: &str, max: usize, errors: &mut Vec<FieldError>) -> Option<String> {
    let text = non_blank(input)?;
    if text.chars().count() > max {
        errors.push(FieldError::new(field, "too_long", format!("{max} caractères au plus")));
        return None;
    }
    Some(text)
}

impl SaisineFacts {
    /// The facts as a draft again: the edit form starts from it.
    pub fn to_draft(&self) -> SaisineDraft {
        let text = |o: &Option<String>| o.clone().unwrap_or_default();
        SaisineDraft {
            received_on: self.received_on.to_string(),
            channel: self.channel.code().into(),
            requester_type: self.requester_type.code().into(),
            requester_name: text(&self.requester.name),
            nir: self.requester.nir.as_ref().map(Nir::formatted).unwrap_or_default(),
            email: self.requester.email.as_ref().map(|e| e.to_string()).unwrap_or_default(),
            phone: self.requester.phone.as_ref().map(|p| p.to_string()).unwrap_or_default(),
            address: text(&self.requester.address),
            partner: self.partner.as_ref().map(|p| p.0.clone()).unwrap_or_default(),
            process: self.process.code().into(),
            motifs: self.motifs.iter().map(|m| m.0.clone()).collect(),
            summary: text(&self.summary),
        }
    }
}

/// A saisine goes to an existing, active account that works on saisines (given as its
/// `(active, works on saisines)`), or to nobody.
pub fn check_assignee(account: Option<(bool, bool)>) -> Result<(), DomainError> {
    match account {
        Some((true, true)) => Ok(()),
        _ => Err(DomainError::invalid(
            "assignee",
            "unknown_assignee",
            "ce compte n'existe pas ou ne peut pas recevoir de saisines",
        )),
    }
}
