//! The deadline settings: one row, created with the defaults by the migration.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::deadline_settings;
use super::{DbConn, DbError, DbResult};
use crate::domain::deadlines::{DayCount, DeadlineSettings};

const ROW: i32 = 1;

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = deadline_settings)]
struct SettingsRow {
    take_up_days: i32,
    handling_days: i32,
    documents_days: i32,
    reminder_days: i32,
    grace_days: i32,
    working_days: bool,
}

fn days(value: i32, what: &str) -> DbResult<u32> {
    u32::try_from(value).map_err(|_| DbError::Corrupt(format!("délai « {what} » négatif")))
}

fn stored(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

impl SettingsRow {
    fn settings(&self) -> DbResult<DeadlineSettings> {
        Ok(DeadlineSettings {
            take_up_days: days(self.take_up_days, "prise en charge")?,
            handling_days: days(self.handling_days, "traitement")?,
            documents_days: days(self.documents_days, "pièces")?,
            reminder_days: days(self.reminder_days, "relance")?,
            grace_days: days(self.grace_days, "grâce")?,
            day_count: if self.working_days { DayCount::Working } else { DayCount::Calendar },
        })
    }
}

/// The settings in force; the defaults if the row is missing.
pub fn load(conn: &mut DbConn) -> DbResult<DeadlineSettings> {
    let row: Option<SettingsRow> =
        deadline_settings::table.find(ROW).select(SettingsRow::as_select()).get_result(conn).optional()?;
    row.map(|r| r.settings()).unwrap_or_else(|| Ok(DeadlineSettings::default()))
}

/// How the audit log words a set of settings.
pub fn describe(s: &DeadlineSettings) -> String {
    format!(
        "prise en charge {} j, traitement {} j, pièces {} j, relance {} j, grâce {} j, {}",
        s.take_up_days,
        s.handling_days,
        s.documents_days,
        s.reminder_days,
        s.grace_days,
        s.day_count.label()
    )
}

/// Replaces the settings (`by`: who changed them).
pub fn store(conn: &mut DbConn, settings: &DeadlineSettings, by: &str, at: NaiveDateTime) -> DbResult<()> {
    let values = (
        deadline_settings::take_up_days.eq(stored(settings.take_up_days)),
        deadline_settings::handling_days.eq(stored(settings.handling_days)),
        deadline_settings::documents_days.eq(stored(settings.documents_days)),
        deadline_settings::reminder_days.eq(stored(settings.reminder_days)),
        deadline_settings::grace_days.eq(stored(settings.grace_days)),
        deadline_settings::working_days.eq(settings.day_count == DayCount::Working),
        deadline_settings::updated_at.eq(Some(at)),
        deadline_settings::updated_by.eq(Some(by)),
    );
    let updated = diesel::update(deadline_settings::table.find(ROW)).set(values).execute(conn)?;
    if updated == 0 {
        diesel::insert_into(deadline_settings::table).values((deadline_settings::id.eq(ROW), values)).execute(conn)?;
    }
    Ok(())
}
