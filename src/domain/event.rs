//! Timeline entries: what happened to a saisine, when and by whom.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::changes::FieldChange;
use super::codes::Outcome;
use super::lifecycle::Action;

/// The kinds of timeline entry, stored as their code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Creee,
    PriseEnCharge,
    Note,
    PiecesDemandees,
    PiecesRecues,
    Modifiee,
    Cloturee,
    Rouverte,
    Attribuee,
    /// A reminder sent to the person about a documents request.
    Relance,
    /// The sweep noted that requested documents did not come by their due date.
    EcheanceDepassee,
    /// Brought in from a spreadsheet (the file's name in the text).
    Importee,
    /// A document added to the saisine's file (its name in the text).
    PieceAjoutee,
    /// A mediator said another saisine flagged as a possible duplicate is not one.
    DoublonEcarte,
    /// A letter produced as a PDF to print and post (its subject and recipient in the text).
    CourrierEnvoye,
    /// An e-mail written to the outbox (its subject and recipient in the text).
    CourrielEnvoye,
    /// The outbox could not deliver an e-mail: refused for good, or every try failed.
    CourrielEchec,
    /// An e-mail received in the mediation's mailbox (sender, subject, text; quoted history apart).
    CourrielRecu,
    /// An old value of the history replaced at the person's request (the old value is gone).
    Rectifiee,
    /// The personal data and free texts removed (end of retention, or erasure on request).
    Anonymisee,
    /// On the saisine kept: a duplicate merged into it (its reference in the text).
    Fusion,
    /// On the duplicate: merged into the saisine kept, and closed (its reference in the text).
    FusionneeDans,
}

impl EventKind {
    pub const ALL: &'static [EventKind] = &[
        EventKind::Creee,
        EventKind::PriseEnCharge,
        EventKind::Note,
        EventKind::PiecesDemandees,
        EventKind::PiecesRecues,
        EventKind::Modifiee,
        EventKind::Cloturee,
        EventKind::Rouverte,
        EventKind::Attribuee,
        EventKind::Relance,
        EventKind::EcheanceDepassee,
        EventKind::Importee,
        EventKind::PieceAjoutee,
        EventKind::DoublonEcarte,
        EventKind::CourrierEnvoye,
        EventKind::CourrielEnvoye,
        EventKind::CourrielEchec,
        EventKind::CourrielRecu,
        EventKind::Rectifiee,
        EventKind::Anonymisee,
        EventKind::Fusion,
        EventKind::FusionneeDans,
    ];

    pub fn code(self) -> &'static str {
        match self {
            EventKind::Creee => "creee",
            EventKind::PriseEnCharge => "prise_en_charge",
            EventKind::Note => "note",
            EventKind::PiecesDemandees => "pieces_demandees",
            EventKind::PiecesRecues => "pieces_recues",
            EventKind::Modifiee => "modifiee",
            EventKind::Cloturee => "cloturee",
            EventKind::Rouverte => "rouverte",
            EventKind::Attribuee => "attribuee",
            EventKind::Importee => "importee",
            EventKind::Relance => "relance",
            EventKind::EcheanceDepassee => "echeance_depassee",
            EventKind::PieceAjoutee => "piece_ajoutee",
            EventKind::DoublonEcarte => "doublon_ecarte",
            EventKind::CourrierEnvoye => "courrier_envoye",
            EventKind::CourrielEnvoye => "courriel_envoye",
            EventKind::CourrielEchec => "courriel_echec",
            EventKind::CourrielRecu => "courriel_recu",
            EventKind::Rectifiee => "rectifiee",
            EventKind::Anonymisee => "anonymisee",
            EventKind::Fusion => "fusion",
            EventKind::FusionneeDans => "fusionnee_dans",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            EventKind::Creee => "Saisine enregistrée",
            EventKind::PriseEnCharge => "Prise en charge",
            EventKind::Note => "Note",
            EventKind::PiecesDemandees => "Pièces demandées",
            EventKind::PiecesRecues => "Pièces reçues",
            EventKind::Modifiee => "Modification",
            EventKind::Cloturee => "Clôture",
            EventKind::Rouverte => "Réouverture",
            EventKind::Attribuee => "Attribution",
            EventKind::Importee => "Importée",
            EventKind::Relance => "Relance envoyée",
            EventKind::EcheanceDepassee => "Pièces non reçues à l'échéance",
            EventKind::PieceAjoutee => "Pièce jointe ajoutée",
            EventKind::DoublonEcarte => "Doublon possible écarté",
            EventKind::CourrierEnvoye => "Courrier envoyé",
            EventKind::CourrielEnvoye => "Courriel envoyé",
            EventKind::CourrielEchec => "Courriel non distribué",
            EventKind::CourrielRecu => "Courriel reçu",
            EventKind::Rectifiee => "Rectification de l'historique",
            EventKind::Anonymisee => "Données personnelles anonymisées",
            EventKind::Fusion => "Fusion d'un doublon",
            EventKind::FusionneeDans => "Fusionnée dans une autre saisine (doublon)",
        }
    }

    pub fn from_code(code: &str) -> Option<EventKind> {
        Self::ALL.iter().copied().find(|k| k.code() == code)
    }
}

/// What an entry says besides its kind; only the parts that apply are set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EventDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<FieldChange>,
    /// A received e-mail's quoted history, shown folded below its text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quoted: Option<String>,
}

impl EventDetails {
    /// The entry a lifecycle move leaves in the timeline.
    pub fn for_action(action: &Action) -> (EventKind, EventDetails) {
        match action {
            Action::TakeUp { on } => (EventKind::PriseEnCharge, EventDetails { date: Some(*on), ..Default::default() }),
            Action::RequestDocuments { on, due_on, description } => (
                EventKind::PiecesDemandees,
                EventDetails {
                    date: Some(*on),
                    due_on: Some(*due_on),
                    description: Some(description.trim().to_string()),
                    ..Default::default()
                },
            ),
            Action::ReceiveDocuments { on } => {
                (EventKind::PiecesRecues, EventDetails { date: Some(*on), ..Default::default() })
            }
            Action::Close { on, outcome, summary } => (
                EventKind::Cloturee,
                EventDetails {
                    date: Some(*on),
                    outcome: *outcome,
                    text: Some(summary.trim().to_string()),
                    ..Default::default()
                },
            ),
            Action::Reopen { on, reason } => (
                EventKind::Rouverte,
                EventDetails { date: Some(*on), text: Some(reason.trim().to_string()), ..Default::default() },
            ),
        }
    }
}
