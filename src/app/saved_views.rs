//! Saved views: saving a list under a name, renaming, deleting, reordering. Each in its
//! transaction with its audit record (a view is no saisine: nothing goes in a timeline).
//!
//! Rights: anyone signed in keeps private views; mediators and administrators share views with
//! the team. A private view is its owner's alone (to anyone else it does not exist); a shared
//! view is changed by its author or an administrator, the shipped defaults (owned by nobody)
//! by administrators.

use chrono::NaiveDateTime;

use super::{write, Actor, AppError, AppResult};
use crate::auth::audit::AuditAction;
use crate::auth::{Role, UserId};
use crate::db::saved_views::{self, SavedView};
use crate::db::{audit, DbConn};
use crate::domain::saved_view::{check_query, normalise_query, Scope, ViewName};
use crate::domain::DomainError;

/// The person managing views.
#[derive(Debug, Clone, Copy)]
pub struct Keeper {
    pub id: UserId,
    pub role: Role,
}

impl Keeper {
    /// Whether this person may rename, move or delete the view (a private view of someone
    /// else's is not even shown to them).
    pub fn may_change(&self, view: &SavedView) -> bool {
        match (view.shared, view.owner_id) {
            (false, owner) => owner == Some(self.id.0),
            (true, owner) => self.role.is_admin() || (owner == Some(self.id.0) && self.role.can_work_on_saisines()),
        }
    }

    fn sees(&self, view: &SavedView) -> bool {
        if view.shared {
            self.role.can_work_on_saisines()
        } else {
            view.owner_id == Some(self.id.0)
        }
    }
}

/// The view if this person may change it; a view they cannot see is not found.
fn changeable(conn: &mut DbConn, keeper: &Keeper, id: i32) -> AppResult<SavedView> {
    let view = saved_views::find(conn, id)?;
    if !keeper.sees(&view) {
        return Err(AppError::NotFound);
    }
    if !keeper.may_change(&view) {
        return Err(DomainError::refused(
            "view_forbidden",
            "Seuls son auteur et les administrateurs modifient une vue partagée.",
        )
        .into());
    }
    Ok(view)
}

fn scope_word(scope: Scope) -> &'static str {
    match scope {
        Scope::Private => "personnelle",
        Scope::Shared => "partagée",
    }
}

/// Saves a list's query string (normalised here) under a name; returns the new view's id.
pub fn save(
    conn: &mut DbConn,
    keeper: &Keeper,
    name: &str,
    scope: Scope,
    query: &str,
    actor: &Actor,
    at: NaiveDateTime,
) -> AppResult<i32> {
    if scope == Scope::Shared && !keeper.role.can_work_on_saisines() {
        return Err(DomainError::refused(
            "view_forbidden",
            "Seuls les médiateurs et les administrateurs partagent des vues.",
        )
        .into());
    }
    let name = ViewName::parse(name)?;
    let query = normalise_query(query);
    check_query(&query).map_err(|e| DomainError::Invalid(vec![e]))?;
    write(conn, |conn| {
        if saved_views::name_taken(conn, scope, keeper.id, &name.key, None)? {
            return Err(name.taken(scope).into());
        }
        let id = saved_views::insert(conn, keeper.id, scope, &name, &query, at)?;
        // The query is not written: a search by name would put a person's name in the log.
        let details = format!("« {} » ({})", name.name, scope_word(scope));
        audit::record(conn, actor, AuditAction::SavedViewCreated, &format!("vue/{id}"), &details, at)?;
        Ok(id)
    })
}

/// Gives a view another name, unique in its group.
pub fn rename(
    conn: &mut DbConn,
    keeper: &Keeper,
    id: i32,
    name: &str,
    actor: &Actor,
    at: NaiveDateTime,
) -> AppResult<()> {
    let name = ViewName::parse(name)?;
    write(conn, |conn| {
        let view = changeable(conn, keeper, id)?;
        let owner = view.owner_id.map(UserId).unwrap_or(keeper.id);
        if saved_views::name_taken(conn, view.scope(), owner, &name.key, Some(id))? {
            return Err(name.taken(view.scope()).into());
        }
        saved_views::rename(conn, id, &name, at)?;
        let details = format!("« {} » renommée « {} »", view.name, name.name);
        Ok(audit::record(conn, actor, AuditAction::SavedViewChanged, &format!("vue/{id}"), &details, at)?)
    })
}

/// Deletes a view; returns its name.
pub fn delete(conn: &mut DbConn, keeper: &Keeper, id: i32, actor: &Actor, at: NaiveDateTime) -> AppResult<String> {
    write(conn, |conn| {
        let view = changeable(conn, keeper, id)?;
        saved_views::delete(conn, id)?;
        let details = format!("« {} » ({})", view.name, scope_word(view.scope()));
        audit::record(conn, actor, AuditAction::SavedViewDeleted, &format!("vue/{id}"), &details, at)?;
        Ok(view.name)
    })
}

/// Moves a view one place up (`up`) or down among the shared views or the owner's own.
pub fn shift(conn: &mut DbConn, keeper: &Keeper, id: i32, up: bool, actor: &Actor, at: NaiveDateTime) -> AppResult<()> {
    write(conn, |conn| {
        let view = changeable(conn, keeper, id)?;
        if saved_views::shift(conn, &view, up, at)? {
            let details = format!("« {} » déplacée vers le {}", view.name, if up { "haut" } else { "bas" });
            audit::record(conn, actor, AuditAction::SavedViewChanged, &format!("vue/{id}"), &details, at)?;
        }
        Ok(())
    })
}
