//! Administrators set the deadlines the application watches.

use crate::web::template::{context, Template};
use rocket::{get, post, routes, FromForm, Route};
use serde::Serialize;

use super::form::FormErrors;
use super::settings_form::{self, Saved, SettingsAnswer};
use crate::app;
use crate::db::deadline_settings;
use crate::domain::deadlines::{DayCount, SettingsDraft};
use crate::web::auth::{Admin, Protected};
use crate::web::context::{Layout, Now};
use crate::web::error::PageError;
use crate::web::state::Db;
use crate::web::view::Choice;

/// The form as typed: kept whole when it has to be shown again with its errors.
#[derive(Debug, Default, FromForm, Serialize)]
struct DeadlinesForm {
    take_up_days: Option<String>,
    handling_days: Option<String>,
    documents_days: Option<String>,
    reminder_days: Option<String>,
    grace_days: Option<String>,
    day_count: Option<String>,
}

impl DeadlinesForm {
    fn draft(&self) -> SettingsDraft {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        SettingsDraft {
            take_up_days: text(&self.take_up_days),
            handling_days: text(&self.handling_days),
            documents_days: text(&self.documents_days),
            reminder_days: text(&self.reminder_days),
            grace_days: text(&self.grace_days),
            day_count: text(&self.day_count),
        }
    }
}

impl From<SettingsDraft> for DeadlinesForm {
    fn from(d: SettingsDraft) -> Self {
        DeadlinesForm {
            take_up_days: Some(d.take_up_days),
            handling_days: Some(d.handling_days),
            documents_days: Some(d.documents_days),
            reminder_days: Some(d.reminder_days),
            grace_days: Some(d.grace_days),
            day_count: Some(d.day_count),
        }
    }
}

fn render(layout: Layout, values: &DeadlinesForm, errors: FormErrors) -> Template {
    let day_counts: Vec<Choice> =
        [DayCount::Calendar, DayCount::Working].iter().map(|c| Choice::new(c.code(), c.label())).collect();
    Template::render("admin/deadlines.html", context! { layout, values, errors, day_counts })
}

#[get("/admin/delais")]
async fn show(_admin: Admin, db: Db, layout: Layout) -> Result<Template, PageError> {
    let settings = db.run(deadline_settings::load).await?;
    Ok(render(layout, &SettingsDraft::from(&settings).into(), FormErrors::default()))
}

#[post("/admin/delais", data = "<form>")]
async fn save(
    admin: Admin,
    form: Protected<DeadlinesForm>,
    db: Db,
    layout: Layout,
    now: Now,
) -> Result<SettingsAnswer, PageError> {
    let values = form.0;
    let actor = admin.0.actor();
    let saved = Saved { page: "/admin/delais", message: "Délais enregistrés." };
    settings_form::save(
        &db,
        values.draft().validate(),
        move |conn, settings| app::admin::save_deadlines(conn, settings, &actor, now.at),
        |e| render(layout, &values, FormErrors::new(e.field_errors())),
        saved,
    )
    .await
}

pub fn routes() -> Vec<Route> {
    routes![show, save]
}
