//! The CSV interchange format of domain.md, as rules: the columns, and how one line becomes
//! a saisine (facts and lifecycle), with one error per wrong cell.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};

use super::codes::{Outcome, Status};
use super::dates::parse_date;
use super::error::FieldError;
use super::lifecycle::{Lifecycle, Stage};
use super::reference::Reference;
use super::saisine::{AllowedCodes, SaisineDraft, SaisineFacts};
use super::text::{non_blank, normalize_key};

/// The columns, in the order exports write them.
pub const COLUMNS: [&str; 16] = [
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
];

/// Columns a file must have.
pub const REQUIRED: [&str; 6] = ["received_on", "channel", "requester_type", "process", "motifs", "status"];

/// A documents request imported without its dates waits from its start for this long.
const IMPORTED_WAIT_DAYS: i64 = 30;

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

/// A line turned into a saisine, its reference given or to assign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedSaisine {
    pub reference: Option<Reference>,
    pub facts: SaisineFacts,
    pub lifecycle: Lifecycle,
}

/// The cells of a line, by column name.
pub struct Line<'a> {
    cells: HashMap<&'a str, &'a str>,
}

impl<'a> Line<'a> {
    pub fn new(cells: HashMap<&'a str, &'a str>) -> Self {
        Line { cells }
    }

    fn get(&self, column: &str) -> &'a str {
        unneutralised(self.cells.get(column).copied().unwrap_or("").trim())
    }
}

fn error(column: &str, message: impl Into<String>) -> FieldError {
    FieldError::new(column, "invalid_cell", message)
}

fn optional_date(line: &Line, column: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
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

fn code_or_error<T: std::str::FromStr>(
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

/// Turns one line into a saisine, or says what is wrong with each cell.
pub fn read_line(
    line: &Line,
    vocabulary: &ImportVocabulary,
    today: NaiveDate,
) -> Result<ImportedSaisine, Vec<FieldError>> {
    let mut errors = Vec::new();
    let reference = non_blank(line.get("reference")).and_then(|text| {
        text.parse::<Reference>().map_err(|e| errors.push(error("reference", format!("{e} (lu : « {text} »)")))).ok()
    });
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
    let received_on = facts.as_ref().map(|f| f.received_on).or_else(|| parse_date(line.get("received_on")));
    let lifecycle = read_lifecycle(line, received_on, &mut errors);
    match (facts, lifecycle) {
        (Some(facts), Some(lifecycle)) if errors.is_empty() => Ok(ImportedSaisine { reference, facts, lifecycle }),
        _ => Err(errors),
    }
}

/// The status columns, checked against the same rules as the moves of the application. Every
/// wrong cell is reported, even when the reception date itself is wrong.
fn read_lifecycle(line: &Line, received_on: Option<NaiveDate>, errors: &mut Vec<FieldError>) -> Option<Lifecycle> {
    let status: Option<Status> = code_or_error(line, "status", "statut", errors);
    let taken_on = optional_date(line, "taken_on", errors);
    let closed_on = optional_date(line, "closed_on", errors);
    let outcome_text = line.get("outcome");
    let outcome: Option<Outcome> =
        if outcome_text.is_empty() { None } else { code_or_error(line, "outcome", "suite", errors) };
    let before = |a: Option<NaiveDate>, b: Option<NaiveDate>| matches!((a, b), (Some(a), Some(b)) if a < b);
    if before(taken_on, received_on) {
        errors.push(error("taken_on", "la prise en charge ne peut pas précéder la réception"));
    }
    match status? {
        Status::Cloturee => check_closed(outcome_text, closed_on, received_on, taken_on, errors),
        open => check_open(open, outcome_text, closed_on, taken_on, errors),
    }
    let received_on = received_on?;
    let stage = match status? {
        Status::Cloturee => Stage::Closed { outcome: outcome?, on: closed_on? },
        Status::Recue => Stage::Received,
        Status::EnCours => Stage::InProgress,
        Status::AttentePieces => {
            let since = taken_on.unwrap_or(received_on);
            Stage::AwaitingDocuments { since, due_on: since + Duration::days(IMPORTED_WAIT_DAYS) }
        }
    };
    Some(Lifecycle { received_on, taken_on, stage, days_waiting: 0 })
}

fn check_closed(
    outcome: &str,
    closed_on: Option<NaiveDate>,
    received_on: Option<NaiveDate>,
    taken_on: Option<NaiveDate>,
    errors: &mut Vec<FieldError>,
) {
    if outcome.is_empty() {
        errors.push(error("outcome", "une saisine clôturée a une suite (outcome)"));
    }
    let Some(on) = closed_on else {
        errors.push(error("closed_on", "une saisine clôturée a une date de clôture"));
        return;
    };
    if received_on.is_some_and(|r| on < r) {
        errors.push(error("closed_on", "la clôture ne peut pas précéder la réception"));
    } else if taken_on.is_some_and(|t| on < t) {
        errors.push(error("closed_on", "la clôture ne peut pas précéder la prise en charge"));
    }
}

fn check_open(
    status: Status,
    outcome: &str,
    closed_on: Option<NaiveDate>,
    taken_on: Option<NaiveDate>,
    errors: &mut Vec<FieldError>,
) {
    if !outcome.is_empty() {
        errors.push(error("outcome", "une saisine non clôturée n'a pas de suite"));
    }
    if closed_on.is_some() {
        errors.push(error("closed_on", "une saisine non clôturée n'a pas de date de clôture"));
    }
    if status == Status::Recue && taken_on.is_some() {
        errors.push(error("taken_on", "une saisine reçue (non prise en charge) n'a pas de date de prise en charge"));
    }
}
