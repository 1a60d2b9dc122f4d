//! Saisines as CSV, in the interchange format (README, « Import de tableurs ») : the columns the import
//! reads, codes rather than labels, `YYYY-MM-DD` dates, motifs separated by `|`. UTF-8 with a
//! byte order mark and `;` between fields, as French spreadsheets expect; CRLF line ends.

use chrono::NaiveDate;

use crate::domain::contact::{mask_email, mask_phone};
use crate::domain::deadlines::Wait;
use crate::domain::interchange::{MASKED_NO, MASKED_YES};
use crate::domain::Saisine;

/// The columns, in the order they are written: the interchange format's.
pub use crate::domain::interchange::COLUMNS;

const SEPARATOR: u8 = b';';
const BOM: &str = "\u{FEFF}";

/// Whether personal data is written whole (administrators, audited) or masked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Privacy {
    /// Name, NIR, e-mail and phone masked; the free-text summary, which may hold anything,
    /// left out. Every line says so in the `masque` column, and the import refuses the file.
    Masked,
    Whole,
}

/// Writes an export: the byte order mark and the header first, then one line per saisine,
/// into a buffer (`new`) or any output (`to`: a streamed response).
pub struct Writer<W: std::io::Write = Vec<u8>> {
    inner: csv::Writer<W>,
    privacy: Privacy,
}

impl Writer<Vec<u8>> {
    pub fn new(privacy: Privacy) -> Result<Writer<Vec<u8>>, csv::Error> {
        Writer::to(Vec::new(), privacy)
    }

    /// The whole file, as bytes (UTF-8).
    pub fn finish(self) -> Result<Vec<u8>, csv::Error> {
        self.inner.into_inner().map_err(|e| csv::Error::from(e.into_error()))
    }
}

impl<W: std::io::Write> Writer<W> {
    /// Starts the file on `out`.
    pub fn to(mut out: W, privacy: Privacy) -> Result<Writer<W>, csv::Error> {
        out.write_all(BOM.as_bytes())?;
        let mut inner = csv::WriterBuilder::new()
            .delimiter(SEPARATOR)
            .terminator(csv::Terminator::CRLF)
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(out);
        inner.write_record(COLUMNS)?;
        Ok(Writer { inner, privacy })
    }

    /// One saisine's line.
    pub fn write(&mut self, saisine: &Saisine) -> Result<(), csv::Error> {
        let fields = fields(saisine, self.privacy);
        self.inner.write_record(fields.iter().map(|f| neutralised(f).into_owned()))
    }

    /// Hands what is buffered to the output.
    pub fn flush(&mut self) -> Result<(), csv::Error> {
        Ok(self.inner.flush()?)
    }
}

/// The whole file for these saisines.
pub fn document(saisines: &[Saisine], privacy: Privacy) -> Result<Vec<u8>, csv::Error> {
    let mut writer = Writer::new(privacy)?;
    for saisine in saisines {
        writer.write(saisine)?;
    }
    writer.finish()
}

fn date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
}

fn fields(saisine: &Saisine, privacy: Privacy) -> [String; COLUMNS.len()] {
    let facts = &saisine.facts;
    let lifecycle = &saisine.lifecycle;
    let requester = &facts.requester;
    let whole = privacy == Privacy::Whole;
    let wait = Wait::of(lifecycle);
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
        saisine.external_reference.clone().unwrap_or_default(),
        date(wait.map(|w| w.since)),
        date(wait.map(|w| w.due_on)),
        if whole { MASKED_NO } else { MASKED_YES }.to_string(),
    ]
}

/// Each word reduced to its first letter: `Jeanne Martin` → `J••• M•••`.
pub fn mask_name(name: &str) -> String {
    name.split_whitespace()
        .map(|word| word.chars().next().map(|c| format!("{c}•••")).unwrap_or_default())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) is written with a
/// leading apostrophe, which the import removes again (OWASP's advice on CSV injection).
fn neutralised(field: &str) -> std::borrow::Cow<'_, str> {
    if crate::domain::interchange::looks_like_formula(field) {
        format!("'{field}").into()
    } else {
        field.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One line of a file with these cells, through the writer.
    fn written(cells: &[&str]) -> String {
        let mut inner =
            csv::WriterBuilder::new().delimiter(SEPARATOR).terminator(csv::Terminator::CRLF).from_writer(Vec::new());
        inner.write_record(cells.iter().map(|c| neutralised(c).into_owned())).unwrap();
        String::from_utf8(inner.into_inner().unwrap()).unwrap()
    }

    #[test]
    fn fields_are_quoted_only_when_needed_and_formulas_are_neutralised() {
        assert_eq!(written(&["simple", "a;b"]), "simple;\"a;b\"\r\n");
        assert_eq!(written(&["dit \"non\"", "deux\nlignes"]), "\"dit \"\"non\"\"\";\"deux\nlignes\"\r\n");
        assert_eq!(written(&["=1+1", "-x", "@a", "+3", "a=b"]), "'=1+1;'-x;'@a;'+3;a=b\r\n");
    }

    #[test]
    fn names_are_masked_word_by_word() {
        assert_eq!(mask_name("Jeanne  Martin"), "J••• M•••");
        assert_eq!(mask_name("Élodie"), "É•••");
    }

    #[test]
    fn the_header_names_every_column_of_the_interchange_format() {
        let empty = String::from_utf8(document(&[], Privacy::Whole).unwrap()).unwrap();
        assert_eq!(empty, "\u{FEFF}reference;received_on;channel;requester_type;partner;process;motifs;status;taken_on;outcome;closed_on;requester_name;nir;email;phone;summary;external_reference;documents_requested_on;documents_due_on;masque\r\n");
    }
}
