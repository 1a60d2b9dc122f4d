//! Attached files: what is accepted (PDF, JPEG, PNG of 5 MB at most, 3 per submission),
//! recognised from their content, never from their name.

pub const MAX_SIZE: u64 = 5 * 1024 * 1024;
pub const MAX_FILES: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    Jpeg,
    Png,
}

impl FileKind {
    /// The type a file's first bytes reveal, if it is one we accept.
    pub fn detect(bytes: &[u8]) -> Option<FileKind> {
        if bytes.starts_with(b"%PDF-") {
            Some(FileKind::Pdf)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(FileKind::Jpeg)
        } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(FileKind::Png)
        } else {
            None
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Jpeg => "jpg",
            FileKind::Png => "png",
        }
    }
}

/// The checks of an upload, for a file that came another way (an e-mail): its safe name and
/// type, or why it is refused (in French, for the person who reads the list of refused files).
pub fn check(raw_name: &str, data: &[u8]) -> Result<(String, FileKind), &'static str> {
    if data.len() as u64 > MAX_SIZE {
        return Err("plus de 5 Mo");
    }
    if data.is_empty() {
        return Err("fichier vide");
    }
    let kind = FileKind::detect(data).ok_or("type non accepté (PDF, JPEG ou PNG seulement)")?;
    Ok((safe_file_name(raw_name, kind), kind))
}

/// A file name safe to store and to send back: letters, digits, `-`, `_` and spaces kept,
/// the extension given by the detected type.
pub fn safe_file_name(raw: &str, kind: FileKind) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let stem = base.rsplit_once('.').map(|(stem, _)| stem).unwrap_or(base);
    let cleaned: String = stem
        .chars()
        .map(|c| if c.is_alphanumeric() || matches!(c, '-' | '_' | ' ') { c } else { '_' })
        .take(80)
        .collect();
    let cleaned = cleaned.trim();
    let stem = if cleaned.is_empty() { "piece-jointe" } else { cleaned };
    format!("{stem}.{}", kind.extension())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_content() {
        assert_eq!(FileKind::detect(b"%PDF-1.7 ..."), Some(FileKind::Pdf));
        assert_eq!(FileKind::detect(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(FileKind::Jpeg));
        assert_eq!(FileKind::detect(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]), Some(FileKind::Png));
        assert_eq!(FileKind::detect(b"MZ not a pdf"), None);
        assert_eq!(FileKind::detect(b"<html>"), None);
    }

    #[test]
    fn names_are_cleaned_and_take_the_detected_extension() {
        assert_eq!(safe_file_name("../../etc/passwd", FileKind::Pdf), "passwd.pdf");
        assert_eq!(safe_file_name("facture <mars>.exe", FileKind::Png), "facture _mars_.png");
        assert_eq!(safe_file_name("", FileKind::Jpeg), "piece-jointe.jpg");
    }
}
