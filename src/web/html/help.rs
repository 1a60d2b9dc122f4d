//! The help page (`/aide`): keyboard shortcuts, lists, saved views, bulk actions; and the
//! switch that turns the shortcuts off in this browser (WCAG 2.1.4: single-key shortcuts can
//! be turned off), kept in a plain cookie so that it works without JavaScript.

use rocket::http::{Cookie, CookieJar, SameSite};
use rocket::response::{Flash, Redirect};
use rocket::{get, post, routes, FromForm, Route, State};

use crate::web::auth::{Protected, Reader};
use crate::web::context::Layout;
use crate::web::state::AppState;
use crate::web::template::{context, Template};

const SHORTCUTS_COOKIE: &str = "mediation_raccourcis";

/// Whether this browser keeps the keyboard shortcuts (on unless turned off on `/aide`).
pub fn shortcuts_on(jar: &CookieJar<'_>) -> bool {
    jar.get(SHORTCUTS_COOKIE).is_none_or(|c| c.value() != "non")
}

#[get("/aide")]
fn help(_user: Reader, layout: Layout) -> Template {
    Template::render("help.html", context! { layout })
}

#[derive(FromForm)]
struct ShortcutsForm {
    /// `oui` or `non`.
    actifs: Option<String>,
}

#[post("/aide/raccourcis", data = "<form>")]
fn set_shortcuts(
    _user: Reader,
    form: Protected<ShortcutsForm>,
    jar: &CookieJar<'_>,
    state: &State<AppState>,
) -> Flash<Redirect> {
    let on = form.0.actifs.as_deref() != Some("non");
    // A year: a preference of this browser, not a secret (nothing personal in it).
    let cookie = Cookie::build((SHORTCUTS_COOKIE, if on { "oui" } else { "non" }))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.secure_cookies)
        .path("/")
        .max_age(rocket::time::Duration::days(365))
        .build();
    jar.add(cookie);
    let message = if on {
        "Raccourcis clavier activés dans ce navigateur."
    } else {
        "Raccourcis clavier désactivés dans ce navigateur."
    };
    Flash::success(Redirect::to("/aide#raccourcis"), message)
}

pub fn routes() -> Vec<Route> {
    routes![help, set_shortcuts]
}
