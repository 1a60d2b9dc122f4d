//! Account use cases: sign-in with lock-out, second factor, passwords, first administrator.
//! Each one records what it did in the audit log, in the same transaction.

use chrono::{Duration, NaiveDateTime};

use super::{write, Actor, AppError, AppResult};
use crate::auth::audit::AuditAction;
use crate::auth::lockout;
use crate::auth::password::{self, PasswordError};
use crate::auth::secret_box::SecretBox;
use crate::auth::{tokens, totp, Role, UserId};
use crate::db::audit;
use crate::db::users::{self, NewAccount, UserRow};
use crate::db::{sessions, setup, DbConn, DbError};
use crate::domain::DomainError;

/// How long an administrator's temporary password stays valid.
pub const TEMPORARY_PASSWORD_HOURS: i64 = 48;
/// Failed sign-ins from one address within the window before it is throttled.
pub const FAILURES_PER_ADDRESS: i64 = 20;
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;
pub const RECOVERY_CODES: usize = 10;

/// A session just opened: the cookie gets `token`, forms get `csrf`.
pub struct NewSession {
    pub user: UserId,
    pub token: String,
    pub csrf: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Wrong address, wrong password, locked, inactive, expired: one answer for all, so
    /// that nobody learns whether an account exists.
    #[error("identifiants refusés")]
    Refused,
    #[error("trop de tentatives depuis cette adresse")]
    Throttled,
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<DbError> for SignInError {
    fn from(error: DbError) -> Self {
        SignInError::App(error.into())
    }
}

fn password_error(field: &str, e: PasswordError) -> AppError {
    DomainError::invalid(field, "weak_password", e.to_string()).into()
}

/// Checks a new password typed twice against the policy and hashes it.
pub fn new_password_hash(password: &str, confirmation: &str) -> AppResult<String> {
    password::check_policy(password).map_err(|e| password_error("password", e))?;
    if password != confirmation {
        return Err(password_error("confirmation", PasswordError::Mismatch));
    }
    password::hash(password).map_err(|e| password_error("password", e))
}

fn failed(conn: &mut DbConn, actor: &Actor, email: &str, why: &str, at: NaiveDateTime) -> SignInError {
    match audit::record(conn, actor, AuditAction::SignInFailed, &users::email_key(email), why, at) {
        Ok(()) => SignInError::Refused,
        Err(e) => SignInError::App(e.into()),
    }
}

fn open_session(conn: &mut DbConn, user: &UserRow, at: NaiveDateTime) -> AppResult<NewSession> {
    let token = tokens::new_token();
    let csrf = tokens::new_token();
    sessions::create(conn, &tokens::digest(&token), UserId(user.id), &csrf, !user.totp_enabled, at)?;
    Ok(NewSession { user: UserId(user.id), token, csrf })
}

/// Checks the credentials and opens a new session (a fresh token at every sign-in).
pub fn sign_in(
    conn: &mut DbConn,
    email: &str,
    password: &str,
    ip: &str,
    at: NaiveDateTime,
) -> Result<NewSession, SignInError> {
    let anonymous = Actor { id: None, name: "inconnu".into(), ip: ip.to_string() };
    let since = at - Duration::minutes(THROTTLE_WINDOW_MINUTES);
    if audit::failures_from(conn, ip, since)? >= FAILURES_PER_ADDRESS {
        return Err(SignInError::Throttled);
    }
    let Some(user) = users::row_by_email(conn, email)? else {
        password::verify_against_nothing(password);
        return Err(failed(conn, &anonymous, email, "compte inconnu", at));
    };
    let actor = Actor { id: Some(UserId(user.id)), name: user.display_name.clone(), ip: ip.to_string() };
    let password_ok = password::verify(password, &user.password_hash);
    if lockout::is_locked(user.locked_until, at) {
        return Err(failed(conn, &actor, email, "compte verrouillé", at));
    }
    if !password_ok {
        users::count_failure(conn, UserId(user.id), at)?;
        return Err(failed(conn, &actor, email, "mot de passe erroné", at));
    }
    if !user.active {
        return Err(failed(conn, &actor, email, "compte désactivé", at));
    }
    if user.password_expires_at.is_some_and(|until| until <= at) {
        return Err(failed(conn, &actor, email, "mot de passe temporaire expiré", at));
    }
    let session = write(conn, |conn| {
        users::record_success(conn, UserId(user.id))?;
        audit::record(conn, &actor, AuditAction::SignInSucceeded, &user.email, "", at)?;
        open_session(conn, &user, at)
    })?;
    Ok(session)
}

/// Checks a TOTP code, or a recovery code, for a session waiting for its second factor.
/// A wrong code counts as a failed sign-in for the lock-out.
pub fn second_factor(
    conn: &mut DbConn,
    session_hash: &str,
    user: UserId,
    code: &str,
    secrets: &SecretBox,
    actor: &Actor,
    at: NaiveDateTime,
) -> AppResult<bool> {
    let row = users::row(conn, user)?;
    if lockout::is_locked(row.locked_until, at) {
        audit::record(conn, actor, AuditAction::SecondFactorFailed, &row.email, "compte verrouillé", at)?;
        return Ok(false);
    }
    let accepted = totp_accepted(conn, &row, code, secrets, at)? || recovery_accepted(conn, &row, code, actor, at)?;
    if accepted {
        users::record_success(conn, user)?;
        sessions::complete_second_factor(conn, session_hash, at)?;
    } else {
        users::count_failure(conn, user, at)?;
        audit::record(conn, actor, AuditAction::SecondFactorFailed, &row.email, "", at)?;
    }
    Ok(accepted)
}

fn totp_accepted(
    conn: &mut DbConn,
    row: &UserRow,
    code: &str,
    secrets: &SecretBox,
    at: NaiveDateTime,
) -> AppResult<bool> {
    let Some(sealed) = row.totp_secret.as_deref() else { return Ok(false) };
    let secret = secrets.open(sealed).map_err(|e| DbError::Corrupt(e.to_string()))?;
    match totp::verify(&secret, code, at.and_utc().timestamp().max(0) as u64) {
        Some(step) => Ok(users::claim_totp_step(conn, UserId(row.id), step as i64)?),
        None => Ok(false),
    }
}

fn recovery_accepted(
    conn: &mut DbConn,
    row: &UserRow,
    code: &str,
    actor: &Actor,
    at: NaiveDateTime,
) -> AppResult<bool> {
    let digest = tokens::digest(&tokens::normalize_recovery_code(code));
    let used = users::use_recovery_code(conn, UserId(row.id), &digest, at)?;
    if used {
        audit::record(conn, actor, AuditAction::RecoveryCodeUsed, &row.email, "", at)?;
    }
    Ok(used)
}

/// The seed waiting for confirmation, created on first call and kept until confirmed.
pub fn pending_totp_secret(
    conn: &mut DbConn,
    user: UserId,
    secrets: &SecretBox,
    at: NaiveDateTime,
) -> AppResult<Vec<u8>> {
    let row = users::row(conn, user)?;
    if row.totp_enabled {
        return Err(DomainError::refused("already_enabled", "le second facteur est déjà activé sur ce compte").into());
    }
    if let Some(sealed) = row.totp_secret.as_deref() {
        if let Ok(secret) = secrets.open(sealed) {
            return Ok(secret);
        }
    }
    let secret = totp::new_secret();
    let sealed = secrets.seal(&secret).map_err(|e| DbError::Corrupt(e.to_string()))?;
    users::set_totp(conn, user, Some(&sealed), false, at)?;
    Ok(secret)
}

/// Turns TOTP on once the user typed a valid code; returns the recovery codes, shown once.
pub fn confirm_totp(
    conn: &mut DbConn,
    session_hash: &str,
    user: UserId,
    code: &str,
    secrets: &SecretBox,
    actor: &Actor,
    at: NaiveDateTime,
) -> AppResult<Vec<String>> {
    let secret = pending_totp_secret(conn, user, secrets, at)?;
    let Some(step) = totp::verify(&secret, code, at.and_utc().timestamp().max(0) as u64) else {
        return Err(DomainError::invalid(
            "code",
            "invalid_code",
            "code incorrect : saisissez le code à 6 chiffres affiché par l'application",
        )
        .into());
    };
    write(conn, |conn| {
        let sealed = secrets.seal(&secret).map_err(|e| DbError::Corrupt(e.to_string()))?;
        users::set_totp(conn, user, Some(&sealed), true, at)?;
        users::claim_totp_step(conn, user, step as i64)?;
        let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| tokens::recovery_code()).collect();
        let digests: Vec<String> = codes.iter().map(|c| tokens::digest(c)).collect();
        users::replace_recovery_codes(conn, user, &digests)?;
        sessions::complete_second_factor(conn, session_hash, at)?;
        audit::record(conn, actor, AuditAction::SecondFactorEnabled, "", "", at)?;
        Ok(codes)
    })
}

/// A password typed twice, with the one it replaces.
pub struct PasswordChange<'a> {
    pub current: &'a str,
    pub new: &'a str,
    pub confirmation: &'a str,
}

/// A user changes their own password; every other session of theirs ends.
pub fn change_password(
    conn: &mut DbConn,
    user: UserId,
    change: &PasswordChange,
    keep_session: &str,
    actor: &Actor,
    at: NaiveDateTime,
) -> AppResult<()> {
    let PasswordChange { current, new, confirmation } = *change;
    let row = users::row(conn, user)?;
    if !password::verify(current, &row.password_hash) {
        return Err(DomainError::invalid("current", "wrong_password", "le mot de passe actuel est incorrect").into());
    }
    if current == new {
        return Err(DomainError::invalid(
            "password",
            "same_password",
            "choisissez un mot de passe différent de l'actuel",
        )
        .into());
    }
    let hash = new_password_hash(new, confirmation)?;
    write(conn, |conn| {
        users::set_password(conn, user, &hash, None, at)?;
        sessions::end_all_except(conn, user, keep_session, at)?;
        Ok(audit::record(conn, actor, AuditAction::PasswordChanged, &row.email, "", at)?)
    })
}

/// An account created by an administrator, with a temporary password to hand over.
pub fn create_account(
    conn: &mut DbConn,
    email: &str,
    name: &str,
    role: Role,
    actor: &Actor,
    at: NaiveDateTime,
) -> AppResult<(UserId, String)> {
    crate::domain::account::check_identity(email, name)?;
    let temporary = password::temporary();
    let hash = password::hash(&temporary).map_err(|e| password_error("password", e))?;
    let until = at + Duration::hours(TEMPORARY_PASSWORD_HOURS);
    write(conn, |conn| {
        let account = NewAccount {
            email,
            display_name: name,
            role,
            password_hash: &hash,
            must_change_password: true,
            password_expires_at: Some(until),
        };
        let id = users::create(conn, &account, at)?;
        audit::record(conn, actor, AuditAction::AccountCreated, &users::email_key(email), role.code(), at)?;
        Ok((id, temporary.clone()))
    })
}

/// An account created on the command line, with the password its owner typed (checked
/// against the policy); `actor` is the command line.
pub fn create_with_password(
    conn: &mut DbConn,
    email: &str,
    name: &str,
    role: Role,
    secret: &str,
    actor: &Actor,
    at: NaiveDateTime,
) -> AppResult<UserId> {
    crate::domain::account::check_identity(email, name)?;
    password::check_policy(secret).map_err(|e| password_error("password", e))?;
    let hash = password::hash(secret).map_err(|e| password_error("password", e))?;
    write(conn, |conn| {
        let account = NewAccount {
            email,
            display_name: name,
            role,
            password_hash: &hash,
            must_change_password: false,
            password_expires_at: None,
        };
        let id = users::create(conn, &account, at)?;
        audit::record(conn, actor, AuditAction::AccountCreated, &users::email_key(email), role.code(), at)?;
        Ok(id)
    })
}

/// Ends a session, recorded in the audit log.
pub fn sign_out(conn: &mut DbConn, session_hash: &str, actor: &Actor, at: NaiveDateTime) -> AppResult<()> {
    write(conn, |conn| {
        sessions::end(conn, session_hash, at)?;
        Ok(audit::record(conn, actor, AuditAction::SignOut, "", "", at)?)
    })
}

/// An administrator's reset: a temporary password valid 48 hours, to change at first use.
pub fn reset_password(conn: &mut DbConn, user: UserId, actor: &Actor, at: NaiveDateTime) -> AppResult<String> {
    let row = users::row(conn, user)?;
    let temporary = password::temporary();
    let hash = password::hash(&temporary).map_err(|e| password_error("password", e))?;
    write(conn, |conn| {
        users::set_password(conn, user, &hash, Some(at + Duration::hours(TEMPORARY_PASSWORD_HOURS)), at)?;
        sessions::end_all_for(conn, user, at)?;
        audit::record(conn, actor, AuditAction::PasswordReset, &row.email, "", at)?;
        Ok(temporary.clone())
    })
}

/// Role and activation; deactivating ends the account's sessions.
pub fn update_account(
    conn: &mut DbConn,
    user: UserId,
    role: Role,
    active: bool,
    actor: &Actor,
    at: NaiveDateTime,
) -> AppResult<()> {
    let row = users::row(conn, user)?;
    if actor.id == Some(user) && (!active || role != Role::Admin) {
        return Err(DomainError::invalid(
            "role",
            "self_demotion",
            "vous ne pouvez ni vous désactiver ni retirer votre propre rôle d'administrateur",
        )
        .into());
    }
    write(conn, |conn| {
        users::set_role_and_active(conn, user, role, active, at)?;
        if !active {
            sessions::end_all_for(conn, user, at)?;
        }
        let details = format!("rôle {} → {} ; actif {} → {}", row.role, role.code(), row.active, active);
        Ok(audit::record(conn, actor, AuditAction::AccountChanged, &row.email, &details, at)?)
    })
}

/// What the set-up page asks for.
pub struct FirstAdmin<'a> {
    pub token: &'a str,
    pub email: &'a str,
    pub name: &'a str,
    pub password: &'a str,
    pub confirmation: &'a str,
}

/// The first administrator, through the one-time set-up link.
pub fn create_first_admin(conn: &mut DbConn, form: &FirstAdmin, ip: &str, at: NaiveDateTime) -> AppResult<UserId> {
    let FirstAdmin { token, email, name, password, confirmation } = *form;
    crate::domain::account::check_identity(email, name)?;
    let hash = new_password_hash(password, confirmation)?;
    write(conn, |conn| {
        if users::count(conn)? > 0 || !setup::consume(conn, &tokens::digest(token), at)? {
            return Err(AppError::NotFound);
        }
        let account = NewAccount {
            email,
            display_name: name,
            role: Role::Admin,
            password_hash: &hash,
            must_change_password: false,
            password_expires_at: None,
        };
        let id = users::create(conn, &account, at)?;
        let actor = Actor { id: Some(id), name: name.trim().to_string(), ip: ip.to_string() };
        audit::record(conn, &actor, AuditAction::FirstAdminCreated, &users::email_key(email), "", at)?;
        Ok(id)
    })
}

/// While no account exists, a new set-up link (its token; only its digest is stored).
pub fn setup_link_token(conn: &mut DbConn, at: NaiveDateTime) -> AppResult<Option<String>> {
    if users::count(conn)? > 0 {
        return Ok(None);
    }
    let token = tokens::new_token();
    setup::add(conn, &tokens::digest(&token), at)?;
    Ok(Some(token))
}
