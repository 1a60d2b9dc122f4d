//! Templates are embedded and rendered from memory: nothing is written to the data folder,
//! pages are HTML, and what users typed is escaped.

use rocket::http::{ContentType, Status};

use crate::support::{SaisineBuilder, TestApp};

#[test]
fn pages_render_from_embedded_templates_without_writing_a_template_folder() {
    let app = TestApp::new();
    let reference = app.create(&SaisineBuilder::default().name("Zoé <b>Martin</b> & fils"));
    let response = app.get(&format!("/saisines/{reference}"));
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(response.content_type(), Some(ContentType::HTML));
    let page = response.into_string().unwrap();
    assert!(page.contains("Zoé &lt;b&gt;Martin&lt;&#x2F;b&gt; &amp; fils"), "typed text is escaped");
    assert!(!page.contains("<b>Martin</b>"));
    assert_eq!(app.get("/page-inconnue").status(), Status::NotFound);
    let written: Vec<String> = walk(app.dir.path());
    assert!(
        written.iter().all(|path| !path.contains(".templates") && !path.ends_with(".tera")),
        "nothing of the templates lands on disk: {written:?}"
    );
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        found.push(path.display().to_string());
        if path.is_dir() {
            found.extend(walk(&path));
        }
    }
    found
}
