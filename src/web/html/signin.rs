//! Signing in and out, the second factor, and the first administrator's set-up page.

use crate::app::AppError;
use crate::web::template::{context, Template};
use rocket::http::{CookieJar, Status};
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, Either, FromForm, Route, State};

use super::form::FormErrors;
use crate::app::accounts::{self, SignInError};
use crate::auth::tokens;
use crate::db::{setup, users};
use crate::web::auth::guards::Pending;
use crate::web::auth::session::{clear_session, set_session};
use crate::web::auth::{ClientIp, CsrfOnly, Protected, SignedIn};
use crate::web::context::{Layout, Now};
use crate::web::error::PageError;
use crate::web::state::{AppState, Db};

type PageOutcome = Either<Redirect, (Status, Template)>;

#[derive(FromForm)]
struct SignInForm {
    email: Option<String>,
    password: Option<String>,
}

async fn no_account_yet(db: &Db) -> Result<bool, PageError> {
    Ok(db.run(users::count).await? == 0)
}

#[get("/connexion")]
async fn sign_in_page(db: Db, layout: Layout) -> Result<Template, PageError> {
    let first_run = no_account_yet(&db).await?;
    Ok(Template::render("session/sign_in.html", context! { layout, email: "", error: None::<String>, first_run }))
}

/// Where a freshly signed-in user goes: the step they still owe, or the saisines.
fn landing(pending: Pending) -> Redirect {
    Redirect::to(pending.page().unwrap_or("/saisines"))
}

#[post("/connexion", data = "<form>")]
async fn sign_in(
    form: Protected<SignInForm>,
    db: Db,
    jar: &CookieJar<'_>,
    state: &State<AppState>,
    ip: ClientIp,
    layout: Layout,
    now: Now,
) -> Result<PageOutcome, PageError> {
    let email = form.0.email.unwrap_or_default();
    let password = form.0.password.unwrap_or_default();
    let typed = email.clone();
    let result = db
        .act(move |conn| match accounts::sign_in(conn, &typed, &password, &ip.0, now.at) {
            Ok(session) => Ok(Ok(session)),
            Err(SignInError::App(e)) => Err(e),
            Err(other) => Ok(Err(other)),
        })
        .await?;
    match result {
        Ok(session) => {
            set_session(jar, session.token, state.secure_cookies);
            tracing::info!(user = session.user.0, "connexion");
            // The guard reads the new cookie on the next request, not this one.
            Ok(Either::Left(Redirect::to("/connexion/suite")))
        }
        Err(error) => {
            let (status, message) = match error {
                SignInError::Throttled => (
                    Status::TooManyRequests,
                    "Trop de tentatives de connexion depuis cette adresse : réessayez dans quelques minutes.",
                ),
                _ => (
                    Status::Unauthorized,
                    "Adresse e-mail ou mot de passe incorrect, ou compte temporairement verrouillé. Après 5 échecs, le compte est verrouillé 15 minutes.",
                ),
            };
            let page = Template::render(
                "session/sign_in.html",
                context! { layout, email, error: Some(message), first_run: false },
            );
            Ok(Either::Right((status, page)))
        }
    }
}

/// Right after sign-in: sends the user to what they still owe, or to their work.
#[get("/connexion/suite")]
fn after_sign_in(user: SignedIn) -> Redirect {
    landing(user.0.pending)
}

#[post("/deconnexion", data = "<_form>")]
async fn sign_out(
    user: SignedIn,
    _form: Protected<CsrfOnly>,
    db: Db,
    jar: &CookieJar<'_>,
    now: Now,
) -> Result<Flash<Redirect>, PageError> {
    let digest = user.0.session_hash().to_string();
    let actor = user.0.actor();
    db.act(move |conn| accounts::sign_out(conn, &digest, &actor, now.at)).await?;
    clear_session(jar);
    Ok(Flash::success(Redirect::to("/connexion"), "Vous êtes déconnecté."))
}

#[derive(FromForm)]
struct CodeForm {
    code: Option<String>,
}

#[get("/connexion/second-facteur")]
fn second_factor_page(user: SignedIn, layout: Layout) -> Either<Template, Redirect> {
    if user.0.pending != Pending::SecondFactor {
        return Either::Right(landing(user.0.pending));
    }
    Either::Left(Template::render("session/second_factor.html", context! { layout, error: None::<String> }))
}

#[post("/connexion/second-facteur", data = "<form>")]
async fn second_factor(
    user: SignedIn,
    form: Protected<CodeForm>,
    db: Db,
    state: &State<AppState>,
    layout: Layout,
    now: Now,
) -> Result<PageOutcome, PageError> {
    if user.0.pending != Pending::SecondFactor {
        return Ok(Either::Left(landing(user.0.pending)));
    }
    let code = form.0.code.unwrap_or_default();
    let secrets = state.secrets.clone();
    let (digest, id, actor) = (user.0.session_hash().to_string(), user.0.id, user.0.actor());
    let accepted =
        db.act(move |conn| accounts::second_factor(conn, &digest, id, &code, &secrets, &actor, now.at)).await?;
    if accepted {
        return Ok(Either::Left(Redirect::to("/connexion/suite")));
    }
    let page = Template::render(
        "session/second_factor.html",
        context! { layout, error: Some("Code incorrect ou déjà utilisé.") },
    );
    Ok(Either::Right((Status::Unauthorized, page)))
}

#[derive(FromForm)]
struct SetupForm {
    email: Option<String>,
    display_name: Option<String>,
    password: Option<String>,
    confirmation: Option<String>,
}

async fn setup_link_valid(db: &Db, token: &str) -> Result<bool, PageError> {
    let digest = tokens::digest(token);
    Ok(db.run(move |conn| Ok(users::count(conn)? == 0 && setup::is_valid(conn, &digest)?)).await?)
}

#[get("/installation/<token>")]
async fn setup_page(token: &str, db: Db, layout: Layout) -> Result<Template, PageError> {
    if !setup_link_valid(&db, token).await? {
        return Err(PageError::NotFound);
    }
    Ok(Template::render(
        "session/setup.html",
        context! { layout, token, email: "", display_name: "", errors: FormErrors::default() },
    ))
}

#[post("/installation/<token>", data = "<form>")]
async fn setup_submit(
    token: &str,
    form: Protected<SetupForm>,
    db: Db,
    ip: ClientIp,
    layout: Layout,
    now: Now,
) -> Result<Either<Flash<Redirect>, (Status, Template)>, PageError> {
    let form = form.0;
    let (email, name) = (form.email.unwrap_or_default(), form.display_name.unwrap_or_default());
    let (password, confirmation) = (form.password.unwrap_or_default(), form.confirmation.unwrap_or_default());
    let (t, e, n) = (token.to_string(), email.clone(), name.clone());
    let created = db
        .act(move |conn| {
            let form = accounts::FirstAdmin {
                token: &t,
                email: &e,
                name: &n,
                password: &password,
                confirmation: &confirmation,
            };
            accounts::create_first_admin(conn, &form, &ip.0, now.at)
        })
        .await;
    match created {
        Ok(_) => Ok(Either::Left(Flash::success(
            Redirect::to("/connexion"),
            "Compte administrateur créé. Connectez-vous : il vous sera demandé d'activer le second facteur.",
        ))),
        Err(AppError::Domain(e)) => {
            let errors = FormErrors::new(e.field_errors());
            let page =
                Template::render("session/setup.html", context! { layout, token, email, display_name: name, errors });
            Ok(Either::Right((Status::UnprocessableEntity, page)))
        }
        Err(other) => Err(other.into()),
    }
}

pub fn routes() -> Vec<Route> {
    routes![sign_in_page, sign_in, after_sign_in, sign_out, second_factor_page, second_factor, setup_page, setup_submit]
}
