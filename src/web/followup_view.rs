//! What the queue, a saisine's page and the indicators show of the deadlines, in French.

use chrono::NaiveDate;
use serde::Serialize;

use crate::db::queue::QueueEntry;
use crate::domain::dates::french;
use crate::domain::deadlines::{net_age, DeadlineSettings, Wait};
use crate::domain::indicators::{Indicators, Share};
use crate::domain::queue::{Attention, AttentionKind};
use crate::domain::Stage;

fn plural(count: i64, word: &str) -> String {
    format!("{count} {word}{}", if count > 1 { "s" } else { "" })
}

/// "dans 3 jours", "aujourd'hui", "en retard de 2 jours".
pub fn days_phrase(due: NaiveDate, today: NaiveDate) -> String {
    let days = (due - today).num_days();
    match days {
        0 => "aujourd'hui".to_string(),
        d if d > 0 => format!("dans {}", plural(d, "jour")),
        d => format!("en retard de {}", plural(-d, "jour")),
    }
}

/// One reason to act, ready to read.
#[derive(Debug, Serialize)]
pub struct AttentionView {
    pub kind: &'static str,
    pub label: &'static str,
    pub due: String,
    pub late: bool,
    pub text: String,
}

impl AttentionView {
    pub fn new(a: &Attention, entry: &QueueEntry, settings: &DeadlineSettings, today: NaiveDate) -> Self {
        let (due, when) = (french(a.due), days_phrase(a.due, today));
        let text = match a.kind {
            AttentionKind::TakeUp => format!("Prise en charge à faire au plus tard le {due} ({when})."),
            AttentionKind::Handling => {
                format!("Échéance de traitement le {due} ({when}), hors attente de pièces.")
            }
            AttentionKind::DocumentsOverdue => format!(
                "Pièces attendues pour le {due}, non reçues ; clôture automatique pour abandon le {}.",
                french(settings.abandonment_on(a.due))
            ),
            AttentionKind::Reminder => format!("Relance à envoyer depuis le {due}."),
            AttentionKind::MailReceived => format!(
                "Un courriel est arrivé pendant l'attente des pièces demandées le {due} : vérifiez-le (les pièces ne sont pas marquées reçues)."
            ),
            AttentionKind::PossibleDuplicate => {
                format!("Même NIR ou même courriel que {} (reçue(s) à moins de 7 jours).", entry.duplicates.join(", "))
            }
        };
        AttentionView { kind: a.kind.code(), label: a.kind.label(), due, late: a.late, text }
    }

    pub fn all(entry: &QueueEntry, settings: &DeadlineSettings, today: NaiveDate) -> Vec<Self> {
        entry.attentions.iter().map(|a| AttentionView::new(a, entry, settings, today)).collect()
    }
}

/// A saisine's deadlines, for its own page.
#[derive(Debug, Serialize)]
pub struct DeadlinesView {
    pub attentions: Vec<AttentionView>,
    pub take_up_due: Option<String>,
    pub handling_due: Option<String>,
    pub handling_when: Option<String>,
    pub net_age: i64,
    pub reminder_on: Option<String>,
    pub abandonment_on: Option<String>,
    pub reminded: bool,
    pub day_count: &'static str,
    /// The due date the documents request form proposes.
    pub default_due_on: String,
}

impl DeadlinesView {
    pub fn new(entry: &QueueEntry, settings: &DeadlineSettings, today: NaiveDate) -> Self {
        let l = &entry.lifecycle;
        let open = !matches!(l.stage, Stage::Closed { .. });
        let running = open && !matches!(l.stage, Stage::AwaitingDocuments { .. });
        let handling = settings.handling_due_today(l, today);
        let wait = Wait::of(l);
        DeadlinesView {
            attentions: AttentionView::all(entry, settings, today),
            take_up_due: (open && l.taken_on.is_none()).then(|| french(settings.take_up_due(l.received_on))),
            handling_due: open.then(|| french(handling)),
            handling_when: running.then(|| days_phrase(handling, today)),
            net_age: net_age(l, today),
            reminder_on: wait.map(|w| french(settings.reminder_on(w.since))),
            abandonment_on: wait.map(|w| french(settings.abandonment_on(w.due_on))),
            reminded: entry.reminded,
            day_count: settings.day_count.label(),
            default_due_on: settings.default_due_on(today).to_string(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ShareView {
    pub count: i64,
    pub base: i64,
    /// Rounded percent, or `None` when nothing can be measured yet.
    pub percent: Option<i64>,
}

impl From<Share> for ShareView {
    fn from(share: Share) -> Self {
        ShareView { count: share.count, base: share.base, percent: share.percent() }
    }
}

/// One share of the indicators block: a code (the template writes its explanation beside it),
/// its label, and the share.
#[derive(Debug, Serialize)]
pub struct ShareRow {
    pub code: &'static str,
    pub label: String,
    #[serde(flatten)]
    pub share: ShareView,
}

/// The indicators block.
#[derive(Debug, Serialize)]
pub struct IndicatorsView {
    pub year: i32,
    pub saisines: i64,
    pub shares: Vec<ShareRow>,
    pub overdue_in_year: i64,
    pub overdue_now: i64,
    pub take_up_days: u32,
    pub handling_days: u32,
    pub day_count: &'static str,
}

impl IndicatorsView {
    pub fn new(year: i32, found: Indicators, overdue_now: i64, settings: &DeadlineSettings) -> Self {
        let row = |code, label: String, share: Share| ShareRow { code, label, share: share.into() };
        let delays = found.delays;
        let shares = vec![
            row("sept_jours", "Prises en charge sous 7 jours".into(), delays.taken_up_within_7_days),
            row("48_heures", "Prises en charge sous 48 heures".into(), delays.taken_up_within_48_hours),
            row("un_mois", "Traitées en moins d'un mois".into(), delays.closed_within_a_month),
            row(
                "delai_caisse_prise_en_charge",
                format!("Prises en charge dans le délai de la caisse ({} j)", found.take_up_days),
                found.taken_up_in_time,
            ),
            row(
                "delai_caisse_traitement",
                format!("Clôturées dans le délai de traitement de la caisse ({} j)", found.handling_days),
                found.closed_in_time,
            ),
        ];
        IndicatorsView {
            year,
            saisines: found.saisines,
            shares,
            overdue_in_year: found.overdue_now,
            overdue_now,
            take_up_days: found.take_up_days,
            handling_days: found.handling_days,
            day_count: settings.day_count.label(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_said_in_french() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(days_phrase(d("2026-06-15"), d("2026-06-15")), "aujourd'hui");
        assert_eq!(days_phrase(d("2026-06-16"), d("2026-06-15")), "dans 1 jour");
        assert_eq!(days_phrase(d("2026-06-12"), d("2026-06-15")), "en retard de 3 jours");
    }
}
