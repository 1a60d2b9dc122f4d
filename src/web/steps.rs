//! The moves on a saisine as the page and the API name them, and their input.

use rocket::request::FromParam;
use rocket::FromForm;
use serde::{Deserialize, Serialize};

use crate::domain::dates::parse_date;
use crate::domain::{Action, DomainError, Outcome};

/// The URL slug of each move: `/saisines/<ref>/<slug>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    TakeUp,
    Note,
    RequestDocuments,
    ReceiveDocuments,
    Close,
    Reopen,
}

impl Step {
    pub fn slug(self) -> &'static str {
        match self {
            Step::TakeUp => "prise-en-charge",
            Step::Note => "notes",
            Step::RequestDocuments => "demande-pieces",
            Step::ReceiveDocuments => "reception-pieces",
            Step::Close => "cloture",
            Step::Reopen => "reouverture",
        }
    }

    /// What the page says once it is done.
    pub fn done_message(self) -> &'static str {
        match self {
            Step::TakeUp => "Saisine prise en charge.",
            Step::Note => "Note ajoutée.",
            Step::RequestDocuments => "Demande de pièces enregistrée.",
            Step::ReceiveDocuments => "Réception des pièces enregistrée.",
            Step::Close => "Saisine clôturée.",
            Step::Reopen => "Saisine rouverte.",
        }
    }
}

impl<'a> FromParam<'a> for Step {
    type Error = &'a str;

    fn from_param(param: &'a str) -> Result<Self, Self::Error> {
        [Step::TakeUp, Step::Note, Step::RequestDocuments, Step::ReceiveDocuments, Step::Close, Step::Reopen]
            .into_iter()
            .find(|s| s.slug() == param)
            .ok_or(param)
    }
}

/// Every field a move may take; each move reads the ones it needs. The same struct reads
/// an HTML form and a JSON body.
#[derive(Debug, Clone, Default, FromForm, Serialize, Deserialize)]
#[serde(default)]
pub struct StepInput {
    pub date: Option<String>,
    pub due_on: Option<String>,
    pub description: Option<String>,
    pub outcome: Option<String>,
    pub summary: Option<String>,
    pub reason: Option<String>,
    pub text: Option<String>,
    /// The letter the step proposes: `apercu` shows it to edit, `courriel` or `courrier`
    /// sends it with the step (in the same transaction); empty: no letter.
    pub letter: Option<String>,
    pub letter_subject: Option<String>,
    pub letter_body: Option<String>,
    /// `true`: the closing answer by e-mail carries the satisfaction form's link.
    pub satisfaction: Option<String>,
}

fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

fn date_field(
    value: &Option<String>,
    field: &str,
    default: Option<chrono::NaiveDate>,
) -> Result<chrono::NaiveDate, DomainError> {
    match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => default.ok_or_else(|| DomainError::invalid(field, "required", "indiquez une date")),
        Some(v) => parse_date(v).ok_or_else(|| {
            DomainError::invalid(field, "invalid_date", "date invalide : attendu JJ/MM/AAAA ou AAAA-MM-JJ")
        }),
    }
}

impl StepInput {
    /// The domain move this input asks for; the date defaults to today. `None` for a note.
    pub fn to_action(&self, step: Step, today: chrono::NaiveDate) -> Result<Option<Action>, DomainError> {
        let on = date_field(&self.date, "date", Some(today))?;
        Ok(Some(match step {
            Step::Note => return Ok(None),
            Step::TakeUp => Action::TakeUp { on },
            Step::RequestDocuments => Action::RequestDocuments {
                on,
                due_on: date_field(&self.due_on, "due_on", None)?,
                description: text(&self.description),
            },
            Step::ReceiveDocuments => Action::ReceiveDocuments { on },
            Step::Close => Action::Close { on, outcome: self.outcome()?, summary: text(&self.summary) },
            Step::Reopen => Action::Reopen { on, reason: text(&self.reason) },
        }))
    }

    fn outcome(&self) -> Result<Option<Outcome>, DomainError> {
        match self.outcome.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(code) => code
                .parse()
                .map(Some)
                .map_err(|_| DomainError::invalid("outcome", "unknown_code", format!("suite inconnue : « {code} »"))),
        }
    }

    pub fn note_text(&self) -> String {
        text(&self.text)
    }
}
