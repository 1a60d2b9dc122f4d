//! Accounts: creation, sign-in bookkeeping, passwords, second factor.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::pool::write_transaction;
use super::schema::{recovery_codes, users};
use super::{DbConn, DbError, DbResult};
use crate::auth::lockout;
use crate::auth::{Role, UserId};
use crate::domain::DomainError;

/// An account as stored, secrets included: never leaves the server.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i32,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub active: bool,
    pub password_hash: String,
    pub must_change_password: bool,
    pub password_expires_at: Option<NaiveDateTime>,
    pub failed_attempts: i32,
    pub lock_count: i32,
    pub locked_until: Option<NaiveDateTime>,
    pub totp_secret: Option<String>,
    pub totp_enabled: bool,
    pub totp_last_step: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// An account as pages show it.
#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub must_change_password: bool,
    pub totp_enabled: bool,
    pub locked_until: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

impl UserRow {
    pub fn role(&self) -> DbResult<Role> {
        self.role.parse().map_err(|_| DbError::Corrupt(format!("rôle illisible pour le compte {}", self.id)))
    }

    pub fn to_user(&self) -> DbResult<User> {
        Ok(User {
            id: UserId(self.id),
            email: self.email.clone(),
            display_name: self.display_name.clone(),
            role: self.role()?,
            active: self.active,
            must_change_password: self.must_change_password,
            totp_enabled: self.totp_enabled,
            locked_until: self.locked_until,
            created_at: self.created_at,
        })
    }
}

/// What creating an account needs; the password is already hashed.
pub struct NewAccount<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
    pub must_change_password: bool,
    pub password_expires_at: Option<NaiveDateTime>,
}

/// E-mail addresses are compared in lower case.
pub fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

pub fn count(conn: &mut DbConn) -> DbResult<i64> {
    Ok(users::table.count().get_result(conn)?)
}

pub fn create(conn: &mut DbConn, account: &NewAccount, at: NaiveDateTime) -> DbResult<UserId> {
    let email = email_key(account.email);
    let taken: i64 = users::table.filter(users::email.eq(&email)).count().get_result(conn)?;
    if taken > 0 {
        return Err(DomainError::invalid("email", "email_taken", "un compte existe déjà avec cette adresse").into());
    }
    diesel::insert_into(users::table)
        .values((
            users::email.eq(&email),
            users::display_name.eq(account.display_name.trim()),
            users::role.eq(account.role.code()),
            users::active.eq(true),
            users::password_hash.eq(account.password_hash),
            users::must_change_password.eq(account.must_change_password),
            users::password_expires_at.eq(account.password_expires_at),
            users::created_at.eq(at),
            users::updated_at.eq(at),
        ))
        .execute(conn)?;
    let id = users::table.filter(users::email.eq(&email)).select(users::id).get_result(conn)?;
    Ok(UserId(id))
}

pub fn row(conn: &mut DbConn, id: UserId) -> DbResult<UserRow> {
    users::table.find(id.0).select(UserRow::as_select()).get_result(conn).optional()?.ok_or(DbError::NotFound)
}

pub fn find(conn: &mut DbConn, id: UserId) -> DbResult<User> {
    row(conn, id)?.to_user()
}

pub fn row_by_email(conn: &mut DbConn, email: &str) -> DbResult<Option<UserRow>> {
    Ok(users::table
        .filter(users::email.eq(email_key(email)))
        .select(UserRow::as_select())
        .get_result(conn)
        .optional()?)
}

pub fn list(conn: &mut DbConn) -> DbResult<Vec<User>> {
    let rows: Vec<UserRow> = users::table.order(users::display_name.asc()).select(UserRow::as_select()).load(conn)?;
    rows.iter().map(UserRow::to_user).collect()
}

/// Active accounts that can be assigned saisines.
pub fn assignable(conn: &mut DbConn) -> DbResult<Vec<User>> {
    Ok(list(conn)?.into_iter().filter(|u| u.active && u.role.can_work_on_saisines()).collect())
}

/// Counts one failed sign-in or second-factor code. The database increments the counter
/// inside a write transaction and the lock is decided from the value it left, so failures
/// sent at the same moment are each counted (a read-then-write would lose all but one).
/// A locked account counts no more failures until its lock ends.
pub fn count_failure(conn: &mut DbConn, id: UserId, at: NaiveDateTime) -> DbResult<()> {
    write_transaction(conn, |conn| {
        let unlocked = users::locked_until.is_null().or(users::locked_until.le(at));
        let counted = diesel::update(users::table.find(id.0).filter(unlocked))
            .set(users::failed_attempts.eq(users::failed_attempts + 1))
            .execute(conn)?;
        if counted == 0 {
            return Ok(());
        }
        let (failed, locks): (i32, i32) =
            users::table.find(id.0).select((users::failed_attempts, users::lock_count)).get_result(conn)?;
        let after = lockout::after_counted(failed, locks, at);
        if after.locked_until.is_some() {
            diesel::update(users::table.find(id.0))
                .set((
                    users::failed_attempts.eq(after.failed_attempts),
                    users::lock_count.eq(after.lock_count),
                    users::locked_until.eq(after.locked_until),
                ))
                .execute(conn)?;
        }
        Ok(())
    })
}

pub fn record_success(conn: &mut DbConn, id: UserId) -> DbResult<()> {
    diesel::update(users::table.find(id.0))
        .set((users::failed_attempts.eq(0), users::lock_count.eq(0), users::locked_until.eq(None::<NaiveDateTime>)))
        .execute(conn)?;
    Ok(())
}

/// A new password; `temporary_until` marks an administrator's reset (to change at first use).
pub fn set_password(
    conn: &mut DbConn,
    id: UserId,
    hash: &str,
    temporary_until: Option<NaiveDateTime>,
    at: NaiveDateTime,
) -> DbResult<()> {
    diesel::update(users::table.find(id.0))
        .set((
            users::password_hash.eq(hash),
            users::must_change_password.eq(temporary_until.is_some()),
            users::password_expires_at.eq(temporary_until),
            users::failed_attempts.eq(0),
            users::locked_until.eq(None::<NaiveDateTime>),
            users::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn set_role_and_active(conn: &mut DbConn, id: UserId, role: Role, active: bool, at: NaiveDateTime) -> DbResult<()> {
    let changed = diesel::update(users::table.find(id.0))
        .set((users::role.eq(role.code()), users::active.eq(active), users::updated_at.eq(at)))
        .execute(conn)?;
    if changed == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// Stores the sealed seed; `enabled` once the user proved they can produce codes.
pub fn set_totp(
    conn: &mut DbConn,
    id: UserId,
    sealed_secret: Option<&str>,
    enabled: bool,
    at: NaiveDateTime,
) -> DbResult<()> {
    diesel::update(users::table.find(id.0))
        .set((
            users::totp_secret.eq(sealed_secret),
            users::totp_enabled.eq(enabled),
            users::totp_last_step.eq(0),
            users::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records the step of a code just used; false when that step (or a later one) was already
/// used, so that each code works once, even with two instances answering.
pub fn claim_totp_step(conn: &mut DbConn, id: UserId, step: i64) -> DbResult<bool> {
    let claimed = diesel::update(users::table.find(id.0).filter(users::totp_last_step.lt(step)))
        .set(users::totp_last_step.eq(step))
        .execute(conn)?;
    Ok(claimed == 1)
}

pub fn replace_recovery_codes(conn: &mut DbConn, id: UserId, digests: &[String]) -> DbResult<()> {
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(id.0))).execute(conn)?;
    for digest in digests {
        diesel::insert_into(recovery_codes::table)
            .values((recovery_codes::user_id.eq(id.0), recovery_codes::code_hash.eq(digest.as_str())))
            .execute(conn)?;
    }
    Ok(())
}

/// Uses a recovery code once: true when it was valid and unused.
pub fn use_recovery_code(conn: &mut DbConn, id: UserId, digest: &str, at: NaiveDateTime) -> DbResult<bool> {
    let used = diesel::update(
        recovery_codes::table
            .filter(recovery_codes::user_id.eq(id.0))
            .filter(recovery_codes::code_hash.eq(digest))
            .filter(recovery_codes::used_at.is_null()),
    )
    .set(recovery_codes::used_at.eq(at))
    .execute(conn)?;
    Ok(used == 1)
}

pub fn unused_recovery_codes(conn: &mut DbConn, id: UserId) -> DbResult<i64> {
    Ok(recovery_codes::table
        .filter(recovery_codes::user_id.eq(id.0))
        .filter(recovery_codes::used_at.is_null())
        .count()
        .get_result(conn)?)
}
