//! One's own account: password, second factor, personal API tokens.

use crate::app::AppError;
use crate::web::template::{context, Template};
use rocket::http::Status;
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Either, FromForm, Route, State};

use super::form::FormErrors;
use crate::app;
use crate::app::accounts;
use crate::auth::{tokens, totp};
use crate::db::{api_tokens, users};
use crate::domain::FieldError;
use crate::web::auth::guards::Pending;
use crate::web::auth::{CsrfOnly, Protected, Reader, SignedIn};
use crate::web::context::{Layout, Now};
use crate::web::error::PageError;
use crate::web::state::{AppState, Db};

type PageOutcome = Either<Flash<Redirect>, (Status, Template)>;

#[get("/compte")]
async fn overview(user: Reader, db: Db, layout: Layout) -> Result<Template, PageError> {
    let id = user.0.id;
    let (account, recovery_left) =
        db.run(move |conn| Ok((users::find(conn, id)?, users::unused_recovery_codes(conn, id)?))).await?;
    Ok(Template::render("account/overview.html", context! { layout, account, recovery_left }))
}

#[derive(FromForm)]
struct PasswordForm {
    current: Option<String>,
    password: Option<String>,
    confirmation: Option<String>,
}

fn password_page(layout: Layout, errors: FormErrors, forced: bool) -> Template {
    Template::render("account/password.html", context! { layout, errors, forced })
}

/// Open to a user who must change a temporary password, not to one still owing a second factor.
fn may_change_password(user: &SignedIn) -> bool {
    matches!(user.0.pending, Pending::None | Pending::PasswordChange | Pending::SecondFactorEnrolment)
}

#[get("/compte/mot-de-passe")]
fn password_form(user: SignedIn, layout: Layout) -> Result<Template, PageError> {
    if !may_change_password(&user) {
        return Err(PageError::Forbidden);
    }
    Ok(password_page(layout, FormErrors::default(), user.0.pending == Pending::PasswordChange))
}

#[post("/compte/mot-de-passe", data = "<form>")]
async fn change_password(
    user: SignedIn,
    form: Protected<PasswordForm>,
    db: Db,
    layout: Layout,
    now: Now,
) -> Result<PageOutcome, PageError> {
    if !may_change_password(&user) {
        return Err(PageError::Forbidden);
    }
    let form = form.0;
    let (current, new, confirmation) =
        (form.current.unwrap_or_default(), form.password.unwrap_or_default(), form.confirmation.unwrap_or_default());
    let (id, keep, actor) = (user.0.id, user.0.session_hash().to_string(), user.0.actor());
    let changed = db
        .act(move |conn| {
            let change = accounts::PasswordChange { current: &current, new: &new, confirmation: &confirmation };
            accounts::change_password(conn, id, &change, &keep, &actor, now.at)
        })
        .await;
    match changed {
        Ok(()) => Ok(Either::Left(Flash::success(Redirect::to("/connexion/suite"), "Mot de passe changé."))),
        Err(AppError::Domain(e)) => {
            let page =
                password_page(layout, FormErrors::new(e.field_errors()), user.0.pending == Pending::PasswordChange);
            Ok(Either::Right((Status::UnprocessableEntity, page)))
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(FromForm)]
struct CodeForm {
    code: Option<String>,
}

fn may_enrol(user: &SignedIn) -> bool {
    matches!(user.0.pending, Pending::None | Pending::SecondFactorEnrolment)
}

async fn enrolment_page(
    user: &SignedIn,
    db: &Db,
    state: &AppState,
    layout: Layout,
    now: &Now,
    errors: FormErrors,
) -> Result<Template, PageError> {
    let (id, at, secrets) = (user.0.id, now.at, state.secrets.clone());
    let (account, secret) = db
        .act(move |conn| {
            let account = users::find(conn, id)?;
            let secret =
                if account.totp_enabled { None } else { Some(accounts::pending_totp_secret(conn, id, &secrets, at)?) };
            Ok((account, secret))
        })
        .await?;
    let (qr, manual) = match &secret {
        Some(secret) => {
            let uri = totp::provisioning_uri(secret, &account.email);
            (totp::qr_svg(&uri), totp::secret_base32(secret, &account.email))
        }
        None => (String::new(), String::new()),
    };
    Ok(Template::render(
        "account/second_factor.html",
        context! { layout, enabled: account.totp_enabled, qr, manual, errors, forced: user.0.pending == Pending::SecondFactorEnrolment },
    ))
}

#[get("/compte/double-facteur")]
async fn second_factor_form(
    user: SignedIn,
    db: Db,
    state: &State<AppState>,
    layout: Layout,
    now: Now,
) -> Result<Template, PageError> {
    if !may_enrol(&user) {
        return Err(PageError::Forbidden);
    }
    enrolment_page(&user, &db, state, layout, &now, FormErrors::default()).await
}

#[post("/compte/double-facteur", data = "<form>")]
async fn enrol(
    user: SignedIn,
    form: Protected<CodeForm>,
    db: Db,
    state: &State<AppState>,
    layout: Layout,
    now: Now,
) -> Result<(Status, Template), PageError> {
    if !may_enrol(&user) {
        return Err(PageError::Forbidden);
    }
    let code = form.0.code.unwrap_or_default();
    let (id, digest, actor, secrets) =
        (user.0.id, user.0.session_hash().to_string(), user.0.actor(), state.secrets.clone());
    let confirmed =
        db.act(move |conn| accounts::confirm_totp(conn, &digest, id, &code, &secrets, &actor, now.at)).await;
    match confirmed {
        Ok(codes) => Ok((Status::Ok, Template::render("account/recovery_codes.html", context! { layout, codes }))),
        Err(AppError::Domain(e)) if !e.field_errors().is_empty() => {
            let page = enrolment_page(&user, &db, state, layout, &now, FormErrors::new(e.field_errors())).await?;
            Ok((Status::UnprocessableEntity, page))
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(FromForm)]
struct TokenForm {
    name: Option<String>,
}

/// A token as its owner reads it: times in France's time.
fn token_view(token: &api_tokens::ApiToken) -> impl serde::Serialize + '_ {
    use crate::domain::paris::paris_datetime;
    context! { id: token.id, name: &token.name, created_at: paris_datetime(token.created_at),
    last_used_at: token.last_used_at.map(paris_datetime), revoked: token.revoked_at.is_some() }
}

async fn tokens_page(
    user: &Reader,
    db: &Db,
    layout: Layout,
    errors: FormErrors,
    created: Option<String>,
) -> Result<Template, PageError> {
    let id = user.0.id;
    let list = db.run(move |conn| api_tokens::list_for(conn, id)).await?;
    let list: Vec<_> = list.iter().map(token_view).collect();
    Ok(Template::render("account/tokens.html", context! { layout, tokens: list, errors, created }))
}

#[get("/compte/jetons")]
async fn token_list(user: Reader, db: Db, layout: Layout) -> Result<Template, PageError> {
    tokens_page(&user, &db, layout, FormErrors::default(), None).await
}

/// A new token, shown once on the page that answers.
#[post("/compte/jetons", data = "<form>")]
async fn create_token(
    user: Reader,
    form: Protected<TokenForm>,
    db: Db,
    layout: Layout,
    now: Now,
) -> Result<(Status, Template), PageError> {
    let name = form.0.name.unwrap_or_default().trim().to_string();
    if name.is_empty() || name.chars().count() > 100 {
        let errors =
            FormErrors::new(&[FieldError::new("name", "required", "donnez un nom au jeton (100 caractères au plus)")]);
        return Ok((Status::UnprocessableEntity, tokens_page(&user, &db, layout, errors, None).await?));
    }
    let token = tokens::new_token();
    let (id, digest, actor) = (user.0.id, tokens::digest(&token), user.0.actor());
    db.act(move |conn| app::tokens::create(conn, id, &name, &digest, &actor, now.at)).await?;
    Ok((Status::Ok, tokens_page(&user, &db, layout, FormErrors::default(), Some(token)).await?))
}

#[post("/compte/jetons/<token_id>/revocation", data = "<_form>")]
async fn revoke_token(
    user: Reader,
    token_id: i32,
    _form: Protected<CsrfOnly>,
    db: Db,
    now: Now,
) -> Result<Flash<Redirect>, PageError> {
    let (id, actor) = (user.0.id, user.0.actor());
    db.act(move |conn| app::tokens::revoke(conn, id, token_id, &actor, now.at)).await?;
    Ok(Flash::success(Redirect::to("/compte/jetons"), "Jeton révoqué."))
}

pub fn routes() -> Vec<Route> {
    routes![overview, password_form, change_password, second_factor_form, enrol, token_list, create_token, revoke_token]
}
