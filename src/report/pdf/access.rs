//! The right of access: everything the mediation holds about one person, saisine by saisine
//! (its data, its timeline, the list of its attachments), as a PDF to send to the person. The
//! same content is given as JSON for portability.

use printpdf::FontId;
use serde::Serialize;

use super::canvas::{Canvas, Ink, Style, CONTENT_WIDTH, MARGIN};
use super::{assemble, font, About, PdfError};

const TITLE: Style = Style::new(18.0, Ink::Brand, true);
const HEADING: Style = Style::new(13.0, Ink::Brand, true);
const LABEL: Style = Style::new(9.5, Ink::Muted, false);
const VALUE: Style = Style::new(10.5, Ink::Text, false);
const SMALL: Style = Style::new(9.0, Ink::Text, false);

/// One entry of a saisine's timeline, as the person reads it.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineLine {
    pub at: String,
    pub what: String,
    pub by: String,
    pub details: Vec<String>,
}

/// A file attached to a saisine (listed; its content is sent apart if the person asks).
#[derive(Debug, Clone, Serialize)]
pub struct AttachmentLine {
    pub file_name: String,
    pub content_type: String,
    pub size: i32,
    pub added_at: String,
}

/// A letter or an e-mail written to the person or the partner, as it was sent.
#[derive(Debug, Clone, Serialize)]
pub struct LetterLine {
    pub sent_at: String,
    /// « courrier » or « courriel ».
    pub delivery: String,
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// One saisine with its data, as the access document gives it.
#[derive(Debug, Clone, Serialize)]
pub struct SaisineRecord {
    pub reference: String,
    pub fields: Vec<(String, String)>,
    pub timeline: Vec<TimelineLine>,
    pub letters: Vec<LetterLine>,
    pub attachments: Vec<AttachmentLine>,
}

/// Everything held about the person.
#[derive(Debug, Clone, Serialize)]
pub struct PersonFile {
    pub searched_by: String,
    pub issued_at: String,
    pub saisines: Vec<SaisineRecord>,
}

/// A label and its value; a long value wraps under itself, each of its own lines (an address
/// typed on several lines, CRLF or LF) starting a new one.
fn field(c: &mut Canvas, label: &str, value: &str) {
    let leading = VALUE.size * 1.35;
    let lines: Vec<String> =
        value.lines().flat_map(|line| c.font.wrap(line.trim_end(), VALUE.size, CONTENT_WIDTH - 130.0)).collect();
    c.ensure(leading * lines.len() as f32 + 4.0);
    c.advance(leading + 2.0);
    c.text(MARGIN, c.y(), label, LABEL);
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            c.advance(leading);
        }
        c.text(MARGIN + 130.0, c.y(), line, VALUE);
    }
}

fn saisine(c: &mut Canvas, record: &SaisineRecord) {
    c.ensure(60.0);
    c.advance(HEADING.size * 2.0);
    c.text(MARGIN, c.y(), &format!("Saisine n° {}", record.reference), HEADING);
    c.advance(4.0);
    c.rule(MARGIN, c.y(), CONTENT_WIDTH, Ink::Rule, 0.6);
    for (label, value) in &record.fields {
        field(c, label, value);
    }
    c.advance(10.0);
    c.paragraph(MARGIN, "Historique", LABEL, CONTENT_WIDTH);
    for line in &record.timeline {
        c.paragraph(MARGIN, &format!("{} — {} ({})", line.at, line.what, line.by), VALUE, CONTENT_WIDTH);
        for detail in line.details.iter().flat_map(|d| d.lines()) {
            c.paragraph(MARGIN + 14.0, detail.trim_end(), SMALL, CONTENT_WIDTH - 14.0);
        }
    }
    c.advance(8.0);
    if !record.letters.is_empty() {
        c.paragraph(MARGIN, "Courriers et courriels", LABEL, CONTENT_WIDTH);
        for l in &record.letters {
            let head = format!("{} — {} à {} : {}", l.sent_at, l.delivery, l.to, l.subject);
            c.paragraph(MARGIN + 14.0, &head, VALUE, CONTENT_WIDTH - 14.0);
            for line in l.body.lines() {
                c.paragraph(MARGIN + 28.0, line.trim_end(), SMALL, CONTENT_WIDTH - 28.0);
            }
        }
        c.advance(8.0);
    }
    if record.attachments.is_empty() {
        c.paragraph(MARGIN, "Pièces jointes : aucune", LABEL, CONTENT_WIDTH);
    } else {
        c.paragraph(MARGIN, "Pièces jointes", LABEL, CONTENT_WIDTH);
        for a in &record.attachments {
            let line = format!("{} ({}, {} octets), ajoutée le {}", a.file_name, a.content_type, a.size, a.added_at);
            c.paragraph(MARGIN + 14.0, &line, SMALL, CONTENT_WIDTH - 14.0);
        }
    }
}

/// The access document as a PDF file; the same content gives the same bytes.
pub fn render(file: &PersonFile, mediation: &str) -> Result<Vec<u8>, PdfError> {
    let font = font::font()?;
    let font_id = FontId("F1".to_string());
    let mut c = Canvas::new(font, font_id.clone());
    c.advance(TITLE.size * 1.2);
    c.text(MARGIN, c.y(), "Données personnelles détenues par la médiation", TITLE);
    c.advance(16.0);
    c.text(MARGIN, c.y(), mediation, VALUE);
    c.advance(10.0);
    c.rule(MARGIN, c.y(), CONTENT_WIDTH, Ink::Brand, 1.2);
    c.advance(8.0);
    let intro = format!(
        "Document établi le {} en réponse à une demande d'accès (article 15 du RGPD) : il reprend chaque saisine \
         enregistrée au nom de la personne, avec ses données, son historique et la liste des pièces jointes. \
         {} saisine(s).",
        file.issued_at,
        file.saisines.len()
    );
    c.paragraph(MARGIN, &intro, VALUE, CONTENT_WIDTH);
    for record in &file.saisines {
        saisine(&mut c, record);
    }
    let content = serde_json::to_vec(file).map_err(|e| PdfError::Write(e.to_string()))?;
    let title = "Droit d'accès — données personnelles";
    let date = file.issued_at.get(..10).unwrap_or(&file.issued_at).to_string();
    let about = About { title, author: mediation, subject: title, date: &date };
    assemble(font, font_id, c.finish(), &about, &content, Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(reference: &str, timeline: usize) -> SaisineRecord {
        SaisineRecord {
            reference: reference.into(),
            fields: vec![
                ("Nom".into(), "Zoé Œillet-Dupré".into()),
                ("Adresse".into(), "17 impasse des Tilleuls\r\n01000 Bourg-en-Bresse".into()),
            ],
            timeline: (0..timeline)
                .map(|i| TimelineLine {
                    at: format!("0{}/01/2026 à 10:00", i % 9 + 1),
                    what: "Note".into(),
                    by: "Marie Médiatrice".into(),
                    details: vec![format!("Rappel n° {i} de la personne au sujet de ses indemnités journalières")],
                })
                .collect(),
            letters: Vec::new(),
            attachments: vec![AttachmentLine {
                file_name: "arret-travail.pdf".into(),
                content_type: "application/pdf".into(),
                size: 20480,
                added_at: "02/01/2026 à 09:12".into(),
            }],
        }
    }

    #[test]
    fn every_saisine_is_in_the_document_over_as_many_pages_as_needed() {
        let file = PersonFile {
            searched_by: "recherche par nir : 2 84 05 •• ••• ••• 12".into(),
            issued_at: "15/06/2026 à 14:00".into(),
            saisines: vec![record("2025-0042", 3), record("2026-0007", 60)],
        };
        let bytes = render(&file, "Médiation de la CPAM de l'Ain").unwrap();
        assert_eq!(bytes, render(&file, "Médiation de la CPAM de l'Ain").unwrap());
        let document = lopdf::Document::load_mem(&bytes).unwrap();
        let pages: Vec<u32> = document.get_pages().keys().copied().collect();
        assert!(pages.len() > 1, "soixante entrées tiennent sur plusieurs pages");
        let text = document.extract_text(&pages).unwrap();
        for expected in ["2025-0042", "2026-0007", "Œillet-Dupré", "Rappel n° 59", "arret-travail.pdf"] {
            assert!(text.contains(expected), "{expected} absent : {text}");
        }
        // MEDIATION_ACCESS_SAMPLE=/tmp/acces.pdf keeps the sample, to look at it.
        if let Ok(path) = std::env::var("MEDIATION_ACCESS_SAMPLE") {
            std::fs::write(path, &bytes).unwrap();
        }
    }
}
