//! The report's aggregate queries against a plain in-memory computation, over random data
//! sets: random facts, random lives (taken up or not, waits for documents, closings,
//! reopenings), random periods.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use mediation::db::audit::Actor;
use mediation::db::saisines::Stamp;
use mediation::db::{bulk, report};
use mediation::domain::{
    Action, Channel, Lifecycle, MotifCode, Outcome, PartnerCode, Process, Requester, RequesterType, SaisineFacts,
};
use mediation::report::figures::{Aggregates, Figures, ListLabels};
use mediation::report::Period;

const MOTIFS: [&str; 8] = [
    "paiement_non_recu",
    "delai_traitement",
    "refus_prise_en_charge",
    "indu",
    "erreur_calcul",
    "difficulte_contact",
    "information",
    "autre_motif",
];
const PARTNERS: [&str; 6] =
    ["defenseur_des_droits", "service_social", "france_services", "association", "elu", "autre_partenaire"];

/// One saisine's random draw.
#[derive(Debug, Clone)]
struct Plan {
    received: u64,
    channel: usize,
    requester: usize,
    partner: Option<usize>,
    process: usize,
    motifs: Vec<usize>,
    take_up: Option<u64>,
    wait: Option<(u64, u64, bool)>,
    close: Option<(u64, usize)>,
    reopen: Option<(u64, Option<(u64, usize)>)>,
}

fn plan() -> impl Strategy<Value = Plan> {
    (
        (0u64..480, 0usize..6, 0usize..4, proptest::option::of(0usize..6), 0usize..7),
        proptest::collection::btree_set(0usize..8, 1..=3),
        proptest::option::of(0u64..20),
        proptest::option::of((0u64..5, 0u64..40, any::<bool>())),
        proptest::option::of((0u64..60, 0usize..7)),
        proptest::option::of((0u64..10, proptest::option::of((0u64..40, 0usize..7)))),
    )
        .prop_map(|((received, channel, requester, partner, process), motifs, take_up, wait, close, reopen)| {
            Plan {
                received,
                channel,
                requester,
                partner,
                process,
                motifs: motifs.into_iter().collect(),
                take_up,
                wait,
                close,
                reopen,
            }
        })
}

fn day(base: NaiveDate, offset: u64) -> NaiveDate {
    base.checked_add_days(Days::new(offset)).expect("date")
}

/// Applies a move; a move the domain refuses is left out.
fn step(lifecycle: Lifecycle, action: Action) -> Lifecycle {
    let today = NaiveDate::from_ymd_opt(2030, 1, 1).expect("date");
    lifecycle.apply(&action, today).unwrap_or(lifecycle)
}

fn last_date(l: &Lifecycle) -> NaiveDate {
    let stage = match l.stage {
        mediation::domain::Stage::AwaitingDocuments { since, .. } => Some(since),
        mediation::domain::Stage::Closed { on, .. } => Some(on),
        _ => None,
    };
    [Some(l.received_on), l.taken_on, stage].into_iter().flatten().max().unwrap_or(l.received_on)
}

fn close(l: Lifecycle, after: u64, outcome: usize) -> Lifecycle {
    let outcome = if l.taken_on.is_some() { Outcome::ALL[outcome] } else { Outcome::Orientation };
    let on = day(last_date(&l), after);
    step(l, Action::Close { on, outcome: Some(outcome), summary: "Fin.".into() })
}

fn lifecycle(plan: &Plan, received_on: NaiveDate) -> Lifecycle {
    let mut l = Lifecycle::new(received_on);
    if let Some(after) = plan.take_up {
        l = step(l, Action::TakeUp { on: day(received_on, after) });
        if let Some((start, length, received)) = plan.wait {
            let on = day(last_date(&l), start);
            let request = Action::RequestDocuments { on, due_on: day(on, 15), description: "RIB".into() };
            l = step(l, request);
            if received {
                l = step(l, Action::ReceiveDocuments { on: day(on, length) });
            }
        }
    }
    if let Some((after, outcome)) = plan.close {
        l = close(l, after, outcome);
        if let Some((after, again)) = plan.reopen {
            l = step(l, Action::Reopen { on: day(last_date(&l), after), reason: "Erreur.".into() });
            if let Some((after, outcome)) = again {
                l = close(l, after, outcome);
            }
        }
    }
    l
}

fn facts(plan: &Plan, received_on: NaiveDate) -> SaisineFacts {
    let channel = Channel::ALL[plan.channel];
    let partner = match (channel, plan.partner) {
        (Channel::BoiteGenerique, None) => Some(0),
        (_, partner) => partner,
    };
    SaisineFacts {
        received_on,
        channel,
        requester_type: RequesterType::ALL[plan.requester],
        requester: Requester::default(),
        partner: partner.map(|p| PartnerCode(PARTNERS[p].into())),
        process: Process::ALL[plan.process],
        motifs: plan.motifs.iter().map(|m| MotifCode(MOTIFS[*m].into())).collect(),
        summary: None,
    }
}

fn bump<K: Ord>(map: &mut BTreeMap<K, i64>, key: K) {
    *map.entry(key).or_default() += 1;
}

/// The plain computation: one pass over the saisines, durations from their dates.
fn in_memory(saisines: &[(SaisineFacts, Lifecycle)], period: Period) -> Aggregates {
    let mut a = Aggregates::default();
    let previous = period.previous().expect("période précédente");
    for (facts, life) in saisines {
        if previous.contains(facts.received_on) {
            a.previous_received += 1;
        }
        if !period.contains(facts.received_on) {
            continue;
        }
        a.received += 1;
        bump(&mut a.channels, facts.channel.code().to_string());
        bump(&mut a.requesters, facts.requester_type.code().to_string());
        bump(&mut a.processes, facts.process.code().to_string());
        if let Some(partner) = &facts.partner {
            bump(&mut a.partners, partner.0.clone());
        }
        for motif in &facts.motifs {
            bump(&mut a.motifs, motif.0.clone());
        }
        bump(&mut a.received_by_day, facts.received_on);
        if let Some(taken) = life.taken_on {
            bump(&mut a.take_up_days, (taken - facts.received_on).num_days() as i32);
        }
        if let (Some(outcome), Some(closed)) = (life.outcome(), life.closed_on()) {
            bump(&mut a.outcomes, outcome.code().to_string());
            let gross = (closed - facts.received_on).num_days() as i32;
            bump(&mut a.processing_days, gross);
            bump(&mut a.net_processing_days, gross - life.days_waiting);
        }
    }
    let ours = saisines.iter().filter(|(f, _)| period.contains(f.received_on)).map(|(_, l)| l);
    a.delays = mediation::domain::figures::Delays::of(ours);
    a
}

/// The date a delay figure looks at: the prise en charge, or the closing.
type Answer = fn(&Lifecycle) -> Option<NaiveDate>;

/// A delay share worked out plainly: answered within `limit` days, over the saisines whose
/// answer is known (given, or closed without it, or past the limit today).
fn delay_percent(
    ours: &[&(SaisineFacts, Lifecycle)],
    answer: fn(&Lifecycle) -> Option<NaiveDate>,
    limit: i64,
    today: NaiveDate,
) -> Option<i64> {
    let (mut within, mut known) = (0, 0);
    for (facts, life) in ours {
        let days = answer(life).map(|on| (on - facts.received_on).num_days());
        match days {
            Some(d) => {
                known += 1;
                within += usize::from(d <= limit);
            }
            None if life.closed_on().is_some() || (today - facts.received_on).num_days() > limit => known += 1,
            None => {}
        }
    }
    rounded_percent(within, known)
}

fn rounded_percent(part: usize, whole: usize) -> Option<i64> {
    (whole > 0).then(|| (part as f64 * 100.0 / whole as f64).round() as i64)
}

/// Mean and median (in tenths) of a plain list of days.
fn mean_and_median(mut values: Vec<i64>) -> (Option<i64>, Option<i64>) {
    if values.is_empty() {
        return (None, None);
    }
    values.sort_unstable();
    let n = values.len();
    let mean = (values.iter().sum::<i64>() as f64 * 10.0 / n as f64).round() as i64;
    let median = if n % 2 == 1 { values[n / 2] * 10 } else { (values[n / 2 - 1] + values[n / 2]) * 5 };
    (Some(mean), Some(median))
}

/// The derived figures checked against the saisines themselves.
fn check_figures(figures: &Figures, saisines: &[(SaisineFacts, Lifecycle)], period: Period, today: NaiveDate) {
    let ours: Vec<&(SaisineFacts, Lifecycle)> =
        saisines.iter().filter(|(f, _)| period.contains(f.received_on)).collect();
    let total = ours.len();
    let closed: Vec<&Lifecycle> = ours.iter().map(|(_, l)| l).filter(|l| l.outcome().is_some()).collect();
    let resolved = closed.iter().filter(|l| l.outcome().is_some_and(Outcome::is_resolved)).count();
    let abandoned = closed.iter().filter(|l| l.outcome() == Some(Outcome::Abandon)).count();
    let gross: Vec<i64> = closed.iter().filter_map(|l| l.gross_days()).collect();
    let net: Vec<i64> = closed.iter().filter_map(|l| l.net_days()).collect();
    assert_eq!(figures.received as usize, total);
    assert_eq!(
        (figures.resolved.count as usize, figures.resolved.percent),
        (resolved, rounded_percent(resolved, total))
    );
    assert_eq!(figures.abandoned.percent, rounded_percent(abandoned, total));
    let delays = figures.delays;
    let taken: Answer = |l| l.taken_on;
    let closed_on: Answer = |l| l.closed_on();
    assert_eq!(delays.taken_up_within_7_days.percent(), delay_percent(&ours, taken, 7, today));
    assert_eq!(delays.taken_up_within_48_hours.percent(), delay_percent(&ours, taken, 2, today));
    assert_eq!(delays.closed_within_a_month.percent(), delay_percent(&ours, closed_on, 30, today));
    let stats = |s: mediation::report::figures::DurationStats| (s.mean_tenths, s.median_tenths);
    assert_eq!(stats(figures.gross_processing), mean_and_median(gross));
    assert_eq!(stats(figures.net_processing), mean_and_median(net));
    assert_eq!(figures.months.iter().map(|m| m.count).sum::<i64>() as usize, total);
    for row in &figures.channels {
        let n = ours.iter().filter(|(f, _)| f.channel.code() == row.code).count();
        assert_eq!((row.share.count as usize, row.share.percent), (n, rounded_percent(n, total)), "{}", row.code);
    }
}

fn check(plans: &[Plan], range: (u64, u64)) {
    let dir = crate::support::TestDir::new();
    let mut conn = crate::support::connect(&dir);
    let base = NaiveDate::from_ymd_opt(2024, 11, 1).expect("date");
    let saisines: Vec<(SaisineFacts, Lifecycle)> = plans
        .iter()
        .map(|p| {
            let received_on = day(base, p.received);
            (facts(p, received_on), lifecycle(p, received_on))
        })
        .collect();
    let actor = Actor::system("tests");
    let stamp = Stamp { actor: &actor, at: base.and_hms_opt(9, 0, 0).expect("heure") };
    bulk::insert_saisines(&mut conn, &saisines, &stamp).expect("chargement");
    let labels = report::list_labels(&mut conn).expect("libellés");
    let (first, last) = (day(base, range.0.min(range.1)), day(base, range.0.max(range.1)));
    for period in [Period::year(2025).expect("année"), Period::between(first, last).expect("période")] {
        let from_db = report::aggregates(&mut conn, period).expect("agrégats");
        assert_eq!(from_db, in_memory(&saisines, period), "{period:?}");
        // As of a day inside the data (some saisines still within their delays) and long after.
        for today in [day(base, 400), day(base, 2000)] {
            let figures = Figures::compute(period, &from_db, &ListLabels { ..labels.clone() }, today);
            check_figures(&figures, &saisines, period, today);
        }
    }
}

#[test]
fn database_aggregates_match_a_plain_computation_on_random_data() {
    let config = Config { cases: 24, failure_persistence: None, ..Config::default() };
    let mut runner = TestRunner::new(config);
    let strategy = (proptest::collection::vec(plan(), 0..=60), (0u64..480, 0u64..480));
    runner
        .run(&strategy, |(plans, range)| {
            check(&plans, range);
            Ok(())
        })
        .expect("agrégats identiques");
}
