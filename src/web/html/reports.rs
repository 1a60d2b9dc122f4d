//! The annual report on the web: the years that have data, a year's (or any period's)
//! figures with inline SVG charts, and the same report as a PDF. Every signed-in role.

use chrono::NaiveDate;
use rocket::http::{ContentType, Header, Status};
use rocket::request::FromParam;
use rocket::{get, routes, FromForm, Responder, Route, State};
use rocket_dyn_templates::{context, Template};
use serde::Serialize;

use crate::db::report;
use crate::domain::dates::parse_date;
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

/// `2021.pdf` in a path.
pub struct PdfOfYear(i32);

impl<'a> FromParam<'a> for PdfOfYear {
    type Error = ();

    fn from_param(param: &'a str) -> Result<Self, ()> {
        param.strip_suffix(".pdf").and_then(year_of).map(PdfOfYear).ok_or(())
    }
}

fn year_of(text: &str) -> Option<i32> {
    let year: i32 = text.parse().ok().filter(|_| text.len() == 4)?;
    Period::year(year).ok().map(|_| year)
}

/// `?du=2021-01-01&au=2021-06-30` (or `01/01/2021`).
#[derive(Debug, Clone, Default, FromForm, Serialize)]
struct PeriodQuery {
    du: Option<String>,
    au: Option<String>,
}

impl PeriodQuery {
    fn period(&self) -> Result<Period, String> {
        let date = |value: &Option<String>, what: &str| {
            value.as_deref().and_then(parse_date).ok_or_else(|| format!("indiquez la date de {what} (JJ/MM/AAAA)"))
        };
        let (first, last) = (date(&self.du, "début")?, date(&self.au, "fin")?);
        Period::between(first, last).map_err(|e| e.to_string())
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
        .map_err(|e| PageError::Internal(e.to_string()))?
        .map_err(|e| PageError::Internal(e.to_string()))?;
    Ok(Download::new(bytes, ContentType::PDF, "inline", &file_name))
}

/// Where the page's downloads are.
#[derive(Debug, Serialize)]
struct Links {
    pdf: String,
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
        csv: Some(format!("/saisines/export.csv?year={year}")),
        csv_whole: is_admin.then(|| format!("/saisines/export-complet.csv?year={year}")),
    };
    Ok(show(layout, &view, links))
}

#[get("/rapports/<file>", rank = 1)]
async fn year_pdf(
    _user: Reader,
    file: PdfOfYear,
    db: Db,
    state: &State<AppState>,
    now: Now,
) -> Result<Download, PageError> {
    let period = Period::year(file.0).map_err(|_| PageError::NotFound)?;
    let view = report_view(&db, state, period, now.today).await?;
    pdf_of(view, format!("bilan-mediation-{}.pdf", file.0)).await
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
    Ok((Status::Ok, show(layout, &view, Links { pdf, csv: None, csv_whole: None })))
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
    routes![index, year_page, year_pdf, period_page, period_pdf]
}
