//! Every parser of what people type gets arbitrary text (multi-byte characters, NUL, control
//! characters, near-valid values with one character changed) and answers with a value or an
//! error, never a panic.

use std::collections::HashMap;

use chrono::NaiveDate;
use mediation::domain::contact::{Email, Phone};
use mediation::domain::dates::parse_date;
use mediation::domain::interchange::{read_line, ImportVocabulary, Line, COLUMNS};
use mediation::domain::nir::Nir;
use mediation::domain::search::{reference_number, SearchTerm};
use mediation::domain::text::normalize_key;
use mediation::domain::{AllowedCodes, Reference, SaisineDraft};
use mediation::report::Period;
use proptest::prelude::*;

/// Characters that break byte-offset code: accents, ligatures, wide digits, emoji, NUL,
/// line breaks, the narrow no-break space, combining marks.
fn tricky_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => any::<char>(),
        2 => prop::char::range('0', '9'),
        1 => prop::sample::select(vec![
            '\0', 'é', 'É', 'œ', 'Œ', 'æ', 'ß', '２', '١', '€', '😀', '\u{202F}', '\u{0301}', '\r', '\n', '\t', '-',
            '/', '.', '@', '+', ' ', 'A', 'B', '%', '_', '\\', '•',
        ]),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(tricky_char(), 0..40).prop_map(String::from_iter)
}

/// A valid value with one character replaced, inserted or removed somewhere.
fn near(valid: &'static str) -> impl Strategy<Value = String> {
    (0..=valid.chars().count(), tricky_char(), 0..3u8).prop_map(move |(at, c, how)| {
        let mut chars: Vec<char> = valid.chars().collect();
        match how {
            0 if at < chars.len() => chars[at] = c,
            1 => chars.insert(at, c),
            _ if at < chars.len() => {
                chars.remove(at);
            }
            _ => chars.push(c),
        }
        chars.into_iter().collect()
    })
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 15).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn nir(input in prop_oneof![text(), near("2 55 08 14 168 025 38"), near("184122A12345712")]) {
        if let Ok(nir) = input.parse::<Nir>() {
            prop_assert_eq!(nir.as_str().len(), 15);
            prop_assert!(nir.as_str().is_ascii());
            let _ = (nir.formatted(), nir.masked());
        }
    }

    #[test]
    fn dates(input in prop_oneof![text(), near("2026-03-09"), near("09/03/2026")]) {
        let _ = parse_date(&input);
    }

    #[test]
    fn references(input in prop_oneof![text(), near("2026-0042"), near("2026-12345")]) {
        if let Ok(reference) = input.parse::<Reference>() {
            prop_assert_eq!(reference.to_string().parse::<Reference>(), Ok(reference));
        }
        let _ = reference_number(&input);
    }

    #[test]
    fn emails(input in prop_oneof![text(), near("jeanne.martin@exemple.fr")]) {
        if let Ok(email) = input.parse::<Email>() {
            let _ = (email.masked(), email.search_key());
            prop_assert!(email.as_str().contains('@'));
        }
    }

    #[test]
    fn phones(input in prop_oneof![text(), near("06 12 34 56 78"), near("+33 6 12 34 56 78")]) {
        if let Ok(phone) = input.parse::<Phone>() {
            let _ = (phone.masked(), phone.search_key());
        }
    }

    #[test]
    fn searches(input in prop_oneof![text(), near("Bœuf"), near("0036"), near("jeanne@exemple.fr")]) {
        if let Some(personal) = SearchTerm::parse(&input).personal_key() {
            let _ = personal.audit_details();
        }
        let _ = normalize_key(&input);
    }

    #[test]
    fn periods(first in prop_oneof![text(), near("2021-01-01")], last in prop_oneof![text(), near("30/06/2021")]) {
        if let Ok(period) = Period::parse(Some(&first), Some(&last)) {
            prop_assert!(period.first <= period.last);
        }
        let _ = Period::parse(None, Some(&last));
        let _ = Period::parse_year(&first);
    }

    #[test]
    fn saisine_forms(fields in prop::collection::vec(text(), 12), motifs in prop::collection::vec(text(), 0..3)) {
        let draft = SaisineDraft {
            received_on: fields[0].clone(),
            channel: fields[1].clone(),
            requester_type: fields[2].clone(),
            requester_name: fields[3].clone(),
            nir: fields[4].clone(),
            email: fields[5].clone(),
            phone: fields[6].clone(),
            address: fields[7].clone(),
            partner: fields[8].clone(),
            process: fields[9].clone(),
            motifs,
            summary: fields[10].clone(),
        };
        let allowed = AllowedCodes { motifs: vec!["indu".into()], partners: vec!["association".into()] };
        let _ = draft.validate(&allowed, today());
    }

    #[test]
    fn interchange_lines(cells in prop::collection::vec(text(), COLUMNS.len())) {
        let line: HashMap<&str, &str> = COLUMNS.iter().copied().zip(cells.iter().map(String::as_str)).collect();
        let settings = mediation::domain::deadlines::DeadlineSettings::default();
        let _ = read_line(&Line::new(line), &ImportVocabulary::default(), &settings, today());
    }
}
