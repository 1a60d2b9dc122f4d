//! Text helpers shared by the domain rules: matching and searching without case or accents.

use unicode_normalization::UnicodeNormalization;

/// Lower case, accents removed, inner spaces collapsed: the form codes, labels and
/// names are compared in.
pub fn normalize_key(input: &str) -> String {
    let folded: String = input
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'œ' => 'o',
            'æ' => 'a',
            '’' => '\'',
            _ => c,
        })
        .collect();
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

    #[test]
    fn folds_case_accents_and_spaces() {
        assert_eq!(normalize_key("  Élodie   LEFÈVRE "), "elodie lefevre");
        assert_eq!(normalize_key("Boîte générique"), "boite generique");
    }

    #[test]
    fn blank_is_none() {
        assert_eq!(non_blank("  "), None);
        assert_eq!(non_blank(" a "), Some("a".into()));
    }
}
