//! TOTP second factor (RFC 6238: SHA-1, 6 digits, 30-second steps, one step of tolerance),
//! with its enrolment QR code drawn as SVG.

use qrcode::render::svg;
use qrcode::QrCode;
use rand::RngCore;
use totp_rs::{Algorithm, TOTP};

const STEP: u64 = 30;
const ISSUER: &str = "Mediation";

/// A fresh 160-bit seed.
pub fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; 20];
    rand::thread_rng().fill_bytes(&mut secret);
    secret
}

fn totp(secret: &[u8], account: &str) -> Option<TOTP> {
    TOTP::new(Algorithm::SHA1, 6, 1, STEP, secret.to_vec(), Some(ISSUER.to_string()), account.replace(':', " ")).ok()
}

/// The `otpauth://` URI authenticator apps read from the QR code.
pub fn provisioning_uri(secret: &[u8], account: &str) -> String {
    totp(secret, account).map(|t| t.get_url()).unwrap_or_default()
}

/// The seed in base32, for typing by hand when the QR code cannot be scanned.
pub fn secret_base32(secret: &[u8], account: &str) -> String {
    totp(secret, account).map(|t| t.get_secret_base32()).unwrap_or_default()
}

/// The QR code as an inline SVG image (no script, allowed by the CSP).
pub fn qr_svg(uri: &str) -> String {
    match QrCode::new(uri.as_bytes()) {
        Ok(code) => {
            let image = code.render::<svg::Color<'_>>().min_dimensions(220, 220).quiet_zone(true).build();
            // Inline in HTML: the XML prolog has no place there.
            image.find("<svg").map(|start| image[start..].to_string()).unwrap_or(image)
        }
        Err(_) => String::new(),
    }
}

/// The step a code belongs to, if it is valid at `unix_time` (one step early or late allowed).
/// The caller refuses a step already used, so that a code works only once.
pub fn verify(secret: &[u8], code: &str, unix_time: u64) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let totp = totp(secret, "")?;
    let current = unix_time / STEP;
    [current.saturating_sub(1), current, current + 1].into_iter().find(|step| totp.generate(step * STEP) == code)
}

/// The code of a given time: for tests and for showing a check during enrolment.
pub fn code_at(secret: &[u8], unix_time: u64) -> String {
    totp(secret, "").map(|t| t.generate(unix_time)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_sha1_vector() {
        // RFC 6238 appendix B, SHA-1 seed "12345678901234567890", T = 59 s → 94287082 (8 digits);
        // the 6-digit code is its last six digits.
        let secret = b"12345678901234567890";
        assert_eq!(code_at(secret, 59), "287082");
        assert_eq!(code_at(secret, 1_111_111_109), "081804");
    }

    #[test]
    fn accepts_one_step_of_drift_and_reports_the_step() {
        let secret = new_secret();
        let now = 1_800_000_000;
        let code = code_at(&secret, now - 30);
        assert_eq!(verify(&secret, &code, now), Some(now / 30 - 1));
        assert_eq!(verify(&secret, &code, now + 60), None);
        assert_eq!(verify(&secret, "12345", now), None);
    }

    #[test]
    fn provisioning_uri_and_qr() {
        let uri = provisioning_uri(&new_secret(), "admin@exemple.fr");
        assert!(uri.starts_with("otpauth://totp/Mediation:admin%40exemple.fr?secret="));
        assert!(qr_svg(&uri).contains("<svg"));
    }
}
