//! The annual report (bilan annuel): the figures of `docs/domain.md` computed from the
//! database's aggregates, worded once in French (`view`), and rendered as a PDF, as inline
//! SVG charts for the dashboard, and the saisines themselves as CSV. No SQL and no web here:
//! `db::report` counts, `web` and `cli` serve.

pub mod csv;
pub mod figures;
pub mod figures_csv;
pub mod format;
pub mod pdf;
pub mod period;
pub mod svg;
pub mod view;
pub mod xlsx;

pub use figures::{Aggregates, Figures, ListLabels};
pub use period::Period;
pub use view::ReportView;

/// The figures of a period as of `today`.
pub fn figures(period: Period, aggregates: &Aggregates, labels: &ListLabels, today: chrono::NaiveDate) -> Figures {
    Figures::compute(period, aggregates, labels, today)
}

/// The report of a period: figures, then their wording, as of `generated_on`.
pub fn build_view(
    period: Period,
    aggregates: &Aggregates,
    labels: &ListLabels,
    mediation: &str,
    generated_on: chrono::NaiveDate,
) -> ReportView {
    ReportView::new(&figures(period, aggregates, labels, generated_on), mediation, generated_on)
}
