//! Rows as Diesel reads and writes them, and their conversion to and from domain types.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{events, saisines};
use super::DbError;
use crate::domain::text::normalize_key;
use crate::domain::{
    Lifecycle, MotifCode, PartnerCode, Reference, Requester, Saisine, SaisineFacts, SaisineId, Stage, Status,
};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = saisines)]
pub struct SaisineRow {
    pub id: i32,
    pub reference: String,
    pub received_on: NaiveDate,
    pub channel: String,
    pub requester_type: String,
    pub requester_name: Option<String>,
    pub name_key: String,
    pub nir: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub partner: Option<String>,
    pub process: String,
    pub summary: Option<String>,
    pub status: String,
    pub taken_on: Option<NaiveDate>,
    pub waiting_since: Option<NaiveDate>,
    pub documents_due_on: Option<NaiveDate>,
    pub days_waiting: i32,
    pub outcome: Option<String>,
    pub closed_on: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub assigned_to: Option<i32>,
    pub partner_organisation: Option<String>,
    pub partner_contact_name: Option<String>,
    pub partner_contact_email: Option<String>,
    pub partner_contact_phone: Option<String>,
    pub consent_given: bool,
    pub take_up_days: Option<i32>,
    pub processing_days: Option<i32>,
    pub net_processing_days: Option<i32>,
    pub email_key: Option<String>,
    pub phone_key: Option<String>,
    pub to_qualify: bool,
}

/// The columns a saisine's facts fill.
#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = saisines, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct FactsColumns {
    pub received_on: NaiveDate,
    pub channel: String,
    pub requester_type: String,
    pub requester_name: Option<String>,
    pub name_key: String,
    pub nir: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub partner: Option<String>,
    pub process: String,
    pub summary: Option<String>,
    /// The e-mail and phone in the form they are searched by (`domain::search`).
    pub email_key: Option<String>,
    pub phone_key: Option<String>,
}

/// The columns a saisine's lifecycle fills, with the durations the report aggregates
/// (stored so that its queries need no date arithmetic).
#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = saisines, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct LifecycleColumns {
    pub status: String,
    pub taken_on: Option<NaiveDate>,
    pub waiting_since: Option<NaiveDate>,
    pub documents_due_on: Option<NaiveDate>,
    pub days_waiting: i32,
    pub outcome: Option<String>,
    pub closed_on: Option<NaiveDate>,
    pub take_up_days: Option<i32>,
    pub processing_days: Option<i32>,
    pub net_processing_days: Option<i32>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = events, treat_none_as_default_value = false)]
pub struct NewEventRow {
    pub saisine_id: i32,
    pub kind: String,
    pub occurred_at: NaiveDateTime,
    pub actor: String,
    pub actor_id: Option<i32>,
    pub details: String,
}

impl From<&SaisineFacts> for FactsColumns {
    fn from(facts: &SaisineFacts) -> Self {
        let requester = &facts.requester;
        FactsColumns {
            received_on: facts.received_on,
            channel: facts.channel.code().to_string(),
            requester_type: facts.requester_type.code().to_string(),
            requester_name: requester.name.clone(),
            name_key: requester.name.as_deref().map(normalize_key).unwrap_or_default(),
            nir: requester.nir.as_ref().map(|n| n.as_str().to_string()),
            email: requester.email.as_ref().map(|e| e.as_str().to_string()),
            phone: requester.phone.as_ref().map(|p| p.as_str().to_string()),
            address: requester.address.clone(),
            partner: facts.partner.as_ref().map(|p| p.0.clone()),
            process: facts.process.code().to_string(),
            summary: facts.summary.clone(),
            email_key: requester.email.as_ref().map(|e| e.search_key()),
            phone_key: requester.phone.as_ref().map(|p| p.search_key()),
        }
    }
}

impl From<&Lifecycle> for LifecycleColumns {
    fn from(lifecycle: &Lifecycle) -> Self {
        let (waiting_since, documents_due_on) = match lifecycle.stage {
            Stage::AwaitingDocuments { since, due_on } => (Some(since), Some(due_on)),
            _ => (None, None),
        };
        LifecycleColumns {
            status: lifecycle.status().code().to_string(),
            taken_on: lifecycle.taken_on,
            waiting_since,
            documents_due_on,
            days_waiting: lifecycle.days_waiting,
            outcome: lifecycle.outcome().map(|o| o.code().to_string()),
            closed_on: lifecycle.closed_on(),
            take_up_days: lifecycle.take_up_days().map(clamp_days),
            processing_days: lifecycle.gross_days().map(clamp_days),
            net_processing_days: lifecycle.net_days().map(clamp_days),
        }
    }
}

fn clamp_days(days: i64) -> i32 {
    i32::try_from(days).unwrap_or(if days < 0 { i32::MIN } else { i32::MAX })
}

fn corrupt(what: &str, reference: &str) -> DbError {
    DbError::Corrupt(format!("{what} illisible sur la saisine {reference}"))
}

fn parse_stored<T: std::str::FromStr>(value: &str, what: &str, reference: &str) -> Result<T, DbError> {
    value.parse().map_err(|_| corrupt(what, reference))
}

fn parse_optional<T: std::str::FromStr>(
    value: &Option<String>,
    what: &str,
    reference: &str,
) -> Result<Option<T>, DbError> {
    value.as_deref().map(|v| parse_stored(v, what, reference)).transpose()
}

/// The columns a stage is read from.
struct StageColumns<'a> {
    reference: &'a str,
    status: &'a str,
    waiting_since: Option<NaiveDate>,
    documents_due_on: Option<NaiveDate>,
    outcome: &'a Option<String>,
    closed_on: Option<NaiveDate>,
}

impl StageColumns<'_> {
    fn stage(&self) -> Result<Stage, DbError> {
        let reference = self.reference;
        let status: Status = parse_stored(self.status, "statut", reference)?;
        Ok(match status {
            Status::Recue => Stage::Received,
            Status::EnCours => Stage::InProgress,
            Status::AttentePieces => Stage::AwaitingDocuments {
                since: self.waiting_since.ok_or_else(|| corrupt("début d'attente", reference))?,
                due_on: self.documents_due_on.ok_or_else(|| corrupt("échéance", reference))?,
            },
            Status::Cloturee => Stage::Closed {
                outcome: parse_optional(self.outcome, "suite", reference)?
                    .ok_or_else(|| corrupt("suite", reference))?,
                on: self.closed_on.ok_or_else(|| corrupt("date de clôture", reference))?,
            },
        })
    }
}

/// Only what a saisine's deadlines and indicators need: no personal data, no motifs.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = saisines)]
pub struct ClockRow {
    pub id: i32,
    pub reference: String,
    pub received_on: NaiveDate,
    pub status: String,
    pub taken_on: Option<NaiveDate>,
    pub waiting_since: Option<NaiveDate>,
    pub documents_due_on: Option<NaiveDate>,
    pub days_waiting: i32,
    pub outcome: Option<String>,
    pub closed_on: Option<NaiveDate>,
    /// An e-mail came while documents were awaited (`db::inbound`).
    pub mail_received: bool,
    /// The stored flag (`db::schedule`): another saisine may be the same request.
    pub possible_duplicate: bool,
}

impl ClockRow {
    pub fn lifecycle(&self) -> Result<Lifecycle, DbError> {
        let stage = StageColumns {
            reference: &self.reference,
            status: &self.status,
            waiting_since: self.waiting_since,
            documents_due_on: self.documents_due_on,
            outcome: &self.outcome,
            closed_on: self.closed_on,
        }
        .stage()?;
        Ok(Lifecycle { received_on: self.received_on, taken_on: self.taken_on, stage, days_waiting: self.days_waiting })
    }
}

impl SaisineRow {
    /// The partner's details, when the saisine came through the partner form.
    fn referral(&self) -> Option<crate::domain::referral::Referral> {
        Some(crate::domain::referral::Referral {
            organisation: self.partner_organisation.clone()?,
            contact_name: self.partner_contact_name.clone().unwrap_or_default(),
            contact_email: self.partner_contact_email.as_deref()?.parse().ok()?,
            contact_phone: self.partner_contact_phone.as_deref().and_then(|p| p.parse().ok()),
        })
    }

    fn stage(&self) -> Result<Stage, DbError> {
        StageColumns {
            reference: &self.reference,
            status: &self.status,
            waiting_since: self.waiting_since,
            documents_due_on: self.documents_due_on,
            outcome: &self.outcome,
            closed_on: self.closed_on,
        }
        .stage()
    }

    /// The saisine as the domain sees it; `motifs` come from their own table.
    pub fn into_saisine(self, motifs: Vec<String>) -> Result<Saisine, DbError> {
        let r = self.reference.as_str();
        let facts = SaisineFacts {
            received_on: self.received_on,
            channel: parse_stored(&self.channel, "canal", r)?,
            requester_type: parse_stored(&self.requester_type, "type de demandeur", r)?,
            requester: Requester {
                name: self.requester_name.clone(),
                nir: parse_optional(&self.nir, "NIR", r)?,
                email: parse_optional(&self.email, "courriel", r)?,
                phone: parse_optional(&self.phone, "téléphone", r)?,
                address: self.address.clone(),
            },
            partner: self.partner.clone().map(PartnerCode),
            process: parse_stored(&self.process, "processus", r)?,
            motifs: motifs.into_iter().map(MotifCode).collect(),
            summary: self.summary.clone(),
        };
        let lifecycle = Lifecycle {
            received_on: self.received_on,
            taken_on: self.taken_on,
            stage: self.stage()?,
            days_waiting: self.days_waiting,
        };
        Ok(Saisine {
            id: SaisineId(self.id),
            assigned_to: self.assigned_to.map(crate::auth::UserId),
            referral: self.referral(),
            external_reference: None,
            reference: parse_stored::<Reference>(r, "référence", r)?,
            facts,
            lifecycle,
            created_at: self.created_at,
            updated_at: self.updated_at,
            to_qualify: self.to_qualify,
        })
    }
}

/// A saisine's stored deadlines (`domain::schedule`), read and written as one piece.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = saisines, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct ScheduleRow {
    pub take_up_due_on: Option<NaiveDate>,
    pub handling_due_on: Option<NaiveDate>,
    pub reminder_on: Option<NaiveDate>,
    pub abandonment_on: Option<NaiveDate>,
    pub queue_from: Option<NaiveDate>,
    pub late_from: Option<NaiveDate>,
    pub next_due_on: Option<NaiveDate>,
    pub possible_duplicate: bool,
    pub schedule_version: i32,
}

impl ScheduleRow {
    /// The version of the rules that computed it; rows of an older version are computed again
    /// at start-up.
    pub const VERSION: i32 = 1;

    pub fn new(schedule: &crate::domain::schedule::Schedule) -> Self {
        ScheduleRow {
            take_up_due_on: schedule.take_up_due_on,
            handling_due_on: schedule.handling_due_on,
            reminder_on: schedule.reminder_on,
            abandonment_on: schedule.abandonment_on,
            queue_from: schedule.queue_from,
            late_from: schedule.late_from,
            next_due_on: schedule.next_due_on,
            possible_duplicate: schedule.possible_duplicate,
            schedule_version: Self::VERSION,
        }
    }
}
