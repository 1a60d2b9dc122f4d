//! Merging a duplicate into the saisine kept: when it is allowed, and what a merged saisine
//! may still do. A merged saisine is closed, points to the one kept, and counts in no figure
//! (`figures::counts_in_figures`).

use super::error::DomainError;
use super::lifecycle::Lifecycle;
use super::moves::Move;
use super::Reference;

/// What the merge rules read of each saisine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MergeSide {
    pub reference: Reference,
    pub anonymised: bool,
    /// The saisine it was merged into, if it was.
    pub merged_into: Option<Reference>,
}

/// Whether `other` may be merged into `kept`, or why not, in French.
pub fn check_merge(kept: &MergeSide, other: &MergeSide) -> Result<(), DomainError> {
    if kept.reference == other.reference {
        return Err(DomainError::refused("same_saisine", "une saisine ne peut pas être fusionnée avec elle-même"));
    }
    for side in [kept, other] {
        if side.anonymised {
            return Err(DomainError::refused(
                "anonymised",
                format!("la saisine {} est anonymisée : elle ne peut plus être fusionnée", side.reference),
            ));
        }
        if let Some(into) = side.merged_into {
            return Err(DomainError::refused(
                "already_merged",
                format!("la saisine {} a déjà été fusionnée dans la saisine {into} : ouvrez celle-ci", side.reference),
            ));
        }
    }
    Ok(())
}

/// A merged saisine is never reopened: its request goes on in the saisine kept.
pub fn check_not_merged(merged_into: Option<Reference>) -> Result<(), DomainError> {
    match merged_into {
        Some(into) => Err(DomainError::refused(
            "merged",
            format!("cette saisine a été fusionnée dans la saisine {into} : poursuivez le traitement sur celle-ci"),
        )),
        None => Ok(()),
    }
}

/// Whether the page may offer `m` on a saisine: the lifecycle allows it, and a reopening is
/// neither of an anonymised saisine nor of a merged one.
pub fn offers(lifecycle: &Lifecycle, m: Move, anonymised: bool, merged: bool) -> bool {
    lifecycle.allows(m) && !(m == Move::Reopen && (anonymised || merged))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(reference: &str) -> MergeSide {
        MergeSide { reference: reference.parse().unwrap(), anonymised: false, merged_into: None }
    }

    #[test]
    fn refusals_say_which_saisine_and_why() {
        assert!(check_merge(&side("2026-0001"), &side("2026-0002")).is_ok());
        assert_eq!(check_merge(&side("2026-0001"), &side("2026-0001")).unwrap_err().code(), "same_saisine");
        let anonymised = MergeSide { anonymised: true, ..side("2026-0002") };
        let refused = check_merge(&side("2026-0001"), &anonymised).unwrap_err();
        assert_eq!(refused.code(), "anonymised");
        assert!(refused.to_string().contains("2026-0002"));
        let merged = MergeSide { merged_into: Some("2026-0003".parse().unwrap()), ..side("2026-0001") };
        let refused = check_merge(&merged, &side("2026-0002")).unwrap_err();
        assert_eq!(refused.code(), "already_merged");
        assert!(refused.to_string().contains("2026-0003"), "{refused}");
        assert_eq!(check_not_merged(merged.merged_into).unwrap_err().code(), "merged");
    }
}
