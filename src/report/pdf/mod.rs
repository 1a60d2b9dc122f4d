//! The annual report as a PDF: A4, in French, DejaVu Sans embedded, vector bar charts, page
//! numbers and the generation date in each footer. The same view gives the same bytes: no
//! clock is read here (the generation date comes with the view), object names and the
//! document ID are derived from the content.

pub mod access;
pub mod acknowledgement;
mod blocks;
mod canvas;
pub mod font;
pub mod letter;
pub mod logo;

use printpdf::{FontId, Mm, Op, PdfDocument, PdfFont, PdfPage, PdfSaveOptions};
use sha2::{Digest, Sha256};

use self::canvas::Canvas;
use self::font::{ReportFont, FONT_BYTES};
use super::view::ReportView;

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("police du rapport : {0}")]
    Font(String),
    #[error("écriture du PDF : {0}")]
    Write(String),
}

/// The report's PDF file.
pub fn render(view: &ReportView) -> Result<Vec<u8>, PdfError> {
    let font = font::font()?;
    let font_id = FontId("F1".to_string());
    let logo = view.logo.as_deref().and_then(logo::xobject);
    let placed = logo.as_ref().map(|(id, _, ratio)| (id.clone(), *ratio));
    let pages = layout(font, &font_id, view, placed.as_ref());
    let content = serde_json::to_vec(view).map_err(|e| PdfError::Write(e.to_string()))?;
    let about = About { title: &view.title, author: &view.mediation, subject: &view.summary, date: &view.generated_on };
    let images = logo.map(|(id, image, _)| vec![(id, image)]).unwrap_or_default();
    assemble(font, font_id, pages, &about, &content, images)
}

/// What the document says about itself.
pub(crate) struct About<'a> {
    pub title: &'a str,
    pub author: &'a str,
    pub subject: &'a str,
    /// `25/11/2026`: the only date the file holds.
    pub date: &'a str,
}

/// A4 pages of operations into a PDF file; `content` seeds the document ID, so that the same
/// content gives the same bytes.
/// `images`: the image objects the pages draw (the letterhead's logo).
pub(crate) fn assemble(
    font: &ReportFont,
    font_id: FontId,
    pages: Vec<Vec<Op>>,
    about: &About,
    content: &[u8],
    images: Vec<(printpdf::XObjectId, printpdf::XObject)>,
) -> Result<Vec<u8>, PdfError> {
    let mut document = PdfDocument::new(about.title);
    for (id, image) in images {
        document.resources.xobjects.map.insert(id, image);
    }
    document.metadata.info.author = about.author.to_string();
    document.metadata.info.creator = "Médiation".to_string();
    document.metadata.info.producer = "Médiation (printpdf)".to_string();
    document.metadata.info.subject = about.subject.to_string();
    document.resources.fonts.map.insert(font_id, PdfFont::new(font.parsed.clone()));
    document.with_pages(pages.into_iter().map(|ops| PdfPage::new(Mm(210.0), Mm(297.0), ops)).collect());
    let options = PdfSaveOptions { subset_fonts: false, ..Default::default() };
    let mut pdf = document.to_lopdf_document(&options, &mut Vec::new());
    reuse_compressed_font(&mut pdf, font);
    stamp(&mut pdf, content, about.date);
    pdf.compress();
    let mut bytes = Vec::new();
    pdf.save_to(&mut bytes).map_err(|e| PdfError::Write(e.to_string()))?;
    Ok(bytes)
}

/// Every page's operations, footers included.
fn layout(
    font: &ReportFont,
    font_id: &FontId,
    view: &ReportView,
    logo: Option<&(printpdf::XObjectId, f32)>,
) -> Vec<Vec<Op>> {
    let mut canvas = Canvas::new(font, font_id.clone());
    if let Some(logo) = logo {
        corner_logo(&mut canvas, logo);
    }
    blocks::opening(&mut canvas, view);
    if !view.empty {
        body(&mut canvas, view);
    }
    let mut pages = canvas.finish();
    let total = pages.len();
    for (i, page) in pages.iter_mut().enumerate() {
        page.extend(blocks::footer(font, font_id, view, i + 1, total));
    }
    pages
}

/// The letterhead's logo in the top right corner of the page, above the margin's baseline.
pub(crate) fn corner_logo(canvas: &mut Canvas, (id, ratio): &(printpdf::XObjectId, f32)) {
    const HEIGHT: f32 = 30.0;
    let width = (HEIGHT * ratio).min(110.0);
    let height = width / ratio;
    let top = canvas::PAGE_HEIGHT - canvas::MARGIN / 2.0;
    canvas.image(id.clone(), canvas::MARGIN + canvas::CONTENT_WIDTH - width, top - height, width, height);
}

fn body(canvas: &mut Canvas, view: &ReportView) {
    blocks::key_figures(canvas, &view.key_figures);
    let (months, others) = view.charts.split_first().map(|(m, o)| (Some(m), o)).unwrap_or((None, &[]));
    if let Some(months) = months {
        blocks::chart(canvas, months);
    }
    for table in &view.tables {
        blocks::table(canvas, table);
    }
    for chart in others {
        blocks::chart(canvas, chart);
    }
    blocks::footnotes(canvas, &view.footnotes);
}

/// printpdf embeds the font program uncompressed and lets lopdf compress it, which would
/// take tens of milliseconds per report: the program compressed once per process is put in
/// its place (lopdf leaves a stream that already has a filter alone).
fn reuse_compressed_font(pdf: &mut lopdf::Document, font: &ReportFont) {
    let Some(compressed) = &font.compressed else { return };
    for object in pdf.objects.values_mut() {
        if let lopdf::Object::Stream(stream) = object {
            if stream.dict.has(b"Length1") && stream.content == FONT_BYTES {
                stream.dict.set("Filter", "FlateDecode");
                stream.set_content(compressed.clone());
            }
        }
    }
}

/// The dates of the Info dictionary (the generation date, not the clock) and a document ID
/// that is a digest of the content instead of printpdf's random one.
fn stamp(pdf: &mut lopdf::Document, content: &[u8], generated_on: &str) {
    let digest = hex::encode(&Sha256::digest(content)[..16]);
    let id = lopdf::Object::String(digest.into_bytes(), lopdf::StringFormat::Hexadecimal);
    pdf.trailer.set("ID", lopdf::Object::Array(vec![id.clone(), id]));
    let date = pdf_date(generated_on);
    if let Ok(info) = pdf.trailer.get(b"Info").and_then(lopdf::Object::as_reference) {
        if let Ok(lopdf::Object::Dictionary(dict)) = pdf.get_object_mut(info) {
            dict.set("CreationDate", lopdf::Object::string_literal(date.clone()));
            dict.set("ModDate", lopdf::Object::string_literal(date));
        }
    }
}

/// `25/11/2026` → `D:20261125000000`.
fn pdf_date(french: &str) -> String {
    let parts: Vec<&str> = french.split('/').collect();
    match parts.as_slice() {
        [day, month, year] => format!("D:{year}{month}{day}000000"),
        _ => "D:20000101000000".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::figures::{Aggregates, ListLabels};
    use crate::report::Period;

    fn sample() -> ReportView {
        let mut aggregates = Aggregates { received: 305, previous_received: 126, ..Default::default() };
        for (code, n) in [("courriel", 120), ("compte_ameli", 94), ("telephone", 70), ("courrier", 14), ("accueil", 7)]
        {
            aggregates.channels.insert(code.into(), n);
        }
        for (code, n) in [("paiement_recu", 165), ("explications", 69), ("accord_amiable", 28), ("abandon", 16)] {
            aggregates.outcomes.insert(code.into(), n);
        }
        aggregates.motifs.insert("paiement_non_recu".into(), 180);
        aggregates.processing_days.insert(12, 278);
        let day = |m| chrono::NaiveDate::from_ymd_opt(2021, m, 3).unwrap();
        for m in 1..=12 {
            aggregates.received_by_day.insert(day(m), i64::from(m) * 4);
        }
        let labels = ListLabels {
            motifs: vec![("paiement_non_recu".into(), "Paiement non reçu".into())],
            ..Default::default()
        };
        let generated = chrono::NaiveDate::from_ymd_opt(2022, 1, 15).unwrap();
        crate::report::build_view(
            Period::year(2021).unwrap(),
            &aggregates,
            &labels,
            "Médiation de la CPAM de l'Ain",
            generated,
        )
    }

    #[test]
    fn the_same_view_gives_the_same_bytes_and_its_text_reads_back() {
        let view = sample();
        let first = render(&view).unwrap();
        assert_eq!(first, render(&view).unwrap());
        let document = lopdf::Document::load_mem(&first).unwrap();
        let pages: Vec<u32> = document.get_pages().keys().copied().collect();
        let text = document.extract_text(&pages).unwrap();
        assert!(text.contains("Bilan de la médiation — année 2021"), "{text}");
        assert!(text.contains("86\u{202F}%"), "{text}");
        assert!(text.contains(&format!("Page 1 sur {}", pages.len())));
        // MEDIATION_REPORT_SAMPLE=/tmp/bilan.pdf keeps the sample, to look at it (pdftoppm -png).
        if let Ok(path) = std::env::var("MEDIATION_REPORT_SAMPLE") {
            std::fs::write(path, &first).unwrap();
        }
    }
}
