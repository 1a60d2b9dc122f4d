//! Saisine references: one sequence per year of reception, printed `2026-0042`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reference {
    year: i32,
    sequence: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("référence invalide : attendu l'année et un numéro, par exemple 2026-0042")]
pub struct InvalidReference;

impl Reference {
    pub fn new(year: i32, sequence: i32) -> Result<Self, InvalidReference> {
        if (1900..=9999).contains(&year) && sequence >= 1 {
            Ok(Reference { year, sequence })
        } else {
            Err(InvalidReference)
        }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn sequence(self) -> i32 {
        self.sequence
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:04}", self.year, self.sequence)
    }
}

impl FromStr for Reference {
    type Err = InvalidReference;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (year, sequence) = s.trim().split_once('-').ok_or(InvalidReference)?;
        let digits = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit());
        if year.len() != 4 || !digits(year) || sequence.len() < 4 || !digits(sequence) {
            return Err(InvalidReference);
        }
        Reference::new(year.parse().map_err(|_| InvalidReference)?, sequence.parse().map_err(|_| InvalidReference)?)
    }
}

impl Serialize for Reference {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Reference {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_four_digits_at_least_and_parses_back() {
        let r = Reference::new(2026, 42).unwrap();
        assert_eq!(r.to_string(), "2026-0042");
        assert_eq!("2026-0042".parse::<Reference>().unwrap(), r);
        assert_eq!(Reference::new(2026, 12345).unwrap().to_string(), "2026-12345");
        assert!("2026-42".parse::<Reference>().is_err());
        assert!("26-0042".parse::<Reference>().is_err());
        assert!("2026-0000".parse::<Reference>().is_err());
    }
}
