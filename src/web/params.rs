//! Request parameters shared by pages and API: references in paths, list filters in queries.

use rocket::request::FromParam;
use rocket::FromForm;

use crate::auth::{Role, UserId};
use crate::db::list::{Assignee, Cursor, DueFilter, ListFilter, SortOrder};
use crate::domain::reference::InvalidReference;
use crate::domain::search::SearchTerm;
use crate::domain::text::non_blank;
use crate::domain::{DomainError, FieldError, Reference};
use crate::web::sorting::Sorting;

impl<'a> FromParam<'a> for Reference {
    type Error = InvalidReference;

    fn from_param(param: &'a str) -> Result<Self, Self::Error> {
        param.parse()
    }
}

/// The list's query string: the same names on the page and in the API.
#[derive(Debug, Clone, Default, FromForm, serde::Serialize)]
pub struct ListQuery {
    pub status: Option<String>,
    pub channel: Option<String>,
    pub process: Option<String>,
    pub motif: Option<String>,
    pub partner: Option<String>,
    pub year: Option<String>,
    pub q: Option<String>,
    pub sort: Option<String>,
    pub after: Option<String>,
    /// The page that ends just before this cursor (the "page précédente" link).
    pub before: Option<String>,
    /// `me`, `none` or an account id.
    pub assigned: Option<String>,
    /// `en_retard`, `relance` or `prise_en_charge`: what is due (stored deadlines).
    pub echeance: Option<String>,
    /// `mois`: closed this month (in France), whatever month it is when the list is shown.
    pub cloture: Option<String>,
    /// `oui`: only the saisines received by e-mail still to qualify.
    pub a_qualifier: Option<String>,
    /// Page size (API only).
    pub limit: Option<i64>,
}

/// A checked list request.
pub struct ListRequest {
    pub filter: ListFilter,
    pub order: SortOrder,
    /// The sort as chosen (the column whose header shows it).
    pub sorting: Sorting,
    pub after: Option<Cursor>,
    pub before: Option<Cursor>,
}

/// The `status` value that keeps every saisine not closed.
pub const OPEN: &str = "ouvertes";

fn given(value: &Option<String>) -> Option<String> {
    value.as_deref().and_then(non_blank)
}

fn parsed<T: std::str::FromStr>(
    value: &Option<String>,
    field: &str,
    what: &str,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    let text = given(value)?;
    match text.parse() {
        Ok(v) => Some(v),
        Err(_) => {
            errors.push(FieldError::new(field, "invalid_filter", format!("{what} inconnu(e) : « {text} »")));
            None
        }
    }
}

impl ListQuery {
    /// Checks the query; `me` is the user asking, `role` decides whether personal data may be
    /// searched (mediators and administrators; readers see personal data masked only).
    pub fn check(&self, me: UserId, role: Role, today: chrono::NaiveDate) -> Result<ListRequest, DomainError> {
        let mut errors = Vec::new();
        let due = match given(&self.echeance) {
            None => None,
            Some(code) => match DueFilter::from_code(&code) {
                Some(kind) => Some((kind, today)),
                None => {
                    let message = format!("échéance inconnue : « {code} » (en_retard, relance ou prise_en_charge)");
                    errors.push(FieldError::new("echeance", "invalid_filter", message));
                    None
                }
            },
        };
        let search = given(&self.q).map(|q| SearchTerm::parse(&q));
        if search.as_ref().and_then(SearchTerm::personal_key).is_some() && !role.sees_personal_data() {
            errors.push(FieldError::new(
                "q",
                "personal_search_forbidden",
                "la recherche par NIR, e-mail ou téléphone est réservée aux médiateurs et aux administrateurs",
            ));
        }
        let assigned = match given(&self.assigned).as_deref() {
            None => None,
            Some("me") => Some(Assignee::User(me.0)),
            Some("none") => Some(Assignee::Nobody),
            Some(other) => match other.parse() {
                Ok(id) => Some(Assignee::User(id)),
                Err(_) => {
                    errors.push(FieldError::new(
                        "assigned",
                        "invalid_filter",
                        format!("attribution inconnue : « {other} »"),
                    ));
                    None
                }
            },
        };
        let to_qualify = match given(&self.a_qualifier).as_deref() {
            None | Some("non") => false,
            Some("oui") => true,
            Some(other) => {
                let message = format!("valeur inconnue pour « à qualifier » : « {other} » (oui)");
                errors.push(FieldError::new("a_qualifier", "invalid_filter", message));
                false
            }
        };
        // `ouvertes`: every status but closed (the « Mes saisines » view).
        let open_only = given(&self.status).as_deref() == Some(OPEN);
        let status = if open_only { None } else { parsed(&self.status, "status", "statut", &mut errors) };
        let closed_between = match given(&self.cloture).as_deref() {
            None => None,
            Some("mois") => Some(crate::domain::saved_view::month_of(today)),
            Some(other) => {
                let message = format!("clôture inconnue : « {other} » (mois)");
                errors.push(FieldError::new("cloture", "invalid_filter", message));
                None
            }
        };
        let filter = ListFilter {
            to_qualify,
            status,
            channel: parsed(&self.channel, "channel", "canal", &mut errors),
            process: parsed(&self.process, "process", "processus", &mut errors),
            motif: given(&self.motif),
            partner: given(&self.partner),
            year: parsed(&self.year, "year", "année", &mut errors),
            search,
            assigned,
            due,
            open_only,
            closed_between,
        };
        let sorting = match given(&self.sort).as_deref() {
            None => Sorting::default(),
            Some(code) => Sorting::from_code(code).unwrap_or_else(|| {
                let known = Sorting::known_codes();
                errors.push(FieldError::new("sort", "invalid_filter", format!("tri inconnu : « {code} » ({known})")));
                Sorting::default()
            }),
        };
        let order = sorting.order();
        let after = cursor(&self.after, "after", order, &mut errors);
        let before = cursor(&self.before, "before", order, &mut errors);
        if errors.is_empty() {
            Ok(ListRequest { filter, order, sorting, after, before })
        } else {
            Err(DomainError::Invalid(errors))
        }
    }

    /// The same query pointing at the next page.
    pub fn with_after(&self, cursor: Option<Cursor>) -> ListQuery {
        ListQuery { after: cursor.map(|c| c.encode()), before: None, ..self.clone() }
    }

    /// The same query pointing at the page before `cursor`.
    pub fn with_before(&self, cursor: Cursor) -> ListQuery {
        ListQuery { after: None, before: Some(cursor.encode()), ..self.clone() }
    }

    /// The same filters and sort from the first page: what a list is (a saved view, the
    /// saisine page's previous and next).
    pub fn list_only(&self) -> ListQuery {
        ListQuery { after: None, before: None, limit: None, ..self.clone() }
    }

    /// The same list sorted otherwise, from its first page.
    pub fn with_sort(&self, sorting: Sorting) -> ListQuery {
        let sort = (sorting != Sorting::default()).then(|| sorting.code().to_string());
        ListQuery { sort, ..self.list_only() }
    }

    /// The same list without one filter (a chip's link), from its first page.
    pub fn without(&self, field: &str) -> ListQuery {
        let mut query = self.list_only();
        match field {
            "status" => query.status = None,
            "channel" => query.channel = None,
            "process" => query.process = None,
            "motif" => query.motif = None,
            "partner" => query.partner = None,
            "year" => query.year = None,
            "q" => query.q = None,
            "assigned" => query.assigned = None,
            "echeance" => query.echeance = None,
            "cloture" => query.cloture = None,
            "a_qualifier" => query.a_qualifier = None,
            _ => {}
        }
        query
    }

    /// Reads a list's query string (as a link to a saisine carries it); unknown names ignored.
    pub fn parse(text: &str) -> Option<ListQuery> {
        rocket::form::Form::<ListQuery>::parse_encoded(rocket::http::RawStr::new(text)).ok()
    }

    /// The query string of this request (for the "next page" link).
    pub fn to_query_string(&self) -> String {
        let pairs = [
            ("status", &self.status),
            ("channel", &self.channel),
            ("process", &self.process),
            ("motif", &self.motif),
            ("partner", &self.partner),
            ("year", &self.year),
            ("q", &self.q),
            ("sort", &self.sort),
            ("assigned", &self.assigned),
            ("echeance", &self.echeance),
            ("cloture", &self.cloture),
            ("a_qualifier", &self.a_qualifier),
            ("after", &self.after),
            ("before", &self.before),
        ];
        pairs
            .iter()
            .filter_map(|(k, v)| given(v).map(|v| format!("{k}={}", urlencode(&v))))
            .collect::<Vec<_>>()
            .join("&")
    }
}

fn cursor(value: &Option<String>, field: &str, order: SortOrder, errors: &mut Vec<FieldError>) -> Option<Cursor> {
    let text = given(value)?;
    let cursor = Cursor::decode(&text, order.key);
    if cursor.is_none() {
        errors.push(FieldError::new(field, "invalid_cursor", "curseur de pagination invalide"));
    }
    cursor
}

/// Everything but RFC 3986's unreserved characters is percent-encoded.
const COMPONENT: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

pub(crate) fn urlencode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, COMPONENT).to_string()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn text() -> impl Strategy<Value = Option<String>> {
        proptest::option::of(prop_oneof![
            ".*",
            "[0-9 ./+@-]{0,20}",
            Just("2026-03-01.12".to_string()),
            Just("é\u{0}œ".to_string()),
            Just("2 55 08 14 168 025 38".to_string()),
        ])
    }

    proptest! {
        /// Whatever a query string holds, the list answers with a request or field errors.
        #[test]
        fn any_list_query_is_checked_without_panicking(
            fields in proptest::collection::vec(text(), 14),
            limit in proptest::option::of(any::<i64>()),
            reader in any::<bool>(),
        ) {
            let query = ListQuery {
                status: fields[0].clone(),
                channel: fields[1].clone(),
                process: fields[2].clone(),
                motif: fields[3].clone(),
                partner: fields[4].clone(),
                year: fields[5].clone(),
                q: fields[6].clone(),
                sort: fields[7].clone(),
                after: fields[8].clone(),
                assigned: fields[9].clone(),
                echeance: fields[10].clone(),
                before: fields[11].clone(),
                cloture: fields[12].clone(),
                a_qualifier: fields[13].clone(),
                limit,
            };
            let role = if reader { Role::Lecteur } else { Role::Mediateur };
            if let Err(e) = query.check(UserId(1), role, chrono::NaiveDate::MIN) {
                prop_assert!(!e.field_errors().is_empty());
            }
            let encoded = query.to_query_string();
            prop_assert!(encoded.is_ascii());
        }
    }

    #[test]
    fn readers_may_not_search_by_personal_data() {
        let query = ListQuery { q: Some("jeanne@exemple.fr".into()), ..ListQuery::default() };
        assert!(query.check(UserId(1), Role::Lecteur, chrono::NaiveDate::MIN).is_err());
        assert!(query.check(UserId(1), Role::Mediateur, chrono::NaiveDate::MIN).is_ok());
        let by_name = ListQuery { q: Some("Bœuf".into()), ..ListQuery::default() };
        assert!(by_name.check(UserId(1), Role::Lecteur, chrono::NaiveDate::MIN).is_ok());
    }

    #[test]
    fn query_strings_are_percent_encoded() {
        let query = ListQuery { q: Some("Bœuf & fils=1".into()), ..ListQuery::default() };
        assert_eq!(query.to_query_string(), "q=B%C5%93uf%20%26%20fils%3D1");
    }
}
