//! The figures of the annual report, as `docs/domain.md` defines them ("Les
//! chiffres"): what the database counts (`Aggregates`), and what follows from the counts
//! (`Figures`: shares, rates, mean and median durations). No SQL, no formatting here.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::format::{percent_of, round_div};
use super::period::Period;
use crate::domain::figures::{DelayFigures, Delays};
use crate::domain::{Channel, Outcome, Process, RequesterType};

/// How many saisines per code.
pub type Counts = BTreeMap<String, i64>;
/// How many saisines per number of days.
pub type Histogram = BTreeMap<i32, i64>;

/// What the aggregate queries return for a period: counts only, nothing derived.
/// Every count is over the saisines received in the period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Aggregates {
    pub received: i64,
    /// Received in the same dates a year earlier.
    pub previous_received: i64,
    pub channels: Counts,
    pub requesters: Counts,
    pub partners: Counts,
    pub processes: Counts,
    /// A saisine counts once under each of its motifs.
    pub motifs: Counts,
    /// Closed saisines only.
    pub outcomes: Counts,
    pub received_by_day: BTreeMap<NaiveDate, i64>,
    /// Days from reception to prise en charge, of the saisines taken up.
    pub take_up_days: Histogram,
    /// Days from reception to closing, of the closed saisines.
    pub processing_days: Histogram,
    /// The same less the days spent waiting for documents.
    pub net_processing_days: Histogram,
    /// What the delay figures read (`domain::figures`), grouped.
    pub delays: Delays,
}

/// A part of the period's saisines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Share {
    pub count: i64,
    /// Rounded to the whole percent; none when the period has no saisine.
    pub percent: Option<i64>,
}

impl Share {
    fn of(count: i64, whole: i64) -> Share {
        Share { count, percent: percent_of(count, whole) }
    }
}

/// One line of a breakdown table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub code: String,
    pub label: String,
    pub share: Share,
}

/// Mean and median of a number of days, in tenths of a day (`143` is 14.3 days).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct DurationStats {
    pub count: i64,
    pub mean_tenths: Option<i64>,
    pub median_tenths: Option<i64>,
}

impl DurationStats {
    /// From a histogram (days → how many): the median of an even count is the mean of the
    /// two middle values.
    pub fn from_histogram(histogram: &Histogram) -> DurationStats {
        let count: i64 = histogram.values().sum();
        if count <= 0 {
            return DurationStats::default();
        }
        let total: i64 = histogram.iter().map(|(days, n)| i64::from(*days) * n).sum();
        let middle = (nth_value(histogram, (count - 1) / 2), nth_value(histogram, count / 2));
        DurationStats {
            count,
            mean_tenths: Some(round_div(total.saturating_mul(10), count)),
            median_tenths: Some((i64::from(middle.0) + i64::from(middle.1)) * 5),
        }
    }
}

/// The value at 0-based rank `rank` of the values the histogram counts.
fn nth_value(histogram: &Histogram, rank: i64) -> i32 {
    let mut seen = 0;
    for (days, n) in histogram {
        seen += n;
        if seen > rank {
            return *days;
        }
    }
    histogram.keys().next_back().copied().unwrap_or(0)
}

/// Saisines received in one month of the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MonthCount {
    pub year: i32,
    pub month: u32,
    pub count: i64,
}

/// The labels of the lists administrators extend (motifs, partners), by code.
#[derive(Debug, Clone, Default)]
pub struct ListLabels {
    pub motifs: Vec<(String, String)>,
    pub partners: Vec<(String, String)>,
}

/// Every figure of the report for one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Figures {
    pub period: Period,
    pub previous: Option<Period>,
    pub received: i64,
    pub previous_received: i64,
    /// Change against the previous period in whole percent; none when it had no saisine.
    pub evolution_percent: Option<i64>,
    pub channels: Vec<Row>,
    pub requesters: Vec<Row>,
    pub partners: Vec<Row>,
    pub processes: Vec<Row>,
    pub motifs: Vec<Row>,
    pub outcomes: Vec<Row>,
    pub closed: Share,
    pub open: Share,
    pub resolved: Share,
    pub abandoned: Share,
    pub gross_processing: DurationStats,
    pub net_processing: DurationStats,
    pub take_up: DurationStats,
    /// "Sous 7 jours", "sous 48 heures", "en moins d'un mois": defined once in
    /// `domain::figures`, the same numbers as on `/indicateurs`.
    pub delays: DelayFigures,
    pub months: Vec<MonthCount>,
}

impl Figures {
    /// The figures as of `today` (a saisine still within a delay is not measured yet).
    pub fn compute(period: Period, aggregates: &Aggregates, labels: &ListLabels, today: NaiveDate) -> Figures {
        let total = aggregates.received;
        let closed: i64 = aggregates.outcomes.values().sum();
        let count_of = |outcome: Outcome| aggregates.outcomes.get(outcome.code()).copied().unwrap_or(0);
        let resolved: i64 = Outcome::ALL.iter().filter(|o| o.is_resolved()).map(|o| count_of(*o)).sum();
        Figures {
            period,
            previous: period.previous(),
            received: total,
            previous_received: aggregates.previous_received,
            evolution_percent: evolution(total, aggregates.previous_received),
            channels: coded_rows(Channel::ALL, |c| (c.code(), c.label()), &aggregates.channels, total),
            requesters: coded_rows(RequesterType::ALL, |r| (r.code(), r.label()), &aggregates.requesters, total),
            partners: listed_rows(&labels.partners, &aggregates.partners, total),
            processes: coded_rows(Process::ALL, |p| (p.code(), p.label()), &aggregates.processes, total),
            motifs: listed_rows(&labels.motifs, &aggregates.motifs, total),
            outcomes: coded_rows(Outcome::ALL, |o| (o.code(), o.label()), &aggregates.outcomes, total),
            closed: Share::of(closed, total),
            open: Share::of(total - closed, total),
            resolved: Share::of(resolved, total),
            abandoned: Share::of(count_of(Outcome::Abandon), total),
            gross_processing: DurationStats::from_histogram(&aggregates.processing_days),
            net_processing: DurationStats::from_histogram(&aggregates.net_processing_days),
            take_up: DurationStats::from_histogram(&aggregates.take_up_days),
            delays: DelayFigures::compute(&aggregates.delays, today),
            months: months(period, &aggregates.received_by_day),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.received == 0
    }
}

/// +142 means 2.42 times the previous count; none without a previous count.
pub fn evolution(current: i64, previous: i64) -> Option<i64> {
    (previous > 0).then(|| round_div((current - previous).saturating_mul(100), previous))
}

/// Every code of a fixed list (zeros included, so that years compare line by line), then any
/// unexpected stored code; most frequent first, ties in the list's order.
fn coded_rows<T: Copy>(
    all: &[T],
    code_and_label: impl Fn(T) -> (&'static str, &'static str),
    counts: &Counts,
    total: i64,
) -> Vec<Row> {
    let known: Vec<(String, String)> =
        all.iter().map(|v| code_and_label(*v)).map(|(c, l)| (c.to_string(), l.to_string())).collect();
    let mut rows = rows_in_order(&known, counts, total, true);
    sort_by_count(&mut rows);
    rows
}

/// The codes of an extensible list that occur, most frequent first.
fn listed_rows(labels: &[(String, String)], counts: &Counts, total: i64) -> Vec<Row> {
    let mut rows = rows_in_order(labels, counts, total, false);
    sort_by_count(&mut rows);
    rows
}

fn rows_in_order(known: &[(String, String)], counts: &Counts, total: i64, keep_zeros: bool) -> Vec<Row> {
    let row = |code: &str, label: &str, count: i64| Row {
        code: code.to_string(),
        label: label.to_string(),
        share: Share::of(count, total),
    };
    let mut rows: Vec<Row> = known
        .iter()
        .map(|(code, label)| row(code, label, counts.get(code).copied().unwrap_or(0)))
        .filter(|r| keep_zeros || r.share.count > 0)
        .collect();
    let unknown = counts.iter().filter(|(code, _)| !known.iter().any(|(k, _)| k == *code));
    rows.extend(unknown.map(|(code, count)| row(code, code, *count)));
    rows
}

/// Stable: equal counts keep their list order.
fn sort_by_count(rows: &mut [Row]) {
    rows.sort_by_key(|row| std::cmp::Reverse(row.share.count));
}

fn months(period: Period, by_day: &BTreeMap<NaiveDate, i64>) -> Vec<MonthCount> {
    let mut by_month: BTreeMap<(i32, u32), i64> = BTreeMap::new();
    for (day, n) in by_day.range(period.first..=period.last) {
        *by_month.entry((day.year(), day.month())).or_default() += n;
    }
    period
        .months()
        .into_iter()
        .map(|(year, month)| MonthCount { year, month, count: by_month.get(&(year, month)).copied().unwrap_or(0) })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn histogram(values: &[i32]) -> Histogram {
        let mut h = Histogram::new();
        for v in values {
            *h.entry(*v).or_default() += 1;
        }
        h
    }

    #[test]
    fn mean_and_median_from_a_histogram() {
        let odd = DurationStats::from_histogram(&histogram(&[3, 10, 4, 4, 30]));
        assert_eq!((odd.count, odd.mean_tenths, odd.median_tenths), (5, Some(102), Some(40)));
        let even = DurationStats::from_histogram(&histogram(&[1, 2, 3, 10]));
        assert_eq!((even.mean_tenths, even.median_tenths), (Some(40), Some(25)));
        assert_eq!(DurationStats::from_histogram(&Histogram::new()), DurationStats::default());
    }

    #[test]
    fn the_2021_report_figures() {
        let mut aggregates = Aggregates { received: 305, previous_received: 126, ..Default::default() };
        for (outcome, n) in [
            ("paiement_recu", 165),
            ("explications", 69),
            ("accord_amiable", 28),
            ("abandon", 16),
            ("decision_maintenue", 11),
            ("orientation", 10),
            ("decision_revisee", 4),
        ] {
            aggregates.outcomes.insert(outcome.into(), n);
        }
        let today = NaiveDate::from_ymd_opt(2022, 6, 1).unwrap();
        let figures = Figures::compute(Period::year(2021).unwrap(), &aggregates, &ListLabels::default(), today);
        assert_eq!(figures.evolution_percent, Some(142));
        assert_eq!(figures.resolved, Share { count: 266, percent: Some(87) });
        assert_eq!(figures.abandoned, Share { count: 16, percent: Some(5) });
        assert_eq!(figures.open.count, 2);
        assert_eq!(figures.outcomes[0].code, "paiement_recu");
        assert_eq!(figures.outcomes.last().map(|r| r.code.as_str()), Some("decision_revisee"));
        assert_eq!(figures.months.len(), 12);
    }

    #[test]
    fn no_previous_year_means_no_evolution() {
        assert_eq!(evolution(10, 0), None);
        assert_eq!(evolution(5, 10), Some(-50));
    }
}
