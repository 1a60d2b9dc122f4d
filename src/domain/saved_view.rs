//! Saved views: a list's query string kept under a name. The rules for the name, and the one
//! canonical form of a query string (what is stored, and what the navigation compares with
//! the list being shown).

use chrono::{Datelike, NaiveDate};

use super::error::{DomainError, FieldError};
use super::text::normalize_key;

/// Longest name, in characters: it fits the navigation.
pub const MAX_NAME: usize = 60;
/// Longest query string kept (a list's filters are far shorter).
pub const MAX_QUERY: usize = 2_000;

/// Whose view: the owner's alone, or everybody's in the team.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Private,
    Shared,
}

/// A checked name: trimmed, inner spaces collapsed, with its folded key (case and accents
/// ignored) that makes names unique.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewName {
    pub name: String,
    pub key: String,
}

impl ViewName {
    pub fn parse(typed: &str) -> Result<ViewName, DomainError> {
        let name = typed.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(DomainError::invalid("name", "name_missing", "Donnez un nom à la vue."));
        }
        if name.chars().any(char::is_control) {
            return Err(DomainError::invalid(
                "name",
                "name_invalid",
                "Le nom ne peut contenir que du texte : retirez les caractères spéciaux invisibles.",
            ));
        }
        let length = name.chars().count();
        if length > MAX_NAME {
            return Err(DomainError::invalid(
                "name",
                "name_too_long",
                format!("Raccourcissez le nom : {MAX_NAME} caractères au plus (il en compte {length})."),
            ));
        }
        Ok(ViewName { key: normalize_key(&name), name })
    }

    /// The error when the name is already taken where the view would live.
    pub fn taken(&self, scope: Scope) -> DomainError {
        let message = match scope {
            Scope::Private => format!("Vous avez déjà une vue nommée « {} » : choisissez un autre nom.", self.name),
            Scope::Shared => {
                format!("Une vue partagée s'appelle déjà « {} » : choisissez un autre nom.", self.name)
            }
        };
        DomainError::invalid("name", "name_taken", message)
    }
}

/// Query-string keys that are never kept: where a page starts, and the API's page size.
const NOT_KEPT: &[&str] = &["after", "before", "limit"];

/// The canonical form of a list's query string: blank values and page cursors dropped, the
/// pairs sorted by name (a filter's meaning does not depend on its place), encoded again.
/// Unknown names are kept: a view stores whatever the list understands, now and later.
pub fn normalise_query(raw: &str) -> String {
    let raw = raw.strip_prefix('?').unwrap_or(raw);
    let mut pairs: Vec<(String, String)> = url::form_urlencoded::parse(raw.as_bytes())
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .filter(|(k, v)| !k.is_empty() && !v.is_empty() && !NOT_KEPT.contains(&k.as_str()))
        .collect();
    // Stable: repeated names keep their order.
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
}

/// A query string a view may keep: already normalised, and not too long.
pub fn check_query(normalised: &str) -> Result<(), FieldError> {
    if normalised.len() > MAX_QUERY {
        return Err(FieldError::new("query", "query_too_long", "Cette liste a trop de filtres pour être enregistrée."));
    }
    Ok(())
}

/// The first and last days of the month of `today` (a date in France): « clôturées ce mois-ci ».
pub fn month_of(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = today.with_day(1).unwrap_or(today);
    let next = first.checked_add_months(chrono::Months::new(1)).unwrap_or(first);
    (first, next.pred_opt().unwrap_or(today))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_folded_and_bounded() {
        let name = ViewName::parse("  À   qualifier ").unwrap();
        assert_eq!((name.name.as_str(), name.key.as_str()), ("À qualifier", "a qualifier"));
        assert_eq!(ViewName::parse(" \t ").unwrap_err().code(), "name_missing");
        assert_eq!(ViewName::parse("a\u{0}b").unwrap_err().code(), "name_invalid");
        assert!(ViewName::parse(&"é".repeat(MAX_NAME)).is_ok());
        assert_eq!(ViewName::parse(&"é".repeat(MAX_NAME + 1)).unwrap_err().code(), "name_too_long");
    }

    #[test]
    fn queries_lose_cursors_and_blanks_and_are_sorted() {
        assert_eq!(
            normalise_query("?status=recue&after=2026-03-01.12&channel=&q=B%C5%93uf+%26+fils&assigned=me&limit=5"),
            "assigned=me&q=B%C5%93uf+%26+fils&status=recue"
        );
        assert_eq!(normalise_query("a_qualifier=oui&before=x"), "a_qualifier=oui");
        assert_eq!(normalise_query(""), "");
        assert_eq!(normalise_query(&normalise_query("q=%C3%A9+t%C3%A9&x=1")), normalise_query("x=1&q=é té"));
    }

    #[test]
    fn a_month_runs_from_its_first_to_its_last_day() {
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(month_of(day("2026-02-14")), (day("2026-02-01"), day("2026-02-28")));
        assert_eq!(month_of(day("2028-02-29")), (day("2028-02-01"), day("2028-02-29")));
        assert_eq!(month_of(day("2026-12-31")), (day("2026-12-01"), day("2026-12-31")));
    }
}
