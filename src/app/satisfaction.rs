//! The satisfaction form: answered once, through the single-use link of a closing answer.

use chrono::NaiveDateTime;

use super::{write, AppResult};
use crate::auth::tokens::digest;
use crate::db::{satisfaction as store, DbConn};
use crate::domain::satisfaction::SurveyAnswer;
use crate::domain::DomainError;

fn closed() -> DomainError {
    DomainError::refused("survey_closed", "Ce lien a déjà servi ou n'est plus valable.")
}

/// Whether the link can still be answered.
pub fn check_open(conn: &mut DbConn, token: &str, now: NaiveDateTime) -> AppResult<()> {
    if store::is_open(conn, &digest(token), now)? {
        Ok(())
    } else {
        Err(closed().into())
    }
}

/// Records the three answers; the link then stops working.
pub fn answer(conn: &mut DbConn, token: &str, answer: &SurveyAnswer, now: NaiveDateTime) -> AppResult<()> {
    write(conn, |conn| if store::answer(conn, &digest(token), answer, now)? { Ok(()) } else { Err(closed().into()) })
}
