//! Saisines as CSV, in the interchange format of `shared/domain.md`: the columns the import
//! reads, codes rather than labels, `YYYY-MM-DD` dates, motifs separated by `|`. UTF-8 with a
//! byte order mark and `;` between fields, as French spreadsheets expect; CRLF line ends.

use chrono::NaiveDate;

use crate::domain::contact::{mask_email, mask_phone};
use crate::domain::Saisine;

/// The columns, in the order they are written: the interchange format's.
pub use crate::domain::interchange::COLUMNS;

const SEPARATOR: char = ';';
const BOM: char = '\u{FEFF}';

/// Whether personal data is written whole (administrators, audited) or masked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Privacy {
    /// Name, NIR, e-mail and phone masked; the free-text summary, which may hold anything,
    /// left out.
    Masked,
    Whole,
}

/// The first line: the byte order mark and the column names.
pub fn header() -> String {
    format!("{BOM}{}\r\n", COLUMNS.join(&SEPARATOR.to_string()))
}

/// One saisine's line, CRLF included.
pub fn line(saisine: &Saisine, privacy: Privacy) -> String {
    let fields = fields(saisine, privacy);
    let mut line = fields.iter().map(|f| quoted(f)).collect::<Vec<_>>().join(&SEPARATOR.to_string());
    line.push_str("\r\n");
    line
}

/// The whole file for these saisines.
pub fn document(saisines: &[Saisine], privacy: Privacy) -> String {
    let mut out = header();
    for saisine in saisines {
        out.push_str(&line(saisine, privacy));
    }
    out
}

fn date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
}

fn fields(saisine: &Saisine, privacy: Privacy) -> [String; 16] {
    let facts = &saisine.facts;
    let lifecycle = &saisine.lifecycle;
    let requester = &facts.requester;
    let whole = privacy == Privacy::Whole;
    let name = requester.name.as_deref().map(|n| if whole { n.to_string() } else { mask_name(n) });
    [
        saisine.reference.to_string(),
        date(Some(facts.received_on)),
        facts.channel.code().to_string(),
        facts.requester_type.code().to_string(),
        facts.partner.as_ref().map(|p| p.0.clone()).unwrap_or_default(),
        facts.process.code().to_string(),
        facts.motifs.iter().map(|m| m.0.as_str()).collect::<Vec<_>>().join("|"),
        lifecycle.status().code().to_string(),
        date(lifecycle.taken_on),
        lifecycle.outcome().map(|o| o.code().to_string()).unwrap_or_default(),
        date(lifecycle.closed_on()),
        name.unwrap_or_default(),
        requester.nir.as_ref().map(|n| if whole { n.formatted() } else { n.masked() }).unwrap_or_default(),
        requester
            .email
            .as_ref()
            .map(|e| if whole { e.to_string() } else { mask_email(e.as_str()) })
            .unwrap_or_default(),
        requester
            .phone
            .as_ref()
            .map(|p| if whole { p.to_string() } else { mask_phone(p.as_str()) })
            .unwrap_or_default(),
        if whole { facts.summary.clone().unwrap_or_default() } else { String::new() },
    ]
}

/// Each word reduced to its first letter: `Jeanne Martin` → `J••• M•••`.
pub fn mask_name(name: &str) -> String {
    name.split_whitespace()
        .map(|word| word.chars().next().map(|c| format!("{c}•••")).unwrap_or_default())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Quoted when it holds a separator (either kind), a quote, a line break or edge spaces.
/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) is written with a
/// leading apostrophe, which the import removes again (OWASP's advice on CSV injection).
fn neutralised(field: &str) -> std::borrow::Cow<'_, str> {
    if crate::domain::interchange::looks_like_formula(field) {
        format!("'{field}").into()
    } else {
        field.into()
    }
}

fn quoted(field: &str) -> String {
    let field = &*neutralised(field);
    let needs_quotes = field.contains([SEPARATOR, ',', '"', '\n', '\r']) || field.trim() != field;
    if needs_quotes {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(quoted("simple"), "simple");
        assert_eq!(quoted("a;b"), "\"a;b\"");
        assert_eq!(quoted("dit \"non\""), "\"dit \"\"non\"\"\"");
        assert_eq!(quoted("deux\nlignes"), "\"deux\nlignes\"");
        assert_eq!(quoted(" espace"), "\" espace\"");
    }

    #[test]
    fn names_are_masked_word_by_word() {
        assert_eq!(mask_name("Jeanne  Martin"), "J••• M•••");
        assert_eq!(mask_name("Élodie"), "É•••");
    }

    #[test]
    fn the_header_names_every_column_of_the_interchange_format() {
        assert_eq!(header(), "\u{FEFF}reference;received_on;channel;requester_type;partner;process;motifs;status;taken_on;outcome;closed_on;requester_name;nir;email;phone;summary\r\n");
    }
}
