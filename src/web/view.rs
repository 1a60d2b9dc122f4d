//! What templates and API answers show of a saisine: labels resolved, dates in French,
//! personal data masked where the page is a list, and every direct identifier masked for a
//! reader (`reveal` false): name as initials, NIR, e-mail, phone, postal address.

use chrono::NaiveDate;
use serde::Serialize;

use crate::db::events::Event;
use crate::db::reference_lists::ReferenceLists;
use crate::db::users::User;
use crate::domain::changes::field_label;
use crate::domain::contact::{mask_email, mask_phone};
use crate::domain::dates::french;
use crate::domain::paris::paris_datetime;
use crate::domain::{Saisine, Status};
pub use crate::report::csv::mask_name;

/// What a reader sees in place of a postal address.
pub const MASKED_ADDRESS: &str = "••• (adresse masquée)";

/// A name whole, or as initials for a reader.
pub fn name_for(name: &str, reveal: bool) -> String {
    if reveal {
        name.to_string()
    } else {
        mask_name(name)
    }
}

/// An address whole, or masked for a reader.
pub fn address_for(address: &str, reveal: bool) -> String {
    if reveal {
        address.to_string()
    } else {
        MASKED_ADDRESS.to_string()
    }
}

/// Days since reception, or from reception to closing once closed.
pub fn age_in_days(saisine: &Saisine, today: NaiveDate) -> i64 {
    let end = saisine.lifecycle.closed_on().unwrap_or(today);
    (end - saisine.facts.received_on).num_days()
}

/// A code with its label, for select boxes and read-only displays.
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    pub code: String,
    pub label: String,
}

impl Choice {
    pub fn new(code: &str, label: &str) -> Self {
        Choice { code: code.into(), label: label.into() }
    }
}

/// One line of the list: identity masked (the name too, as initials, for a reader).
#[derive(Debug, Serialize)]
pub struct ListItem {
    pub reference: String,
    pub received_on: String,
    pub channel: Choice,
    pub requester_name: Option<String>,
    pub nir_masked: Option<String>,
    pub email_masked: Option<String>,
    pub process: Choice,
    pub partner: Option<Choice>,
    pub motifs: Vec<Choice>,
    pub status: Choice,
    pub age_days: i64,
    /// Received by e-mail, process and motifs still to choose.
    pub to_qualify: bool,
}

impl ListItem {
    /// `reveal`: whether the viewer may see the name whole (not a reader).
    pub fn new(saisine: &Saisine, lists: &ReferenceLists, today: NaiveDate, reveal: bool) -> Self {
        let facts = &saisine.facts;
        let status = saisine.lifecycle.status();
        ListItem {
            reference: saisine.reference.to_string(),
            received_on: french(facts.received_on),
            channel: Choice::new(facts.channel.code(), facts.channel.label()),
            requester_name: facts.requester.name.as_deref().map(|n| name_for(n, reveal)),
            nir_masked: facts.requester.nir.as_ref().map(|n| n.masked()),
            email_masked: facts.requester.email.as_ref().map(|e| mask_email(e.as_str())),
            process: Choice::new(facts.process.code(), facts.process.label()),
            partner: facts.partner.as_ref().map(|p| Choice::new(&p.0, &lists.partner_label(&p.0))),
            motifs: facts.motifs.iter().map(|m| Choice::new(&m.0, &lists.motif_label(&m.0))).collect(),
            status: Choice::new(status.code(), status.label()),
            age_days: age_in_days(saisine, today),
            to_qualify: saisine.to_qualify,
        }
    }
}

/// A saisine's own page: every field whole.
#[derive(Debug, Serialize)]
pub struct Detail {
    #[serde(flatten)]
    pub item: ListItem,
    pub nir: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub phone_masked: Option<String>,
    pub address: Option<String>,
    pub requester_type: Choice,
    pub summary: Option<String>,
    pub taken_on: Option<String>,
    pub waiting_since: Option<String>,
    pub documents_due_on: Option<String>,
    pub days_waiting: i32,
    pub outcome: Option<Choice>,
    pub closed_on: Option<String>,
    pub gross_days: Option<i64>,
    pub net_days: Option<i64>,
    pub is_open: bool,
    /// Whole personal data shown (mediators and administrators) or masked (readers).
    pub revealed: bool,
    pub assigned_to: Option<Choice>,
}

impl Detail {
    /// `reveal`: whether the viewer may see name, NIR, e-mail, phone and address whole.
    pub fn new(
        saisine: &Saisine,
        lists: &ReferenceLists,
        today: NaiveDate,
        reveal: bool,
        assignee: Option<&User>,
    ) -> Self {
        let facts = &saisine.facts;
        let lifecycle = &saisine.lifecycle;
        let status = lifecycle.status();
        let (waiting_since, documents_due_on) = match lifecycle.stage {
            crate::domain::Stage::AwaitingDocuments { since, due_on } => (Some(french(since)), Some(french(due_on))),
            _ => (None, None),
        };
        Detail {
            item: ListItem::new(saisine, lists, today, reveal),
            nir: facts.requester.nir.as_ref().map(|n| if reveal { n.formatted() } else { n.masked() }),
            email: facts.requester.email.as_ref().map(|e| if reveal { e.to_string() } else { e.masked() }),
            phone: facts.requester.phone.as_ref().map(|p| if reveal { p.to_string() } else { p.masked() }),
            phone_masked: facts.requester.phone.as_ref().map(|p| mask_phone(p.as_str())),
            address: facts.requester.address.as_deref().map(|a| address_for(a, reveal)),
            requester_type: Choice::new(facts.requester_type.code(), facts.requester_type.label()),
            summary: facts.summary.clone(),
            taken_on: lifecycle.taken_on.map(french),
            waiting_since,
            documents_due_on,
            days_waiting: lifecycle.days_waiting,
            outcome: lifecycle.outcome().map(|o| Choice::new(o.code(), o.label())),
            closed_on: lifecycle.closed_on().map(french),
            gross_days: lifecycle.gross_days(),
            net_days: lifecycle.net_days(),
            is_open: status.is_open(),
            revealed: reveal,
            assigned_to: assignee.map(|u| Choice::new(&u.id.0.to_string(), &u.display_name)),
        }
    }
}

/// One timeline entry, ready to read.
#[derive(Debug, Serialize)]
pub struct TimelineEntry {
    pub kind: String,
    pub label: String,
    pub at: String,
    pub actor: String,
    pub date: Option<String>,
    pub due_on: Option<String>,
    pub description: Option<String>,
    pub outcome: Option<String>,
    pub text: Option<String>,
    /// A received e-mail's quoted history, folded on the page.
    pub quoted: Option<String>,
    pub changes: Vec<ChangeLine>,
}

#[derive(Debug, Serialize)]
pub struct ChangeLine {
    pub field: String,
    pub old: String,
    pub new: String,
}

/// A changed field's old or new value as a viewer may read it: NIR, e-mail and phone are
/// recorded masked already; name and address are masked here for a reader.
pub fn change_value(field: &str, value: &str, reveal: bool) -> String {
    match field {
        _ if reveal || value.is_empty() => value.to_string(),
        "requester_name" => mask_name(value),
        "address" => MASKED_ADDRESS.to_string(),
        _ => value.to_string(),
    }
}

impl TimelineEntry {
    pub fn new(event: &Event, reveal: bool) -> Self {
        let d = &event.details;
        TimelineEntry {
            kind: event.kind.code().to_string(),
            label: event.kind.label().to_string(),
            at: paris_datetime(event.occurred_at),
            actor: event.actor.clone(),
            date: d.date.map(french),
            due_on: d.due_on.map(french),
            description: d.description.clone(),
            outcome: d.outcome.map(|o| o.label().to_string()),
            // A received e-mail names its sender and says what they wrote: mediators only.
            text: if reveal || event.kind != crate::domain::EventKind::CourrielRecu {
                d.text.clone()
            } else {
                Some("Contenu du courriel réservé aux médiateurs.".into())
            },
            quoted: d.quoted.clone().filter(|_| reveal),
            changes: d
                .changes
                .iter()
                .map(|c| ChangeLine {
                    field: field_label(&c.field).to_string(),
                    old: change_value(&c.field, &c.old, reveal),
                    new: change_value(&c.field, &c.new, reveal),
                })
                .collect(),
        }
    }
}

/// The choices a saisine form offers.
#[derive(Debug, Serialize)]
pub struct FormChoices {
    pub channels: Vec<Choice>,
    pub requester_types: Vec<Choice>,
    pub processes: Vec<Choice>,
    pub statuses: Vec<Choice>,
    pub outcomes: Vec<Choice>,
    pub motifs: Vec<Choice>,
    pub partners: Vec<Choice>,
}

impl FormChoices {
    /// Active entries, plus the retired ones a saisine still carries.
    pub fn new(lists: &ReferenceLists, kept_motifs: &[String], kept_partner: Option<&str>) -> Self {
        use crate::domain::{Channel, Outcome, Process, RequesterType};
        let codes = |all: Vec<(&'static str, &'static str)>| all.into_iter().map(|(c, l)| Choice::new(c, l)).collect();
        FormChoices {
            channels: codes(Channel::ALL.iter().map(|c| (c.code(), c.label())).collect()),
            requester_types: codes(RequesterType::ALL.iter().map(|c| (c.code(), c.label())).collect()),
            processes: codes(Process::ALL.iter().map(|c| (c.code(), c.label())).collect()),
            statuses: codes(Status::ALL.iter().map(|c| (c.code(), c.label())).collect()),
            outcomes: codes(Outcome::ALL.iter().map(|c| (c.code(), c.label())).collect()),
            motifs: lists
                .motifs
                .iter()
                .filter(|m| !m.retired || kept_motifs.contains(&m.code))
                .map(|m| Choice::new(&m.code, &m.label))
                .collect(),
            partners: lists
                .partners
                .iter()
                .filter(|p| !p.retired || kept_partner == Some(p.code.as_str()))
                .map(|p| Choice::new(&p.code, &p.label))
                .collect(),
        }
    }
}
