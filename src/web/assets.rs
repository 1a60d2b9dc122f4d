//! Templates and static files, embedded in the binary so that it runs from any directory.

use std::borrow::Cow;
use std::path::PathBuf;

use rocket::fairing::Fairing;
use rocket::figment::Figment;
use rocket::http::{ContentType, Header};
use rocket::{get, routes, Responder, Route};
use rocket_dyn_templates::Template;
use rust_embed::RustEmbed;

use crate::config::AppConfig;

#[derive(RustEmbed)]
#[folder = "templates/"]
struct Templates;

#[derive(RustEmbed)]
#[folder = "static/"]
struct StaticFiles;

/// Registers every embedded template under its path less `.tera` (`saisines/list.html`):
/// the `.html` suffix gives the HTML content type and Tera's auto-escaping.
pub fn templates_fairing() -> impl Fairing {
    Template::try_custom(|engines| {
        let sources: Vec<(String, String)> = Templates::iter()
            .filter(|name| name.ends_with(".tera"))
            .filter_map(|name| {
                let file = Templates::get(&name)?;
                let text = String::from_utf8(file.data.into_owned()).ok()?;
                Some((name.trim_end_matches(".tera").to_string(), text))
            })
            .collect();
        engines.tera.add_raw_templates(sources)?;
        Ok(())
    })
}

/// Rocket's template fairing insists on a directory to scan. The templates are embedded, so
/// it is pointed at an empty folder of the data directory, and the binary runs from anywhere.
pub fn with_template_dir(figment: Figment) -> Figment {
    let data_dir = AppConfig::from_figment(&figment).map(|c| c.data_dir).unwrap_or_else(|_| PathBuf::from("data"));
    let dir = data_dir.join(".templates");
    if let Err(e) = std::fs::create_dir_all(&dir) {
        tracing::error!(error = %e, dir = %dir.display(), "dossier des modèles impossible à créer");
    }
    figment.merge(("template_dir", dir))
}

#[derive(Responder)]
struct Asset {
    body: Cow<'static, [u8]>,
    content_type: ContentType,
    cache: Header<'static>,
}

#[get("/static/<path..>")]
fn static_file(path: PathBuf) -> Option<Asset> {
    let name = path.to_str()?;
    let file = StaticFiles::get(name)?;
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    Some(Asset {
        body: file.data,
        content_type: ContentType::from_extension(extension).unwrap_or(ContentType::Binary),
        cache: Header::new("Cache-Control", "public, max-age=3600"),
    })
}

pub fn routes() -> Vec<Route> {
    routes![static_file]
}
