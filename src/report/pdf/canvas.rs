//! Pages of drawing operations, filled from top to bottom: text (measured with the font),
//! rectangles and rules, and a cursor that starts a new page when a block no longer fits.

use printpdf::{
    Color, FontId, Line, LinePoint, Op, PaintMode, PdfFontHandle, Point, Pt, Rect, Rgb, TextItem, TextRenderingMode,
};

use super::font::ReportFont;

/// A4 portrait, in points.
pub const PAGE_WIDTH: f32 = 595.28;
pub const PAGE_HEIGHT: f32 = 841.89;
pub const MARGIN: f32 = 51.0;
/// Room kept at the bottom of each page for its footer.
pub const FOOTER: f32 = 34.0;
pub const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;

/// The palette, shared with the dashboard's stylesheet.
#[derive(Debug, Clone, Copy)]
pub enum Ink {
    Text,
    Muted,
    Brand,
    Panel,
    Rule,
}

impl Ink {
    fn color(self) -> Color {
        let (r, g, b) = match self {
            Ink::Text => (0.106, 0.106, 0.122),
            Ink::Muted => (0.325, 0.325, 0.373),
            Ink::Brand => (0.122, 0.247, 0.561),
            Ink::Panel => (0.937, 0.945, 0.965),
            Ink::Rule => (0.788, 0.788, 0.827),
        };
        Color::Rgb(Rgb { r, g, b, icc_profile: None })
    }
}

/// How a line of text is drawn.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub size: f32,
    pub ink: Ink,
    /// Drawn with a thin outline: the shipped font has no bold face.
    pub bold: bool,
}

impl Style {
    pub const fn new(size: f32, ink: Ink, bold: bool) -> Style {
        Style { size, ink, bold }
    }
}

pub struct Canvas<'f> {
    pub font: &'f ReportFont,
    font_id: FontId,
    done: Vec<Vec<Op>>,
    ops: Vec<Op>,
    /// Where the next block starts, from the bottom of the page.
    y: f32,
}

impl<'f> Canvas<'f> {
    pub fn new(font: &'f ReportFont, font_id: FontId) -> Canvas<'f> {
        Canvas { font, font_id, done: Vec::new(), ops: Vec::new(), y: PAGE_HEIGHT - MARGIN }
    }

    pub fn y(&self) -> f32 {
        self.y
    }

    /// Moves the cursor down.
    pub fn advance(&mut self, by: f32) {
        self.y -= by;
    }

    /// Room left on this page above the footer.
    pub fn room(&self) -> f32 {
        self.y - MARGIN - FOOTER
    }

    /// Starts a new page unless `height` still fits on this one.
    pub fn ensure(&mut self, height: f32) {
        if height > self.room() {
            self.new_page();
        }
    }

    pub fn new_page(&mut self) {
        self.done.push(std::mem::take(&mut self.ops));
        self.y = PAGE_HEIGHT - MARGIN;
    }

    /// Every page's operations, the last one included.
    pub fn finish(mut self) -> Vec<Vec<Op>> {
        self.done.push(self.ops);
        self.done
    }

    /// One line of text whose baseline starts at (`x`, `y`).
    pub fn text(&mut self, x: f32, y: f32, text: &str, style: Style) {
        let mode = if style.bold { TextRenderingMode::FillStroke } else { TextRenderingMode::Fill };
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFont { font: PdfFontHandle::External(self.font_id.clone()), size: Pt(style.size) },
            Op::SetFillColor { col: style.ink.color() },
            Op::SetOutlineColor { col: style.ink.color() },
            Op::SetOutlineThickness { pt: Pt(style.size / 30.0) },
            Op::SetTextRenderingMode { mode },
            Op::SetTextCursor { pos: Point { x: Pt(x), y: Pt(y) } },
            Op::ShowText { items: vec![TextItem::Text(text.to_string())] },
            Op::EndTextSection,
        ]);
    }

    /// One line of text ending at `right`.
    pub fn text_right(&mut self, right: f32, y: f32, text: &str, style: Style) {
        let width = self.font.width(text, style.size);
        self.text(right - width, y, text, style);
    }

    /// One line of text centred on `center`.
    pub fn text_centered(&mut self, center: f32, y: f32, text: &str, style: Style) {
        let width = self.font.width(text, style.size);
        self.text(center - width / 2.0, y, text, style);
    }

    /// Wrapped lines from the cursor down, `width` wide; returns the height used.
    pub fn paragraph(&mut self, x: f32, text: &str, style: Style, width: f32) -> f32 {
        let leading = style.size * 1.35;
        let lines = self.font.wrap(text, style.size, width);
        self.ensure(leading * lines.len() as f32);
        for line in &lines {
            self.advance(leading);
            self.text(x, self.y + leading - style.size, line, style);
        }
        leading * lines.len() as f32
    }

    /// A filled rectangle, (`x`, `y`) its lower left corner.
    pub fn rect(&mut self, x: f32, y: f32, width: f32, height: f32, ink: Ink) {
        self.ops.extend([
            Op::SetFillColor { col: ink.color() },
            Op::DrawRectangle {
                rectangle: Rect {
                    x: Pt(x),
                    y: Pt(y),
                    width: Pt(width),
                    height: Pt(height),
                    mode: Some(PaintMode::Fill),
                    winding_order: None,
                },
            },
        ]);
    }

    /// An image object, (`x`, `y`) its lower left corner, `width` × `height` points.
    pub fn image(&mut self, id: printpdf::XObjectId, x: f32, y: f32, width: f32, height: f32) {
        let transform = printpdf::XObjectTransform {
            translate_x: Some(Pt(x)),
            translate_y: Some(Pt(y)),
            scale_x: Some(width),
            scale_y: Some(height),
            no_auto_scale: true,
            ..Default::default()
        };
        self.ops.push(Op::UseXobject { id, transform });
    }

    /// A horizontal rule at `y`.
    pub fn rule(&mut self, x: f32, y: f32, width: f32, ink: Ink, thickness: f32) {
        let point = |x: f32| LinePoint { p: Point { x: Pt(x), y: Pt(y) }, bezier: false };
        self.ops.extend([
            Op::SetOutlineColor { col: ink.color() },
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawLine { line: Line { points: vec![point(x), point(x + width)], is_closed: false } },
        ]);
    }
}
