//! The annual report on the web: the years that have data, a year's (or any period's)
//! figures with inline SVG charts, and the same report as a PDF. Every signed-in role.

use crate::web::template::{context, Template};
use chrono::NaiveDate;
use rocket::http::{ContentType, Header, Status};
use rocket::request::FromParam;
use rocket::{get, routes, FromForm, Responder, Route, State};
use serde::Serialize;

use crate::db::report;
use crate::report::{pdf, svg, Period, ReportView};
use crate::web::auth::Reader;
use crate::web::context::{Layout, Now};
use crate::web::error::PageError;
use crate::web::state::{AppState, Db};

/// A file to download (or to open in the browser).
#[derive(Responder)]
pub struct Download {
    pub body: Vec<u8>,
    pub content_type: ContentType,
    pub disposition: Header<'static>,
}

impl Download {
    pub fn new(body: Vec<u8>, content_type: ContentType, disposition: &str, file_name: &str) -> Download {
        Download {
            body,
            content_type,
            disposition: Header::new("Content-Disposition", format!("{disposition}; filename=\"{file_name}\"")),
        }
    }
}

/// `2021.pdf` (the report) or `2021.csv` (its figures) in a path.
pub enum YearFile {
    Pdf(i32),
    Csv(i32),
}

impl<'a> FromParam<'a> for YearFile {
    type Error = ();

    fn from_param(param: &'a str) -> Result<Self, ()> {
        let pdf = param.strip_suffix(".pdf").and_then(year_of).map(YearFile::Pdf);
        pdf.or_else(|| param.strip_suffix(".csv").and_then(year_of).map(YearFile::Csv)).ok_or(())
    }
}

fn year_of(text: &str) -> Option<i32> {
    Period::parse_year(text)
}

/// `?du=2021-01-01&au=2021-06-30` (or `01/01/2021`).
#[derive(Debug, Clone, Default, FromForm, Serialize)]
struct PeriodQuery {
    du: Option<String>,
    au: Option<String>,
}

impl PeriodQuery {
    fn period(&self) -> Result<Period, String> {
        Period::parse(self.du.as_deref(), self.au.as_deref())
    }
}

/// The report of a period as of today.
async fn report_view(db: &Db, state: &AppState, period: Period, today: NaiveDate) -> Result<ReportView, PageError> {
    let fallback = state.config.mediation.clone();
    let (aggregates, labels, head, (answers, satisfied)) = db
        .run(move |conn| {
            let head = crate::db::letters::letterhead(conn, &fallback)?;
            let satisfaction = crate::db::satisfaction::counts(conn, period.first, period.last)?;
            Ok((report::aggregates(conn, period)?, report::list_labels(conn)?, head, satisfaction))
        })
        .await?;
    // The letterhead's name, as on every letter.
    let view = crate::report::build_view(period, &aggregates, &labels, &head.name, today);
    Ok(view.with_satisfaction(answers, satisfied).with_logo(head.logo.map(|(bytes, _)| bytes)))
}

async fn pdf_of(view: ReportView, file_name: String) -> Result<Download, PageError> {
    let bytes = rocket::tokio::task::spawn_blocking(move || pdf::render(&view))
        .await
        .map_err(|e| PageError::Internal(crate::web::state::interrupted(&e)))?
        .map_err(|e| PageError::Internal(e.to_string()))?;
    Ok(Download::new(bytes, ContentType::PDF, "inline", &file_name))
}

/// Where the page's downloads are.
#[derive(Debug, Serialize)]
struct Links {
    pdf: String,
    /// The figures themselves, for a spreadsheet.
    figures_csv: Option<String>,
    csv: Option<String>,
    csv_whole: Option<String>,
}

fn show(layout: Layout, view: &ReportView, links: Links) -> Template {
    let charts: Vec<String> = view.charts.iter().map(svg::chart).collect();
    Template::render("reports/show.html", context! { layout, report: view, charts, links })
}

#[get("/rapports")]
async fn index(_user: Reader, db: Db, layout: Layout) -> Result<Template, PageError> {
    let years = db.run(report::years).await?;
    let years: Vec<_> = years.into_iter().map(|(year, count)| context! { year, count }).collect();
    Ok(Template::render("reports/index.html", context! { layout, years, query: PeriodQuery::default() }))
}

#[get("/rapports/<year>", rank = 2)]
async fn year_page(
    _user: Reader,
    year: &str,
    db: Db,
    state: &State<AppState>,
    layout: Layout,
    now: Now,
) -> Result<Template, PageError> {
    let year = year_of(year).ok_or(PageError::NotFound)?;
    let period = Period::year(year).map_err(|_| PageError::NotFound)?;
    let view = report_view(&db, state, period, now.today).await?;
    let is_admin = layout.user.as_ref().is_some_and(|u| u.is_admin);
    let links = Links {
        pdf: format!("/rapports/{year}.pdf"),
        figures_csv: Some(format!("/rapports/{year}.csv")),
        csv: Some(format!("/saisines/export.csv?year={year}")),
        csv_whole: is_admin.then(|| format!("/saisines/export-complet.csv?year={year}")),
    };
    Ok(show(layout, &view, links))
}

#[get("/rapports/<file>", rank = 1)]
async fn year_file(
    _user: Reader,
    file: YearFile,
    db: Db,
    state: &State<AppState>,
    now: Now,
) -> Result<Download, PageError> {
    match file {
        YearFile::Pdf(year) => {
            let period = Period::year(year).map_err(|_| PageError::NotFound)?;
            let view = report_view(&db, state, period, now.today).await?;
            pdf_of(view, format!("bilan-mediation-{year}.pdf")).await
        }
        YearFile::Csv(year) => figures_csv(&db, year, now.today).await,
    }
}

/// A year's figures as CSV, computed as the report computes them.
async fn figures_csv(db: &Db, year: i32, today: NaiveDate) -> Result<Download, PageError> {
    let period = Period::year(year).map_err(|_| PageError::NotFound)?;
    let (aggregates, labels) =
        db.run(move |conn| Ok((report::aggregates(conn, period)?, report::list_labels(conn)?))).await?;
    let figures = crate::report::figures(period, &aggregates, &labels, today);
    let body = crate::report::figures_csv::render(&figures).map_err(|e| PageError::Internal(e.to_string()))?;
    let csv = ContentType::new("text", "csv").with_params(("charset", "utf-8"));
    Ok(Download::new(body, csv, "attachment", &format!("chiffres-mediation-{year}.csv")))
}

#[get("/rapports/periode?<query..>")]
async fn period_page(
    _user: Reader,
    query: PeriodQuery,
    db: Db,
    state: &State<AppState>,
    layout: Layout,
    now: Now,
) -> Result<(Status, Template), PageError> {
    let period = match query.period() {
        Ok(period) => period,
        Err(error) => {
            let years = db.run(report::years).await?;
            let years: Vec<_> = years.into_iter().map(|(year, count)| context! { year, count }).collect();
            let page = Template::render("reports/index.html", context! { layout, years, query, error });
            return Ok((Status::UnprocessableEntity, page));
        }
    };
    let view = report_view(&db, state, period, now.today).await?;
    let pdf = format!("/rapports/periode.pdf?du={}&au={}", period.first, period.last);
    Ok((Status::Ok, show(layout, &view, Links { pdf, figures_csv: None, csv: None, csv_whole: None })))
}

#[get("/rapports/periode.pdf?<query..>")]
async fn period_pdf(
    _user: Reader,
    query: PeriodQuery,
    db: Db,
    state: &State<AppState>,
    now: Now,
) -> Result<Download, PageError> {
    let period = query.period().map_err(PageError::Invalid)?;
    let view = report_view(&db, state, period, now.today).await?;
    pdf_of(view, format!("bilan-mediation-{}-{}.pdf", period.first, period.last)).await
}

pub fn routes() -> Vec<Route> {
    routes![index, year_page, year_file, period_page, period_pdf]
}
