//! Deadlines and follow-up (issue 8): the sweep, the "à traiter" queue, the settings, the
//! indicators. The clock is moved by hand and the sweep run on the day each test chooses.

mod indicators;
mod queue;
mod settings;
mod sweep;

use chrono::NaiveDate;
use mediation::app::sweep::SweepReport;
use mediation::domain::clock::Clock;
use serde_json::json;

use crate::support::{connect, noon, SaisineBuilder, TestApp, MEDIATOR_EMAIL, PASSWORD};

/// Moves the application's clock to `date` (10:00 UTC); the mediator signs in again, since
/// sessions end after 30 minutes without activity.
pub fn go_to(app: &TestApp, date: &str) {
    let by = noon(date) - app.clock.now();
    app.clock.advance(by);
    assert_eq!(app.browser.sign_in(MEDIATOR_EMAIL, PASSWORD), rocket::http::Status::SeeOther);
}

/// Runs the sweep against the test's database, as of the application's clock.
pub fn sweep(app: &TestApp) -> SweepReport {
    mediation::app::sweep::run(&mut connect(&app.dir), app.clock.as_ref()).expect("veille")
}

/// A saisine received on `received`, taken up the next day, whose documents are requested on
/// `requested` for `due_on`.
pub fn waiting_saisine(app: &TestApp, received: &str, requested: &str, due_on: &str) -> String {
    let reference = app.create(&SaisineBuilder::default().received_on(received));
    let taken: NaiveDate = received.parse::<NaiveDate>().expect("date").succ_opt().expect("lendemain");
    app.step(&reference, "prise-en-charge", json!({"date": taken.to_string()}));
    app.step(
        &reference,
        "demande-pieces",
        json!({"date": requested, "due_on": due_on, "description": "Attestation de salaire"}),
    );
    reference
}

/// How many timeline entries of `kind` the saisine has.
pub fn entries_of(app: &TestApp, reference: &str, kind: &str) -> usize {
    app.timeline_kinds(reference).iter().filter(|k| *k == kind).count()
}

/// A page as text: Tera escapes `/` and `'`, which dates and French words are full of.
pub fn read(browser: &crate::support::Browser, uri: &str) -> String {
    browser.page(uri).replace("&#x2F;", "/").replace("&#x27;", "'")
}
