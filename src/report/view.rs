//! The report as people read it: every figure formatted once, in French, for the dashboard
//! and the PDF alike, so that both always show the same numbers.

use chrono::NaiveDate;
use serde::Serialize;

use super::figures::{DurationStats, Figures, Row, Share};
use super::format::{count, days, saisines, share, short_month_name, signed_percent, NNBSP};
use crate::domain::dates::french;
use crate::domain::figures::Share as DelayShare;

/// A headline figure: a value, what it is, and a short note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyFigure {
    pub value: String,
    pub label: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableRow {
    pub label: String,
    pub count: String,
    pub share: String,
}

/// A breakdown table: label, count, share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    pub id: &'static str,
    pub title: String,
    pub rows: Vec<TableRow>,
    pub note: Option<String>,
}

/// One bar of a chart: its label, its value, and the value as written beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bar {
    pub label: String,
    pub value: i64,
    pub text: String,
}

/// Vertical bars for a series over time, horizontal bars for categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Orientation {
    Vertical,
    Horizontal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Chart {
    pub id: &'static str,
    pub title: String,
    pub orientation: Orientation,
    pub bars: Vec<Bar>,
}

impl Chart {
    /// One axis label every so many bars, so that twelve at most are written.
    pub fn axis_label_step(&self) -> usize {
        self.bars.len().div_ceil(12).max(1)
    }
}

/// Everything a rendering shows, already worded and formatted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportView {
    /// "Bilan de la médiation — année 2021".
    pub title: String,
    /// The mediation's (and so the caisse's) name.
    pub mediation: String,
    pub period: String,
    /// The day the figures were taken, `dd/mm/yyyy`.
    pub generated_on: String,
    pub empty: bool,
    /// The opening sentence: how many saisines, and their change.
    pub summary: String,
    pub key_figures: Vec<KeyFigure>,
    pub tables: Vec<Table>,
    pub charts: Vec<Chart>,
    pub footnotes: Vec<String>,
    /// The letterhead's logo (JPEG), drawn at the top of the PDF's first page.
    #[serde(skip)]
    pub logo: Option<Vec<u8>>,
}

impl ReportView {
    pub fn new(figures: &Figures, mediation: &str, generated_on: NaiveDate) -> ReportView {
        let empty = figures.is_empty();
        ReportView {
            title: format!("Bilan de la médiation — {}", figures.period.label()),
            mediation: mediation.to_string(),
            period: figures.period.label(),
            generated_on: french(generated_on),
            empty,
            summary: summary(figures, generated_on),
            key_figures: if empty { Vec::new() } else { key_figures(figures) },
            tables: if empty { Vec::new() } else { tables(figures, generated_on) },
            charts: if empty { Vec::new() } else { charts(figures) },
            footnotes: if empty { Vec::new() } else { footnotes() },
            logo: None,
        }
    }
}

impl ReportView {
    /// Adds the satisfaction rate (answers "oui" and "plutôt oui" to the satisfaction form
    /// received in the period) and the number of answers, next to the other key figures.
    /// The letterhead's logo, for the PDF.
    pub fn with_logo(mut self, logo: Option<Vec<u8>>) -> ReportView {
        self.logo = logo;
        self
    }

    pub fn with_satisfaction(mut self, answers: i64, satisfied: i64) -> ReportView {
        if self.empty {
            return self;
        }
        let value = super::format::percent_of(satisfied, answers).map(super::format::percent);
        let note = match answers {
            0 => "aucune réponse au questionnaire".to_string(),
            1 => "1 réponse au questionnaire".to_string(),
            n => format!("{} réponses au questionnaire", count(n)),
        };
        self.key_figures.push(KeyFigure {
            value: value.unwrap_or_else(|| "non disponible".to_string()),
            label: "taux de satisfaction".to_string(),
            note,
        });
        self
    }
}

/// "en 2020" (`in_sentence`) or "2020" (what a change is measured against).
fn previous_label(figures: &Figures, in_sentence: bool) -> String {
    match figures.previous {
        Some(previous) if in_sentence => previous.in_sentence(),
        Some(previous) => previous.as_reference(),
        None => "la période précédente".to_string(),
    }
}

fn summary(figures: &Figures, generated_on: NaiveDate) -> String {
    let when = figures.period.in_sentence();
    if figures.is_empty() {
        return format!(
            "Aucune saisine n'a été reçue {when} (chiffres arrêtés au {}) : ce bilan ne contient donc aucun chiffre.",
            french(generated_on)
        );
    }
    let change = match figures.evolution_percent {
        Some(p) => format!(
            "évolution : {} par rapport à {}, qui en comptait {}",
            signed_percent(p),
            previous_label(figures, false),
            count(figures.previous_received)
        ),
        None => format!("évolution : non disponible, aucune saisine {}", previous_label(figures, true)),
    };
    let mut when_capitalized = when.clone();
    if let Some(first) = when_capitalized.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    format!("{when_capitalized}, la médiation a reçu {} ({change}).", saisines(figures.received))
}

fn share_text(s: Share) -> String {
    share(s.percent)
}

fn median_note(stats: DurationStats) -> String {
    match stats.median_tenths {
        Some(m) => format!("médiane : {} ({} clôturées)", days(m), count(stats.count)),
        None => "aucune saisine clôturée".to_string(),
    }
}

fn duration_text(stats: DurationStats) -> String {
    stats.mean_tenths.map(days).unwrap_or_else(|| "–".to_string())
}

fn key_figures(figures: &Figures) -> Vec<KeyFigure> {
    let figure = |value: String, label: &str, note: String| KeyFigure { value, label: label.to_string(), note };
    let evolution = match figures.evolution_percent {
        Some(p) => signed_percent(p),
        None => "non disponible".to_string(),
    };
    vec![
        figure(count(figures.received), "saisines traitées", format!("reçues {}", figures.period.in_sentence())),
        figure(
            evolution,
            "évolution",
            format!("{} {}", saisines(figures.previous_received), previous_label(figures, true)),
        ),
        figure(share_text(figures.resolved), "taux de résolution", saisines(figures.resolved.count)),
        figure(share_text(figures.abandoned), "taux d'abandon", saisines(figures.abandoned.count)),
        figure(
            duration_text(figures.gross_processing),
            "délai moyen de traitement",
            median_note(figures.gross_processing),
        ),
        figure(
            duration_text(figures.net_processing),
            "délai moyen net des attentes de pièces",
            median_note(figures.net_processing),
        ),
        delay_figure(figures.delays.taken_up_within_7_days, "prises en charge sous 7 jours", figures.received),
        delay_figure(figures.delays.closed_within_a_month, "traitées en moins d'un mois", figures.received),
        delay_figure(figures.delays.taken_up_within_48_hours, "prises en charge sous 48 heures", figures.received),
    ]
}

/// A delay share: its percent, and how many saisines; when some are still within the delay
/// (not measured yet), the note says over how many the share is taken.
fn delay_figure(s: DelayShare, label: &str, received: i64) -> KeyFigure {
    let note = if s.base == received {
        saisines(s.count)
    } else {
        format!("{} sur {} ; {} encore dans le délai", saisines(s.count), count(s.base), count(received - s.base))
    };
    KeyFigure { value: share(s.percent()), label: label.to_string(), note }
}

fn table(id: &'static str, title: &str, rows: &[Row], note: Option<String>) -> Table {
    let rows = rows
        .iter()
        .map(|r| TableRow { label: r.label.clone(), count: count(r.share.count), share: share_text(r.share) })
        .collect();
    Table { id, title: title.to_string(), rows, note }
}

fn tables(figures: &Figures, generated_on: NaiveDate) -> Vec<Table> {
    let partner_total: i64 = figures.partners.iter().map(|r| r.share.count).sum();
    let outcomes_note = format!(
        "{} clôturées ({}) ; {} encore en cours au {}.",
        saisines(figures.closed.count),
        share_text(figures.closed),
        count(figures.open.count),
        french(generated_on)
    );
    vec![
        table("canaux", "Canaux de réception", &figures.channels, None),
        table("demandeurs", "Demandeurs", &figures.requesters, None),
        table(
            "partenaires",
            "Partenaires",
            &figures.partners,
            Some(format!("Saisines adressées par un partenaire, par la boîte générique : {}.", count(partner_total))),
        ),
        table("processus", "Processus", &figures.processes, None),
        table(
            "motifs",
            "Motifs",
            &figures.motifs,
            Some(with_nnbsp("Une saisine peut avoir plusieurs motifs : les parts dépassent 100 % au total.")),
        ),
        table("suites", "Suites données", &figures.outcomes, Some(outcomes_note)),
    ]
}

fn bars(rows: &[Row]) -> Vec<Bar> {
    rows.iter().map(|r| Bar { label: r.label.clone(), value: r.share.count, text: count(r.share.count) }).collect()
}

fn charts(figures: &Figures) -> Vec<Chart> {
    let several_years = figures.months.first().map(|m| m.year) != figures.months.last().map(|m| m.year);
    let months = figures
        .months
        .iter()
        .map(|m| {
            let name = short_month_name(m.month);
            let label = if several_years { format!("{name} {}", m.year % 100) } else { name.to_string() };
            Bar { label, value: m.count, text: count(m.count) }
        })
        .collect();
    let outcomes: Vec<Row> = figures.outcomes.iter().filter(|r| r.share.count > 0).cloned().collect();
    vec![
        Chart {
            id: "receptions",
            title: "Saisines reçues par mois".into(),
            orientation: Orientation::Vertical,
            bars: months,
        },
        Chart {
            id: "suites",
            title: "Suites données".into(),
            orientation: Orientation::Horizontal,
            bars: bars(&outcomes),
        },
        Chart {
            id: "canaux",
            title: "Canaux de réception".into(),
            orientation: Orientation::Horizontal,
            bars: bars(&figures.channels),
        },
    ]
}

/// The narrow no-break space before `%` in running text.
fn with_nnbsp(text: &str) -> String {
    text.replace(" %", &format!("{NNBSP}%"))
}

fn footnotes() -> Vec<String> {
    [
        "Saisines traitées : saisines reçues pendant la période ; les parts des canaux, demandeurs, \
         partenaires, processus et motifs sont calculées sur ce total.",
        "Évolution : variation du nombre de saisines par rapport aux mêmes dates un an plus tôt (+100 % \
         signifie deux fois plus).",
        "Taux de résolution : saisines de la période clôturées avec une suite favorable (paiement reçu, \
         explications, accord amiable, décision révisée), rapportées à toutes les saisines de la période.",
        "Taux d'abandon : saisines de la période clôturées par un abandon, rapportées à toutes les saisines \
         de la période.",
        "Délai de traitement : jours entre la réception et la clôture des saisines clôturées (moyenne et \
         médiane) ; le délai net déduit les jours d'attente des pièces demandées à la personne.",
        "Prises en charge sous 7 jours : indicateur national, part des saisines de la période prises en \
         charge au plus 7 jours après le jour de leur réception ; une saisine clôturée sans prise en charge \
         (orientation) compte comme non prise en charge.",
        "Traitées en moins d'un mois : indicateur national, part des saisines de la période clôturées au plus \
         30 jours après le jour de leur réception, attente de pièces comprise.",
        "Prises en charge sous 48 heures : part des saisines de la période prises en charge (et donc accusées) \
         au plus 2 jours après le jour de leur réception ; seules les dates étant enregistrées, une saisine reçue \
         un lundi l'est sous 48 heures si elle est prise en charge au plus tard le mercredi.",
        "Ces trois parts ne comptent pas les saisines encore dans le délai au jour du bilan (ni à l'heure ni en \
         retard) ; ce sont les mêmes chiffres que sur la page des indicateurs pour la même année.",
        "Les pourcentages sont arrondis à l'unité ; les nombres sont exacts. Les saisines anonymisées restent \
         comptées.",
    ]
    .iter()
    .map(|note| with_nnbsp(note))
    .collect()
}
