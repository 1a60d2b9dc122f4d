//! The NIR (numéro de sécurité sociale): 13 characters and a 2-digit key.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a NIR was refused; the message is shown next to the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NirError {
    #[error("le NIR doit compter 15 caractères (13 chiffres et la clé de 2 chiffres), espaces non comptés")]
    Length,
    #[error("le NIR ne peut contenir que des chiffres (et 2A ou 2B pour la Corse)")]
    Characters,
    #[error("le NIR doit commencer par 1 ou 2 (ou 3, 4, 7, 8 pour un numéro provisoire)")]
    Sex,
    #[error("la clé du NIR ne correspond pas au numéro : vérifiez la saisie")]
    Key,
}

/// A NIR whose key was checked; stored as its 15 characters without spaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nir(String);

impl Nir {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Grouped the way it is printed on a carte Vitale: `1 84 12 75 123 456 45`.
    pub fn formatted(&self) -> String {
        let s = &self.0;
        format!("{} {} {} {} {} {} {}", &s[0..1], &s[1..3], &s[3..5], &s[5..7], &s[7..10], &s[10..13], &s[13..15])
    }

    /// Sex, year and month of birth and the key stay: `1 84 12 •• ••• ••• 45`.
    pub fn masked(&self) -> String {
        let s = &self.0;
        format!("{} {} {} •• ••• ••• {}", &s[0..1], &s[1..3], &s[3..5], &s[13..15])
    }
}

/// The key: 97 − (number mod 97), Corsica's 2A/2B read as 19/18.
fn expected_key(body: &str) -> Result<u64, NirError> {
    let department = &body[5..7];
    let digits = match department {
        "2A" => format!("{}19{}", &body[..5], &body[7..]),
        "2B" => format!("{}18{}", &body[..5], &body[7..]),
        _ => body.to_string(),
    };
    let number: u64 = digits.parse().map_err(|_| NirError::Characters)?;
    Ok(97 - number % 97)
}

impl FromStr for Nir {
    type Err = NirError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let compact: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '.' && *c != '-')
            .flat_map(char::to_uppercase)
            .collect();
        if compact.chars().count() != 15 {
            return Err(NirError::Length);
        }
        // Byte slicing below: only ASCII may get there (a multi-byte character would panic).
        if !compact.is_ascii() {
            return Err(NirError::Characters);
        }
        let (body, key) = compact.split_at(13);
        let department = &body[5..7];
        let corsica = department == "2A" || department == "2B";
        let body_ok = body.char_indices().all(|(i, c)| c.is_ascii_digit() || (corsica && (5..7).contains(&i)));
        if !body_ok || !key.chars().all(|c| c.is_ascii_digit()) {
            return Err(NirError::Characters);
        }
        if !matches!(&body[0..1], "1" | "2" | "3" | "4" | "7" | "8") {
            return Err(NirError::Sex);
        }
        let key: u64 = key.parse().map_err(|_| NirError::Characters)?;
        if expected_key(body)? != key {
            return Err(NirError::Key);
        }
        Ok(Nir(compact))
    }
}

impl fmt::Display for Nir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.formatted())
    }
}

impl Serialize for Nir {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Nir {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a valid NIR for a 13-character body, computing its key the slow way.
    fn with_key(body: &str) -> String {
        let key = expected_key(body).unwrap();
        format!("{body}{key:02}")
    }

    #[test]
    fn accepts_a_valid_key_with_or_without_spaces() {
        let nir = with_key("1841275123456");
        assert!(nir.parse::<Nir>().is_ok());
        let spaced = format!("{} {} {}", &nir[0..1], &nir[1..7], &nir[7..]);
        assert_eq!(spaced.parse::<Nir>().unwrap().as_str(), nir);
    }

    #[test]
    fn known_example_key() {
        // 2 55 08 14 168 025 : 2550814168025 mod 97 = 59, key 38.
        assert_eq!("2 55 08 14 168 025 38".parse::<Nir>().unwrap().as_str(), "255081416802538");
        assert_eq!("2 55 08 14 168 025 39".parse::<Nir>(), Err(NirError::Key));
    }

    #[test]
    fn refuses_a_wrong_key() {
        let mut nir = with_key("1841275123456");
        let last = nir.pop().unwrap();
        nir.push(if last == '0' { '1' } else { '0' });
        assert_eq!(nir.parse::<Nir>(), Err(NirError::Key));
    }

    #[test]
    fn corsica_reads_2a_as_19_and_2b_as_18() {
        let key_2a = 97 - 1_841_219_123_457u64 % 97;
        let key_2b = 97 - 1_841_218_123_457u64 % 97;
        assert!(format!("184122A123457{key_2a:02}").parse::<Nir>().is_ok());
        assert!(format!("184122b123457{key_2b:02}").parse::<Nir>().is_ok());
        // 2A's key does not fit 2B (they differ by one in the number).
        assert_eq!(format!("184122B123457{key_2a:02}").parse::<Nir>(), Err(NirError::Key));
    }

    #[test]
    fn refuses_bad_shapes() {
        assert_eq!("12345".parse::<Nir>(), Err(NirError::Length));
        assert_eq!("1841275X2345645".parse::<Nir>(), Err(NirError::Characters));
        assert_eq!("18412A512345645".parse::<Nir>(), Err(NirError::Characters));
        assert_eq!(with_key("5841275123456").parse::<Nir>(), Err(NirError::Sex));
    }

    #[test]
    fn masks_the_middle() {
        let nir: Nir = with_key("1841275123456").parse().unwrap();
        let key = &nir.as_str()[13..];
        assert_eq!(nir.masked(), format!("1 84 12 •• ••• ••• {key}"));
        assert_eq!(nir.formatted(), format!("1 84 12 75 123 456 {key}"));
    }
}
