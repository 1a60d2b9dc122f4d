//! The service-quality indicators of a year, for every signed-in role.

use crate::web::template::{context, Template};
use chrono::Datelike;
use rocket::http::Status;
use rocket::{get, routes, Route};

use crate::db::{deadline_settings, indicators, list};
use crate::web::auth::Reader;
use crate::web::context::{Layout, Now};
use crate::web::error::PageError;
use crate::web::followup_view::IndicatorsView;
use crate::web::state::Db;

/// The year asked for, if it reads as one.
fn year_of(value: Option<&str>, today: chrono::NaiveDate) -> Result<i32, ()> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(today.year()),
        Some(text) => text.parse().ok().filter(|y| (1900..=9999).contains(y)).ok_or(()),
    }
}

#[get("/indicateurs?<annee>")]
async fn page(
    _user: Reader,
    annee: Option<&str>,
    db: Db,
    layout: Layout,
    now: Now,
) -> Result<(Status, Template), PageError> {
    let today = now.today;
    let (status, year, error) = match year_of(annee, today) {
        Ok(year) => (Status::Ok, year, None),
        Err(()) => {
            (Status::UnprocessableEntity, today.year(), Some("année invalide : indiquez une année sur quatre chiffres"))
        }
    };
    let (view, years) = db
        .run(move |conn| {
            let settings = deadline_settings::load(conn)?;
            let found = indicators::for_year(conn, year, today)?;
            let overdue = indicators::overdue_now(conn, today)?;
            Ok((IndicatorsView::new(year, found, overdue, &settings), list::years(conn)?))
        })
        .await?;
    Ok((status, Template::render("queue/indicators.html", context! { layout, indicators: view, years, error })))
}

pub fn routes() -> Vec<Route> {
    routes![page]
}
