//! What an account must be: a valid e-mail address and a display name.

use super::contact::Email;
use super::error::{DomainError, FieldError};

/// The identity an administrator gives an account; every error is reported at once.
pub fn check_identity(email: &str, name: &str) -> Result<(), DomainError> {
    let mut errors = Vec::new();
    if email.parse::<Email>().is_err() {
        errors.push(FieldError::new("email", "invalid_email", "adresse e-mail invalide"));
    }
    if name.trim().is_empty() || name.chars().count() > 100 {
        errors.push(FieldError::new("display_name", "required", "indiquez le nom affiché (100 caractères au plus)"));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(DomainError::Invalid(errors))
    }
}
