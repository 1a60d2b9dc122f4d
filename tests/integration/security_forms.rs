//! One CSRF guard for every form: a request a browser sent from another site is refused
//! before its body is read, multipart forms (attachments, CSV import, partner form) included.

use rocket::http::{ContentType, Header, Status};

use crate::partner::multipart;
use crate::support::{Browser, SaisineBuilder, TestApp};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
const EVIL: &str = "https://pirate.example";

/// Posts an attachment with the right token and the given extra headers.
fn upload(browser: &Browser, reference: &str, headers: &[(&'static str, &'static str)]) -> Status {
    let token = browser.csrf();
    let (content_type, body) = multipart(&[("csrf_token", &token)], &[("file", "piece.pdf", PDF)]);
    let mut request = browser.client.post(format!("/saisines/{reference}/pieces")).header(content_type).body(body);
    for (name, value) in headers {
        request.add_header(Header::new(*name, *value));
    }
    request.dispatch().status()
}

fn attachments_on_page(app: &TestApp, reference: &str) -> usize {
    let page = app.get(&format!("/saisines/{reference}")).into_string().unwrap();
    page.matches(&format!("/saisines/{reference}/pieces/")).count()
}

#[test]
fn an_attachment_sent_from_another_site_is_refused_even_with_the_right_token() {
    let app = TestApp::new();
    let reference = app.create(&SaisineBuilder::default());
    assert_eq!(upload(&app.browser, &reference, &[("Origin", EVIL)]), Status::Forbidden);
    assert_eq!(upload(&app.browser, &reference, &[("Sec-Fetch-Site", "cross-site")]), Status::Forbidden);
    assert_eq!(upload(&app.browser, &reference, &[("Origin", "null")]), Status::Forbidden);
    assert_eq!(attachments_on_page(&app, &reference), 0);
    let ours = [("Origin", "http://mediation.cpam.test"), ("Host", "mediation.cpam.test")];
    assert_eq!(upload(&app.browser, &reference, &ours), Status::SeeOther);
    assert_eq!(upload(&app.browser, &reference, &[("Sec-Fetch-Site", "same-origin")]), Status::SeeOther);
    assert_eq!(attachments_on_page(&app, &reference), 2);
}

#[test]
fn a_cross_site_multipart_body_is_refused_before_it_is_read() {
    let app = TestApp::new();
    let reference = app.create(&SaisineBuilder::default());
    // A body no multipart parser accepts: only a check made before reading it answers 403.
    let garbage = ContentType::new("multipart", "form-data");
    for uri in [format!("/saisines/{reference}/pieces"), "/partenaires/saisine".to_string()] {
        let response = app
            .browser
            .client
            .post(uri.clone())
            .header(garbage.clone())
            .header(Header::new("Origin", EVIL))
            .body(vec![0u8; 4096])
            .dispatch();
        assert_eq!(response.status(), Status::Forbidden, "{uri}");
    }
}

#[test]
fn a_csv_import_sent_from_another_site_is_refused() {
    let app = TestApp::new();
    let admin = app.browser_as(mediation::auth::Role::Admin);
    let token = admin.csrf();
    let csv = format!("{}\n", mediation::domain::interchange::COLUMNS.join(";"));
    let (content_type, body) = multipart(&[("csrf_token", &token)], &[("file", "mars.csv", csv.as_bytes())]);
    let response = admin
        .client
        .post("/admin/import")
        .header(content_type)
        .header(Header::new("Sec-Fetch-Site", "same-site"))
        .body(body)
        .dispatch();
    assert_eq!(response.status(), Status::Forbidden);
}

#[test]
fn a_partner_form_sent_from_another_site_is_refused() {
    let app = TestApp::new();
    let partner = app.anonymous();
    let (content_type, body) = multipart(&[("form_token", "x")], &[]);
    let response = partner
        .client
        .post("/partenaires/saisine")
        .header(content_type)
        .header(Header::new("Origin", EVIL))
        .body(body)
        .dispatch();
    assert_eq!(response.status(), Status::Forbidden);
}

#[test]
fn an_ordinary_form_sent_from_another_site_is_refused_even_with_the_right_token() {
    let app = TestApp::new();
    let reference = app.create(&SaisineBuilder::default());
    let body = serde_urlencoded::to_string([("csrf_token", app.browser.csrf().as_str()), ("text", "Note")]).unwrap();
    let response = app
        .browser
        .client
        .post(format!("/saisines/{reference}/notes"))
        .header(ContentType::Form)
        .header(Header::new("Sec-Fetch-Site", "cross-site"))
        .body(body)
        .dispatch();
    assert_eq!(response.status(), Status::Forbidden);
    assert_eq!(app.timeline_kinds(&reference), ["creee"]);
}
