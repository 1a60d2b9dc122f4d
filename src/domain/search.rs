//! What the text of the search box looks for: a personal datum matched exactly on its
//! normalised form (NIR, e-mail, phone), or a reference, a reference number or part of a name.

use super::contact::{email_search_key, mask_email, mask_phone, Email, Phone};
use super::nir::Nir;

/// The personal data a saisine can be found by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonalKind {
    Nir,
    Email,
    Phone,
}

impl PersonalKind {
    /// The word the audit log records.
    pub fn code(self) -> &'static str {
        match self {
            PersonalKind::Nir => "nir",
            PersonalKind::Email => "email",
            PersonalKind::Phone => "telephone",
        }
    }
}

/// A personal datum in its stored, normalised form: the NIR's 15 characters without spaces,
/// the e-mail lower-cased, the phone's digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonalKey {
    pub kind: PersonalKind,
    pub key: String,
}

impl PersonalKey {
    /// What the audit log keeps of the searched value: the kind and the masked value, as the
    /// lists show it, never the value in clear.
    pub fn audit_details(&self) -> String {
        let masked = match self.kind {
            PersonalKind::Nir => self.key.parse::<Nir>().map(|n| n.masked()).unwrap_or_else(|_| "•••".into()),
            PersonalKind::Email => mask_email(&self.key),
            PersonalKind::Phone => mask_phone(&self.key),
        };
        format!("recherche par {} : {masked}", self.kind.code())
    }
}

/// A search, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchTerm {
    /// Exact match on a personal datum (mediators and administrators only, audited).
    Personal(PersonalKey),
    /// A reference or its beginning (`2026-00`), a reference number without its year (`36`,
    /// `0036`), or part of a name, accents and ligatures folded.
    Text(String),
}

impl SearchTerm {
    /// Reads the search box: an address with `@` is an e-mail, a valid NIR (spaces allowed) is
    /// a NIR, a valid phone number is a phone; anything else is searched as text. Control
    /// characters (NUL, line breaks pasted with the text) separate words like spaces: nothing
    /// stored holds them, and PostgreSQL refuses a NUL in a query.
    pub fn parse(input: &str) -> SearchTerm {
        let spaced: String = input.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        let text = spaced.trim();
        if text.contains('@') {
            if let Ok(email) = text.parse::<Email>() {
                return SearchTerm::personal(PersonalKind::Email, email.search_key());
            }
            return SearchTerm::personal(PersonalKind::Email, email_search_key(text));
        }
        if let Ok(nir) = text.parse::<Nir>() {
            return SearchTerm::personal(PersonalKind::Nir, nir.as_str().to_string());
        }
        if let Ok(phone) = text.parse::<Phone>() {
            return SearchTerm::personal(PersonalKind::Phone, phone.search_key());
        }
        SearchTerm::Text(text.to_string())
    }

    fn personal(kind: PersonalKind, key: String) -> SearchTerm {
        SearchTerm::Personal(PersonalKey { kind, key })
    }

    pub fn personal_key(&self) -> Option<&PersonalKey> {
        match self {
            SearchTerm::Personal(key) => Some(key),
            SearchTerm::Text(_) => None,
        }
    }
}

/// The number part of the references a bare number designates (`36` and `0036` → `0036`, in
/// every year: what follows `2026-`), or `None` when the text is not a bare number.
pub fn reference_number(text: &str) -> Option<String> {
    let text = text.trim();
    if text.is_empty() || text.len() > 9 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number: u32 = text.parse().ok()?;
    (number > 0).then(|| format!("{number:04}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_separate_words_and_never_reach_a_query() {
        assert_eq!(SearchTerm::parse("\0dubois\u{0}jean\r\n"), SearchTerm::Text("dubois jean".into()));
        assert_eq!(SearchTerm::parse("\u{7f}"), SearchTerm::Text(String::new()));
        assert_eq!(
            SearchTerm::parse("jeanne.martin@exemple.fr\0"),
            SearchTerm::Personal(PersonalKey { kind: PersonalKind::Email, key: "jeanne.martin@exemple.fr".into() })
        );
    }

    #[test]
    fn personal_data_is_recognised_and_normalised() {
        assert_eq!(
            SearchTerm::parse(" Jeanne.Martin@Exemple.fr "),
            SearchTerm::Personal(PersonalKey { kind: PersonalKind::Email, key: "jeanne.martin@exemple.fr".into() })
        );
        assert_eq!(
            SearchTerm::parse("2 55 08 14 168 025 38"),
            SearchTerm::Personal(PersonalKey { kind: PersonalKind::Nir, key: "255081416802538".into() })
        );
        assert_eq!(
            SearchTerm::parse("06.12.34.56.78"),
            SearchTerm::Personal(PersonalKey { kind: PersonalKind::Phone, key: "0612345678".into() })
        );
        assert_eq!(SearchTerm::parse("Bœuf"), SearchTerm::Text("Bœuf".into()));
        assert_eq!(SearchTerm::parse("2026-0036"), SearchTerm::Text("2026-0036".into()));
    }

    #[test]
    fn the_audit_never_holds_the_value_in_clear() {
        let SearchTerm::Personal(key) = SearchTerm::parse("2 55 08 14 168 025 38") else { panic!() };
        let details = key.audit_details();
        assert!(details.starts_with("recherche par nir"));
        assert!(!details.contains("168") && !details.contains("255081416802538"), "{details}");
        let SearchTerm::Personal(key) = SearchTerm::parse("jeanne@exemple.fr") else { panic!() };
        assert!(!key.audit_details().contains("jeanne"));
        let SearchTerm::Personal(key) = SearchTerm::parse("06 12 34 56 78") else { panic!() };
        assert!(!key.audit_details().contains("12 34 56"));
    }

    #[test]
    fn bare_numbers_designate_a_sequence_in_every_year() {
        assert_eq!(reference_number("36").as_deref(), Some("0036"));
        assert_eq!(reference_number("0036").as_deref(), Some("0036"));
        assert_eq!(reference_number("000036").as_deref(), Some("0036"));
        assert_eq!(reference_number("12345").as_deref(), Some("12345"));
        assert_eq!(reference_number("0"), None);
        assert_eq!(reference_number("36a"), None);
        assert_eq!(reference_number("٣٦"), None, "Arabic-Indic digits are not a reference number");
    }
}
