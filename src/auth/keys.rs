//! Keys derived from the application's secret key: HKDF-SHA-256 (RFC 5869), one key per
//! purpose (`partenaires` for signed links, `totp` for sealed seeds), so that no two uses
//! share a key and none is the secret itself.

use hkdf::Hkdf;
use sha2::{Digest, Sha256};

/// Salt of the extraction step: names the application, constant by design (RFC 5869 §3.1).
const SALT: &[u8] = b"mediation/keys/v1";

/// The 32-byte key of `purpose`.
pub fn derive(application_secret: &str, purpose: &str) -> [u8; 32] {
    let mut key = [0u8; 32];
    // 32 bytes is far below HKDF-SHA-256's limit of 255 × 32: expanding cannot fail.
    Hkdf::<Sha256>::new(Some(SALT), application_secret.as_bytes())
        .expand(purpose.as_bytes(), &mut key)
        .unwrap_or_else(|_| unreachable!("32 bytes are a valid HKDF-SHA-256 output length"));
    key
}

/// The derivation used before HKDF (SHA-256 of the purpose, a zero byte and the secret). Only
/// read with: links signed and seeds sealed before the change stay valid; nothing new uses it.
pub fn legacy(application_secret: &str, purpose: &str) -> [u8; 32] {
    Sha256::new()
        .chain_update(purpose.as_bytes())
        .chain_update([0u8])
        .chain_update(application_secret)
        .finalize()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_differ_by_purpose_and_secret_and_from_the_old_derivation() {
        let key = derive("secret", "totp");
        assert_eq!(key, derive("secret", "totp"));
        assert_ne!(key, derive("secret", "partenaires"));
        assert_ne!(key, derive("autre", "totp"));
        assert_ne!(key, legacy("secret", "totp"));
    }
}
