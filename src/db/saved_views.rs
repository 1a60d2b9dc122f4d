//! Saved views as stored: shared ones (the team's, the shipped defaults owned by nobody) and
//! each person's private ones, in the order their group keeps.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::schema::saved_views;
use super::{DbConn, DbError, DbResult};
use crate::auth::UserId;
use crate::domain::saved_view::{Scope, ViewName};

/// More than anyone keeps; a page never loads an unbounded list.
const MOST: i64 = 500;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = saved_views)]
pub struct SavedView {
    pub id: i32,
    /// `None`: a shipped default.
    pub owner_id: Option<i32>,
    pub shared: bool,
    pub name: String,
    pub query: String,
    pub position: i32,
}

impl SavedView {
    pub fn scope(&self) -> Scope {
        if self.shared {
            Scope::Shared
        } else {
            Scope::Private
        }
    }
}

/// The views one person sees: the shared ones first when `team` (mediators and
/// administrators), then their own private ones, each group in its order.
pub fn visible(conn: &mut DbConn, user: UserId, team: bool) -> DbResult<Vec<SavedView>> {
    let own = saved_views::owner_id.eq(user.0).and(saved_views::shared.eq(false));
    let mut query = saved_views::table.into_boxed();
    query = if team { query.filter(saved_views::shared.eq(true).or(own)) } else { query.filter(own) };
    Ok(query
        .order((saved_views::shared.desc(), saved_views::position.asc(), saved_views::id.asc()))
        .limit(MOST)
        .select(SavedView::as_select())
        .load(conn)?)
}

pub fn find(conn: &mut DbConn, id: i32) -> DbResult<SavedView> {
    saved_views::table.find(id).select(SavedView::as_select()).get_result(conn).optional()?.ok_or(DbError::NotFound)
}

/// The views of a group, in order: every shared one, or one person's private ones.
fn group(conn: &mut DbConn, scope: Scope, owner: Option<i32>) -> DbResult<Vec<SavedView>> {
    let mut query = saved_views::table.into_boxed();
    query = match scope {
        Scope::Shared => query.filter(saved_views::shared.eq(true)),
        Scope::Private => query.filter(saved_views::shared.eq(false)).filter(saved_views::owner_id.eq(owner)),
    };
    Ok(query
        .order((saved_views::position.asc(), saved_views::id.asc()))
        .limit(MOST)
        .select(SavedView::as_select())
        .load(conn)?)
}

/// Whether the name is taken in the group the view lives in (`except`: the view renamed).
pub fn name_taken(conn: &mut DbConn, scope: Scope, owner: UserId, key: &str, except: Option<i32>) -> DbResult<bool> {
    let mut query = saved_views::table.filter(saved_views::name_key.eq(key)).into_boxed();
    query = match scope {
        Scope::Shared => query.filter(saved_views::shared.eq(true)),
        Scope::Private => query.filter(saved_views::shared.eq(false)).filter(saved_views::owner_id.eq(owner.0)),
    };
    if let Some(id) = except {
        query = query.filter(saved_views::id.ne(id));
    }
    Ok(query.select(saved_views::id).first::<i32>(conn).optional()?.is_some())
}

/// Adds a view at the end of its group; returns its id.
pub fn insert(
    conn: &mut DbConn,
    owner: UserId,
    scope: Scope,
    name: &ViewName,
    query: &str,
    at: NaiveDateTime,
) -> DbResult<i32> {
    let shared = scope == Scope::Shared;
    let last = group(conn, scope, Some(owner.0))?.last().map(|v| v.position).unwrap_or(0);
    diesel::insert_into(saved_views::table)
        .values((
            saved_views::owner_id.eq(owner.0),
            saved_views::shared.eq(shared),
            saved_views::name.eq(&name.name),
            saved_views::name_key.eq(&name.key),
            saved_views::query.eq(query),
            saved_views::position.eq(last + 1),
            saved_views::created_at.eq(at),
            saved_views::updated_at.eq(at),
        ))
        .execute(conn)?;
    // The name is unique in its group (a unique index says so too): it finds the new row.
    let mut found = saved_views::table
        .filter(saved_views::name_key.eq(&name.key))
        .filter(saved_views::shared.eq(shared))
        .into_boxed();
    if !shared {
        found = found.filter(saved_views::owner_id.eq(owner.0));
    }
    Ok(found.select(saved_views::id).first(conn)?)
}

pub fn rename(conn: &mut DbConn, id: i32, name: &ViewName, at: NaiveDateTime) -> DbResult<()> {
    diesel::update(saved_views::table.find(id))
        .set((saved_views::name.eq(&name.name), saved_views::name_key.eq(&name.key), saved_views::updated_at.eq(at)))
        .execute(conn)?;
    Ok(())
}

pub fn delete(conn: &mut DbConn, id: i32) -> DbResult<()> {
    diesel::delete(saved_views::table.find(id)).execute(conn)?;
    Ok(())
}

/// Moves a view one place up or down in its group; false when it is already at that end.
pub fn shift(conn: &mut DbConn, view: &SavedView, up: bool, at: NaiveDateTime) -> DbResult<bool> {
    let mut views = group(conn, view.scope(), view.owner_id)?;
    let Some(index) = views.iter().position(|v| v.id == view.id) else { return Err(DbError::NotFound) };
    let other = if up { index.checked_sub(1) } else { Some(index + 1).filter(|i| *i < views.len()) };
    let Some(other) = other else { return Ok(false) };
    views.swap(index, other);
    // Positions renumbered 1, 2, 3…: equal positions (never expected) cannot stall a move.
    for (place, v) in views.iter().enumerate() {
        let position = place as i32 + 1;
        if v.position != position {
            diesel::update(saved_views::table.find(v.id))
                .set((saved_views::position.eq(position), saved_views::updated_at.eq(at)))
                .execute(conn)?;
        }
    }
    Ok(true)
}
