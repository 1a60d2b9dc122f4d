//! The letter templates' own substitution: `{{ name }}` from a fixed list, and nothing else.
//!
//! A template is data typed by an administrator. It is never handed to a template engine:
//! `{% include %}`, filters, loops or `{{ config }}` have no meaning here. A name outside the
//! list is refused when the template is saved; everything that is not a `{{ name }}` is
//! copied as it is, and values are inserted as plain text (never read again for placeholders).

use std::collections::BTreeMap;

use super::error::{DomainError, FieldError};

/// Every placeholder a template may use, with what it stands for (shown next to the editor).
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    ("reference", "numéro de la saisine (2026-0042)"),
    ("date_du_jour", "date du courrier"),
    ("personne.nom", "nom de la personne"),
    ("personne.adresse", "adresse postale de la personne"),
    ("personne.courriel", "adresse électronique de la personne"),
    ("date_reception", "date de réception de la saisine"),
    ("date_prise_en_charge", "date de prise en charge"),
    ("pieces_demandees", "pièces demandées à la personne"),
    ("date_demande", "date de la demande de pièces"),
    ("date_limite", "date avant laquelle fournir les pièces"),
    ("suite", "suite donnée à la saisine"),
    ("synthese", "synthèse de clôture"),
    ("date_cloture", "date de clôture"),
    ("mediateur.nom", "nom du médiateur qui écrit"),
    ("caisse.nom", "nom de la caisse (en-tête)"),
    ("caisse.adresse", "adresse de la médiation (en-tête)"),
    ("caisse.telephone", "téléphone de la médiation (en-tête)"),
    ("caisse.courriel", "adresse électronique de la médiation (en-tête)"),
    ("partenaire.organisation", "organisme partenaire qui a adressé la saisine"),
    ("partenaire.contact", "nom du contact chez le partenaire"),
    ("lien_accuse", "lien vers l'accusé de réception (partenaire)"),
];

pub fn is_known(name: &str) -> bool {
    PLACEHOLDERS.iter().any(|(known, _)| *known == name)
}

/// One piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Text(String),
    Value(&'static str),
}

/// A template checked against the list: only known placeholders, every `{{` closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterText {
    segments: Vec<Segment>,
}

/// Values for the placeholders; a missing one renders empty.
pub type Values = BTreeMap<&'static str, String>;

impl LetterText {
    /// Parses `text`; `field` names the form field the errors belong to.
    pub fn parse(text: &str, field: &str) -> Result<LetterText, DomainError> {
        let mut segments = Vec::new();
        let mut unknown: Vec<String> = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            let Some(length) = rest[start + 2..].find("}}") else {
                return Err(DomainError::invalid(
                    field,
                    "unclosed_placeholder",
                    "une variable ouverte par « {{ » n'est pas fermée par « }} »",
                ));
            };
            let name = rest[start + 2..start + 2 + length].trim();
            match PLACEHOLDERS.iter().find(|(known, _)| *known == name) {
                Some((known, _)) => {
                    push_text(&mut segments, &rest[..start]);
                    segments.push(Segment::Value(known));
                }
                None => {
                    let shown: String = name.chars().take(40).collect();
                    if !unknown.contains(&shown) {
                        unknown.push(shown);
                    }
                }
            }
            rest = &rest[start + 2 + length + 2..];
        }
        if !unknown.is_empty() {
            let list: Vec<String> = unknown.iter().map(|n| format!("{{{{ {n} }}}}")).collect();
            return Err(DomainError::Invalid(vec![FieldError::new(
                field,
                "unknown_placeholder",
                format!("variable inconnue : {} (voir la liste des variables permises)", list.join(", ")),
            )]));
        }
        push_text(&mut segments, rest);
        Ok(LetterText { segments })
    }

    /// The text with each placeholder replaced by its value, as plain text.
    pub fn render(&self, values: &Values) -> String {
        let mut out = String::new();
        for segment in &self.segments {
            match segment {
                Segment::Text(text) => out.push_str(text),
                Segment::Value(name) => out.push_str(values.get(name).map(String::as_str).unwrap_or("")),
            }
        }
        out
    }
}

fn push_text(segments: &mut Vec<Segment>, text: &str) {
    if !text.is_empty() {
        segments.push(Segment::Text(text.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn values() -> Values {
        let mut v = Values::new();
        v.insert("reference", "2026-0042".into());
        v.insert("personne.nom", "<b>{{ config }}</b> Zoé".into());
        v
    }

    #[test]
    fn placeholders_are_replaced_and_values_are_plain_text() {
        let t = LetterText::parse("N° {{reference}} — {{ personne.nom }} {% include \"x\" %}", "body").unwrap();
        assert_eq!(t.render(&values()), "N° 2026-0042 — <b>{{ config }}</b> Zoé {% include \"x\" %}");
    }

    #[test]
    fn unknown_and_unclosed_placeholders_are_refused() {
        let e = LetterText::parse("{{ config }} {{ reference | upper }} {{ config }}", "body").unwrap_err();
        let message = &e.field_errors()[0].message;
        assert!(message.contains("{{ config }}") && message.contains("reference | upper"), "{message}");
        assert_eq!(e.field_errors()[0].field, "body");
        assert!(LetterText::parse("Bonjour {{ reference", "body").is_err());
        assert!(LetterText::parse("{{}}", "body").is_err());
    }

    proptest! {
        #[test]
        fn any_text_parses_or_is_refused_without_panic(text in "\\PC{0,80}") {
            if let Ok(t) = LetterText::parse(&text, "body") {
                let _ = t.render(&values());
            }
        }

        #[test]
        fn text_without_braces_renders_unchanged(text in "[^{}]{0,80}") {
            prop_assert_eq!(LetterText::parse(&text, "body").unwrap().render(&values()), text);
        }
    }
}
