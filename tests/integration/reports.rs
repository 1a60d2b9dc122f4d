//! The annual report on a fixed data set: every figure exactly, on the dashboard and in the
//! PDF (read back with lopdf); an empty year, a first year, a period, the command line.

use mediation::auth::Role;
use rocket::http::{ContentType, Status};

use crate::report_data::{fixed_dataset, html_escaped, pdf_text};
use crate::support::TestApp;

const N: char = '\u{202F}';
const NBSP: char = '\u{A0}';

fn pct(p: i64) -> String {
    format!("{p}{N}%")
}

fn pdf(app: &TestApp, uri: &str) -> (usize, String) {
    let response = app.get(uri);
    assert_eq!(response.status(), Status::Ok, "GET {uri}");
    assert_eq!(response.content_type(), Some(ContentType::PDF));
    pdf_text(&response.into_bytes().expect("PDF"))
}

/// (value, label, note) of each key figure of 2025, worked out in `report_data`.
fn key_figures_2025() -> Vec<(String, &'static str, String)> {
    vec![
        ("10".into(), "saisines traitées", "reçues en 2025".into()),
        (format!("+{}", pct(150)), "évolution", "4 saisines en 2024".into()),
        (pct(50), "taux de résolution", "5 saisines".into()),
        (pct(10), "taux d'abandon", "1 saisine".into()),
        (format!("24,6{NBSP}jours"), "délai moyen de traitement", format!("médiane : 22{NBSP}jours (8 clôturées)")),
        (
            format!("18,9{NBSP}jours"),
            "délai moyen net des attentes de pièces",
            format!("médiane : 14{NBSP}jours (8 clôturées)"),
        ),
        (pct(60), "prises en charge sous 7 jours", "6 saisines".into()),
        (pct(50), "traitées en moins d'un mois", "5 saisines".into()),
        // Taken up within 2 days: saisines 1, 3, 5, 6 and 9.
        (pct(50), "prises en charge sous 48 heures", "5 saisines".into()),
    ]
}

/// (table, label, count, share) of some lines of 2025's tables.
fn table_rows_2025() -> Vec<(&'static str, &'static str, &'static str, String)> {
    vec![
        ("canaux", "Courriel", "3", pct(30)),
        ("canaux", "Téléphone", "2", pct(20)),
        ("canaux", "Boîte générique (partenaires)", "2", pct(20)),
        ("canaux", "Compte ameli (messagerie de l'espace assuré)", "1", pct(10)),
        ("demandeurs", "Assuré", "7", pct(70)),
        ("demandeurs", "Professionnel de santé", "1", pct(10)),
        ("partenaires", "Défenseur des droits", "1", pct(10)),
        ("partenaires", "Service social", "1", pct(10)),
        ("processus", "Revenus de remplacement (indemnités journalières, invalidité)", "4", pct(40)),
        ("processus", "Carte Vitale", "1", pct(10)),
        ("motifs", "Paiement non reçu", "4", pct(40)),
        ("motifs", "Difficulté à joindre la caisse", "1", pct(10)),
        ("suites", "Paiement reçu, droit accordé", "2", pct(20)),
        ("suites", "Abandon", "1", pct(10)),
        ("suites", "Orientation vers d'autres partenaires ou services", "1", pct(10)),
        ("suites", "Décision révisée", "1", pct(10)),
    ]
}

#[test]
fn every_figure_of_a_year_is_on_the_dashboard() {
    let app = TestApp::new();
    fixed_dataset(&app);
    let page = app.browser.page("/rapports/2025");
    assert!(page.contains("Bilan de la médiation — année 2025"));
    let summary = format!("En 2025, la médiation a reçu 10 saisines (évolution : +{} par rapport à 2024", pct(150));
    assert!(page.contains(&html_escaped(&summary)), "{page}");
    for (value, label, note) in key_figures_2025() {
        let card = format!(
            "<dt>{}</dt>\n    <dd class=\"value\">{}</dd>\n    <dd class=\"note\">{}</dd>",
            html_escaped(label),
            value,
            html_escaped(&note)
        );
        assert!(page.contains(&card), "{card}");
    }
    for (_, label, count, share) in table_rows_2025() {
        let row = format!(
            "<td>{}</td><td class=\"number\">{count}</td><td class=\"number\">{share}</td>",
            html_escaped(label)
        );
        assert!(page.contains(&row), "{row}");
    }
    assert!(page.contains("8 saisines clôturées (80"), "closed and open count");
    assert!(page.contains(&html_escaped("2 encore en cours au 15/06/2026")));
    // Receptions by month: January 2, February 1, March 2, April 0…
    let months: Vec<&str> =
        page.split("<td class=\"number\">").skip(1).take(12).map(|c| &c[..c.find('<').unwrap()]).collect();
    assert_eq!(months, ["2", "1", "2", "0", "1", "1", "0", "0", "1", "0", "1", "1"]);
    assert_eq!(page.matches("<svg").count(), 3, "three inline charts");
    // No inline style or script: the only script is the layout's own file (shortcuts).
    assert!(!page.contains("style=") && !page.contains("<script>"));
    assert_eq!(page.matches("<script").count(), page.matches(r#"<script src="/static/"#).count());
}

#[test]
fn the_pdf_holds_each_figure_with_its_label() {
    let app = TestApp::new();
    fixed_dataset(&app);
    let (pages, text) = pdf(&app, "/rapports/2025.pdf");
    assert!(text.contains("Bilan de la médiation — année 2025"), "{text}");
    assert!(text.contains("Médiation de la CPAM"));
    for (value, label, note) in key_figures_2025() {
        let card = format!("{value} {label} {note}");
        assert!(text.contains(&card), "« {card} » absent de : {text}");
    }
    for (_, label, count, share) in table_rows_2025() {
        let row = format!("{label} {count} {share}");
        assert!(text.contains(&row), "« {row} » absent");
    }
    for heading in ["Canaux de réception", "Demandeurs", "Partenaires", "Processus", "Motifs", "Suites données"] {
        assert!(text.contains(heading), "{heading}");
    }
    assert!(text.contains("Saisines reçues par mois"));
    for definition in [
        "Taux de résolution :",
        "Taux d'abandon :",
        "Prises en charge sous 7 jours :",
        "Traitées en moins d'un mois :",
        "Prises en charge sous 48 heures :",
        "Délai de traitement :",
    ] {
        assert!(text.contains(definition), "{definition}");
    }
    assert!(text.contains("Généré le 15/06/2026"));
    assert!(text.contains(&format!("Page 1 sur {pages}")) && text.contains(&format!("Page {pages} sur {pages}")));
}

#[test]
fn the_dashboard_and_the_pdf_show_the_same_numbers() {
    let app = TestApp::new();
    fixed_dataset(&app);
    let page = app.browser.page("/rapports/2025");
    let (_, text) = pdf(&app, "/rapports/2025.pdf");
    let unescape =
        |s: &str| s.replace("&#x27;", "'").replace("&#x2F;", "/").replace("&quot;", "\"").replace("&amp;", "&");
    let mut checked = 0;
    for row in page.split("<tr><td>").skip(1) {
        let cells: Vec<String> =
            row.split("</td>").take(3).map(|c| unescape(c.rsplit('>').next().unwrap_or(""))).collect();
        if cells.len() == 3 && row.contains("</td><td class=\"number\">") && cells[2].ends_with('%') {
            let line = cells.join(" ");
            assert!(text.contains(&line), "the dashboard shows « {line} », the PDF does not");
            checked += 1;
        }
    }
    assert!(checked >= 30, "every table line compared ({checked})");
    for card in page.split("<dd class=\"value\">").skip(1) {
        let value = unescape(&card[..card.find('<').unwrap()]);
        assert!(text.contains(&value), "{value}");
    }
}

#[test]
fn the_same_data_gives_the_same_pdf() {
    let app = TestApp::new();
    fixed_dataset(&app);
    let first = app.get("/rapports/2025.pdf").into_bytes().unwrap();
    let second = app.get("/rapports/2025.pdf").into_bytes().unwrap();
    assert!(first == second, "two PDFs of the same data differ");
}

#[test]
fn a_year_without_saisines_gives_a_one_page_report_saying_so() {
    let app = TestApp::new();
    fixed_dataset(&app);
    let sentence = "Aucune saisine n'a été reçue en 2019";
    let page = app.browser.page("/rapports/2019");
    assert!(page.contains(&html_escaped(sentence)));
    assert!(!page.contains("<svg"));
    let (pages, text) = pdf(&app, "/rapports/2019.pdf");
    assert_eq!(pages, 1);
    assert!(text.contains(sentence) && text.contains("Bilan de la médiation — année 2019"), "{text}");
    assert!(text.contains("Page 1 sur 1"));
}

#[test]
fn a_first_year_has_no_evolution() {
    let app = TestApp::new();
    fixed_dataset(&app);
    let page = app.browser.page("/rapports/2024");
    assert!(page.contains("<dd class=\"value\">non disponible</dd>"));
    let (_, text) = pdf(&app, "/rapports/2024.pdf");
    assert!(text.contains("4 saisines (évolution : non disponible, aucune saisine en 2023)"), "{text}");
    assert!(text.contains("non disponible évolution 0 saisine en 2023"));
}

#[test]
fn the_reports_page_lists_the_years_that_have_data() {
    let app = TestApp::new();
    fixed_dataset(&app);
    let reader = app.browser_as(Role::Lecteur);
    let page = reader.page("/rapports");
    for (year, count) in [(2026, "1 saisine)"), (2025, "10 saisines)"), (2024, "4 saisines)")] {
        assert!(page.contains(&format!("<a href=\"/rapports/{year}\">Bilan {year}</a> <span class=\"muted\">({count}")));
        assert!(page.contains(&format!("/rapports/{year}.pdf")));
    }
    assert!(!page.contains("Bilan 2023"));
    assert!(reader.page("/saisines").contains("<a href=\"/rapports\">Rapports</a>"), "in the navigation");
    assert_eq!(reader.get("/rapports/2025.pdf").status(), Status::Ok);
    assert_eq!(app.get("/rapports/deux-mille").status(), Status::NotFound);
    assert_eq!(app.get("/rapports/1850.pdf").status(), Status::NotFound);
}

#[test]
fn any_period_has_its_report() {
    let app = TestApp::new();
    fixed_dataset(&app);
    let page = app.browser.page("/rapports/periode?du=2025-01-01&au=2025-03-31");
    assert!(page.contains(&html_escaped("Bilan de la médiation — du 01/01/2025 au 31/03/2025")));
    let expected =
        format!("5 saisines (évolution : +{} par rapport à la période du 01/01/2024 au 31/03/2024", pct(400));
    assert!(page.contains(&html_escaped(&expected)), "{page}");
    let (_, text) = pdf(&app, "/rapports/periode.pdf?du=01/01/2025&au=31/03/2025");
    assert!(text.contains(&expected));
    assert_eq!(app.get("/rapports/periode?du=2025-03-01&au=2025-01-01").status(), Status::UnprocessableEntity);
    assert_eq!(app.get("/rapports/periode.pdf?du=hier").status(), Status::UnprocessableEntity);
}

#[test]
fn the_report_command_writes_the_pdf() {
    let app = TestApp::new();
    fixed_dataset(&app);
    let output = app.dir.path().join("bilan.pdf");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_mediation"))
        .args(["report", "--year", "2025", "--output"])
        .arg(&output)
        .env("MEDIATION_DATA_DIR", app.dir.path())
        .env("MEDIATION_DATABASE_URL", crate::support::database_url(&app.dir))
        .current_dir(app.dir.path())
        .output()
        .expect("mediation report");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let (_, text) = pdf_text(&std::fs::read(&output).unwrap());
    assert!(text.contains("Bilan de la médiation — année 2025"));
    assert!(text.contains(&format!("+{} évolution", pct(150))));
}
