//! The annual report (bilan annuel): the figures of `shared/domain.md` computed from the
//! database's aggregates, worded once in French (`view`), and rendered as a PDF, as inline
//! SVG charts for the dashboard, and the saisines themselves as CSV. No SQL and no web here:
//! `db::report` counts, `web` and `cli` serve.

pub mod csv;
pub mod figures;
pub mod format;
pub mod pdf;
pub mod period;
pub mod svg;
pub mod view;

pub use figures::{Aggregates, Figures, ListLabels};
pub use period::Period;
pub use view::ReportView;

/// The report of a period: figures, then their wording, as of `generated_on`.
pub fn build_view(
    period: Period,
    aggregates: &Aggregates,
    labels: &ListLabels,
    mediation: &str,
    generated_on: chrono::NaiveDate,
) -> ReportView {
    ReportView::new(&Figures::compute(period, aggregates, labels, generated_on), mediation, generated_on)
}
