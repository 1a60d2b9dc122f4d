//! Reading an interchange file as people save it: UTF-8 (with or without BOM) or
//! Windows-1252, comma or semicolon separated; records streamed, never the whole file held.

use std::collections::HashMap;
use std::io::{self, Read};

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use encoding_rs_io::DecodeReaderBytesBuilder;

use crate::domain::interchange::{COLUMNS, REQUIRED};

/// The SHA-256 of the file's bytes, in hexadecimal: the same content gives the same digest,
/// whatever the file is called.
pub fn digest(open: Opener) -> io::Result<String> {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    io::copy(&mut open()?, &mut hasher)?;
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Opens the file again for each pass (reading never needs it whole in memory).
pub type Opener<'a> = &'a dyn Fn() -> io::Result<Box<dyn Read>>;

/// How the file is written, found by looking at it.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    pub encoding: &'static Encoding,
    pub delimiter: u8,
}

/// Whether the whole stream is valid UTF-8, read by chunks.
fn is_utf8(mut reader: impl Read) -> io::Result<bool> {
    let mut buffer = vec![0u8; 64 * 1024];
    let mut carried = 0;
    loop {
        let read = reader.read(&mut buffer[carried..])?;
        let filled = carried + read;
        if read == 0 {
            return Ok(filled == 0 || std::str::from_utf8(&buffer[..filled]).is_ok());
        }
        match std::str::from_utf8(&buffer[..filled]) {
            Ok(_) => carried = 0,
            // A character cut by the chunk's end: keep its first bytes for the next round.
            Err(e) if e.error_len().is_none() => {
                let valid = e.valid_up_to();
                buffer.copy_within(valid..filled, 0);
                carried = filled - valid;
            }
            Err(_) => return Ok(false),
        }
    }
}

/// How much of the file is read to find its header line.
const HEADER_PEEK: u64 = 64 * 1024;

/// Semicolons or commas: whichever the header line has more of.
fn delimiter_of(header: &str) -> u8 {
    if header.matches(';').count() >= header.matches(',').count() {
        b';'
    } else {
        b','
    }
}

/// Looks at the file: its encoding, then its header line's separator.
pub fn detect(open: Opener) -> io::Result<Layout> {
    let encoding = if is_utf8(open()?)? { UTF_8 } else { WINDOWS_1252 };
    // The header line ends at the first line break of any kind (CR-only files have no LF),
    // and is read from a bounded start of the file.
    let mut start = Vec::new();
    decoded(open()?, encoding).take(HEADER_PEEK).read_to_end(&mut start)?;
    let start = String::from_utf8_lossy(&start);
    let header = start.split(['\r', '\n']).next().unwrap_or_default();
    Ok(Layout { encoding, delimiter: delimiter_of(header) })
}

/// The file as UTF-8 text, its byte order mark removed.
fn decoded(reader: Box<dyn Read>, encoding: &'static Encoding) -> impl Read {
    DecodeReaderBytesBuilder::new().encoding(Some(encoding)).bom_override(true).build(reader)
}

/// A CSV reader over the decoded file.
pub fn records(open: Opener, layout: Layout) -> io::Result<csv::Reader<Box<dyn Read>>> {
    let text: Box<dyn Read> = Box::new(decoded(open()?, layout.encoding));
    Ok(csv::ReaderBuilder::new().delimiter(layout.delimiter).flexible(true).has_headers(true).from_reader(text))
}

/// Where each known column is in the file; unknown columns are ignored.
#[derive(Debug, Clone)]
pub struct Columns {
    index: HashMap<&'static str, usize>,
}

impl Columns {
    /// Reads the header; names match without regard to case, spaces or a stray BOM.
    pub fn from_header(header: &csv::StringRecord) -> Result<Columns, String> {
        let mut index = HashMap::new();
        for (position, name) in header.iter().enumerate() {
            let name = name.trim_start_matches('\u{FEFF}').trim().to_lowercase();
            if let Some(column) = COLUMNS.iter().find(|c| **c == name) {
                index.insert(*column, position);
            }
        }
        let missing: Vec<&str> = REQUIRED.iter().copied().filter(|c| !index.contains_key(c)).collect();
        if missing.is_empty() {
            Ok(Columns { index })
        } else {
            Err(format!("colonne(s) obligatoire(s) absente(s) de l'en-tête : {}", missing.join(", ")))
        }
    }

    pub fn has(&self, column: &str) -> bool {
        self.index.contains_key(column)
    }

    /// The cells of a record, by column name.
    pub fn cells<'r>(&self, record: &'r csv::StringRecord) -> HashMap<&'static str, &'r str> {
        self.index.iter().map(|(name, position)| (*name, record.get(*position).unwrap_or(""))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opener(bytes: &'static [u8]) -> impl Fn() -> io::Result<Box<dyn Read>> {
        move || Ok(Box::new(io::Cursor::new(bytes)) as Box<dyn Read>)
    }

    #[test]
    fn utf8_with_bom_and_commas() {
        let open = opener("\u{FEFF}reference,received_on\n2026-0001,2026-01-02\n".as_bytes());
        let layout = detect(&open).unwrap();
        assert_eq!((layout.encoding, layout.delimiter), (UTF_8, b','));
        let mut reader = records(&open, layout).unwrap();
        assert_eq!(reader.headers().unwrap().get(0), Some("reference"));
    }

    #[test]
    fn windows_1252_with_semicolons() {
        // « Clôturée » in Windows-1252: ô is 0xF4, é is 0xE9.
        let open = opener(b"status;channel\nCl\xf4tur\xe9e;T\xe9l\xe9phone\n");
        let layout = detect(&open).unwrap();
        assert_eq!((layout.encoding, layout.delimiter), (WINDOWS_1252, b';'));
        let mut reader = records(&open, layout).unwrap();
        let record = reader.records().next().unwrap().unwrap();
        assert_eq!(record.get(0), Some("Clôturée"));
        assert_eq!(record.get(1), Some("Téléphone"));
    }

    #[test]
    fn a_character_cut_between_chunks_is_still_utf8() {
        let mut text = "a".repeat(64 * 1024 - 1);
        text.push('é');
        assert!(is_utf8(io::Cursor::new(text.into_bytes())).unwrap());
        assert!(!is_utf8(io::Cursor::new(b"abc\xe9".to_vec())).unwrap());
    }
}
