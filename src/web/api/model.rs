//! The API's JSON shapes.

use serde::{Deserialize, Serialize};

use crate::db::events::Event;
use crate::domain::contact::{mask_email, mask_phone};
use crate::domain::paris::utc;
use crate::domain::{Channel, Outcome, Process, RequesterType, Saisine, SaisineDraft, Status};
use crate::web::view::{address_for, change_value, name_for};

/// What every view of a saisine shows, identifiers aside.
#[derive(Debug, Serialize)]
pub struct SaisineCore {
    pub reference: String,
    pub received_on: chrono::NaiveDate,
    pub channel: Channel,
    pub requester_type: RequesterType,
    pub requester_name: Option<String>,
    pub partner: Option<String>,
    pub process: Process,
    pub motifs: Vec<String>,
    pub status: Status,
    pub outcome: Option<Outcome>,
    pub taken_on: Option<chrono::NaiveDate>,
    pub closed_on: Option<chrono::NaiveDate>,
    pub age_days: i64,
}

impl SaisineCore {
    /// `reveal`: the name whole, or as initials for a reader.
    fn new(s: &Saisine, today: chrono::NaiveDate, reveal: bool) -> Self {
        let facts = &s.facts;
        SaisineCore {
            reference: s.reference.to_string(),
            received_on: facts.received_on,
            channel: facts.channel,
            requester_type: facts.requester_type,
            requester_name: facts.requester.name.as_deref().map(|n| name_for(n, reveal)),
            partner: facts.partner.as_ref().map(|p| p.0.clone()),
            process: facts.process,
            motifs: facts.motifs.iter().map(|m| m.0.clone()).collect(),
            status: s.lifecycle.status(),
            outcome: s.lifecycle.outcome(),
            taken_on: s.lifecycle.taken_on,
            closed_on: s.lifecycle.closed_on(),
            age_days: crate::web::view::age_in_days(s, today),
        }
    }
}

/// A saisine in a list: personal identifiers masked, the name too for a reader.
#[derive(Debug, Serialize)]
pub struct SaisineSummary {
    #[serde(flatten)]
    pub core: SaisineCore,
    pub nir: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl SaisineSummary {
    pub fn new(s: &Saisine, today: chrono::NaiveDate, reveal: bool) -> Self {
        let requester = &s.facts.requester;
        SaisineSummary {
            core: SaisineCore::new(s, today, reveal),
            nir: requester.nir.as_ref().map(|n| n.masked()),
            email: requester.email.as_ref().map(|e| mask_email(e.as_str())),
            phone: requester.phone.as_ref().map(|p| mask_phone(p.as_str())),
        }
    }
}

/// One saisine whole.
#[derive(Debug, Serialize)]
pub struct SaisineFull {
    #[serde(flatten)]
    pub core: SaisineCore,
    pub nir: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub summary: Option<String>,
    pub waiting_since: Option<chrono::NaiveDate>,
    pub documents_due_on: Option<chrono::NaiveDate>,
    pub days_waiting: i32,
    /// The reference another system gave it, kept at import.
    pub external_reference: Option<String>,
    pub assigned_to: Option<i32>,
    /// UTC, written with its offset (`2026-06-15T10:00:00Z`).
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl SaisineFull {
    /// For readers: the same shape, every direct identifier masked (name as initials).
    pub fn masked(s: &Saisine, today: chrono::NaiveDate) -> Self {
        let requester = &s.facts.requester;
        SaisineFull {
            core: SaisineCore::new(s, today, false),
            nir: requester.nir.as_ref().map(|n| n.masked()),
            email: requester.email.as_ref().map(|e| mask_email(e.as_str())),
            phone: requester.phone.as_ref().map(|p| mask_phone(p.as_str())),
            address: requester.address.as_deref().map(|a| address_for(a, false)),
            ..SaisineFull::new(s, today)
        }
    }

    pub fn new(s: &Saisine, today: chrono::NaiveDate) -> Self {
        let requester = &s.facts.requester;
        let (waiting_since, documents_due_on) = match s.lifecycle.stage {
            crate::domain::Stage::AwaitingDocuments { since, due_on } => (Some(since), Some(due_on)),
            _ => (None, None),
        };
        SaisineFull {
            core: SaisineCore::new(s, today, true),
            nir: requester.nir.as_ref().map(|n| n.as_str().to_string()),
            email: requester.email.as_ref().map(|e| e.to_string()),
            phone: requester.phone.as_ref().map(|p| p.to_string()),
            address: requester.address.clone(),
            summary: s.facts.summary.clone(),
            waiting_since,
            documents_due_on,
            days_waiting: s.lifecycle.days_waiting,
            external_reference: s.external_reference.clone(),
            assigned_to: s.assigned_to.map(|u| u.0),
            created_at: utc(s.created_at),
            updated_at: utc(s.updated_at),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct EventJson {
    pub kind: String,
    /// UTC, written with its offset.
    pub occurred_at: chrono::DateTime<chrono::Utc>,
    pub actor: String,
    #[serde(flatten)]
    pub details: crate::domain::EventDetails,
}

impl EventJson {
    /// `reveal` false (a reader): the name and address an edit changed are masked too.
    pub fn new(e: &Event, reveal: bool) -> Self {
        let mut details = e.details.clone();
        for change in &mut details.changes {
            change.old = change_value(&change.field, &change.old, reveal);
            change.new = change_value(&change.field, &change.new, reveal);
        }
        if !reveal && e.kind == crate::domain::EventKind::CourrielRecu {
            // Who wrote and what: personal data, for mediators only.
            details.text = Some("Contenu du courriel réservé aux médiateurs.".into());
            details.quoted = None;
        }
        EventJson { kind: e.kind.code().to_string(), occurred_at: utc(e.occurred_at), actor: e.actor.clone(), details }
    }
}

/// A saisine as the API receives it; `summary` is the free text.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SaisineInput {
    pub received_on: Option<String>,
    pub channel: Option<String>,
    pub requester_type: Option<String>,
    pub requester_name: Option<String>,
    pub nir: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub partner: Option<String>,
    pub process: Option<String>,
    pub motifs: Option<Vec<String>>,
    pub summary: Option<String>,
}

impl SaisineInput {
    /// Fields given replace those of `base`; those left out keep their value (PATCH).
    pub fn over(self, base: SaisineDraft) -> SaisineDraft {
        SaisineDraft {
            received_on: self.received_on.unwrap_or(base.received_on),
            channel: self.channel.unwrap_or(base.channel),
            requester_type: self.requester_type.unwrap_or(base.requester_type),
            requester_name: self.requester_name.unwrap_or(base.requester_name),
            nir: self.nir.unwrap_or(base.nir),
            email: self.email.unwrap_or(base.email),
            phone: self.phone.unwrap_or(base.phone),
            address: self.address.unwrap_or(base.address),
            partner: self.partner.unwrap_or(base.partner),
            process: self.process.unwrap_or(base.process),
            motifs: self.motifs.unwrap_or(base.motifs),
            summary: self.summary.unwrap_or(base.summary),
        }
    }
}
