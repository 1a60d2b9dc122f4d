//! Signed values (HMAC-SHA-256 with a key derived from the application's secret): the
//! partner form's token and the partners' acknowledgement links.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

#[derive(Clone)]
pub struct Signer {
    key: [u8; 32],
}

impl Signer {
    /// `purpose` separates keys derived from the same application secret.
    pub fn new(application_secret: &str, purpose: &str) -> Self {
        let key = Sha256::new()
            .chain_update(purpose.as_bytes())
            .chain_update([0u8])
            .chain_update(application_secret)
            .finalize();
        Signer { key: key.into() }
    }

    fn mac(&self) -> HmacSha256 {
        // An HMAC accepts keys of any length: this cannot fail.
        <HmacSha256 as Mac>::new_from_slice(&self.key).unwrap_or_else(|_| unreachable!("HMAC key of any length"))
    }

    /// The signature of `message`, in hex.
    pub fn sign(&self, message: &str) -> String {
        let mut mac = self.mac();
        mac.update(message.as_bytes());
        mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Checks a signature in constant time.
    pub fn verify(&self, message: &str, signature: &str) -> bool {
        let Some(bytes) = decode_hex(signature) else { return false };
        let mut mac = self.mac();
        mac.update(message.as_bytes());
        mac.verify_slice(&bytes).is_ok()
    }
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
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
    }
}
