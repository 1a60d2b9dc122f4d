//! The CSV interchange format of domain.md, as rules: the columns, and how one line becomes
//! a saisine (facts and lifecycle), with one error per wrong cell.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::dates::parse_date;
use super::deadlines::DeadlineSettings;
use super::error::FieldError;
use super::lifecycle::{Action, Lifecycle};
use super::reference::Reference;
use super::replay::replay;
use super::saisine::{AllowedCodes, SaisineDraft, SaisineFacts};
use super::text::{non_blank, normalize_key};

/// The columns, in the order exports write them. The last four came later: files without
/// them still import.
pub const COLUMNS: [&str; 20] = [
    "reference",
    "received_on",
    "channel",
    "requester_type",
    "partner",
    "process",
    "motifs",
    "status",
    "taken_on",
    "outcome",
    "closed_on",
    "requester_name",
    "nir",
    "email",
    "phone",
    "summary",
    "external_reference",
    "documents_requested_on",
    "documents_due_on",
    MASKED_COLUMN,
];

/// The column that marks a masked export: `oui` on each of its lines. Such a file holds
/// initials and masked numbers, never the real data, and the import refuses it.
pub const MASKED_COLUMN: &str = "masque";
pub const MASKED_YES: &str = "oui";
pub const MASKED_NO: &str = "non";

/// Whether a `masque` cell says the line comes from a masked export.
pub fn is_masked_marker(cell: &str) -> bool {
    normalize_key(cell) == MASKED_YES
}

/// The longest reference from another system that is kept.
const MAX_EXTERNAL_REFERENCE: usize = 100;

/// Columns a file must have.
pub const REQUIRED: [&str; 6] = ["received_on", "channel", "requester_type", "process", "motifs", "status"];

/// Whether a spreadsheet would take the cell for a formula.
pub fn looks_like_formula(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A cell as exported: the apostrophe that kept a spreadsheet from running it is removed.
pub fn unneutralised(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if looks_like_formula(rest) => rest,
        _ => cell,
    }
}

/// A reference list's entries, matched by code or label without case or accents.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    by_key: HashMap<String, String>,
}

impl Vocabulary {
    pub fn new<'a>(entries: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut by_key = HashMap::new();
        for (code, label) in entries {
            by_key.insert(normalize_key(code), code.to_string());
            by_key.insert(normalize_key(label), code.to_string());
        }
        Vocabulary { by_key }
    }

    pub fn code_of(&self, text: &str) -> Option<String> {
        self.by_key.get(&normalize_key(text)).cloned()
    }
}

/// What an imported line may name: every motif and partner, retired ones included (old
/// files hold them).
#[derive(Debug, Clone, Default)]
pub struct ImportVocabulary {
    pub motifs: Vocabulary,
    pub partners: Vocabulary,
}

/// How a line names the saisine it is about, if it does: the key of a second import.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ImportKey {
    /// A reference in the application's own format (`2026-0042`).
    Own(Reference),
    /// A reference another system gave it (`MED-2021-0288`, `21/288`…).
    Foreign(String),
}

/// A line turned into a saisine, its reference given or to assign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedSaisine {
    pub reference: Option<Reference>,
    pub external_reference: Option<String>,
    pub facts: SaisineFacts,
    pub lifecycle: Lifecycle,
    /// The documents request a waiting line replayed: its timeline entry is written from it.
    pub documents_request: Option<Action>,
    /// Whether the request's dates came from the file (else from the deadline settings).
    pub documents_dates_given: bool,
}

impl ImportedSaisine {
    /// The own reference when there is one, else the foreign one.
    pub fn key(&self) -> Option<ImportKey> {
        match (&self.reference, &self.external_reference) {
            (Some(reference), _) => Some(ImportKey::Own(*reference)),
            (None, Some(external)) => Some(ImportKey::Foreign(external.clone())),
            (None, None) => None,
        }
    }
}

/// The cells of a line, by column name.
pub struct Line<'a> {
    cells: HashMap<&'a str, &'a str>,
}

impl<'a> Line<'a> {
    pub fn new(cells: HashMap<&'a str, &'a str>) -> Self {
        Line { cells }
    }

    pub(super) fn get(&self, column: &str) -> &'a str {
        unneutralised(self.cells.get(column).copied().unwrap_or("").trim())
    }
}

pub(super) fn error(column: &str, message: impl Into<String>) -> FieldError {
    FieldError::new(column, "invalid_cell", message)
}

pub(super) fn optional_date(line: &Line, column: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let text = line.get(column);
    if text.is_empty() {
        return None;
    }
    let parsed = parse_date(text);
    if parsed.is_none() {
        errors.push(error(column, format!("date invalide « {text} » : attendu AAAA-MM-JJ ou JJ/MM/AAAA")));
    }
    parsed
}

pub(super) fn code_or_error<T: std::str::FromStr>(
    line: &Line,
    column: &str,
    what: &str,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    let text = line.get(column);
    if text.is_empty() {
        errors.push(error(column, format!("{what} manquant(e)")));
        return None;
    }
    let parsed = text.parse().ok();
    if parsed.is_none() {
        errors.push(error(column, format!("{what} inconnu(e) : « {text} »")));
    }
    parsed
}

/// Motif codes or labels separated by `|`.
fn motif_codes(line: &Line, vocabulary: &Vocabulary, errors: &mut Vec<FieldError>) -> Vec<String> {
    let mut codes = Vec::new();
    for part in line.get("motifs").split('|').map(str::trim).filter(|p| !p.is_empty()) {
        match vocabulary.code_of(part) {
            Some(code) => codes.push(code),
            None => errors.push(error("motifs", format!("motif inconnu : « {part} »"))),
        }
    }
    codes
}

/// The references of a line: its own (`2026-0042`) and the one another system gave it. A
/// `reference` cell not in the application's format is another system's.
fn references(line: &Line, errors: &mut Vec<FieldError>) -> (Option<Reference>, Option<String>) {
    let given = non_blank(line.get("reference"));
    let external = non_blank(line.get("external_reference"));
    let own = given.as_deref().and_then(|text| text.parse::<Reference>().ok());
    let foreign = if own.is_some() { None } else { given };
    let external = match (foreign, external) {
        (Some(a), Some(b)) if a != b => {
            errors.push(error(
                "external_reference",
                format!("deux références extérieures différentes : « {a} » (reference) et « {b} »"),
            ));
            None
        }
        (a, b) => a.or(b),
    };
    let external = external.filter(|text| {
        let ok = text.chars().count() <= MAX_EXTERNAL_REFERENCE && !text.chars().any(char::is_control);
        if !ok {
            errors.push(error(
                "reference",
                format!("référence extérieure trop longue ou illisible ({MAX_EXTERNAL_REFERENCE} caractères au plus)"),
            ));
        }
        ok
    });
    (own, external)
}

/// Turns one line into a saisine, or says what is wrong with each cell. Its state is rebuilt by
/// replaying the moves of the application (prise en charge, demande de pièces, clôture), bounded
/// by `today`; a documents request without its dates gets those of `settings`.
pub fn read_line(
    line: &Line,
    vocabulary: &ImportVocabulary,
    settings: &DeadlineSettings,
    today: NaiveDate,
) -> Result<ImportedSaisine, Vec<FieldError>> {
    let mut errors = Vec::new();
    let (reference, external_reference) = references(line, &mut errors);
    let partner = match non_blank(line.get("partner")) {
        None => String::new(),
        Some(text) => vocabulary.partners.code_of(&text).unwrap_or_else(|| {
            errors.push(error("partner", format!("partenaire inconnu : « {text} »")));
            String::new()
        }),
    };
    let motifs = motif_codes(line, &vocabulary.motifs, &mut errors);
    let draft = SaisineDraft {
        received_on: line.get("received_on").to_string(),
        channel: line.get("channel").to_string(),
        requester_type: line.get("requester_type").to_string(),
        requester_name: line.get("requester_name").to_string(),
        nir: line.get("nir").to_string(),
        email: line.get("email").to_string(),
        phone: line.get("phone").to_string(),
        address: String::new(),
        partner: partner.clone(),
        process: line.get("process").to_string(),
        motifs: motifs.clone(),
        summary: line.get("summary").to_string(),
    };
    let allowed = AllowedCodes { motifs, partners: vec![partner].into_iter().filter(|p| !p.is_empty()).collect() };
    let facts = match draft.validate(&allowed, today) {
        Ok(facts) => Some(facts),
        Err(e) => {
            // Unknown motifs and partners were already reported with the text read.
            errors.extend(
                e.field_errors()
                    .iter()
                    .filter(|f| f.code != "unknown_code" || !matches!(f.field.as_str(), "motifs" | "partner"))
                    .cloned(),
            );
            None
        }
    };
    // The status columns are checked even when another fact is wrong: every wrong cell shows.
    let received_on =
        facts.as_ref().map(|f| f.received_on).or_else(|| parse_date(line.get("received_on")).filter(|d| *d <= today));
    let replayed = replay(line, received_on, settings, today, &mut errors);
    match (facts, replayed) {
        (Some(facts), Some(replayed)) if errors.is_empty() => Ok(ImportedSaisine {
            reference,
            external_reference,
            facts,
            lifecycle: replayed.lifecycle,
            documents_request: replayed.documents_request,
            documents_dates_given: replayed.documents_dates_given,
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(cells: &[(&'static str, &'static str)]) -> ((Option<Reference>, Option<String>), Vec<FieldError>) {
        let line = Line::new(cells.iter().copied().collect());
        let mut errors = Vec::new();
        (references(&line, &mut errors), errors)
    }

    #[test]
    fn a_reference_not_in_the_application_format_is_another_system_s() {
        let own: Reference = "2026-0042".parse().unwrap();
        assert_eq!(read(&[("reference", "2026-0042")]).0, (Some(own), None));
        assert_eq!(read(&[("reference", " MED-2021-0288 ")]).0, (None, Some("MED-2021-0288".into())));
        assert_eq!(read(&[("reference", "21/288")]).0, (None, Some("21/288".into())));
        assert_eq!(read(&[("reference", "26-7")]).0, (None, Some("26-7".into())));
        let both = read(&[("reference", "2026-0042"), ("external_reference", "MED-2021-0288")]).0;
        assert_eq!(both, (Some(own), Some("MED-2021-0288".into())), "an export carries both");
        let (_, errors) = read(&[("reference", "A-1"), ("external_reference", "B-2")]);
        assert_eq!(errors[0].field, "external_reference");
    }

    proptest::proptest! {
        /// Any text in any cell gives a saisine or errors, never a panic.
        #[test]
        fn any_cells_are_read_without_panicking(cells in proptest::collection::vec(".{0,24}", COLUMNS.len())) {
            let line = Line::new(COLUMNS.iter().copied().zip(cells.iter().map(String::as_str)).collect());
            let today = NaiveDate::from_ymd_opt(2026, 6, 15).unwrap();
            let _ = read_line(&line, &ImportVocabulary::default(), &DeadlineSettings::default(), today);
        }

        /// Dates and statuses that look right, in any combination: never a panic either.
        #[test]
        fn plausible_status_cells_are_read_without_panicking(
            status in "(recue|en_cours|attente_pieces|cloturee|)",
            outcome in "(orientation|explications|abandon|)",
            dates in proptest::collection::vec("(2026-0[1-7]-[0-2][1-9]|)", 5),
        ) {
            let mut cells: HashMap<&str, &str> = HashMap::new();
            cells.insert("received_on", "2026-01-15");
            cells.insert("status", &status);
            cells.insert("outcome", &outcome);
            for (column, date) in ["taken_on", "closed_on", "documents_requested_on", "documents_due_on", "reference"]
                .into_iter()
                .zip(&dates)
            {
                cells.insert(column, date);
            }
            let today = NaiveDate::from_ymd_opt(2026, 6, 15).unwrap();
            let _ = read_line(&Line::new(cells), &ImportVocabulary::default(), &DeadlineSettings::default(), today);
        }
    }

    #[test]
    fn the_masked_marker_is_read_without_case() {
        assert!(is_masked_marker("oui") && is_masked_marker(" OUI "));
        assert!(!is_masked_marker("non") && !is_masked_marker(""));
    }
}
