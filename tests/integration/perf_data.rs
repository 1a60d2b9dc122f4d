//! Many saisines at once, through the bulk loader: for the tests of streamed exports and of
//! lists at depth.

use chrono::{Days, NaiveDate};

use mediation::db::audit::Actor;
use mediation::db::saisines::Stamp;
use mediation::db::{bulk, DbConn};
use mediation::domain::{Channel, Lifecycle, MotifCode, Process, Requester, RequesterType, SaisineFacts};

/// `count` saisines received from 2025-01-01 on, a few a day; every seventh is named
/// « Lefèvre n », the others « Martin n ». Returns nothing: read them back through the list.
pub fn load(conn: &mut DbConn, count: usize) {
    let base = NaiveDate::from_ymd_opt(2025, 1, 1).expect("date");
    let saisines: Vec<(SaisineFacts, Lifecycle)> = (0..count)
        .map(|n| {
            let received_on = base.checked_add_days(Days::new((n / 7) as u64)).expect("date");
            let family = if n % 7 == 0 { "Lefèvre" } else { "Martin" };
            let facts = SaisineFacts {
                received_on,
                channel: Channel::ALL[n % 3],
                requester_type: RequesterType::ALL[0],
                requester: Requester { name: Some(format!("{family} {n}")), ..Requester::default() },
                partner: None,
                process: Process::ALL[n % 2],
                motifs: vec![MotifCode("delai_traitement".into())],
                summary: Some(format!("Résumé ; n° {n}")),
            };
            (facts, Lifecycle::new(received_on))
        })
        .collect();
    let actor = Actor::system("tests");
    let stamp = Stamp { actor: &actor, at: base.and_hms_opt(9, 0, 0).expect("heure") };
    bulk::insert_saisines(conn, &saisines, &stamp).expect("chargement");
}
