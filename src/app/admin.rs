//! What administrators change: the deadline settings and the reference lists.

use chrono::NaiveDateTime;

use super::{write, Actor, AppResult};
use crate::auth::audit::AuditAction;
use crate::db::reference_lists::{self, ListKind, Placement};
use crate::db::{audit, deadline_settings, DbConn};
use crate::domain::deadlines::DeadlineSettings;

/// Replaces the deadline settings; the change is in the audit log.
pub fn save_deadlines(
    conn: &mut DbConn,
    settings: &DeadlineSettings,
    actor: &Actor,
    at: NaiveDateTime,
) -> AppResult<()> {
    write(conn, |conn| {
        deadline_settings::store(conn, settings, &actor.name, at)?;
        // Every open saisine's deadlines follow, in the same transaction.
        super::schedule::after_settings_change(conn)?;
        let details = deadline_settings::describe(settings);
        Ok(audit::record(conn, actor, AuditAction::DeadlineSettingsChanged, "delais", &details, at)?)
    })
}

/// Replaces the retention periods; the change is in the audit log.
pub fn save_retention(
    conn: &mut DbConn,
    settings: &crate::domain::retention::RetentionSettings,
    actor: &Actor,
    at: NaiveDateTime,
) -> AppResult<()> {
    write(conn, |conn| {
        crate::db::retention::store(conn, settings, &actor.name, at)?;
        let details = crate::db::retention::describe(settings);
        Ok(audit::record(conn, actor, AuditAction::RetentionSettingsChanged, "conservation", &details, at)?)
    })
}

/// Adds a motif or a partner where the administrator placed it; returns its code.
pub fn add_entry(
    conn: &mut DbConn,
    kind: ListKind,
    code: Option<&str>,
    label: &str,
    placement: &Placement,
    actor: &Actor,
    at: NaiveDateTime,
) -> AppResult<String> {
    write(conn, |conn| {
        let code = reference_lists::add_entry(conn, kind, code, label, placement)?;
        let (target, details) = (format!("{}/{code}", kind.slug()), format!("ajout : {label}"));
        audit::record(conn, actor, AuditAction::ReferenceListChanged, &target, &details, at)?;
        Ok(code)
    })
}

/// Renames a motif or a partner, or retires it (never deleted: old saisines keep it).
pub fn update_entry(
    conn: &mut DbConn,
    kind: ListKind,
    code: &str,
    label: &str,
    retired: bool,
    actor: &Actor,
    at: NaiveDateTime,
) -> AppResult<()> {
    write(conn, |conn| {
        reference_lists::update_entry(conn, kind, code, label, retired)?;
        let target = format!("{}/{code}", kind.slug());
        let details = format!("libellé : {label} ; retiré : {}", if retired { "oui" } else { "non" });
        Ok(audit::record(conn, actor, AuditAction::ReferenceListChanged, &target, &details, at)?)
    })
}
