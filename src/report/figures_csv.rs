//! The report's figures as a CSV file, for a spreadsheet: one line per figure, numbers as
//! numbers (no percent sign, no thousands separator), the same figures as the dashboard and
//! the PDF. UTF-8 with a BOM, `;`, CRLF, like the saisines' export.

use super::figures::{Figures, Share};
use crate::domain::figures::Share as DelayShare;

/// The header: a stable code, the French label, the count, what it is counted over, and the
/// rounded percent (empty when there is nothing to measure).
pub const COLUMNS: [&str; 5] = ["code", "libelle", "nombre", "sur", "pourcentage"];

type Line = [String; 5];

fn line(code: &str, label: &str, count: i64, base: Option<i64>, percent: Option<i64>) -> Line {
    let text = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    [code.into(), label.into(), count.to_string(), text(base), text(percent)]
}

fn share(code: &str, label: &str, s: Share, total: i64) -> Line {
    line(code, label, s.count, Some(total), s.percent)
}

fn delay(code: &str, label: &str, s: DelayShare) -> Line {
    line(code, label, s.count, Some(s.base), s.percent())
}

fn lines(f: &Figures) -> Vec<Line> {
    let total = f.received;
    vec![
        line("saisines_traitees", "Saisines traitées (reçues pendant la période)", total, None, None),
        line("periode_precedente", "Saisines de la période précédente", f.previous_received, None, None),
        line("evolution", "Évolution (pourcentage)", total, Some(f.previous_received), f.evolution_percent),
        share("cloturees", "Clôturées", f.closed, total),
        share("en_cours", "Encore en cours", f.open, total),
        share("taux_resolution", "Taux de résolution", f.resolved, total),
        share("taux_abandon", "Taux d'abandon", f.abandoned, total),
        delay("prises_en_charge_7_jours", "Prises en charge sous 7 jours", f.delays.taken_up_within_7_days),
        delay("prises_en_charge_48_heures", "Prises en charge sous 48 heures", f.delays.taken_up_within_48_hours),
        delay("traitees_moins_d_un_mois", "Traitées en moins d'un mois", f.delays.closed_within_a_month),
    ]
}

/// The file's bytes.
pub fn render(figures: &Figures) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    out.write_record(COLUMNS)?;
    for record in lines(figures) {
        out.write_record(&record)?;
    }
    out.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}
