//! Exports are streamed in keyset batches: a file of several batches is byte for byte the
//! file written in one piece, and the unmasked export is audited before it starts.

use mediation::auth::Role;
use mediation::db::list::{self, ListFilter, SortOrder};
use mediation::report::csv::{document, Privacy};
use rocket::http::Status;

use crate::support::{connect, TestApp};

#[test]
fn a_streamed_export_of_many_batches_equals_the_whole_file() {
    let app = TestApp::new();
    let mut conn = connect(&app.dir);
    crate::perf_data::load(&mut conn, 2_345);
    let all = list::page(&mut conn, &ListFilter::default(), SortOrder::OLDEST_FIRST, None, 10_000).unwrap();
    assert_eq!(all.saisines.len(), 2_345);
    let admin = app.browser_as(Role::Admin);
    for (uri, privacy) in [("/saisines/export-complet.csv", Privacy::Whole), ("/saisines/export.csv", Privacy::Masked)]
    {
        let response = admin.get(uri);
        assert_eq!(response.status(), Status::Ok);
        assert_eq!(response.content_type().map(|c| c.to_string()), Some("text/csv; charset=utf-8".into()));
        let streamed = response.into_bytes().expect("CSV");
        assert_eq!(streamed, document(&all.saisines, privacy).unwrap(), "{uri}");
    }
    let audited = app.audit_actions().into_iter().filter(|(action, _, _)| action == "export_non_masque").count();
    assert_eq!(audited, 1);
}
