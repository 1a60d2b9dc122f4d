//! The domain's refusals: a stable code, a French message, and the field at fault.

use serde::Serialize;

/// One thing to fix, tied to the field the user must change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, code: &'static str, message: impl Into<String>) -> Self {
        FieldError { field: field.to_string(), code, message: message.into() }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// The input has errors; each one names its field.
    #[error("{} erreur(s) de saisie", .0.len())]
    Invalid(Vec<FieldError>),
    /// The move is not allowed from the saisine's current state.
    #[error("{message}")]
    Refused { code: &'static str, message: String },
}

impl DomainError {
    pub fn invalid(field: &str, code: &'static str, message: impl Into<String>) -> Self {
        DomainError::Invalid(vec![FieldError::new(field, code, message)])
    }

    pub fn refused(code: &'static str, message: impl Into<String>) -> Self {
        DomainError::Refused { code, message: message.into() }
    }

    /// The stable code the API returns.
    pub fn code(&self) -> &'static str {
        match self {
            DomainError::Invalid(errors) if errors.len() == 1 => errors[0].code,
            DomainError::Invalid(_) => "validation",
            DomainError::Refused { code, .. } => code,
        }
    }

    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            DomainError::Invalid(errors) => errors,
            DomainError::Refused { .. } => &[],
        }
    }
}
