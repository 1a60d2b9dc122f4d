//! A letter to print and post: the caisse's letterhead, the recipient's address where a
//! window envelope shows it, the date and reference, the subject, the text, the signature.

use printpdf::FontId;
use serde::Serialize;

use super::canvas::{Canvas, Ink, Style, CONTENT_WIDTH, MARGIN, PAGE_WIDTH};
use super::{assemble, font, logo, About, PdfError};
use crate::domain::letters::Letterhead;

const HEAD: Style = Style::new(13.0, Ink::Brand, true);
const SMALL: Style = Style::new(8.5, Ink::Muted, false);
const ADDRESS: Style = Style::new(10.5, Ink::Text, false);
const SUBJECT: Style = Style::new(10.5, Ink::Text, true);
const BODY: Style = Style::new(10.5, Ink::Text, false);

/// Everything a letter shows.
#[derive(Debug, Clone, Serialize)]
pub struct LetterPdf {
    pub letterhead: Letterhead,
    /// The recipient's name and postal address, one line each.
    pub recipient: Vec<String>,
    pub reference: String,
    /// `05/12/2026`, in France's time.
    pub date: String,
    pub subject: String,
    pub body: String,
}

/// The logo's height on the page, in points.
const LOGO_HEIGHT: f32 = 42.0;

/// The letterhead at the top left of a page (its logo first, if any); moves the cursor below.
pub(crate) fn letterhead_block(c: &mut Canvas, head: &Letterhead, logo: Option<&(printpdf::XObjectId, f32)>) {
    if let Some((id, ratio)) = logo {
        let width = (LOGO_HEIGHT * ratio).min(180.0);
        c.image(id.clone(), MARGIN, c.y() - LOGO_HEIGHT, width, width / ratio);
        c.advance(LOGO_HEIGHT + 8.0);
    }
    c.advance(HEAD.size);
    let name = if head.name.trim().is_empty() { "Médiation" } else { head.name.as_str() };
    c.text(MARGIN, c.y(), name, HEAD);
    for line in head.contact_lines() {
        c.advance(SMALL.size * 1.35);
        c.text(MARGIN, c.y(), &line, SMALL);
    }
}

fn layout(c: &mut Canvas, letter: &LetterPdf, logo: Option<&(printpdf::XObjectId, f32)>) {
    let top = c.y();
    letterhead_block(c, &letter.letterhead, logo);
    let below_head = c.y();
    // The recipient where a window envelope (DL, window on the right) shows it.
    let window_x = PAGE_WIDTH - MARGIN - 230.0;
    c.advance(c.y() - (top - 110.0));
    for line in &letter.recipient {
        c.paragraph(window_x, line, ADDRESS, 230.0);
    }
    let after_address = c.y().min(below_head);
    c.advance(c.y() - after_address + 30.0);
    c.text_right(MARGIN + CONTENT_WIDTH, c.y(), &format!("Le {}", letter.date), BODY);
    c.advance(BODY.size * 1.6);
    c.text(MARGIN, c.y(), &format!("Référence : {}", letter.reference), SMALL);
    c.advance(22.0);
    c.paragraph(MARGIN, &format!("Objet : {}", letter.subject), SUBJECT, CONTENT_WIDTH);
    c.advance(14.0);
    for line in letter.body.lines() {
        if line.trim().is_empty() {
            c.advance(BODY.size * 0.8);
        } else {
            c.paragraph(MARGIN, line, BODY, CONTENT_WIDTH);
        }
    }
    c.advance(24.0);
    let signature_x = MARGIN + CONTENT_WIDTH / 2.0;
    for line in letter.letterhead.signature.lines() {
        c.paragraph(signature_x, line, BODY, CONTENT_WIDTH / 2.0);
    }
}

/// The letter as a PDF file; the same letter gives the same bytes.
pub fn render(letter: &LetterPdf) -> Result<Vec<u8>, PdfError> {
    let font = font::font()?;
    let font_id = FontId("F1".to_string());
    let mut canvas = Canvas::new(font, font_id.clone());
    let logo = letter.letterhead.logo.as_ref().and_then(|(bytes, _)| logo::xobject(bytes));
    let placed = logo.as_ref().map(|(id, _, ratio)| (id.clone(), *ratio));
    layout(&mut canvas, letter, placed.as_ref());
    let mut pages = canvas.finish();
    let total = pages.len();
    if total > 1 {
        for (i, page) in pages.iter_mut().enumerate() {
            let mut footer = Canvas::new(font, font_id.clone());
            footer.text_right(
                MARGIN + CONTENT_WIDTH,
                MARGIN - 10.0,
                &format!("{} — page {}/{total}", letter.reference, i + 1),
                SMALL,
            );
            page.extend(footer.finish().into_iter().flatten());
        }
    }
    let content = serde_json::to_vec(letter).map_err(|e| PdfError::Write(e.to_string()))?;
    let title = format!("{} — saisine {}", letter.subject, letter.reference);
    let about = About { title: &title, author: &letter.letterhead.name, subject: &letter.subject, date: &letter.date };
    let images = logo.map(|(id, image, _)| vec![(id, image)]).unwrap_or_default();
    assemble(font, font_id, pages, &about, &content, images)
}
