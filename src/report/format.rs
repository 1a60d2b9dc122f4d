//! Numbers as French readers expect them: `100 000`, `87 %`, `14,3 jours`, with the narrow
//! no-break space (U+202F) before `%` and between thousands.

/// The narrow no-break space of French typography.
pub const NNBSP: char = '\u{202F}';

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const SHORT_MONTHS: [&str; 12] =
    ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."];

/// `num / den` rounded to the nearest integer, halves away from zero; `den` must be positive.
pub fn round_div(num: i64, den: i64) -> i64 {
    if den <= 0 {
        return 0;
    }
    let (num, den) = (i128::from(num), i128::from(den));
    let rounded = if num >= 0 { (2 * num + den) / (2 * den) } else { -((-2 * num + den) / (2 * den)) };
    i64::try_from(rounded).unwrap_or(i64::MAX)
}

/// `part` of `whole` in whole percent, rounded; none of nothing.
pub fn percent_of(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| round_div(part.saturating_mul(100), whole))
}

/// `100 000`: digits grouped by three.
pub fn count(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(NNBSP);
        }
        grouped.push(digit);
    }
    if n < 0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

/// `87 %`.
pub fn percent(p: i64) -> String {
    format!("{}{NNBSP}%", count(p))
}

/// `+142 %`, `-12 %`, `0 %`.
pub fn signed_percent(p: i64) -> String {
    if p > 0 {
        format!("+{}", percent(p))
    } else {
        percent(p)
    }
}

/// A share, or a dash when there is nothing to divide by.
pub fn share(p: Option<i64>) -> String {
    p.map(percent).unwrap_or_else(|| "–".to_string())
}

/// Tenths as a decimal: `143` → `14,3`, `140` → `14`.
pub fn tenths(t: i64) -> String {
    let sign = if t < 0 { "-" } else { "" };
    let (whole, tenth) = (t.unsigned_abs() / 10, t.unsigned_abs() % 10);
    let whole = count(i64::try_from(whole).unwrap_or(i64::MAX));
    if tenth == 0 {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole},{tenth}")
    }
}

/// A duration given in tenths of days: `14,3 jours`, `1 jour` (French keeps the singular below 2).
pub fn days(t: i64) -> String {
    let unit = if t.abs() < 20 { "jour" } else { "jours" };
    format!("{}{}{unit}", tenths(t), '\u{00A0}')
}

/// `1 saisine`, `305 saisines`.
pub fn saisines(n: i64) -> String {
    let unit = if n.abs() < 2 { "saisine" } else { "saisines" };
    format!("{} {unit}", count(n))
}

/// `janvier`.
pub fn month_name(month: u32) -> &'static str {
    MONTHS.get(month.saturating_sub(1) as usize).copied().unwrap_or("?")
}

/// `janv.`: for chart axes.
pub fn short_month_name(month: u32) -> &'static str {
    SHORT_MONTHS.get(month.saturating_sub(1) as usize).copied().unwrap_or("?")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_to_the_nearest_whole_halves_away_from_zero() {
        assert_eq!(percent_of(266, 305), Some(87));
        assert_eq!(percent_of(16, 305), Some(5));
        assert_eq!(percent_of(1, 8), Some(13));
        assert_eq!(percent_of(1, 200), Some(1));
        assert_eq!(percent_of(1, 201), Some(0));
        assert_eq!(percent_of(3, 0), None);
        assert_eq!(round_div(-5, 10), -1);
        assert_eq!(round_div(-4, 10), 0);
        assert_eq!(round_div(179 * 100, 126) - 100, 42);
    }

    #[test]
    fn french_numbers() {
        assert_eq!(count(305), "305");
        assert_eq!(count(100_000), "100\u{202F}000");
        assert_eq!(count(1_234_567), "1\u{202F}234\u{202F}567");
        assert_eq!(percent(87), "87\u{202F}%");
        assert_eq!(signed_percent(142), "+142\u{202F}%");
        assert_eq!(signed_percent(-12), "-12\u{202F}%");
        assert_eq!(tenths(143), "14,3");
        assert_eq!(tenths(140), "14");
        assert_eq!(tenths(-5), "-0,5");
        assert_eq!(days(15), "1,5\u{A0}jour");
        assert_eq!(days(125), "12,5\u{A0}jours");
        assert_eq!(saisines(1), "1 saisine");
        assert_eq!(month_name(8), "août");
        assert_eq!(short_month_name(2), "févr.");
    }
}
