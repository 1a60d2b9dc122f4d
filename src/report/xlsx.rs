//! Saisines as a spreadsheet (`.xlsx`) for the people who open exports in a spreadsheet: French
//! column headers, labels rather than codes, real date cells. The CSV stays the interchange
//! format (codes, ISO dates) that the import reads back; this file is for reading only.

use chrono::NaiveDate;
use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};

use super::csv::{mask_name, Privacy};
use crate::db::reference_lists::ReferenceLists;
use crate::domain::contact::{mask_email, mask_phone};
use crate::domain::deadlines::Wait;
use crate::domain::Saisine;

/// The headers, in the order of the columns, with each column's width in characters.
pub const HEADERS: &[(&str, f64)] = &[
    ("Référence", 14.0),
    ("Reçue le", 12.0),
    ("Canal", 18.0),
    ("Demandeur", 14.0),
    ("Partenaire", 22.0),
    ("Processus", 30.0),
    ("Motifs", 40.0),
    ("Statut", 16.0),
    ("Prise en charge le", 12.0),
    ("Issue", 30.0),
    ("Clôturée le", 12.0),
    ("Nom", 22.0),
    ("NIR", 22.0),
    ("Courriel", 28.0),
    ("Téléphone", 16.0),
    ("Résumé", 50.0),
    ("Référence externe", 18.0),
    ("Pièces demandées le", 12.0),
    ("Pièces attendues le", 12.0),
    ("Données masquées", 10.0),
];

/// Writes the workbook one saisine at a time; the bytes come out at the end.
pub struct Writer {
    workbook: Workbook,
    privacy: Privacy,
    row: u32,
    date: Format,
}

/// One cell's content.
enum Cell {
    Text(String),
    Date(Option<NaiveDate>),
}

impl Writer {
    pub fn new(privacy: Privacy) -> Result<Writer, XlsxError> {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.set_name("Saisines")?;
        let bold = Format::new().set_bold().set_align(FormatAlign::Top).set_text_wrap();
        for (col, (header, width)) in (0u16..).zip(HEADERS) {
            sheet.write_string_with_format(0, col, *header, &bold)?;
            sheet.set_column_width(col, *width)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        let date = Format::new().set_num_format("dd/mm/yyyy");
        Ok(Writer { workbook, privacy, row: 1, date })
    }

    fn sheet(&mut self) -> Result<&mut Worksheet, XlsxError> {
        self.workbook.worksheet_from_index(0)
    }

    /// One saisine's row, with the reference lists' labels for its motifs and partner.
    pub fn write(&mut self, saisine: &Saisine, lists: &ReferenceLists) -> Result<(), XlsxError> {
        let row = self.row;
        let date = self.date.clone();
        let cells = cells(saisine, lists, self.privacy);
        let sheet = self.sheet()?;
        for (col, cell) in (0u16..).zip(cells) {
            match cell {
                Cell::Text(text) if text.is_empty() => {}
                Cell::Text(text) => {
                    sheet.write_string(row, col, text)?;
                }
                Cell::Date(Some(day)) => {
                    sheet.write_date_with_format(row, col, day, &date)?;
                }
                Cell::Date(None) => {}
            }
        }
        self.row += 1;
        Ok(())
    }

    /// The whole workbook, as bytes; a filter on the header row when there is any line.
    pub fn finish(mut self) -> Result<Vec<u8>, XlsxError> {
        let last_row = self.row - 1;
        let last_col = u16::try_from(HEADERS.len() - 1).unwrap_or(0);
        if last_row > 0 {
            self.sheet()?.autofilter(0, 0, last_row, last_col)?;
        }
        self.workbook.save_to_buffer()
    }
}

fn cells(saisine: &Saisine, lists: &ReferenceLists, privacy: Privacy) -> Vec<Cell> {
    let facts = &saisine.facts;
    let lifecycle = &saisine.lifecycle;
    let requester = &facts.requester;
    let whole = privacy == Privacy::Whole;
    let wait = Wait::of(lifecycle);
    let text = |s: Option<String>| Cell::Text(s.unwrap_or_default());
    vec![
        Cell::Text(saisine.reference.to_string()),
        Cell::Date(Some(facts.received_on)),
        Cell::Text(facts.channel.label().to_string()),
        Cell::Text(facts.requester_type.label().to_string()),
        text(facts.partner.as_ref().map(|p| lists.partner_label(&p.0))),
        Cell::Text(facts.process.label().to_string()),
        Cell::Text(facts.motifs.iter().map(|m| lists.motif_label(&m.0)).collect::<Vec<_>>().join(", ")),
        Cell::Text(lifecycle.status().label().to_string()),
        Cell::Date(lifecycle.taken_on),
        text(lifecycle.outcome().map(|o| o.label().to_string())),
        Cell::Date(lifecycle.closed_on()),
        text(requester.name.as_deref().map(|n| if whole { n.to_string() } else { mask_name(n) })),
        text(requester.nir.as_ref().map(|n| if whole { n.formatted() } else { n.masked() })),
        text(requester.email.as_ref().map(|e| if whole { e.to_string() } else { mask_email(e.as_str()) })),
        text(requester.phone.as_ref().map(|p| if whole { p.to_string() } else { mask_phone(p.as_str()) })),
        text(if whole { facts.summary.clone() } else { None }),
        text(saisine.external_reference.clone()),
        Cell::Date(wait.map(|w| w.since)),
        Cell::Date(wait.map(|w| w.due_on)),
        Cell::Text(if whole { "non" } else { "oui" }.to_string()),
    ]
}
