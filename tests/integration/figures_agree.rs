//! One definition per figure: a data set with saisines on each side of every boundary (taken up
//! on day 2 / day 3 for the 48 hours, day 7 / day 8, closed on day 30 / day 31, waits for
//! documents, saisines still within their delays, a duplicate merged into another and counted
//! nowhere), and the same numbers on the queue, the navigation, `/indicateurs`, the annual
//! report (dashboard, PDF) and the CSV of its figures.
//!
//! "48 heures" with dates only: taken up at most 2 days after the day of reception (received
//! on 1 June, taken up by 3 June).

use mediation::auth::Role;
use serde_json::json;

use crate::report_data::{html_escaped, pdf_text};
use crate::support::{create_user, SaisineBuilder, TestApp};

const NNBSP: char = '\u{202F}';

fn anonymous(received_on: &str) -> SaisineBuilder {
    SaisineBuilder::default().received_on(received_on).set("nir", json!(null)).set("email", json!(null))
}

fn take_up(app: &TestApp, reference: &str, on: &str) {
    app.step(reference, "prise-en-charge", json!({ "date": on }));
}

fn close(app: &TestApp, reference: &str, on: &str, outcome: &str) {
    app.step(reference, "cloture", json!({ "date": on, "outcome": outcome, "summary": "Réponse donnée." }));
}

fn received_taken(app: &TestApp, received: &str, taken: &str) -> String {
    let reference = app.create(&anonymous(received));
    take_up(app, &reference, taken);
    reference
}

/// Today is 30 September 2026. Days after reception, and what each figure says:
///
/// | n | received | taken up | closed | 48 h | 7 d | month | late today |
/// |---|---|---|---|---|---|---|---|
/// | 1 | 01/06 | day 2 | day 19 | yes | yes | yes | |
/// | 2 | 01/06 | day 3 | day 30 | no | yes | yes | |
/// | 3 | 01/06 | day 7 | day 31 | no | yes | no | |
/// | 4 | 01/06 | day 8 | open | no | no | no | handling |
/// | 5 | 01/06 | day 1 | day 40, 20 d waiting | yes | yes | no (the caisse's net delay: yes) | |
/// | 6 | 01/06 | never | day 2, orientation | no | no | yes | |
/// | 7 | 29/09 | — | open | not yet | not yet | not yet | |
/// | 8 | 27/09 | — | open | no | not yet | not yet | |
/// | 9 | 01/09 | — | open | no | no | not yet | take-up |
/// | 10 | 01/08 | day 1 | open | yes | yes | no | handling |
/// | 11 | 01/08 | day 1 | open, waiting for documents past due | yes | yes | no | no (waiting) |
/// | 12 | 10/09, another mediator's | — | open | no | no | not yet | take-up |
/// | 13 | 20/12/2025 | — | open | (2025) | | | take-up |
/// | 14 | 01/06, a duplicate merged into 1 (closed as orientation today) | — | — | counted nowhere | | | |
fn data_set(app: &TestApp) {
    let s1 = received_taken(app, "2026-06-01", "2026-06-03");
    close(app, &s1, "2026-06-20", "explications");
    let s2 = received_taken(app, "2026-06-01", "2026-06-04");
    close(app, &s2, "2026-07-01", "explications");
    let s3 = received_taken(app, "2026-06-01", "2026-06-08");
    close(app, &s3, "2026-07-02", "paiement_recu");
    received_taken(app, "2026-06-01", "2026-06-09");
    let s5 = received_taken(app, "2026-06-01", "2026-06-02");
    app.step(&s5, "demande-pieces", json!({"date": "2026-06-05", "due_on": "2026-07-05", "description": "RIB"}));
    app.step(&s5, "reception-pieces", json!({"date": "2026-06-25"}));
    close(app, &s5, "2026-07-11", "paiement_recu");
    let s6 = app.create(&anonymous("2026-06-01"));
    close(app, &s6, "2026-06-03", "orientation");
    app.create(&anonymous("2026-09-29"));
    app.create(&anonymous("2026-09-27"));
    app.create(&anonymous("2026-09-01"));
    received_taken(app, "2026-08-01", "2026-08-02");
    let s11 = received_taken(app, "2026-08-01", "2026-08-02");
    app.step(&s11, "demande-pieces", json!({"date": "2026-08-21", "due_on": "2026-09-20", "description": "Avis"}));
    let s12 = app.create(&anonymous("2026-09-10"));
    let colleague = create_user(&app.dir, "collegue@cpam.test", "Paul Collègue", Role::Mediateur);
    let given = app.post_json(&format!("/api/v1/saisines/{s12}/attribution"), &json!({"assignee": colleague.0}));
    assert_eq!(given.status(), rocket::http::Status::Ok);
    app.create(&anonymous("2025-12-20"));
    let s14 = app.create(&anonymous("2026-06-01"));
    let merged = app.post_json(&format!("/api/v1/saisines/{s1}/fusion"), &json!({ "other": s14 }));
    assert_eq!(merged.status(), rocket::http::Status::Ok);
}

/// (label on /indicateurs, label in the report, CSV code, count, base, percent)
const SHARES: [(&str, &str, &str, i64, i64, i64); 3] = [
    ("Prises en charge sous 7 jours", "prises en charge sous 7 jours", "prises_en_charge_7_jours", 6, 10, 60),
    ("Prises en charge sous 48 heures", "prises en charge sous 48 heures", "prises_en_charge_48_heures", 4, 11, 36),
    ("Traitées en moins d'un mois", "traitées en moins d'un mois", "traitees_moins_d_un_mois", 3, 8, 38),
];
/// Received in 2026.
const RECEIVED: i64 = 12;
/// Late today: all years and mediators; received in 2026; on my queue (mine and nobody's).
const LATE_EVERYWHERE: i64 = 5;
const LATE_IN_YEAR: i64 = 4;
const LATE_ON_MY_QUEUE: i64 = 4;

fn indicator_line(label: &str, count: i64, base: i64, percent: i64) -> String {
    let label = html_escaped(label);
    format!("<dt>{label}</dt><dd><strong>{percent} %</strong> <span class=\"muted\">({count} sur {base})</span>")
}

#[test]
fn every_page_gives_the_same_number_for_each_figure() {
    let app = TestApp::on("2026-09-30");
    data_set(&app);

    // /indicateurs and the block on the queue: the same lines.
    let reader = app.browser_as(Role::Lecteur);
    let indicators = reader.page("/indicateurs?annee=2026");
    let queue = app.browser.page("/a-traiter");
    for (label, _, _, count, base, percent) in SHARES {
        let line = indicator_line(label, count, base, percent);
        assert!(indicators.contains(&line), "{line}\n{indicators}");
        assert!(queue.contains(&line), "{line} on the queue");
    }
    // The caisse's own delays, labelled as such: the handling delay is net of the waits.
    let caisse = indicator_line("Clôturées dans le délai de traitement de la caisse (30 j)", 4, 7, 57);
    assert!(indicators.contains(&caisse), "{caisse}");
    let caisse_take_up = indicator_line("Prises en charge dans le délai de la caisse (7 j)", 6, 10, 60);
    assert!(indicators.contains(&caisse_take_up), "by default the caisse's delay is the national one");
    assert!(indicators.contains(&format!("<dt>Saisines reçues en 2026</dt><dd>{RECEIVED}</dd>")));
    // Beside each figure, what it counts: national or the caisse's, waits included or not.
    for explanation in [
        "Indicateur national : prise en charge au plus 7 jours calendaires après le jour de réception.",
        "reçue un lundi, prise en charge au plus tard le mercredi",
        "attente de pièces comprise. Même chiffre que dans le bilan annuel.",
        "Délai de traitement réglé par la caisse : 30 jours calendaires, sans compter l'attente des pièces",
    ] {
        assert!(indicators.contains(explanation), "{explanation}");
    }

    // "En retard": the team's count on /indicateurs is the team queue's; mine is the navigation's.
    let late_line = format!(
        "<dt>En retard aujourd'hui (toute l'équipe)</dt><dd><strong>{LATE_EVERYWHERE}</strong> saisines \
         ouvertes, toutes années confondues (dont {LATE_IN_YEAR} reçues en 2026)"
    );
    assert!(indicators.contains(&late_line), "{late_line}\n{indicators}");
    let team = app.browser.page("/a-traiter?equipe=1");
    assert!(team.contains(&format!(", dont <strong>{LATE_EVERYWHERE} en retard</strong>")), "{team}");
    assert!(queue.contains(&format!(", dont <strong>{LATE_ON_MY_QUEUE} en retard</strong>")), "{queue}");
    let navigation = app.browser.page("/saisines");
    assert!(navigation.contains(&format!("dont {LATE_ON_MY_QUEUE} en retard</span>")), "{navigation}");
    let colleague = app.anonymous();
    assert_eq!(colleague.sign_in("collegue@cpam.test", crate::support::PASSWORD), rocket::http::Status::SeeOther);
    // The colleague's queue: their saisine 12 and everyone's unassigned ones, 4 + 1 late.
    let theirs = colleague.page("/saisines");
    assert!(theirs.contains(&format!("dont {LATE_EVERYWHERE} en retard</span>")), "{theirs}");

    // The annual report: dashboard, PDF and the CSV of its figures.
    let report = app.browser.page("/rapports/2026");
    let (_, pdf) = pdf_text(&app.get("/rapports/2026.pdf").into_bytes().expect("PDF"));
    let csv = app.get("/rapports/2026.csv").into_string().expect("CSV");
    assert!(csv.starts_with("\u{FEFF}code;libelle;nombre;sur;pourcentage\r\n"), "{csv}");
    assert!(csv.contains(&format!("saisines_traitees;Saisines traitées (reçues pendant la période);{RECEIVED};;\r\n")));
    for (_, label, code, count, base, percent) in SHARES {
        let note = format!("{count} saisines sur {base} ; {} encore dans le délai", RECEIVED - base);
        let card = format!(
            "<dt>{}</dt>\n    <dd class=\"value\">{percent}{NNBSP}%</dd>\n    <dd class=\"note\">{}</dd>",
            html_escaped(label),
            html_escaped(&note)
        );
        assert!(report.contains(&card), "{card}\n{report}");
        let in_pdf = format!("{percent}{NNBSP}% {label} {note}");
        assert!(pdf.contains(&in_pdf), "« {in_pdf} » absent du PDF : {pdf}");
        let line = csv.lines().find(|l| l.starts_with(&format!("{code};"))).expect(code);
        assert!(line.ends_with(&format!(";{count};{base};{percent}")), "{line}");
    }
}

#[test]
fn a_past_year_measures_every_saisine() {
    // Seen a year later, nothing is still within its delay: the base is every saisine.
    let app = TestApp::on("2026-09-30");
    data_set(&app);
    crate::deadlines::go_to(&app, "2027-03-01");
    let indicators = app.browser.page("/indicateurs?annee=2026");
    // Saisines 7, 8, 9 and 12, never taken up, are now late for the 7 days and the month.
    for (label, count, base, percent) in [
        ("Prises en charge sous 7 jours", 6, 12, 50),
        ("Prises en charge sous 48 heures", 4, 12, 33),
        ("Traitées en moins d'un mois", 3, 12, 25),
    ] {
        let line = indicator_line(label, count, base, percent);
        assert!(indicators.contains(&line), "{line}");
    }
    let csv = app.get("/rapports/2026.csv").into_string().expect("CSV");
    assert!(csv.contains("prises_en_charge_7_jours;Prises en charge sous 7 jours;6;12;50\r\n"), "{csv}");
    let report = app.browser.page("/rapports/2026");
    assert!(report.contains(&format!("<dd class=\"value\">50{NNBSP}%</dd>\n    <dd class=\"note\">6 saisines</dd>")));
}
