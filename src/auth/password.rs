//! Password policy and hashing: argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane).

use std::collections::HashSet;
use std::sync::OnceLock;

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 128;

/// The 30,000 most common passwords of the zxcvbn project (MIT licence, see
/// `common_passwords.LICENSE.txt`) and a few French ones, lower case.
const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

fn common_passwords() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| COMMON_PASSWORDS.lines().map(str::trim).filter(|l| !l.is_empty()).collect())
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("le mot de passe doit compter au moins {MIN_LENGTH} caractères")]
    TooShort,
    #[error("le mot de passe doit compter au plus {MAX_LENGTH} caractères")]
    TooLong,
    #[error("ce mot de passe fait partie des mots de passe les plus courants : choisissez-en un autre")]
    Common,
    #[error("les deux mots de passe saisis sont différents")]
    Mismatch,
    #[error("calcul de l'empreinte impossible")]
    Hashing,
}

/// A common password with digits or signs around it is still a common password.
fn is_common(password: &str) -> bool {
    let lower = password.to_lowercase();
    let core = lower.trim_matches(|c: char| !c.is_alphabetic());
    let set = common_passwords();
    set.contains(lower.as_str()) || (core.chars().count() >= 4 && set.contains(core)) || is_repetition(&lower)
}

/// `azertyazerty`, `abcabcabcabc`, `aaaaaaaaaaaa`.
fn is_repetition(password: &str) -> bool {
    let chars: Vec<char> = password.chars().collect();
    (1..=chars.len() / 2).any(|n| chars.len().is_multiple_of(n) && chars.chunks(n).all(|c| c == &chars[..n]))
}

/// Checks a new password against the policy.
pub fn check_policy(password: &str) -> Result<(), PasswordError> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(PasswordError::TooShort);
    }
    if length > MAX_LENGTH {
        return Err(PasswordError::TooLong);
    }
    if is_common(password) {
        return Err(PasswordError::Common);
    }
    Ok(())
}

fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The PHC string stored in place of the password.
pub fn hash(password: &str) -> Result<String, PasswordError> {
    let salt = SaltString::generate(&mut OsRng);
    hasher().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|_| PasswordError::Hashing)
}

pub fn verify(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => hasher().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// Spends the time a real check takes, so that an unknown account answers as slowly as a
/// known one.
pub fn verify_against_nothing(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash("mot de passe factice pour l'égalité des temps").unwrap_or_default());
    let _ = verify(password, dummy);
}

/// A temporary password an administrator hands over: 16 characters without look-alikes.
pub fn temporary() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..16).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        assert_eq!(check_policy("court"), Err(PasswordError::TooShort));
        assert_eq!(check_policy("motdepasse123"), Err(PasswordError::Common));
        assert_eq!(check_policy("Password1234!"), Err(PasswordError::Common));
        assert_eq!(check_policy("azertyazerty"), Err(PasswordError::Common));
        assert_eq!(check_policy(&"x".repeat(129)), Err(PasswordError::TooLong));
        assert!(check_policy("cheval-agrafe-batterie-correct").is_ok());
    }

    #[test]
    fn hash_is_argon2id_with_owasp_parameters_and_verifies() {
        let stored = hash("cheval-agrafe-batterie").unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("cheval-agrafe-batterie", &stored));
        assert!(!verify("cheval-agrafe-batteri", &stored));
        assert!(!verify("x", "pas une empreinte"));
    }

    #[test]
    fn temporary_passwords_pass_the_policy() {
        let t = temporary();
        assert_eq!(t.len(), 16);
        assert!(check_policy(&t).is_ok());
    }
}
