//! The person's rights. Access: everything held about a person (found by NIR, e-mail, phone
//! or name) in one document, audited. Rectification: an old value of the edit history
//! replaced on request, recorded without the old value. Erasure is `anonymise::erase`.

use chrono::NaiveDateTime;
use serde::Serialize;

use super::{write, Actor, AppResult, Stamp};
use crate::auth::audit::AuditAction;
use crate::db::reference_lists::ReferenceLists;
use crate::db::{attachments, audit, events, person, retention, saisines as store, DbConn};
use crate::domain::lifecycle::check_text;
use crate::domain::paris::paris_datetime;
use crate::domain::search::SearchTerm;
use crate::domain::{DomainError, EventDetails, EventKind, Reference, Saisine};

/// What a person is looked for by, as typed; checked before anything is read.
pub fn parse_person(input: &str) -> Result<SearchTerm, DomainError> {
    let term = SearchTerm::parse(input);
    match &term {
        SearchTerm::Text(text) if crate::domain::text::normalize_key(text).chars().count() < 2 => {
            Err(DomainError::invalid(
                "q",
                "required",
                "indiquez un NIR, une adresse e-mail, un téléphone ou un nom complet",
            ))
        }
        _ => Ok(term),
    }
}

/// How the audit log and the document name the search, never in clear.
fn searched_by(term: &SearchTerm) -> String {
    match term {
        SearchTerm::Personal(key) => key.audit_details(),
        SearchTerm::Text(_) => "recherche par nom".to_string(),
    }
}

pub use crate::report::pdf::access::{AttachmentLine, LetterLine, PersonFile, SaisineRecord, TimelineLine};

/// What the person's data is read for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessUse {
    /// The list of the person's saisines on the page, before the document.
    Preview,
    Pdf,
    Json,
}

impl AccessUse {
    fn audit(self) -> (AuditAction, &'static str) {
        match self {
            AccessUse::Preview => (AuditAction::PersonalDataSearched, "droit d'accès, liste"),
            AccessUse::Pdf => (AuditAction::PersonalDataExported, "document PDF"),
            AccessUse::Json => (AuditAction::PersonalDataExported, "fichier JSON"),
        }
    }
}

/// Finds the person's saisines and records the access in the audit log, in one transaction.
pub fn find(
    conn: &mut DbConn,
    term: &SearchTerm,
    actor: &Actor,
    use_: AccessUse,
    at: NaiveDateTime,
) -> AppResult<PersonFile> {
    let (action, what) = use_.audit();
    write(conn, |conn| {
        let found = person::saisines_of(conn, term)?;
        let lists = ReferenceLists::load(conn)?;
        let mut records = Vec::with_capacity(found.len());
        for saisine in &found {
            records.push(record(conn, saisine, &lists)?);
        }
        let details = format!("{} ; {} saisine(s) ; {what}", searched_by(term), records.len());
        let references: Vec<&str> = records.iter().map(|r| r.reference.as_str()).collect();
        let target = if references.is_empty() { "aucune".to_string() } else { references.join(",") };
        audit::record(conn, actor, action, &target, &details, at)?;
        Ok(PersonFile { searched_by: searched_by(term), issued_at: paris_datetime(at), saisines: records })
    })
}

fn record(conn: &mut DbConn, saisine: &Saisine, lists: &ReferenceLists) -> AppResult<SaisineRecord> {
    let timeline = events::for_saisine(conn, saisine.id)?
        .into_iter()
        .map(|e| TimelineLine {
            at: paris_datetime(e.occurred_at),
            what: e.kind.label().to_string(),
            by: e.actor,
            details: detail_lines(&e.details),
        })
        .collect();
    let attachments = attachments::list(conn, saisine.id)?
        .into_iter()
        .map(|a| AttachmentLine {
            file_name: a.file_name,
            content_type: a.content_type,
            size: a.size,
            added_at: paris_datetime(a.uploaded_at),
        })
        .collect();
    let letters = crate::db::letters::texts(conn, saisine.id)?
        .into_iter()
        .map(|(at, delivery, to, subject, body)| LetterLine {
            sent_at: paris_datetime(at),
            delivery,
            to,
            subject,
            body,
        })
        .collect();
    Ok(SaisineRecord {
        reference: saisine.reference.to_string(),
        fields: fields(saisine, lists),
        timeline,
        letters,
        attachments,
    })
}

fn fields(s: &Saisine, lists: &ReferenceLists) -> Vec<(String, String)> {
    let f = &s.facts;
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%d/%m/%Y").to_string());
    let mut out: Vec<(&str, Option<String>)> = vec![
        ("Reçue le", date(Some(f.received_on))),
        ("Canal", Some(f.channel.label().to_string())),
        ("Demandeur", Some(f.requester_type.label().to_string())),
        ("Nom", f.requester.name.clone()),
        ("NIR", f.requester.nir.as_ref().map(|n| n.as_str().to_string())),
        ("Courriel", f.requester.email.as_ref().map(|e| e.as_str().to_string())),
        ("Téléphone", f.requester.phone.as_ref().map(|p| p.as_str().to_string())),
        ("Adresse", f.requester.address.clone()),
        ("Partenaire", f.partner.as_ref().map(|p| lists.partner_label(&p.0))),
        ("Domaine", Some(f.process.label().to_string())),
        ("Motifs", Some(f.motifs.iter().map(|m| lists.motif_label(&m.0)).collect::<Vec<_>>().join(", "))),
        ("Résumé", f.summary.clone()),
        ("Statut", Some(s.lifecycle.status().label().to_string())),
        ("Prise en charge le", date(s.lifecycle.taken_on)),
        ("Clôturée le", date(s.lifecycle.closed_on())),
        ("Suite donnée", s.lifecycle.outcome().map(|o| o.label().to_string())),
    ];
    if let Some(r) = &s.referral {
        out.push(("Adressée par", Some(r.organisation.clone())));
        out.push(("Contact du partenaire", Some(format!("{} ({})", r.contact_name, r.contact_email.as_str()))));
    }
    out.into_iter()
        .filter_map(|(label, value)| value.filter(|v| !v.is_empty()).map(|v| (label.to_string(), v)))
        .collect()
}

fn detail_lines(d: &EventDetails) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(date) = d.date {
        lines.push(format!("Date : {}", date.format("%d/%m/%Y")));
    }
    if let Some(due) = d.due_on {
        lines.push(format!("Échéance : {}", due.format("%d/%m/%Y")));
    }
    if let Some(outcome) = d.outcome {
        lines.push(format!("Suite donnée : {}", outcome.label()));
    }
    lines.extend(d.description.iter().cloned());
    lines.extend(d.text.iter().cloned());
    lines.extend(d.changes.iter().map(|c| format!("{} : « {} » → « {} »", c.field, c.old, c.new)));
    lines
}

/// An edit of the history that a rectification can change: one field's old value.
#[derive(Debug, Clone, Serialize)]
pub struct Rectifiable {
    pub event: i32,
    pub at: String,
    pub field: String,
    pub old: String,
    pub new: String,
}

/// The edits of a saisine's history, field by field, for the rectification page.
pub fn rectifiable(conn: &mut DbConn, reference: Reference) -> AppResult<Vec<Rectifiable>> {
    let id = store::id_of(conn, reference)?;
    Ok(retention::edits(conn, id)?
        .into_iter()
        .flat_map(|(event, at, details)| {
            details.changes.into_iter().map(move |c| Rectifiable {
                event,
                at: paris_datetime(at),
                field: c.field,
                old: c.old,
                new: c.new,
            })
        })
        .collect())
}

/// Replaces the old value of `field` in the edit entry `event` by `replacement`; the timeline
/// records that a rectification was made, never the value it replaced.
pub fn rectify(
    conn: &mut DbConn,
    reference: Reference,
    event: i32,
    field: &str,
    replacement: &str,
    stamp: &Stamp,
) -> AppResult<()> {
    check_text("replacement", replacement, "indiquez la valeur qui remplace l'ancienne")?;
    write(conn, |conn| {
        store::lock(conn, reference)?;
        let id = store::id_of(conn, reference)?;
        if retention::anonymised_at(conn, id)?.is_some() {
            return Err(DomainError::refused(
                "anonymised",
                "cette saisine est anonymisée : son historique n'a plus de valeur à rectifier",
            )
            .into());
        }
        let mut details = retention::event_details(conn, id, event)?;
        let Some(change) = details.changes.iter_mut().find(|c| c.field == field) else {
            return Err(super::AppError::NotFound);
        };
        change.old = replacement.trim().to_string();
        retention::replace_event_details(conn, event, &details)?;
        let text = format!("Ancienne valeur du champ « {field} » rectifiée à la demande de la personne");
        let entry = EventDetails { text: Some(text), ..Default::default() };
        events::append(conn, id, EventKind::Rectifiee, &entry, stamp)?;
        store::touch(conn, id, stamp.at)?;
        let target = reference.to_string();
        Ok(audit::record(conn, stamp.actor, AuditAction::HistoryRectified, &target, field, stamp.at)?)
    })?;
    crate::db::connection::flush_removed(conn)?;
    Ok(())
}
