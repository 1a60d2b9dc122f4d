//! What a saisine's page shows: a compact summary, the actions its stage allows (each in a
//! folded section), and its history, with the timelines of the duplicates merged into it.

use serde::Serialize;

use super::admin_outbox::OutboxLine;
use super::form::FormErrors;
use super::step_letters::{LetterLine, Mail};
use crate::db::reference_lists::ReferenceLists;
use crate::db::{attachments, events, merges, queue, saisines, users};
use crate::domain::merge::offers;
use crate::domain::moves::Move;
use crate::domain::{DomainError, Lifecycle, Outcome, Reference, SaisineId};
use crate::web::auth::CurrentUser;
use crate::web::context::{Layout, Now};
use crate::web::error::PageError;
use crate::web::followup_view::DeadlinesView;
use crate::web::state::Db;
use crate::web::steps::{Step, StepInput};
use crate::web::template::{context, Template};
use crate::web::view::{Choice, Detail, FormChoices, TimelineEntry};

/// A move that failed, or a letter shown to edit: which move, what was typed, what to fix.
pub struct FailedStep {
    pub step: Step,
    pub input: StepInput,
    pub error: DomainError,
}

/// The actions the page offers, as the domain allows them at the saisine's stage.
#[derive(Debug, Serialize)]
pub struct Offers {
    pub take_up: bool,
    pub request_documents: bool,
    pub receive_documents: bool,
    /// A reminder about the documents requested: while they are awaited.
    pub remind: bool,
    /// Closing as `abandon` while documents are awaited: the person did not answer.
    pub abandon: bool,
    pub close: bool,
    /// The outcomes a closing may give now (only `orientation` before the prise en charge).
    pub close_outcomes: Vec<Choice>,
    pub reopen: bool,
    /// Notes, assignment and attachments: any saisine but a merged or anonymised one.
    pub note: bool,
    pub assign: bool,
}

impl Offers {
    pub fn new(lifecycle: &Lifecycle, anonymised: bool, merged: bool) -> Offers {
        let can = |m| !merged && offers(lifecycle, m, anonymised, merged);
        let outcomes = if merged { Vec::new() } else { lifecycle.closing_outcomes() };
        let waiting = can(Move::ReceiveDocuments);
        Offers {
            take_up: can(Move::TakeUp),
            request_documents: can(Move::RequestDocuments),
            receive_documents: waiting,
            remind: waiting,
            abandon: waiting && outcomes.contains(&Outcome::Abandon),
            close: can(Move::Close),
            close_outcomes: outcomes.iter().map(|o| Choice::new(o.code(), o.label())).collect(),
            reopen: can(Move::Reopen),
            note: !merged && !anonymised,
            assign: !merged && lifecycle.status().is_open(),
        }
    }
}

/// Everything read from the database for the page, in one blocking call.
struct Loaded {
    saisine: crate::domain::Saisine,
    timeline: Vec<(i32, events::Event)>,
    lists: ReferenceLists,
    users: Vec<users::User>,
    follow_up: (crate::domain::deadlines::DeadlineSettings, queue::QueueEntry),
    files: Vec<(String, attachments::AttachmentInfo)>,
    duplicates: Vec<String>,
    merged_into: Option<String>,
    merged_here: Vec<(i32, String)>,
    anonymised: bool,
}

fn load(conn: &mut crate::db::DbConn, reference: Reference, today: chrono::NaiveDate) -> crate::db::DbResult<Loaded> {
    let saisine = saisines::find(conn, reference)?;
    let merged_into = merges::merged_into(conn, saisine.id)?.map(|(_, r)| r);
    let merged_here = merges::merged_here(conn, saisine.id)?;
    // The kept saisine's own entries and files, then those of each duplicate merged into it.
    let mut ids = vec![(saisine.id.0, reference.to_string())];
    ids.extend(merged_here.iter().cloned());
    let all: Vec<i32> = ids.iter().map(|(id, _)| *id).collect();
    let timeline = events::for_saisines(conn, &all)?;
    let mut files = Vec::new();
    for (id, owner) in &ids {
        files.extend(attachments::list(conn, SaisineId(*id))?.into_iter().map(|f| (owner.clone(), f)));
    }
    let duplicates = match merged_into {
        Some(_) => Vec::new(),
        None => crate::db::schedule::duplicates_of(conn, saisine.id)?.into_iter().map(|(_, r)| r).collect(),
    };
    Ok(Loaded {
        follow_up: queue::entry_of(conn, &saisine, today)?,
        anonymised: crate::db::retention::anonymised_at(conn, saisine.id)?.is_some(),
        lists: ReferenceLists::load(conn)?,
        users: users::list(conn)?,
        saisine,
        timeline,
        files,
        duplicates,
        merged_into,
        merged_here,
    })
}

/// One timeline entry, with the reference of the merged duplicate it comes from.
#[derive(Debug, Serialize)]
pub struct HistoryEntry {
    #[serde(flatten)]
    entry: TimelineEntry,
    from: Option<String>,
}

/// The timeline as the page shows it, newest first; a merged duplicate's own « fusionnée
/// dans » entry is left out (the kept saisine's « fusion » entry says it).
pub fn history(
    timeline: &[(i32, events::Event)],
    own: SaisineId,
    merged: &[(i32, String)],
    reveal: bool,
) -> Vec<HistoryEntry> {
    timeline
        .iter()
        .rev()
        .filter(|(id, e)| *id == own.0 || e.kind != crate::domain::EventKind::FusionneeDans)
        .map(|(id, e)| HistoryEntry {
            entry: TimelineEntry::new(e, reveal),
            from: merged.iter().find(|(m, _)| m == id).map(|(_, r)| r.clone()),
        })
        .collect()
}

/// Renders the page. Mediators and administrators see personal data whole, and that view is
/// recorded in the audit log; readers see it masked.
#[allow(clippy::too_many_arguments, reason = "what the page shows comes from several guards")]
pub async fn render(
    db: &Db,
    reference: Reference,
    viewer: &CurrentUser,
    layout: Layout,
    now: &Now,
    failed: Option<FailedStep>,
    mail: &Mail,
    nav: super::list_nav::ListNav,
) -> Result<Template, PageError> {
    let reveal = viewer.role.sees_personal_data();
    let actor = viewer.actor();
    let (at, today, views) = (now.at, now.today, db.views());
    let (letters, outbox) = correspondence(db, reference, reveal).await?;
    let inbox = super::mailbox::saisine_inbox(db, reference, reveal).await?;
    let loaded = db
        .run(move |conn| {
            let loaded = load(conn, reference, today)?;
            if reveal {
                // Queued: a page view is not a write transaction (`app::audit_queue`).
                views.record(conn, &actor, &reference.to_string(), "", at)?;
            }
            Ok(loaded)
        })
        .await?;
    let Loaded { saisine, timeline, lists, users, follow_up, files, duplicates, merged_into, merged_here, anonymised } =
        loaded;
    let (settings, queue_entry) = follow_up;
    let deadlines = DeadlinesView::new(&queue_entry, &settings, today);
    // A file's name, chosen by whoever sent it, may hold the person's name: not for readers.
    let files: Vec<_> = files
        .iter()
        .enumerate()
        .map(|(n, (owner, f))| {
            let file_name = if reveal { f.file_name.clone() } else { format!("Pièce jointe n° {}", n + 1) };
            context! { id: f.id, owner, file_name, size_kb: (f.size + 1023) / 1024,
            uploaded_at: crate::domain::paris::paris_datetime(f.uploaded_at), uploaded_by: &f.uploaded_by }
        })
        .collect();
    // The partner's contact is a person too: a reader sees their e-mail and phone masked.
    let referral = saisine.referral.as_ref().map(|r| {
        let email = if reveal { r.contact_email.to_string() } else { r.contact_email.masked() };
        let phone = r.contact_phone.as_ref().map(|p| if reveal { p.to_string() } else { p.masked() });
        context! { organisation: &r.organisation, contact_name: &r.contact_name, contact_email: email,
        contact_phone: phone }
    });
    let assignee = users.iter().find(|u| Some(u.id) == saisine.assigned_to);
    let detail = Detail::new(&saisine, &lists, now.today, reveal, assignee);
    let offers = Offers::new(&saisine.lifecycle, anonymised, merged_into.is_some());
    let assignable: Vec<_> = users.iter().filter(|u| u.active && u.role.can_work_on_saisines()).collect();
    let timeline = history(&timeline, saisine.id, &merged_here, reveal);
    let merged_here: Vec<&String> = merged_here.iter().map(|(_, r)| r).collect();
    let choices = FormChoices::new(&lists, &[], None);
    let (failed_step, step_values, step_errors, refusal) = match failed {
        Some(f) => {
            let refusal = matches!(f.error, DomainError::Refused { .. }).then(|| f.error.to_string());
            (Some(f.step.slug()), f.input, FormErrors::new(f.error.field_errors()), refusal)
        }
        None => (None, StepInput::default(), FormErrors::default(), None),
    };
    Ok(Template::render(
        "saisines/show.html",
        context! { layout, s: detail, offers, timeline, choices, failed_step, step_values, step_errors, refusal,
        assignable, deadlines, files, duplicates, merged_into, merged_here, referral, inbox,
        external_reference: &saisine.external_reference, letters, outbox, mail_on: mail.is_on(),
        no_values: StepInput::default(), no_errors: FormErrors::default(), today: now.today.to_string(), list_nav: nav.0 },
    ))
}

/// The letters kept with the saisine (and the duplicates merged into it) and its e-mails in
/// the outbox.
async fn correspondence(
    db: &Db,
    reference: Reference,
    reveal: bool,
) -> Result<(Vec<LetterLine>, Vec<OutboxLine>), PageError> {
    let (letters, queued) = db
        .run(move |conn| {
            let id = saisines::id_of(conn, reference)?;
            let mut held = vec![(id, reference.to_string())];
            held.extend(merges::merged_here(conn, id)?.into_iter().map(|(m, r)| (SaisineId(m), r)));
            let (mut letters, mut queued) = (Vec::new(), Vec::new());
            for (id, held_by) in held {
                let own = crate::db::letters::list(conn, id)?;
                letters.extend(own.iter().map(|l| LetterLine::new(l, &held_by, reveal)));
                queued.extend(crate::db::outbox::for_saisine(conn, id)?);
            }
            Ok((letters, queued))
        })
        .await?;
    Ok((letters, queued.iter().map(|q| OutboxLine::new(q, reveal)).collect()))
}
