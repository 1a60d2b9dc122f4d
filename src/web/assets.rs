//! Static files, embedded in the binary so that it runs from any directory (the templates are
//! embedded too: see `template.rs`).

use std::borrow::Cow;
use std::path::PathBuf;

use rocket::http::{ContentType, Header};
use rocket::{get, routes, Responder, Route};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "static/"]
struct StaticFiles;

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
