//! Text helpers shared by the domain rules: matching and searching without case or accents.

use unicode_normalization::UnicodeNormalization;

/// Lower case, accents removed, ligatures spelt out (`œ` → `oe`, `æ` → `ae`, `ß` → `ss`),
/// inner spaces collapsed: the form codes, labels and names are compared and searched in.
/// `Bœuf` and `Boeuf` fold to the same key, whichever was stored and whichever is typed.
pub fn normalize_key(input: &str) -> String {
    if input.is_ascii() {
        // Nothing to decompose: lower case and spaces only (most codes and many names).
        return input
            .split(char::is_whitespace)
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
            .collect::<Vec<_>>()
            .join(" ");
    }
    fold_unicode(input)
}

fn fold_unicode(input: &str) -> String {
    let mut folded = String::with_capacity(input.len());
    for c in input.nfd().filter(|c| !unicode_normalization::char::is_combining_mark(*c)).flat_map(char::to_lowercase) {
        match c {
            'œ' => folded.push_str("oe"),
            'æ' => folded.push_str("ae"),
            'ß' => folded.push_str("ss"),
            '’' => folded.push('\''),
            _ => folded.push(c),
        }
    }
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A trimmed optional text: blank becomes `None`.
pub fn non_blank(input: &str) -> Option<String> {
    let trimmed = input.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn the_ascii_shortcut_folds_as_the_unicode_path(input in "[\\x00-\\x7f]{0,40}") {
            proptest::prop_assert_eq!(normalize_key(&input), fold_unicode(&input));
        }
    }

    #[test]
    fn folds_case_accents_and_spaces() {
        assert_eq!(normalize_key("  Élodie   LEFÈVRE "), "elodie lefevre");
        assert_eq!(normalize_key("Boîte générique"), "boite generique");
    }

    #[test]
    fn ligatures_fold_to_two_letters_both_ways() {
        assert_eq!(normalize_key("Bœuf"), normalize_key("Boeuf"));
        assert_eq!(normalize_key("BŒUF"), "boeuf");
        assert_eq!(normalize_key("Lætitia"), normalize_key("Laetitia"));
        assert_eq!(normalize_key("CÆSAR"), "caesar");
        assert_eq!(normalize_key("Strauß"), "strauss");
    }

    #[test]
    fn blank_is_none() {
        assert_eq!(non_blank("  "), None);
        assert_eq!(non_blank(" a "), Some("a".into()));
    }
}
