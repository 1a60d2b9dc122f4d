//! The public satisfaction form (`/satisfaction/<token>`): no account, the link is the key.

use crate::web::template::{context, Template};
use rocket::form::Form;
use rocket::http::Status;
use rocket::{get, post, routes, FromForm, Route};
use serde::Serialize;

use super::form::FormErrors;
use crate::app::{self, AppError};
use crate::domain::satisfaction::{Handling, SurveyAnswer};
use crate::domain::DomainError;
use crate::web::context::{Layout, Now};
use crate::web::error::PageError;
use crate::web::state::Db;
use crate::web::view::Choice;

#[derive(Debug, Default, FromForm, Serialize)]
struct SurveyForm {
    handling: String,
    understood: String,
    comment: String,
}

fn page(layout: Layout, token: &str, values: &SurveyForm, errors: FormErrors, closed: Option<String>) -> Template {
    let handlings: Vec<Choice> = Handling::ALL.iter().map(|h| Choice::new(h.code(), h.label())).collect();
    Template::render("satisfaction/form.html", context! { layout, token, values, errors, closed, handlings })
}

#[get("/satisfaction/<token>")]
async fn show(token: &str, db: Db, layout: Layout, now: Now) -> Result<(Status, Template), PageError> {
    let (owned, at) = (token.to_string(), now.at);
    match db.act(move |conn| app::satisfaction::check_open(conn, &owned, at)).await {
        Ok(()) => Ok((Status::Ok, page(layout, token, &SurveyForm::default(), FormErrors::default(), None))),
        Err(AppError::Domain(e)) => {
            Ok((Status::Gone, page(layout, token, &SurveyForm::default(), FormErrors::default(), Some(e.to_string()))))
        }
        Err(other) => Err(other.into()),
    }
}

#[post("/satisfaction/<token>", data = "<form>")]
async fn answer(
    token: &str,
    form: Form<SurveyForm>,
    db: Db,
    layout: Layout,
    now: Now,
) -> Result<(Status, Template), PageError> {
    let values = form.into_inner();
    let checked = SurveyAnswer::check(&values.handling, &values.understood, &values.comment);
    let outcome = match checked {
        Ok(answer) => {
            let (owned, at) = (token.to_string(), now.at);
            db.act(move |conn| app::satisfaction::answer(conn, &owned, &answer, at)).await
        }
        Err(e) => Err(AppError::Domain(e)),
    };
    match outcome {
        Ok(()) => Ok((Status::Ok, Template::render("satisfaction/thanks.html", context! { layout }))),
        Err(AppError::Domain(e @ DomainError::Invalid(_))) => {
            Ok((Status::UnprocessableEntity, page(layout, token, &values, FormErrors::new(e.field_errors()), None)))
        }
        Err(AppError::Domain(e)) => {
            Ok((Status::Gone, page(layout, token, &values, FormErrors::default(), Some(e.to_string()))))
        }
        Err(other) => Err(other.into()),
    }
}

pub fn routes() -> Vec<Route> {
    routes![show, answer]
}
