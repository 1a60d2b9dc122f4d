//! E-mail addresses and phone numbers: checked on input, masked in lists.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContactError {
    #[error("adresse e-mail invalide : attendu un format comme prenom.nom@exemple.fr")]
    Email,
    #[error("numéro de téléphone invalide : 10 chiffres (01 23 45 67 89) ou format international (+33 1 23 45 67 89)")]
    Phone,
}

/// An e-mail address with a plausible shape (the only real check is a message that arrives).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// First letter of the local part, then the domain: `j•••@exemple.fr`.
    pub fn masked(&self) -> String {
        mask_email(&self.0)
    }
}

/// Masks any stored address, even one that predates validation.
pub fn mask_email(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}•••@{domain}")
        }
        None => "•••".to_string(),
    }
}

impl FromStr for Email {
    type Err = ContactError;
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let address = input.trim();
        let (local, domain) = address.split_once('@').ok_or(ContactError::Email)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !domain.contains('@');
        let shape_ok = !local.is_empty()
            && domain_ok
            && address.len() <= 254
            && !address.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'));
        if shape_ok {
            Ok(Email(address.to_string()))
        } else {
            Err(ContactError::Email)
        }
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The character masked exports and lists put in place of hidden letters and digits.
pub const MASKING_CHARACTER: char = '•';

/// Whether a text holds masking characters: copied from a masked list or export, it is not
/// the real name or address and must not replace it.
pub fn has_masking_characters(text: &str) -> bool {
    text.contains(MASKING_CHARACTER)
}

/// A phone number, kept as typed (digits, spaces, dots, a leading +).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn masked(&self) -> String {
        mask_phone(&self.0)
    }
}

/// Only the last two digits stay: `•• •• •• •• 78`.
pub fn mask_phone(number: &str) -> String {
    let digits: Vec<char> = number.chars().filter(char::is_ascii_digit).collect();
    let tail: String = digits.iter().skip(digits.len().saturating_sub(2)).collect();
    format!("•• •• •• •• {tail}")
}

impl FromStr for Phone {
    type Err = ContactError;
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let number = input.trim();
        let allowed = number
            .char_indices()
            .all(|(i, c)| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-') || (i == 0 && c == '+'));
        let digits = number.chars().filter(char::is_ascii_digit).count();
        let international = number.starts_with('+');
        let count_ok = if international { (8..=15).contains(&digits) } else { digits == 10 };
        if allowed && count_ok {
            Ok(Phone(number.to_string()))
        } else {
            Err(ContactError::Phone)
        }
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert!("jeanne.martin@exemple.fr".parse::<Email>().is_ok());
        for bad in ["jeanne", "@exemple.fr", "j@exemple", "j m@exemple.fr", "j@.fr", "j@exemple..fr"] {
            assert!(bad.parse::<Email>().is_err(), "{bad}");
        }
        assert_eq!("jeanne@exemple.fr".parse::<Email>().unwrap().masked(), "j•••@exemple.fr");
    }

    #[test]
    fn masked_values_are_recognised() {
        assert!(has_masking_characters(&mask_email("jeanne@exemple.fr")));
        assert!(has_masking_characters("J••• M•••"));
        assert!(!has_masking_characters("Jeanne Martin"));
    }

    #[test]
    fn phones() {
        assert!("06 12 34 56 78".parse::<Phone>().is_ok());
        assert!("+33 6 12 34 56 78".parse::<Phone>().is_ok());
        assert!("06 12 34".parse::<Phone>().is_err());
        assert!("06-12-34-56-7a".parse::<Phone>().is_err());
        assert_eq!(mask_phone("06 12 34 56 78"), "•• •• •• •• 78");
    }
}
