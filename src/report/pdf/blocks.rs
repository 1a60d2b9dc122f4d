//! The report's parts laid out on the canvas: title, opening sentence, key figures, tables,
//! bar charts (vector graphics), definitions, and each page's footer.

use printpdf::{FontId, Op};

use super::canvas::{Canvas, Ink, Style, CONTENT_WIDTH, FOOTER, MARGIN, PAGE_HEIGHT, PAGE_WIDTH};
use super::font::ReportFont;
use crate::report::view::{Chart, KeyFigure, Orientation, ReportView, Table};

const TITLE: Style = Style::new(18.0, Ink::Brand, true);
const SUBTITLE: Style = Style::new(11.0, Ink::Muted, false);
const BODY: Style = Style::new(10.0, Ink::Text, false);
const HEADING: Style = Style::new(12.5, Ink::Brand, true);
const CELL: Style = Style::new(9.0, Ink::Text, false);
const CELL_HEAD: Style = Style::new(8.0, Ink::Muted, true);
const NOTE: Style = Style::new(8.0, Ink::Muted, false);
const FIGURE: Style = Style::new(15.0, Ink::Brand, true);
const FIGURE_LABEL: Style = Style::new(8.0, Ink::Text, true);
const FIGURE_NOTE: Style = Style::new(7.0, Ink::Muted, false);
const CHART_TEXT: Style = Style::new(7.5, Ink::Text, false);

const RIGHT: f32 = MARGIN + CONTENT_WIDTH;
/// The height a page offers between its top margin and its footer.
const PAGE_ROOM: f32 = PAGE_HEIGHT - 2.0 * MARGIN - FOOTER;

/// The title, the mediation's name, and the opening sentence.
pub fn opening(c: &mut Canvas, view: &ReportView) {
    for line in c.font.wrap(&view.title, TITLE.size, CONTENT_WIDTH) {
        c.advance(TITLE.size * 1.2);
        c.text(MARGIN, c.y(), &line, TITLE);
    }
    c.advance(SUBTITLE.size * 1.6);
    c.text(MARGIN, c.y(), &view.mediation, SUBTITLE);
    c.advance(8.0);
    c.rule(MARGIN, c.y(), CONTENT_WIDTH, Ink::Brand, 1.2);
    c.advance(6.0);
    c.paragraph(MARGIN, &view.summary, BODY, CONTENT_WIDTH);
    c.advance(10.0);
}

fn heading(c: &mut Canvas, text: &str) {
    c.advance(HEADING.size * 1.5);
    c.text(MARGIN, c.y(), text, HEADING);
    c.advance(6.0);
}

/// Headline figures as cards, four a row.
pub fn key_figures(c: &mut Canvas, figures: &[KeyFigure]) {
    const PER_ROW: usize = 4;
    const GAP: f32 = 8.0;
    const HEIGHT: f32 = 82.0;
    let width = (CONTENT_WIDTH - GAP * (PER_ROW as f32 - 1.0)) / PER_ROW as f32;
    heading(c, "Chiffres clés");
    for row in figures.chunks(PER_ROW) {
        c.ensure(HEIGHT + GAP);
        let top = c.y();
        for (i, figure) in row.iter().enumerate() {
            card(c, MARGIN + i as f32 * (width + GAP), top, width, HEIGHT, figure);
        }
        c.advance(HEIGHT + GAP);
    }
}

fn card(c: &mut Canvas, x: f32, top: f32, width: f32, height: f32, figure: &KeyFigure) {
    let pad = 7.0;
    let inner = width - 2.0 * pad;
    c.rect(x, top - height, width, height, Ink::Panel);
    let size = c.font.fitting_size(&figure.value, FIGURE.size, 9.0, inner);
    let mut y = top - pad - FIGURE.size;
    c.text(x + pad, y, &figure.value, Style { size, ..FIGURE });
    y -= 5.0;
    for (text, style) in [(&figure.label, FIGURE_LABEL), (&figure.note, FIGURE_NOTE)] {
        for line in c.font.wrap(text, style.size, inner) {
            y -= style.size * 1.25;
            c.text(x + pad, y, &line, style);
        }
        y -= 2.0;
    }
}

/// A breakdown: label, count and share, a rule under each line.
pub fn table(c: &mut Canvas, table: &Table) {
    let label_width = CONTENT_WIDTH - 150.0;
    let lines: Vec<Vec<String>> = table.rows.iter().map(|r| c.font.wrap(&r.label, CELL.size, label_width)).collect();
    let row_height = |n: usize| n as f32 * CELL.size * 1.3 + 5.0;
    let header = HEADING.size * 1.5 + 6.0 + 16.0;
    let whole = header + lines.iter().map(|l| row_height(l.len())).sum::<f32>() + 30.0;
    // Kept on one page when it fits on one; otherwise at least its head and first line.
    let first = header + row_height(lines.first().map_or(1, Vec::len));
    c.ensure(if whole <= PAGE_ROOM { whole } else { first });
    heading(c, &table.title);
    column_heads(c);
    if table.rows.is_empty() {
        c.advance(row_height(1));
        c.text(MARGIN, c.y() + 5.0, "Aucune saisine.", NOTE);
    }
    for (row, label) in table.rows.iter().zip(&lines) {
        let height = row_height(label.len());
        c.ensure(height);
        let top = c.y();
        for (i, line) in label.iter().enumerate() {
            c.text(MARGIN, top - (i as f32 + 1.0) * CELL.size * 1.3, line, CELL);
        }
        let baseline = top - CELL.size * 1.3;
        c.text_right(RIGHT - 70.0, baseline, &row.count, CELL);
        c.text_right(RIGHT, baseline, &row.share, CELL);
        c.advance(height);
        c.rule(MARGIN, c.y() + 2.0, CONTENT_WIDTH, Ink::Rule, 0.4);
    }
    if let Some(note) = &table.note {
        c.advance(3.0);
        c.paragraph(MARGIN, note, NOTE, CONTENT_WIDTH);
    }
}

fn column_heads(c: &mut Canvas) {
    c.advance(CELL_HEAD.size * 1.4);
    c.text_right(RIGHT - 70.0, c.y(), "Nombre", CELL_HEAD);
    c.text_right(RIGHT, c.y(), "Part", CELL_HEAD);
    c.advance(4.0);
    c.rule(MARGIN, c.y(), CONTENT_WIDTH, Ink::Muted, 0.7);
}

/// A bar chart drawn with rectangles, each bar's value written beside it.
pub fn chart(c: &mut Canvas, chart: &Chart) {
    match chart.orientation {
        Orientation::Vertical => vertical_chart(c, chart),
        Orientation::Horizontal => horizontal_chart(c, chart),
    }
}

fn max_value(chart: &Chart) -> f32 {
    chart.bars.iter().map(|b| b.value).max().unwrap_or(0).max(1) as f32
}

fn vertical_chart(c: &mut Canvas, chart: &Chart) {
    let plot = 110.0;
    c.ensure(HEADING.size * 1.5 + 6.0 + plot + 30.0);
    heading(c, &chart.title);
    c.advance(12.0 + plot);
    let base = c.y();
    let slot = CONTENT_WIDTH / chart.bars.len().max(1) as f32;
    let max = max_value(chart);
    let every = chart.axis_label_step();
    let small = Style { size: CHART_TEXT.size.min(slot * 0.45), ..CHART_TEXT };
    for (i, bar) in chart.bars.iter().enumerate() {
        let height = plot * bar.value as f32 / max;
        let center = MARGIN + slot * (i as f32 + 0.5);
        c.rect(center - slot * 0.3, base, slot * 0.6, height, Ink::Brand);
        c.text_centered(center, base + height + 3.0, &bar.text, small);
        if i % every == 0 {
            c.text_centered(center, base - 11.0, &bar.label, CHART_TEXT);
        }
    }
    c.rule(MARGIN, base, CONTENT_WIDTH, Ink::Muted, 0.6);
    c.advance(18.0);
}

fn horizontal_chart(c: &mut Canvas, chart: &Chart) {
    let row = 24.0;
    let span = CONTENT_WIDTH - 60.0;
    c.ensure(HEADING.size * 1.5 + 6.0 + row * chart.bars.len().min(4) as f32);
    heading(c, &chart.title);
    let max = max_value(chart);
    for bar in &chart.bars {
        c.ensure(row);
        let top = c.y();
        c.text(MARGIN, top - 9.0, &bar.label, CHART_TEXT);
        let width = (span * bar.value as f32 / max).max(if bar.value > 0 { 0.8 } else { 0.0 });
        c.rect(MARGIN, top - 21.0, width, 9.0, Ink::Brand);
        c.text(MARGIN + width + 4.0, top - 19.5, &bar.text, CHART_TEXT);
        c.advance(row);
    }
}

/// How each rate is defined.
pub fn footnotes(c: &mut Canvas, notes: &[String]) {
    c.ensure(HEADING.size * 1.5 + 40.0);
    heading(c, "Définitions");
    for (i, note) in notes.iter().enumerate() {
        c.paragraph(MARGIN, &format!("{}. {note}", i + 1), NOTE, CONTENT_WIDTH);
        c.advance(2.0);
    }
}

/// The footer of page `number` of `total`: the report, the generation date, the page.
pub fn footer(font: &ReportFont, font_id: &FontId, view: &ReportView, number: usize, total: usize) -> Vec<Op> {
    let mut c = Canvas::new(font, font_id.clone());
    let y = MARGIN - 4.0;
    c.rule(MARGIN, y + 14.0, CONTENT_WIDTH, Ink::Rule, 0.5);
    let left = format!("{} — {}", view.title, view.mediation);
    let size = font.fitting_size(&left, NOTE.size, 6.0, CONTENT_WIDTH - 80.0);
    c.text(MARGIN, y + 4.0, &left, Style { size, ..NOTE });
    c.text(MARGIN, y - 6.0, &format!("Généré le {}", view.generated_on), NOTE);
    c.text_right(PAGE_WIDTH - MARGIN, y + 4.0, &format!("Page {number} sur {total}"), NOTE);
    c.finish().into_iter().flatten().collect()
}
