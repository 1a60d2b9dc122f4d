//! The one font of the report, DejaVu Sans, shipped in the repository with its licence
//! (`src/report/fonts/`): parsed and compressed once per process, measured for alignment
//! and line wrapping (printpdf's `text_layout` feature is not built).

use std::sync::OnceLock;

use printpdf::ParsedFont;

use super::PdfError;

/// DejaVu Sans: every French letter and sign (é è à ç œ « » €, U+202F before %), and far more.
pub const FONT_BYTES: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");

/// The parsed font, and its program already compressed for the PDF.
pub struct ReportFont {
    pub parsed: ParsedFont,
    /// `FONT_BYTES` deflated (`FlateDecode`): every report reuses it instead of compressing
    /// 750 KB again.
    pub compressed: Option<Vec<u8>>,
    units_per_em: f32,
}

static FONT: OnceLock<Result<ReportFont, String>> = OnceLock::new();

/// The font, loaded on first use.
pub fn font() -> Result<&'static ReportFont, PdfError> {
    FONT.get_or_init(load).as_ref().map_err(|e| PdfError::Font(e.clone()))
}

fn load() -> Result<ReportFont, String> {
    let parsed =
        ParsedFont::from_bytes(FONT_BYTES, 0, &mut Vec::new()).ok_or_else(|| "DejaVuSans.ttf illisible".to_string())?;
    let units_per_em = f32::from(parsed.units_per_em.max(1));
    Ok(ReportFont { compressed: deflate(FONT_BYTES), units_per_em, parsed })
}

impl ReportFont {
    /// The advance of `text` at `size` points, in points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let units: u32 = text
            .chars()
            .map(|c| {
                let glyph = self.parsed.lookup_glyph_index(u32::from(c)).unwrap_or(0);
                u32::from(self.parsed.get_glyph_width(glyph).unwrap_or(0))
            })
            .sum();
        units as f32 * size / self.units_per_em
    }

    /// `text` cut into lines no wider than `max` points, between words (a word wider than
    /// a line stands alone on its line).
    pub fn wrap(&self, text: &str, size: f32, max: f32) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        let mut current = String::new();
        for word in text.split(' ').filter(|w| !w.is_empty()) {
            let candidate = if current.is_empty() { word.to_string() } else { format!("{current} {word}") };
            if current.is_empty() || self.width(&candidate, size) <= max {
                current = candidate;
            } else {
                lines.push(std::mem::replace(&mut current, word.to_string()));
            }
        }
        if !current.is_empty() || lines.is_empty() {
            lines.push(current);
        }
        lines
    }

    /// The largest size up to `size` (and down to `min`) at which `text` fits in `max` points.
    pub fn fitting_size(&self, text: &str, size: f32, min: f32, max: f32) -> f32 {
        let width = self.width(text, size);
        if width <= max || width <= 0.0 {
            return size;
        }
        (size * max / width).max(min)
    }
}

/// Zlib (the PDF `FlateDecode` filter) with lopdf's own compressor, so that no further
/// compression crate is needed; none if it failed or gained nothing.
fn deflate(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut stream = lopdf::Stream::new(lopdf::Dictionary::new(), bytes.to_vec());
    stream.compress().ok()?;
    stream.dict.has(b"Filter").then_some(stream.content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_font_has_every_french_sign_and_measures_text() {
        let font = font().unwrap();
        for c in "éèàçœ«»€\u{202F}\u{A0}ÉÈÀÇŒ’–—".chars() {
            assert!(font.parsed.lookup_glyph_index(u32::from(c)).is_some(), "{c} manque");
        }
        let narrow = font.width("iiii", 10.0);
        let wide = font.width("MMMM", 10.0);
        assert!(narrow > 0.0 && wide > narrow * 2.0);
        assert_eq!(font.width("", 10.0), 0.0);
    }

    #[test]
    fn wrapping_keeps_every_word_within_the_width() {
        let font = font().unwrap();
        let text = "Revenus de remplacement (indemnités journalières, invalidité)";
        let lines = font.wrap(text, 9.0, 120.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), text);
        assert!(lines.iter().all(|l| font.width(l, 9.0) <= 120.0));
        assert_eq!(font.wrap("", 9.0, 50.0), vec![String::new()]);
    }
}
