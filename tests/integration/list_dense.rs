//! The dense list: one line per saisine with its due date and « en retard », the active
//! filters as chips that each remove exactly their filter, sortable headers, and the saisine
//! page's previous and next within the list it was opened from.

use rocket::http::Status;
use serde_json::json;

use crate::support::{SaisineBuilder, TestApp, TODAY};

/// The page's text as a browser reads its attributes (Tera escapes `/`, `'` and `&`).
fn plain(page: &str) -> String {
    page.replace("&#x2F;", "/").replace("&#x27;", "'").replace("&quot;", "\"").replace("&amp;", "&")
}

/// The `href` of every link whose accessible name starts with `label`.
fn chip_links(page: &str) -> Vec<(String, String)> {
    page.split(r#"<a class="chip" href=""#)
        .skip(1)
        .map(|part| {
            let href = part[..part.find('"').expect("end of href")].to_string();
            let label_at = part.find(r#"aria-label=""#).expect("a label") + 12;
            let label = part[label_at..label_at + part[label_at..].find('"').expect("end")].to_string();
            (label, href)
        })
        .collect()
}

#[test]
fn each_chip_removes_exactly_its_filter() {
    let app = TestApp::new();
    app.create(&SaisineBuilder::default().channel("telephone").name("Luc Lefort"));
    let query = "status=recue&channel=telephone&motif=paiement_non_recu&q=lef&sort=echeance_asc&assigned=none&echeance=prise_en_charge";
    let page = plain(&app.browser.page(&format!("/saisines?{query}")));
    let chips = chip_links(&page);
    let labels: Vec<&str> = chips.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Retirer le filtre Recherche : lef",
            "Retirer le filtre Statut : Reçue",
            "Retirer le filtre Attribution : non attribuées",
            "Retirer le filtre Échéance : À prendre en charge",
            "Retirer le filtre Canal : Téléphone",
            "Retirer le filtre Motif : Paiement non reçu",
        ],
        "{page}"
    );
    let all: Vec<&str> = query.split('&').collect();
    for ((label, href), removed) in chips.iter().zip(["q=", "status=", "assigned=", "echeance=", "channel=", "motif="])
    {
        let kept: Vec<&str> = href.trim_start_matches("/saisines?").split('&').collect();
        let expected: Vec<&str> = all.iter().copied().filter(|p| !p.starts_with(removed)).collect();
        let mut sorted = kept.clone();
        sorted.sort();
        let mut wanted = expected.clone();
        wanted.sort();
        assert_eq!(sorted, wanted, "{label}");
        assert_eq!(app.browser.get(href).status(), Status::Ok, "{href}");
    }
    assert!(chip_links(&plain(&app.browser.page("/saisines"))).is_empty(), "no filter, no chip");
}

#[test]
fn a_row_is_one_line_of_what_a_mediator_needs() {
    let app = TestApp::new();
    let late = app.create(&SaisineBuilder::default().received_on("2026-01-05").name("Anne Petit").process("css"));
    let fresh = app.create(&SaisineBuilder::default().received_on(TODAY).name("Luc Martin").channel("telephone"));
    let page = plain(&app.browser.page("/saisines"));
    let row = |reference: &str| -> String {
        let start = page.find(&format!(r#"id="cocher-{reference}""#)).expect("a row");
        page[start..start + page[start..].find("</tr>").expect("end of row")].to_string()
    };
    let old = row(&late);
    for part in
        ["05/01/2026", "Courriel", "Anne Petit", "CSS", "Paiement non reçu", "Reçue", "en retard</strong>", "161 j"]
    {
        assert!(old.contains(part), "« {part} » in {old}");
    }
    let new = row(&fresh);
    assert!(new.contains("Téléphone") && new.contains(">0 j<") && !new.contains("en retard"), "{new}");
    assert!(page.contains(&format!(r#"href="/saisines/{late}">{late}</a>"#)), "no list to carry without filters");
    // Sorted by its headers: aria-sort on the sorted column, a click turns it round.
    assert!(page.contains(r#"<th scope="col" aria-sort="descending"><a href="/saisines?sort=asc">Reçue le"#), "{page}");
    let by_due = plain(&app.browser.page("/saisines?sort=echeance_asc"));
    assert!(by_due.contains(r#"aria-sort="ascending"><a href="/saisines?sort=echeance_desc">Échéance"#), "{by_due}");
    let first = by_due.find(&format!("cocher-{late}")).expect("late");
    assert!(first < by_due.find(&format!("cocher-{fresh}")).expect("fresh"), "the nearest due date first");
    let by_change = plain(&app.browser.page("/saisines?sort=modification_desc"));
    assert!(by_change.contains("Modifiée le"), "the sorted date is shown");
}

#[test]
fn the_saisine_page_leads_to_the_previous_and_next_saisine_of_its_list_across_pages() {
    let app = TestApp::configured(TODAY, |figment| figment.merge(("page_size", 2)));
    let refs: Vec<String> = ["2026-06-01", "2026-06-02", "2026-06-03", "2026-06-04", "2026-06-05"]
        .iter()
        .map(|day| app.create(&SaisineBuilder::default().received_on(day)))
        .collect();
    // Taken up: out of a list of received saisines.
    app.step(&refs[2], "prise-en-charge", json!({}));
    let list = plain(&app.browser.page("/saisines?status=recue&sort=asc"));
    let link = format!("/saisines/{}?liste=status%3Drecue%26sort%3Dasc", refs[1]);
    assert!(list.contains(&format!(r#"href="{link}""#)), "{list}");
    // The last row of the first page: its next is on the second page, past the taken-up one.
    let page = plain(&app.browser.page(&link));
    assert!(
        page.contains(&format!(r#"href="/saisines/{}?liste=status%3Drecue%26sort%3Dasc" rel="prev""#, refs[0])),
        "{page}"
    );
    assert!(
        page.contains(&format!(r#"href="/saisines/{}?liste=status%3Drecue%26sort%3Dasc" rel="next""#, refs[3])),
        "{page}"
    );
    assert!(page.contains(r#"href="/saisines?status=recue&sort=asc">Retour à la liste"#), "{page}");
    let last = plain(&app.browser.page(&format!("/saisines/{}?liste=status%3Drecue%26sort%3Dasc", refs[4])));
    assert!(last.contains("Saisine précédente") && !last.contains("Saisine suivante"), "{last}");
    // Newest first: the other way round.
    let turned = plain(&app.browser.page(&format!("/saisines/{}?liste=status%3Drecue", refs[1])));
    assert!(turned.contains(&format!("/saisines/{}?liste=status%3Drecue\" rel=\"prev\"", refs[3])), "{turned}");
    assert!(turned.contains(&format!("/saisines/{}?liste=status%3Drecue\" rel=\"next\"", refs[0])), "{turned}");
    // Opened from elsewhere, or with a list that cannot be read: no list navigation.
    assert!(!plain(&app.browser.page(&format!("/saisines/{}", refs[1]))).contains("Saisine suivante"));
    assert!(
        !plain(&app.browser.page(&format!("/saisines/{}?liste=status%3Dperdue", refs[1]))).contains("Saisine suivante")
    );
}
