//! The acknowledgement of receipt a partner downloads after submitting a saisine: one A4
//! page with the reference, when it was received, who sent it, for whom, about what, and how
//! to reach the mediation.

use printpdf::FontId;
use serde::Serialize;

use super::canvas::{Canvas, Ink, Style, CONTENT_WIDTH, MARGIN};
use super::{font, About, PdfError};

const TITLE: Style = Style::new(18.0, Ink::Brand, true);
const LABEL: Style = Style::new(10.0, Ink::Muted, false);
const VALUE: Style = Style::new(11.5, Ink::Text, false);
const REFERENCE: Style = Style::new(22.0, Ink::Text, true);
const BODY: Style = Style::new(10.0, Ink::Text, false);

/// Everything the acknowledgement says.
#[derive(Debug, Clone, Serialize)]
pub struct Acknowledgement {
    pub reference: String,
    /// `25/11/2026 à 10:32`, in France's time.
    pub received_at: String,
    pub partner: String,
    pub contact: String,
    pub person: String,
    pub process: String,
    pub motifs: Vec<String>,
    pub mediation: String,
    pub mediation_contact: Vec<String>,
    /// `25/11/2026`: the document's date.
    pub issued_on: String,
    /// The letterhead's logo (JPEG), in the top right corner.
    #[serde(skip)]
    pub logo: Option<Vec<u8>>,
}

/// A label and its value on the same baseline; a long value wraps under itself.
fn field(c: &mut Canvas, label: &str, value: &str) {
    let leading = VALUE.size * 1.35;
    let lines = c.font.wrap(value, VALUE.size, CONTENT_WIDTH - 150.0);
    c.advance(leading + 6.0);
    c.text(MARGIN, c.y(), label, LABEL);
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            c.advance(leading);
        }
        c.text(MARGIN + 150.0, c.y(), line, VALUE);
    }
}

fn page(c: &mut Canvas, ack: &Acknowledgement) {
    c.advance(TITLE.size * 1.2);
    c.text(MARGIN, c.y(), "Accusé de réception d'une saisine", TITLE);
    c.advance(16.0);
    c.text(MARGIN, c.y(), &ack.mediation, VALUE);
    c.advance(10.0);
    c.rule(MARGIN, c.y(), CONTENT_WIDTH, Ink::Brand, 1.2);
    c.advance(REFERENCE.size * 1.8);
    c.text(MARGIN, c.y(), &format!("Saisine n° {}", ack.reference), REFERENCE);
    c.advance(6.0);
    field(c, "Reçue le", &ack.received_at);
    field(c, "Adressée par", &ack.partner);
    field(c, "Contact", &ack.contact);
    field(c, "Personne concernée", &ack.person);
    field(c, "Domaine", &ack.process);
    field(c, "Motifs", &ack.motifs.join(", "));
    c.advance(18.0);
    let explanation = "La médiation a bien reçu cette saisine, transmise par le formulaire des partenaires avec le \
        consentement de la personne. Un médiateur l'examine ; la personne reçoit un accusé de prise en charge, qui \
        suspend les délais de recours contre la décision de la caisse jusqu'à la réponse du médiateur. Rappelez le \
        numéro de la saisine dans tout échange.";
    c.paragraph(MARGIN, explanation, BODY, CONTENT_WIDTH);
    c.advance(22.0);
    c.text(MARGIN, c.y(), "Contacter la médiation", LABEL);
    c.advance(4.0);
    for line in std::iter::once(&ack.mediation).chain(&ack.mediation_contact) {
        c.paragraph(MARGIN, line, BODY, CONTENT_WIDTH);
    }
    c.advance(24.0);
    c.text(MARGIN, c.y(), &format!("Document établi le {}", ack.issued_on), LABEL);
}

/// The acknowledgement as a PDF file; the same content gives the same bytes.
pub fn render(ack: &Acknowledgement) -> Result<Vec<u8>, PdfError> {
    let font = font::font()?;
    let font_id = FontId("F1".to_string());
    let mut canvas = Canvas::new(font, font_id.clone());
    let logo = ack.logo.as_deref().and_then(super::logo::xobject);
    if let Some((id, _, ratio)) = &logo {
        super::corner_logo(&mut canvas, &(id.clone(), *ratio));
    }
    page(&mut canvas, ack);
    let content = serde_json::to_vec(ack).map_err(|e| PdfError::Write(e.to_string()))?;
    let title = format!("Accusé de réception — saisine {}", ack.reference);
    let about = About { title: &title, author: &ack.mediation, subject: &title, date: &ack.issued_on };
    let images = logo.map(|(id, image, _)| vec![(id, image)]).unwrap_or_default();
    super::assemble(font, font_id, canvas.finish(), &about, &content, images)
}
