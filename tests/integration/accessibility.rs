//! Every form field of every page has a label tied to it, and the pages declare their
//! language: checked on the real pages, as each role sees them.

use mediation::auth::Role;

use crate::support::{SaisineBuilder, TestApp};

/// The value of an attribute in a tag's text.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    Some(&tag[start..start + tag[start..].find('"')?])
}

/// The fields of a page that have no `<label for>` pointing at them.
fn unlabelled(page: &str) -> Vec<String> {
    let mut missing = Vec::new();
    for element in ["<input", "<select", "<textarea"] {
        for (position, _) in page.match_indices(element) {
            let tag = &page[position..position + page[position..].find('>').unwrap_or(0)];
            let kind = attribute(tag, "type").unwrap_or("text");
            if matches!(kind, "hidden" | "submit" | "button") {
                continue;
            }
            match attribute(tag, "id") {
                Some(id) if page.contains(&format!("<label for=\"{id}\"")) => {}
                _ => missing.push(tag.chars().take(120).collect()),
            }
        }
    }
    missing
}

#[test]
fn the_check_finds_a_field_without_label() {
    assert_eq!(
        unlabelled(r#"<label for="a">A</label><input id="a" name="a"><select id="b" name="b"></select>"#).len(),
        1
    );
    assert!(unlabelled(r#"<input type="hidden" name="csrf_token" value="x">"#).is_empty());
}

#[test]
fn every_field_of_every_page_has_its_label() {
    let app = TestApp::new();
    let reference = app.create(&SaisineBuilder::default());
    let admin = app.browser_as(Role::Admin);
    let anonymous = app.anonymous();
    let pages = [
        (&app.browser, "/saisines".to_string()),
        (&app.browser, "/saisines/nouvelle".to_string()),
        (&app.browser, format!("/saisines/{reference}")),
        (&app.browser, format!("/saisines/{reference}/modifier")),
        (&app.browser, "/a-traiter".to_string()),
        (&app.browser, "/compte/mot-de-passe".to_string()),
        (&app.browser, "/compte/jetons".to_string()),
        (&admin, "/admin/comptes".to_string()),
        (&admin, "/admin/referentiels".to_string()),
        (&admin, "/admin/journal".to_string()),
        (&admin, "/admin/delais".to_string()),
        (&admin, "/admin/import".to_string()),
        (&anonymous, "/connexion".to_string()),
        (&anonymous, "/partenaires/saisine".to_string()),
    ];
    for (browser, uri) in pages {
        let page = browser.page(&uri);
        assert!(page.contains(r#"<html lang="fr">"#), "{uri}: lang");
        let missing = unlabelled(&page);
        assert!(missing.is_empty(), "{uri}: champs sans étiquette : {missing:#?}");
    }
}
