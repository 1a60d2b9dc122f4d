//! The data set: a CSV in the interchange format, imported by the real `mediation import`.
//!
//! Ten years of a national deployment: saisines spread over the years before today, nearly
//! all closed, the last weeks' still open (about 1.5 % open, as the 1,000,000 → 15,000).

use std::io::Write;
use std::path::Path;

use chrono::{Duration, NaiveDate};

const NAMES: &[&str] = &[
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon",
    "Laurent", "Lefèvre", "Michel", "García", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Bœuf", "Müller",
];
/// Syllables of the other surnames: 24³ = 13,824 of them, each rare, as most names are.
const SYLLABLES: &[&str] = &[
    "ba", "be", "bou", "cha", "co", "da", "de", "fa", "ga", "gi", "la", "le", "lo", "ma", "mi", "mo", "na", "ne", "pa",
    "ri", "ro", "sa", "ta", "vi",
];
const FIRST: &[&str] = &["Jeanne", "Louis", "Amélie", "Noé", "Chloé", "Hélène", "François", "Zoé", "Inès", "Mathéo"];
const CHANNELS: &[&str] = &["courriel", "compte_ameli", "telephone", "courrier", "accueil", "boite_generique"];
const PROCESSES: &[&str] = &["revenus_remplacement", "frais_sante", "css", "droits", "carte_vitale", "at_mp", "autre"];
const MOTIFS: &[&str] = &["paiement_non_recu", "delai_traitement", "refus_prise_en_charge", "indu", "information"];
const OUTCOMES: &[&str] =
    &["paiement_recu", "explications", "accord_amiable", "decision_maintenue", "decision_revisee"];

/// A small deterministic generator (xorshift): the same data set for the same size.
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// A surname as common as in France: the most frequent names (Martin…) each about 0.3 % of
/// the people (7 % for the 22 of them), the others a long tail of rare ones. A name search
/// then matches as many saisines as it would in a real deployment.
fn surname(draw: &mut Draw) -> String {
    if draw.below(100) < 7 {
        return draw.pick(NAMES).to_string();
    }
    let mut name: String = (0..3).map(|_| draw.pick(SYLLABLES)).collect();
    if let Some(first) = name.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    name
}

/// Writes `count` saisines received over the ten years before `today`.
pub fn write_csv(path: &Path, count: u64, today: NaiveDate) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(
        out,
        "received_on;channel;requester_type;process;motifs;status;taken_on;outcome;closed_on;requester_name;email;summary;partner"
    )?;
    let mut draw = Draw(0x9e37_79b9_7f4a_7c15);
    let span = 3650u64;
    for i in 0..count {
        // Spread evenly over ten years, the newest last.
        let age = span - (i * span / count.max(1)).min(span - 1);
        let received = today - Duration::days(age as i64);
        let name = format!("{} {}", draw.pick(FIRST), surname(&mut draw));
        let email = format!("personne{i}@exemple.fr");
        let (channel, process, motif) = (draw.pick(CHANNELS), draw.pick(PROCESSES), draw.pick(MOTIFS));
        // A saisine from the generic inbox names the partner who sent it.
        let partner = if channel == "boite_generique" { "association" } else { "" };
        let open = age <= 60 && draw.below(100) < 45;
        let line = if open {
            if draw.below(3) == 0 {
                format!("{received};{channel};assure;{process};{motif};recue;;;;{name};{email};Saisine {i}")
            } else {
                let taken = (received + Duration::days(draw.below(5) as i64)).min(today);
                format!("{received};{channel};assure;{process};{motif};en_cours;{taken};;;{name};{email};Saisine {i}")
            }
        } else {
            let taken = (received + Duration::days(draw.below(7) as i64)).min(today);
            let closed = (taken + Duration::days(draw.below(40) as i64)).min(today);
            let outcome = draw.pick(OUTCOMES);
            format!(
                "{received};{channel};assure;{process};{motif};cloturee;{taken};{outcome};{closed};{name};{email};Saisine {i}"
            )
        };
        writeln!(out, "{line};{partner}")?;
    }
    out.flush()
}
