//! What an edit changed, field by field, for the saisine's timeline.

use serde::{Deserialize, Serialize};

use super::saisine::SaisineFacts;

/// One changed field; personal identifiers are recorded masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub old: String,
    pub new: String,
}

/// Each field as it reads in the timeline, in form order. NIR, e-mail and phone are masked:
/// the timeline is read by more people than the case's own page.
fn described(facts: &SaisineFacts) -> Vec<(&'static str, String)> {
    let text = |o: &Option<String>| o.clone().unwrap_or_default();
    vec![
        ("received_on", facts.received_on.to_string()),
        ("channel", facts.channel.code().to_string()),
        ("requester_type", facts.requester_type.code().to_string()),
        ("requester_name", text(&facts.requester.name)),
        ("nir", facts.requester.nir.as_ref().map(|n| n.masked()).unwrap_or_default()),
        ("email", facts.requester.email.as_ref().map(|e| e.masked()).unwrap_or_default()),
        ("phone", facts.requester.phone.as_ref().map(|p| p.masked()).unwrap_or_default()),
        ("address", text(&facts.requester.address)),
        ("partner", facts.partner.as_ref().map(|p| p.0.clone()).unwrap_or_default()),
        ("process", facts.process.code().to_string()),
        ("motifs", facts.motifs.iter().map(|m| m.0.as_str()).collect::<Vec<_>>().join("|")),
        ("summary", text(&facts.summary)),
    ]
}

/// The fields that differ between two versions of the facts.
pub fn diff(old: &SaisineFacts, new: &SaisineFacts) -> Vec<FieldChange> {
    let mut changes: Vec<FieldChange> = described(old)
        .into_iter()
        .zip(described(new))
        .filter(|((_, a), (_, b))| a != b)
        .map(|((field, old), (_, new))| FieldChange { field: field.to_string(), old, new })
        .collect();
    // Two different NIRs can mask alike: still say that it changed.
    if old.requester.nir != new.requester.nir && !changes.iter().any(|c| c.field == "nir") {
        let masked = |f: &SaisineFacts| f.requester.nir.as_ref().map(|n| n.masked()).unwrap_or_default();
        changes.push(FieldChange { field: "nir".into(), old: masked(old), new: masked(new) });
    }
    if old.requester.email != new.requester.email && !changes.iter().any(|c| c.field == "email") {
        changes.push(FieldChange { field: "email".into(), old: "•••".into(), new: "•••".into() });
    }
    if old.requester.phone != new.requester.phone && !changes.iter().any(|c| c.field == "phone") {
        changes.push(FieldChange { field: "phone".into(), old: "•••".into(), new: "•••".into() });
    }
    changes
}

/// The French name of a field, for the timeline and error summaries.
pub fn field_label(field: &str) -> &'static str {
    match field {
        "received_on" => "Date de réception",
        "channel" => "Canal",
        "requester_type" => "Type de demandeur",
        "requester_name" => "Nom",
        "nir" => "NIR",
        "email" => "Courriel",
        "phone" => "Téléphone",
        "address" => "Adresse postale",
        "partner" => "Partenaire",
        "process" => "Processus",
        "motifs" => "Motifs",
        "summary" => "Résumé",
        "outcome" => "Suite donnée",
        "date" => "Date",
        "due_on" => "Échéance",
        "description" => "Pièces demandées",
        "reason" => "Motif de réouverture",
        "text" => "Note",
        _ => "Champ",
    }
}
