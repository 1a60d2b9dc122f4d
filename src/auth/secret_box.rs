//! Encryption of secrets the application must read back (TOTP seeds): AES-256-GCM with a key
//! derived from the application's secret key by HKDF, so that a copy of the database alone is
//! useless.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rand::RngCore;

use super::keys;

#[derive(Clone)]
pub struct SecretBox {
    cipher: Aes256Gcm,
    /// The key of the derivation before HKDF: seeds sealed with it still open.
    legacy: Aes256Gcm,
}

#[derive(Debug, thiserror::Error)]
#[error("secret chiffré illisible (clé secrète changée ?)")]
pub struct SecretBoxError;

impl SecretBox {
    /// `purpose` separates the keys of different uses of the same application secret.
    pub fn new(application_secret: &str, purpose: &str) -> Self {
        let key = keys::derive(application_secret, purpose);
        let legacy = keys::legacy(application_secret, purpose);
        SecretBox { cipher: Aes256Gcm::new(&key.into()), legacy: Aes256Gcm::new(&legacy.into()) }
    }

    /// `nonce ‖ ciphertext`, base64.
    pub fn seal(&self, plaintext: &[u8]) -> Result<String, SecretBoxError> {
        let mut nonce = [0u8; 12];
        rand::thread_rng().fill_bytes(&mut nonce);
        let sealed = self.cipher.encrypt(Nonce::from_slice(&nonce), plaintext).map_err(|_| SecretBoxError)?;
        let mut out = nonce.to_vec();
        out.extend(sealed);
        Ok(STANDARD.encode(out))
    }

    pub fn open(&self, sealed: &str) -> Result<Vec<u8>, SecretBoxError> {
        let bytes = STANDARD.decode(sealed).map_err(|_| SecretBoxError)?;
        if bytes.len() < 13 {
            return Err(SecretBoxError);
        }
        let (nonce, ciphertext) = bytes.split_at(12);
        let nonce = Nonce::from_slice(nonce);
        self.cipher
            .decrypt(nonce, ciphertext)
            .or_else(|_| self.legacy.decrypt(nonce, ciphertext))
            .map_err(|_| SecretBoxError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_wrong_key() {
        let sealed = SecretBox::new("clé", "totp").seal(b"graine").unwrap();
        assert!(!sealed.contains("graine"));
        assert_eq!(SecretBox::new("clé", "totp").open(&sealed).unwrap(), b"graine");
        assert!(SecretBox::new("autre", "totp").open(&sealed).is_err());
        assert!(SecretBox::new("clé", "autre").open(&sealed).is_err());
    }

    #[test]
    fn seeds_sealed_before_hkdf_still_open() {
        let old = Aes256Gcm::new(&keys::legacy("clé", "totp").into());
        let nonce = [7u8; 12];
        let mut sealed = nonce.to_vec();
        sealed.extend(old.encrypt(Nonce::from_slice(&nonce), b"graine".as_slice()).unwrap());
        let sealed = STANDARD.encode(sealed);
        assert_eq!(SecretBox::new("clé", "totp").open(&sealed).unwrap(), b"graine");
        assert!(SecretBox::new("autre", "totp").open(&sealed).is_err());
    }
}
