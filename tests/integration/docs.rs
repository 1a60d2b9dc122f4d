//! The README is self-contained: every file it names by a relative link is in the repository,
//! and the domain reference it relies on is the repository's own.

use std::path::Path;

#[test]
fn the_readme_points_only_inside_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(!readme.contains("../"), "the README names nothing outside the repository");
    assert!(readme.contains("docs/domain.md"));
    let mut rest = readme.as_str();
    while let Some(start) = rest.find("](") {
        let tail = &rest[start + 2..];
        let end = tail.find(')').unwrap_or(tail.len());
        let target = tail[..end].split('#').next().unwrap_or_default();
        if !target.is_empty() && !target.contains("://") {
            assert!(root.join(target).exists(), "the README links to {target}, which the repository lacks");
        }
        rest = &tail[end..];
    }
    let domain = std::fs::read_to_string(root.join("docs/domain.md")).unwrap();
    for code in ["boite_generique", "attente_pieces", "decision_revisee", "received_on", "paiement_non_recu"] {
        assert!(domain.contains(code), "docs/domain.md defines {code}");
    }
}
