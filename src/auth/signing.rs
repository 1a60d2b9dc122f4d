//! Signed values (HMAC-SHA-256 with a key derived from the application's secret by HKDF): the
//! partner form's token and the partners' acknowledgement links.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::keys;

type HmacSha256 = Hmac<Sha256>;

#[derive(Clone)]
pub struct Signer {
    key: [u8; 32],
    /// The key of the derivation before HKDF: links already sent keep working.
    legacy: [u8; 32],
}

fn mac(key: &[u8; 32], message: &str) -> HmacSha256 {
    // An HMAC accepts keys of any length: this cannot fail.
    let mut mac = <HmacSha256 as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC key of any length"));
    mac.update(message.as_bytes());
    mac
}

impl Signer {
    /// `purpose` separates keys derived from the same application secret.
    pub fn new(application_secret: &str, purpose: &str) -> Self {
        Signer { key: keys::derive(application_secret, purpose), legacy: keys::legacy(application_secret, purpose) }
    }

    /// The signature of `message`, in hex.
    pub fn sign(&self, message: &str) -> String {
        hex::encode(mac(&self.key, message).finalize().into_bytes())
    }

    /// Checks a signature in constant time, with the current key or the one before HKDF.
    pub fn verify(&self, message: &str, signature: &str) -> bool {
        let Ok(bytes) = hex::decode(signature) else { return false };
        mac(&self.key, message).verify_slice(&bytes).is_ok() || mac(&self.legacy, message).verify_slice(&bytes).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_and_tampering_fails() {
        let signer = Signer::new("secret", "liens");
        let signature = signer.sign("accuse|2026-0001|1800000000");
        assert!(signer.verify("accuse|2026-0001|1800000000", &signature));
        assert!(!signer.verify("accuse|2026-0002|1800000000", &signature));
        assert!(!signer.verify("accuse|2026-0001|1800000001", &signature));
        assert!(!Signer::new("autre", "liens").verify("accuse|2026-0001|1800000000", &signature));
        assert!(!signer.verify("accuse|2026-0001|1800000000", "zz"));
        assert!(!signer.verify("accuse|2026-0001|1800000000", "é"));
    }

    #[test]
    fn links_signed_before_hkdf_still_verify() {
        let old =
            hex::encode(mac(&keys::legacy("secret", "liens"), "accuse|2026-0001|1800000000").finalize().into_bytes());
        let signer = Signer::new("secret", "liens");
        assert_ne!(signer.sign("accuse|2026-0001|1800000000"), old, "new signatures use the HKDF key");
        assert!(signer.verify("accuse|2026-0001|1800000000", &old));
        assert!(!Signer::new("autre", "liens").verify("accuse|2026-0001|1800000000", &old));
    }
}
