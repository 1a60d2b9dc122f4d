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
    /// Bytes of the header line's end (2 for CRLF, 1 for LF or CR): what one empty line costs.
    pub line_end: u64,
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
    let line_end = if start[header.len()..].starts_with("\r\n") { 2 } else { 1 };
    Ok(Layout { encoding, delimiter: delimiter_of(header), line_end })
}

/// The file as UTF-8 text, its byte order mark removed.
fn decoded(reader: Box<dyn Read>, encoding: &'static Encoding) -> impl Read {
    DecodeReaderBytesBuilder::new().encoding(Some(encoding)).bom_override(true).build(reader)
}

/// Decoded text in which each empty line holds one separator: the CSV reader skips empty lines,
/// a spreadsheet shows them as rows, and record numbers must stay the spreadsheet's rows. Line
/// breaks inside quoted cells are left alone.
struct EmptyLinesKept<R> {
    inner: R,
    separator: u8,
    in_quotes: bool,
    at_line_start: bool,
    after_cr: bool,
    out: Vec<u8>,
    taken: usize,
}

impl<R: Read> EmptyLinesKept<R> {
    fn new(inner: R, separator: u8) -> Self {
        EmptyLinesKept {
            inner,
            separator,
            in_quotes: false,
            at_line_start: false,
            after_cr: false,
            out: Vec::new(),
            taken: 0,
        }
    }

    fn refill(&mut self) -> io::Result<()> {
        let mut chunk = [0u8; 8 * 1024];
        let read = self.inner.read(&mut chunk)?;
        self.out.clear();
        self.taken = 0;
        for &byte in &chunk[..read] {
            let line_end = !self.in_quotes && matches!(byte, b'\r' | b'\n');
            let crlf = byte == b'\n' && self.after_cr;
            if line_end && self.at_line_start && !crlf {
                self.out.push(self.separator);
            }
            if byte == b'"' {
                self.in_quotes = !self.in_quotes;
            }
            self.at_line_start = line_end || (crlf && self.at_line_start);
            self.after_cr = !self.in_quotes && byte == b'\r';
            self.out.push(byte);
        }
        Ok(())
    }
}

impl<R: Read> Read for EmptyLinesKept<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.taken == self.out.len() {
            self.refill()?;
        }
        let count = buf.len().min(self.out.len() - self.taken);
        buf[..count].copy_from_slice(&self.out[self.taken..self.taken + count]);
        self.taken += count;
        Ok(count)
    }
}

/// A CSV reader over the decoded file, one record per spreadsheet row (empty lines included).
pub fn records(open: Opener, layout: Layout) -> io::Result<csv::Reader<Box<dyn Read>>> {
    let text: Box<dyn Read> = Box::new(EmptyLinesKept::new(decoded(open()?, layout.encoding), layout.delimiter));
    Ok(csv::ReaderBuilder::new().delimiter(layout.delimiter).flexible(true).has_headers(true).from_reader(text))
}

/// The records of a file with their row in a spreadsheet: the header is row 1, each record is
/// one row whatever line breaks its quoted cells hold, and each empty line (which the CSV
/// reader skips) is a row too, as a spreadsheet shows it.
pub struct Rows {
    reader: csv::Reader<Box<dyn Read>>,
    record: csv::StringRecord,
    row: u64,
    /// Where the last record (or the header) ended, in bytes of the decoded text.
    end: u64,
    line_end: u64,
}

impl Rows {
    pub fn new(open: Opener, layout: Layout) -> Result<Rows, csv::Error> {
        let mut reader = records(open, layout)?;
        reader.headers()?;
        let end = reader.position().byte();
        Ok(Rows { reader, record: csv::StringRecord::new(), row: 1, end, line_end: layout.line_end.max(1) })
    }

    /// The next record and its row, or `None` at the end of the file.
    pub fn next_record(&mut self) -> Result<Option<(u64, &csv::StringRecord)>, csv::Error> {
        if !self.reader.read_record(&mut self.record)? {
            return Ok(None);
        }
        let start = self.record.position().map(|p| p.byte()).unwrap_or(self.end);
        // Between two records lie only the empty lines the reader skipped (and, for CRLF, the
        // LF of the previous line's end): one row each.
        self.row += 1 + start.saturating_sub(self.end) / self.line_end;
        self.end = self.reader.position().byte();
        Ok(Some((self.row, &self.record)))
    }
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

    /// The first cell of each record, record `i` being row `i + 2`.
    fn first_cells(text: String) -> Vec<String> {
        let bytes = text.into_bytes();
        let open = move || Ok(Box::new(io::Cursor::new(bytes.clone())) as Box<dyn Read>);
        let mut reader = records(&open, detect(&open).unwrap()).unwrap();
        reader.records().map(|r| r.unwrap().get(0).unwrap_or("").to_string()).collect()
    }

    #[test]
    fn one_record_per_spreadsheet_row_for_every_line_end() {
        for eol in ["\n", "\r\n", "\r"] {
            let text = format!(
                "a;b{eol}1;\"x{eol}y\"{eol}2;\"{eol}{eol}\"{eol}{eol}3;z{eol}{eol}{eol}4;\"\"\"w\"\"{eol}\"{eol}5;v"
            );
            // Rows 2 and 3 hold line breaks; rows 4, 6 and 7 are empty.
            assert_eq!(first_cells(text), ["1", "2", "", "3", "", "", "4", "5"], "{eol:?}");
        }
        let kept = first_cells("a;b\n1;\"x\n\ny\"\n".into());
        assert_eq!(kept, ["1"], "an empty line inside a quoted cell is the cell's");
    }

    proptest::proptest! {
        /// Whatever the cells hold (separators, quotes, line breaks of any kind) and whatever
        /// empty lines lie between records, each record and each empty line is one row.
        #[test]
        fn each_record_and_each_empty_line_is_one_row(
            records in proptest::collection::vec(
                (proptest::collection::vec("[aé;\"\r\n ]{0,6}", 2), 0usize..3),
                1..20,
            ),
            eol in proptest::sample::select(vec!["\n", "\r\n", "\r"]),
        ) {
            let terminator = match eol {
                "\r\n" => csv::Terminator::CRLF,
                other => csv::Terminator::Any(other.as_bytes()[0]),
            };
            let mut text = format!("a;b{eol}");
            let mut expected = Vec::new();
            for (cells, empty_lines) in &records {
                let mut writer = csv::WriterBuilder::new()
                    .delimiter(b';')
                    .terminator(terminator)
                    .quote_style(csv::QuoteStyle::Always)
                    .from_writer(Vec::new());
                writer.write_record(cells).unwrap();
                text.push_str(&String::from_utf8(writer.into_inner().unwrap()).unwrap());
                expected.push(cells[0].clone());
                for _ in 0..*empty_lines {
                    text.push_str(eol);
                    expected.push(String::new());
                }
            }
            proptest::prop_assert_eq!(first_cells(text), expected);
        }
    }

    #[test]
    fn a_character_cut_between_chunks_is_still_utf8() {
        let mut text = "a".repeat(64 * 1024 - 1);
        text.push('é');
        assert!(is_utf8(io::Cursor::new(text.into_bytes())).unwrap());
        assert!(!is_utf8(io::Cursor::new(b"abc\xe9".to_vec())).unwrap());
    }
}
