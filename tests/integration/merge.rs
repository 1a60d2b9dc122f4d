//! Merging possible duplicates: the side-by-side page, one transaction that joins the
//! timelines and closes the other saisine pointing to the one kept, the figures without the
//! merged one, and the refusals.

use mediation::auth::Role;
use rocket::http::Status;
use serde_json::json;

use crate::support::{SaisineBuilder, TestApp};

fn location(response: &rocket::local::blocking::LocalResponse<'_>) -> String {
    response.headers().get_one("Location").expect("a redirection").to_string()
}

fn merge(app: &TestApp, kept: &str, other: &str) -> String {
    let answer = app.post_form(&format!("/saisines/{kept}/doublons/{other}/fusion"), &[]);
    assert_eq!(answer.status(), Status::SeeOther);
    location(&answer)
}

#[test]
fn the_side_by_side_page_aligns_both_saisines_and_marks_what_differs() {
    let app = TestApp::new();
    let kept = app.create(&SaisineBuilder::default());
    let other = app.create(&SaisineBuilder::default().channel("telephone").received_on("2026-06-03"));
    app.step(&other, "notes", json!({ "text": "Appel de la personne : même dossier." }));
    let page = app.browser.page(&format!("/saisines/{kept}"));
    assert!(page.contains(&format!("href=\"/saisines/{kept}/doublons/{other}\"")), "the flag links to the comparison");

    let side = app.browser.page(&format!("/saisines/{kept}/doublons/{other}"));
    assert!(side.contains("2 champs diffèrent"), "{side}");
    assert!(side.contains("<tr class=\"differs\"><th scope=\"row\">Canal <span class=\"differs-mark\">différent</span></th><td class=\"pre\">Courriel</td><td class=\"pre\">Téléphone</td></tr>"), "{side}");
    assert!(side.contains("<tr><th scope=\"row\">Processus</th>"), "equal fields are not marked");
    assert!(side.contains("Appel de la personne : même dossier."), "the other's timeline is shown");
    assert_eq!(side.matches("Saisine enregistrée").count(), 2, "both timelines");
    for action in [format!("{kept}/doublons/{other}/fusion"), format!("{other}/doublons/{kept}/fusion")] {
        assert!(side.contains(&format!("action=\"/saisines/{action}\"")), "{action}");
    }
    assert!(side.contains(&format!("action=\"/saisines/{kept}/doublons/{other}/ecarter\"")));
    // Readers do not merge, nor compare personal data side by side.
    let reader = app.browser_as(Role::Lecteur);
    assert_eq!(reader.get(&format!("/saisines/{kept}/doublons/{other}")).status(), Status::Forbidden);
}

#[test]
fn merging_joins_the_timelines_once_and_closes_the_other_pointing_to_the_one_kept() {
    let app = TestApp::new();
    let kept = app.create(&SaisineBuilder::default());
    let other = app.create(&SaisineBuilder::default().received_on("2026-06-04"));
    app.step(&other, "notes", json!({ "text": "Note écrite sur le doublon, ligne unique." }));
    app.step(&kept, "notes", json!({ "text": "Note de la saisine gardée." }));
    assert_eq!(merge(&app, &kept, &other), format!("/saisines/{kept}"));

    let page = app.browser.page(&format!("/saisines/{kept}"));
    assert!(page.contains(&format!("La saisine {other} est fusionnée dans celle-ci")), "flash");
    assert_eq!(page.matches("Note écrite sur le doublon, ligne unique.").count(), 1, "each entry once");
    assert_eq!(page.matches("Note de la saisine gardée.").count(), 1);
    assert!(page.contains("Fusion d&#x27;un doublon"), "{page}");
    assert!(page.contains(&format!("La saisine {other}, doublon de celle-ci, y est fusionnée")));
    assert!(page.contains(&format!("(saisine <a href=\"/saisines/{other}\">{other}</a>, fusionnée)")));
    assert!(!page.contains("Doublon possible</strong>"), "no longer flagged");
    assert!(!page.contains("Fusionnée dans une autre saisine"), "the other's own entry is said by the kept one's");

    let merged = app.saisine(&other);
    assert_eq!(merged["status"], "cloturee");
    assert_eq!(app.timeline_kinds(&other).last().map(String::as_str), Some("fusionnee_dans"));
    assert_eq!(app.timeline_kinds(&kept).last().map(String::as_str), Some("fusion"));
    let banner = app.browser.page(&format!("/saisines/{other}"));
    assert!(
        banner.contains(&format!("fusionnée dans la saisine\n  <a href=\"/saisines/{kept}\">{kept}</a>")),
        "{banner}"
    );
    assert!(!banner.contains("id=\"t-actions\""), "a merged saisine offers no action");
    let reopened = app.post_form(&format!("/saisines/{other}/reouverture"), &[("reason", "Erreur")]);
    assert_eq!(reopened.status(), Status::Conflict);
    assert!(reopened.into_string().unwrap().contains(&format!("fusionnée dans la saisine {kept}")));

    let audit = app.audit_actions();
    assert!(audit.iter().any(|(action, _, target)| action == "doublon_fusionne" && *target == kept), "{audit:?}");
    // The list and its count leave the merged saisine out.
    let list = app.browser.page("/saisines");
    assert!(list.contains(&kept) && !list.contains(&format!("/saisines/{other}\"")), "{list}");
    assert_eq!(app.count(), 1);
}

#[test]
fn the_letters_of_the_merged_saisine_are_listed_and_downloaded_from_the_kept_one() {
    let app = TestApp::new();
    let kept = app.create(&SaisineBuilder::default());
    let other = app.create(&SaisineBuilder::default().received_on("2026-06-04"));
    let fields = [
        ("kind", "libre"),
        ("recipient", "personne"),
        ("subject", "Lettre du doublon"),
        ("body", "Texte."),
        ("delivery", "courrier"),
    ];
    assert_eq!(app.post_form(&format!("/saisines/{other}/courriers"), &fields).status(), Status::SeeOther);
    merge(&app, &kept, &other);

    let page = app.browser.page(&format!("/saisines/{kept}"));
    let start = page.find("Lettre du doublon</a>").expect("the merged saisine's letter is listed");
    let href = &page[page[..start].rfind("href=\"").unwrap() + 6..start];
    let href = &href[..href.find('"').unwrap()];
    assert!(href.starts_with(&format!("/saisines/{other}/courriers/")), "{href}");
    let letter = app.get(href);
    assert_eq!(letter.status(), Status::Ok, "{href}");
    assert!(letter.into_bytes().unwrap().starts_with(b"%PDF"));
}

#[test]
fn the_figures_count_the_kept_saisine_as_before_and_the_merged_one_nowhere() {
    let app = TestApp::on("2026-09-30");
    let kept = app.create(&SaisineBuilder::default());
    app.step(&kept, "prise-en-charge", json!({ "date": "2026-06-03" }));
    let figures = |app: &TestApp| {
        let report = app.get("/rapports/2026.csv").into_string().expect("CSV");
        let indicators = app.browser.page("/indicateurs?annee=2026");
        let start = indicators.find("<main").unwrap_or(0);
        (report, indicators[start..].to_string())
    };
    let alone = figures(&app);
    let other = app.create(&SaisineBuilder::default().received_on("2026-06-02").channel("telephone"));
    let with_both = figures(&app);
    assert_ne!(alone.0, with_both.0, "the duplicate counts until merged");
    assert!(with_both.0.contains("saisines_traitees;Saisines traitées (reçues pendant la période);2;;"));
    merge(&app, &kept, &other);
    app.browser.page(&format!("/saisines/{kept}"));
    let after = figures(&app);
    assert_eq!(after.0, alone.0, "the report: the kept saisine's figures as before, the merged one nowhere");
    assert_eq!(after.1, alone.1, "/indicateurs likewise");
}

#[test]
fn a_merge_is_refused_when_anonymised_already_merged_the_same_or_not_a_mediator() {
    let app = TestApp::new();
    let a = app.create(&SaisineBuilder::default());
    let b = app.create(&SaisineBuilder::default());
    let c = app.create(&SaisineBuilder::default());
    let refused = |kept: &str, other: &str, reason: &str| {
        let to = merge(&app, kept, other);
        let back =
            if kept == other { format!("/saisines/{kept}") } else { format!("/saisines/{kept}/doublons/{other}") };
        assert_eq!(to, back, "refused: back to the comparison");
        let page = app.browser.page(&to);
        assert!(page.contains(&format!("Fusion refusée : {reason}")), "{reason}\n{page}");
    };
    let reader = app.browser_as(Role::Lecteur);
    assert_eq!(reader.post_form(&format!("/saisines/{a}/doublons/{b}/fusion"), &[]).status(), Status::Forbidden);
    refused(&a, &a, "une saisine ne peut pas être fusionnée avec elle-même");

    // An anonymised saisine (erased on request once closed) is no longer merged.
    app.step(&c, "cloture", json!({ "outcome": "orientation", "summary": "Orientée vers la CAF." }));
    let admin = app.browser_as(Role::Admin);
    let erased = admin.post_form(&format!("/saisines/{c}/anonymiser"), &[("reason", "Demande"), ("confirm", "true")]);
    assert_eq!(erased.status(), Status::SeeOther);
    refused(&a, &c, &format!("la saisine {c} est anonymisée"));

    assert_eq!(merge(&app, &a, &b), format!("/saisines/{a}"));
    refused(&c, &b, &format!("la saisine {c} est anonymisée"));
    refused(&a, &b, &format!("la saisine {b} a déjà été fusionnée dans la saisine {a}"));
    refused(&b, &a, &format!("la saisine {b} a déjà été fusionnée dans la saisine {a}"));
    let merges = app.audit_actions().into_iter().filter(|(action, _, _)| action == "doublon_fusionne").count();
    assert_eq!(merges, 1, "refusals leave no audit record");
}

#[test]
fn the_api_merges_a_duplicate_and_says_why_it_refuses() {
    let app = TestApp::new();
    let kept = app.create(&SaisineBuilder::default());
    let other = app.create(&SaisineBuilder::default());
    let answer = app.post_json(&format!("/api/v1/saisines/{kept}/fusion"), &json!({ "other": other }));
    assert_eq!(answer.status(), Status::Ok);
    assert_eq!(answer.into_json::<serde_json::Value>().expect("JSON")["reference"], kept.as_str());
    assert_eq!(app.saisine(&other)["status"], "cloturee");
    let again = app.post_json(&format!("/api/v1/saisines/{kept}/fusion"), &json!({ "other": other }));
    assert_eq!(again.status(), Status::Conflict);
    assert_eq!(again.into_json::<serde_json::Value>().expect("JSON")["code"], "already_merged");
}
