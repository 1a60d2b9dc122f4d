//! Pages rendered with Tera from templates embedded in the binary: registered straight into
//! the engine at ignition, with nothing written to disk and no template folder to find, so the
//! binary runs from any directory. `Template::render(name, context! { … })` as in Rocket's
//! own template crate.

use std::borrow::Cow;

use rocket::fairing::{AdHoc, Fairing};
use rocket::http::{ContentType, Status};
use rocket::request::Request;
use rocket::response::{self, Responder};
use rust_embed::RustEmbed;
use serde::Serialize;
use tera::Tera;

#[derive(RustEmbed)]
#[folder = "templates/"]
struct Sources;

/// Template names that Tera escapes HTML in (the names are the files' paths less `.tera`).
const ESCAPED: &[&str] = &[".html", ".htm", ".xml"];

/// The engine holding every embedded template.
pub struct Templates(Tera);

impl Templates {
    /// Every embedded `*.tera` file under its path less `.tera` (`saisines/list.html`): the
    /// `.html` suffix gives the HTML content type and auto-escaping.
    pub fn load() -> Result<Templates, tera::Error> {
        let sources: Vec<(String, String)> = Sources::iter()
            .filter(|name| name.ends_with(".tera"))
            .filter_map(|name| {
                let file = Sources::get(&name)?;
                let text = String::from_utf8(file.data.into_owned()).ok()?;
                Some((name.trim_end_matches(".tera").to_string(), text))
            })
            .collect();
        let mut tera = Tera::default();
        tera.autoescape_on(ESCAPED.to_vec());
        tera.add_raw_templates(sources)?;
        Ok(Templates(tera))
    }

    /// A page as text; `None` (and the error logged) when it cannot be rendered. The context is
    /// moved into Tera's (a copy of a list page's context was a tenth of its allocations), and
    /// the page written into a buffer sized for a list page (grown by doubling from empty, it
    /// was copied a dozen times).
    pub fn render(&self, name: &str, context: serde_json::Value) -> Option<String> {
        let context = tera::Context::from_value(context)
            .map_err(|e| tracing::error!(template = name, error = %e, "contexte de modèle invalide"))
            .ok()?;
        let mut page = Vec::with_capacity(PAGE_CAPACITY);
        self.0
            .render_to(name, &context, &mut page)
            .map_err(|e| {
                let mut causes = Vec::new();
                let mut source = std::error::Error::source(&e);
                while let Some(cause) = source {
                    causes.push(cause.to_string());
                    source = cause.source();
                }
                tracing::error!(template = name, error = %e, causes = %causes.join(" ; "), "modèle impossible à afficher");
            })
            .ok()?;
        String::from_utf8(page)
            .map_err(|e| tracing::error!(template = name, error = %e, "page rendue invalide (UTF-8)"))
            .ok()
    }
}

/// The buffer a page is written into: a list page of 50 rows is about this size.
const PAGE_CAPACITY: usize = 64 * 1024;

/// Loads the templates at ignition; a template that does not compile stops the launch.
pub fn fairing() -> impl Fairing {
    AdHoc::try_on_ignite("Modèles", |rocket| async move {
        match Templates::load() {
            Ok(templates) => Ok(rocket.manage(templates)),
            Err(e) => {
                tracing::error!(error = %e, "modèles invalides");
                Err(rocket)
            }
        }
    })
}

/// A page to render: a template's name and its context.
#[derive(Debug)]
pub struct Template {
    name: Cow<'static, str>,
    context: serde_json::Value,
}

impl Template {
    pub fn render<S: Into<Cow<'static, str>>, C: Serialize>(name: S, context: C) -> Template {
        let name = name.into();
        let context = serde_json::to_value(context).unwrap_or_else(|e| {
            tracing::error!(template = %name, error = %e, "contexte de modèle non sérialisable");
            serde_json::Value::Null
        });
        Template { name, context }
    }
}

impl<'r> Responder<'r, 'static> for Template {
    fn respond_to(self, request: &'r Request<'_>) -> response::Result<'static> {
        let templates = request.rocket().state::<Templates>().ok_or(Status::InternalServerError)?;
        let page = templates.render(&self.name, self.context).ok_or(Status::InternalServerError)?;
        let extension = self.name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        let content_type = ContentType::from_extension(extension).unwrap_or(ContentType::Text);
        (content_type, page).respond_to(request)
    }
}

/// A template's context: `context! { layout, items, total: items.len() }` gives an object with
/// those names (a bare name takes the variable of that name).
macro_rules! context {
    ($($key:ident $(: $value:expr)?),* $(,)?) => {{
        #[allow(unused_mut)]
        let mut map = serde_json::Map::new();
        $(
            map.insert(
                stringify!($key).to_string(),
                serde_json::to_value(&$crate::web::template::context!(@value $key $(: $value)?))
                    .unwrap_or(serde_json::Value::Null),
            );
        )*
        serde_json::Value::Object(map)
    }};
    (@value $key:ident) => { $key };
    (@value $key:ident : $value:expr) => { $value };
}
pub(crate) use context;
