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

    pub fn search_key(&self) -> String {
        email_search_key(&self.0)
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
    /// The syntax is RFC 5322's as the `email_address` crate checks it, without a display
    /// name or a domain literal, and with a dot in the domain (`exemple.fr`, not `exemple`).
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let address = input.trim();
        let options = email_address::Options {
            minimum_sub_domains: 2,
            allow_domain_literal: false,
            allow_display_text: false,
            allow_long_local_parts: false,
        };
        match email_address::EmailAddress::parse_with_options(address, options) {
            Ok(parsed) if parsed.as_str() == address => Ok(Email(address.to_string())),
            _ => Err(ContactError::Email),
        }
    }
}

/// The form an address is searched by: trimmed and lower-cased.
pub fn email_search_key(address: &str) -> String {
    address.trim().to_lowercase()
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

    pub fn search_key(&self) -> String {
        phone_search_key(&self.0)
    }
}

/// The form a number is searched by: its digits, a French number written internationally
/// (`+33 6 12 34 56 78`) as it is dialled at home (`0612345678`).
pub fn phone_search_key(number: &str) -> String {
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    match digits.strip_prefix("33") {
        Some(national) if number.trim_start().starts_with('+') && national.len() == 9 => format!("0{national}"),
        _ => digits,
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
        for bad in ["Jeanne <jeanne@exemple.fr>", "jeanne@[127.0.0.1]", "jeanne@exemple.fr.", ".jeanne@exemple.fr"] {
            assert!(bad.parse::<Email>().is_err(), "{bad}");
        }
    }

    #[test]
    fn search_keys() {
        assert_eq!("Jeanne.Martin@Exemple.FR".parse::<Email>().unwrap().search_key(), "jeanne.martin@exemple.fr");
        assert_eq!("06 12 34 56 78".parse::<Phone>().unwrap().search_key(), "0612345678");
        assert_eq!("+33 6 12 34 56 78".parse::<Phone>().unwrap().search_key(), "0612345678");
        assert_eq!("+32 2 123 45 67".parse::<Phone>().unwrap().search_key(), "3221234567");
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
