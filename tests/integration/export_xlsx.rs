//! The spreadsheet export: the list's filters, personal data masked, French headers, labels
//! rather than codes, real date cells. Read back with calamine, as a spreadsheet would.

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use chrono::NaiveDate;
use mediation::auth::Role;
use rocket::http::Status;

use crate::report_data::fixed_dataset;
use crate::support::{nir_with_key, Browser, TestApp};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The rows of the export's only sheet, header first.
fn rows(browser: &Browser, uri: &str) -> (String, Vec<Vec<Data>>) {
    let response = browser.get(uri);
    assert_eq!(response.status(), Status::Ok, "GET {uri}");
    assert_eq!(response.content_type().map(|c| c.to_string()).as_deref(), Some(XLSX));
    let disposition = response.headers().get_one("Content-Disposition").unwrap_or_default().to_string();
    let bytes = response.into_bytes().expect("body");
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("a readable .xlsx file");
    assert_eq!(workbook.sheet_names(), ["Saisines"]);
    let range = workbook.worksheet_range("Saisines").expect("the sheet");
    (disposition, range.rows().map(<[Data]>::to_vec).collect())
}

fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("text expected, got {other:?}"),
    }
}

fn date(cell: &Data) -> NaiveDate {
    match cell {
        Data::DateTime(d) => d.as_datetime().expect("a date").date(),
        other => panic!("a date cell expected, got {other:?}"),
    }
}

#[test]
fn a_reader_exports_a_year_as_a_spreadsheet_in_french_masked() {
    let app = TestApp::new();
    fixed_dataset(&app);
    let reader = app.browser_as(Role::Lecteur);
    let (disposition, rows) = rows(&reader, "/saisines/export.xlsx?year=2025");
    assert_eq!(disposition, "attachment; filename=\"saisines-2025.xlsx\"");
    let header: Vec<String> = rows[0].iter().map(text).collect();
    assert_eq!(&header[..4], ["Référence", "Reçue le", "Canal", "Demandeur"]);
    assert!(header.contains(&"Motifs".to_string()) && header.contains(&"Clôturée le".to_string()), "{header:?}");
    assert_eq!(rows.len(), 11, "the header and the ten saisines of 2025");

    let second = &rows[2];
    let column = |name: &str| header.iter().position(|h| h == name).expect(name);
    assert_eq!(text(&second[column("Référence")]), "2025-0002");
    assert_eq!(date(&second[column("Reçue le")]), NaiveDate::from_ymd_opt(2025, 1, 15).unwrap());
    assert_eq!(date(&second[column("Clôturée le")]), NaiveDate::from_ymd_opt(2025, 2, 24).unwrap());
    assert_eq!(text(&second[column("Canal")]), "Compte ameli (messagerie de l'espace assuré)");
    assert_eq!(text(&second[column("Motifs")]), "Délai de traitement, Paiement non reçu");
    assert_eq!(text(&second[column("Statut")]), "Clôturée");
    assert_eq!(text(&second[column("Nom")]), "J••• M•••");
    assert_eq!(text(&second[column("Données masquées")]), "oui");
    assert_eq!(second[column("Pièces demandées le")], Data::Empty, "the wait is over once the documents came");
    assert_eq!(text(&rows[4][column("Partenaire")]), "Défenseur des droits");

    let nir = nir_with_key("2840575123456");
    let everything: Vec<String> = rows
        .iter()
        .flatten()
        .filter_map(|c| match c {
            Data::String(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    let everything = everything.join("\n");
    for secret in ["Jeanne", nir.as_str(), "jeanne.martin", "Indemnités", "paiement_non_recu", "compte_ameli"] {
        assert!(!everything.contains(secret), "{secret} in the spreadsheet");
    }
}

#[test]
fn the_spreadsheet_follows_the_list_filters_and_is_linked_from_the_list() {
    let app = TestApp::new();
    fixed_dataset(&app);
    let (_, rows) = rows(&app.browser, "/saisines/export.xlsx?status=cloturee&channel=courriel");
    let references: Vec<String> = rows[1..].iter().map(|r| text(&r[0])).collect();
    assert_eq!(references, ["2025-0001", "2025-0005", "2025-0007"]);
    assert_eq!(app.get("/saisines/export.xlsx?channel=fax").status(), Status::UnprocessableEntity);
    let list = app.browser.page("/saisines?status=cloturee&channel=courriel");
    assert!(list.contains("href=\"/saisines/export.xlsx?status=cloturee&amp;channel=courriel\""), "{list}");
}

#[test]
fn an_empty_export_is_a_sheet_with_its_header_only() {
    let app = TestApp::new();
    let (_, rows) = rows(&app.browser, "/saisines/export.xlsx");
    assert_eq!(rows.len(), 1);
    assert_eq!(text(&rows[0][0]), "Référence");
}
