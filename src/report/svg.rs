//! The report's charts as inline SVG for the dashboard: no script, no `style` attribute (the
//! content security policy forbids inline styles), only presentation attributes.

use std::fmt::Write;

use super::view::{Chart, Orientation};

const WIDTH: f64 = 640.0;
const BAR_COLOR: &str = "#1f3f8f";
const TEXT_COLOR: &str = "#1b1b1f";
const AXIS_COLOR: &str = "#53535f";

/// The chart as an `<svg>` element, titled for assistive technologies.
pub fn chart(chart: &Chart) -> String {
    match chart.orientation {
        Orientation::Vertical => vertical(chart),
        Orientation::Horizontal => horizontal(chart),
    }
}

fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

fn open(chart: &Chart, height: f64) -> String {
    let id = format!("graphique-{}", chart.id);
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" aria-labelledby=\"{id}\" \
         viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\" \
         font-family=\"Liberation Sans, Arial, sans-serif\"><title id=\"{id}\">{}</title>",
        escape(&chart.title)
    )
}

fn max_value(chart: &Chart) -> i64 {
    chart.bars.iter().map(|b| b.value).max().unwrap_or(0).max(1)
}

/// Months side by side, the count above each bar.
fn vertical(chart: &Chart) -> String {
    let (top, plot, bottom) = (20.0, 180.0, 30.0);
    let height = top + plot + bottom;
    let slot = WIDTH / chart.bars.len().max(1) as f64;
    let max = max_value(chart) as f64;
    let every = chart.axis_label_step();
    let mut svg = open(chart, height);
    for (i, bar) in chart.bars.iter().enumerate() {
        let label = if i % every == 0 { escape(&bar.label) } else { String::new() };
        let h = plot * bar.value as f64 / max;
        let x = slot * i as f64;
        let center = x + slot / 2.0;
        let _ = write!(
            svg,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"{BAR_COLOR}\"/>\
             <text x=\"{center:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"middle\" fill=\"{TEXT_COLOR}\">{}</text>\
             <text x=\"{center:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"middle\" fill=\"{AXIS_COLOR}\">{}</text>",
            x + slot * 0.15,
            top + plot - h,
            slot * 0.7,
            top + plot - h - 4.0,
            escape(&bar.text),
            top + plot + 18.0,
            label,
        );
    }
    let _ = write!(
        svg,
        "<line x1=\"0\" y1=\"{0}\" x2=\"{WIDTH}\" y2=\"{0}\" stroke=\"{AXIS_COLOR}\" stroke-width=\"1\"/></svg>",
        top + plot
    );
    svg
}

/// One category a row: its label above its bar, the count after the bar.
fn horizontal(chart: &Chart) -> String {
    let row = 38.0;
    let height = row * chart.bars.len().max(1) as f64 + 4.0;
    let span = WIDTH - 80.0;
    let max = max_value(chart) as f64;
    let mut svg = open(chart, height);
    for (i, bar) in chart.bars.iter().enumerate() {
        let y = row * i as f64;
        let w = (span * bar.value as f64 / max).max(if bar.value > 0 { 1.0 } else { 0.0 });
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{:.1}\" font-size=\"13\" fill=\"{TEXT_COLOR}\">{}</text>\
             <rect x=\"0\" y=\"{:.1}\" width=\"{w:.1}\" height=\"14\" fill=\"{BAR_COLOR}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"13\" fill=\"{TEXT_COLOR}\">{}</text>",
            y + 13.0,
            escape(&bar.label),
            y + 18.0,
            w + 6.0,
            y + 30.0,
            escape(&bar.text),
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::view::Bar;

    fn sample(orientation: Orientation) -> Chart {
        Chart {
            id: "test",
            title: "Suites <données>".into(),
            orientation,
            bars: vec![
                Bar { label: "A & B".into(), value: 3, text: "3".into() },
                Bar { label: "C".into(), value: 0, text: "0".into() },
            ],
        }
    }

    #[test]
    fn charts_are_escaped_and_use_no_style_attribute() {
        for orientation in [Orientation::Vertical, Orientation::Horizontal] {
            let svg = chart(&sample(orientation));
            assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
            assert!(svg.contains("Suites &lt;données&gt;") && svg.contains("A &amp; B"));
            assert!(!svg.contains("style="));
            assert_eq!(svg.matches("<rect").count(), 2);
        }
    }
}
