//! The satisfaction form offered with a closing answer: three questions, a single-use link.

use serde::Serialize;

use super::error::{DomainError, FieldError};

/// How long the link in the answer stays valid.
pub const VALID_DAYS: i64 = 30;
const MAX_COMMENT: usize = 2000;

/// "Êtes-vous satisfait du traitement de votre demande ?"
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Handling {
    Yes,
    RatherYes,
    RatherNo,
    No,
}

impl Handling {
    pub const ALL: [Handling; 4] = [Handling::Yes, Handling::RatherYes, Handling::RatherNo, Handling::No];

    pub fn code(self) -> &'static str {
        match self {
            Handling::Yes => "oui",
            Handling::RatherYes => "plutot_oui",
            Handling::RatherNo => "plutot_non",
            Handling::No => "non",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Handling::Yes => "Oui",
            Handling::RatherYes => "Plutôt oui",
            Handling::RatherNo => "Plutôt non",
            Handling::No => "Non",
        }
    }

    pub fn from_code(code: &str) -> Option<Handling> {
        Self::ALL.into_iter().find(|h| h.code() == code)
    }

    /// Counted as satisfied in the rate: "oui" and "plutôt oui".
    pub fn satisfied(self) -> bool {
        matches!(self, Handling::Yes | Handling::RatherYes)
    }
}

/// The three answers, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyAnswer {
    pub handling: Handling,
    pub understood: bool,
    pub comment: Option<String>,
}

impl SurveyAnswer {
    pub fn check(handling: &str, understood: &str, comment: &str) -> Result<SurveyAnswer, DomainError> {
        let mut errors = Vec::new();
        let handling = Handling::from_code(handling.trim());
        if handling.is_none() {
            errors.push(FieldError::new("handling", "required", "indiquez si vous êtes satisfait du traitement"));
        }
        let understood = match understood.trim() {
            "oui" => Some(true),
            "non" => Some(false),
            _ => {
                errors.push(FieldError::new("understood", "required", "indiquez si la réponse vous a paru claire"));
                None
            }
        };
        if comment.chars().count() > MAX_COMMENT {
            errors.push(FieldError::new("comment", "too_long", format!("{MAX_COMMENT} caractères au plus")));
        }
        match (handling, understood) {
            (Some(handling), Some(understood)) if errors.is_empty() => {
                Ok(SurveyAnswer { handling, understood, comment: super::text::non_blank(comment) })
            }
            _ => Err(DomainError::Invalid(errors)),
        }
    }
}

/// The rate the report shows: satisfied answers over all answers, in percent.
pub fn rate(answers: i64, satisfied: i64) -> Option<i64> {
    (answers > 0).then(|| (satisfied * 100 + answers / 2) / answers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_answer_is_checked_without_panic(h in "\\PC{0,20}", u in "\\PC{0,10}", c in "\\PC{0,100}") {
            let _ = SurveyAnswer::check(&h, &u, &c);
        }
    }

    #[test]
    fn answers_are_checked_and_the_rate_rounds() {
        let ok = SurveyAnswer::check("plutot_oui", "oui", "  Merci  ").unwrap();
        assert!(ok.handling.satisfied() && ok.understood && ok.comment.as_deref() == Some("Merci"));
        let e = SurveyAnswer::check("peut-être", "", &"x".repeat(2001)).unwrap_err();
        assert_eq!(e.field_errors().len(), 3);
        assert_eq!(rate(0, 0), None);
        assert_eq!(rate(3, 2), Some(67));
    }
}
