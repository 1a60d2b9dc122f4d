//! The letterhead's logo: a JPEG placed in the PDF as it is (`DCTDecode`; its size and
//! colours come from the JPEG's frame header), or a PNG decoded to RGB (transparency laid
//! on white) and compressed with the rest of the file.

use std::collections::BTreeMap;

use printpdf::{DictItem, ExternalStream, ExternalXObject, XObject, XObjectId};

/// Width, height and colour components of a JPEG, read from its start-of-frame segment.
pub fn jpeg_frame(bytes: &[u8]) -> Option<(u16, u16, u8)> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut at = 2;
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            return None;
        }
        let marker = bytes[at + 1];
        if marker == 0xFF {
            at += 1;
            continue;
        }
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        let is_frame = (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_frame {
            let frame = bytes.get(at + 4..at + 10)?;
            let height = u16::from_be_bytes([frame[1], frame[2]]);
            let width = u16::from_be_bytes([frame[3], frame[4]]);
            return (width > 0 && height > 0).then_some((width, height, frame[5]));
        }
        at += 2 + length;
    }
    None
}

/// The logo as an image object, and its width over height; `None` if unreadable.
pub fn xobject(bytes: &[u8]) -> Option<(XObjectId, XObject, f32)> {
    if bytes.starts_with(PNG_SIGNATURE) {
        return png_xobject(bytes);
    }
    let (width, height, components) = jpeg_frame(bytes)?;
    let space = match components {
        1 => "DeviceGray",
        3 => "DeviceRGB",
        4 => "DeviceCMYK",
        _ => return None,
    };
    let name = |n: &str| DictItem::Name(n.as_bytes().to_vec());
    let mut dict = BTreeMap::new();
    dict.insert("Type".to_string(), name("XObject"));
    dict.insert("Subtype".to_string(), name("Image"));
    dict.insert("Width".to_string(), DictItem::Int(i64::from(width)));
    dict.insert("Height".to_string(), DictItem::Int(i64::from(height)));
    dict.insert("ColorSpace".to_string(), name(space));
    dict.insert("BitsPerComponent".to_string(), DictItem::Int(8));
    dict.insert("Filter".to_string(), name("DCTDecode"));
    if components == 4 {
        // Adobe's CMYK JPEGs are stored inverted.
        let decode = [1, 0, 1, 0, 1, 0, 1, 0].into_iter().map(DictItem::Int).collect();
        dict.insert("Decode".to_string(), DictItem::Array(decode));
    }
    let stream = ExternalStream { dict, content: bytes.to_vec(), compress: false };
    Some(finish(bytes, stream, u32::from(width), u32::from(height)))
}

pub const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Largest logo decoded: 16 million pixels (a small file may announce a huge image).
const MAX_PIXELS: u64 = 16_000_000;

/// A PNG as 8-bit RGB samples, its alpha (if any) laid on a white page.
fn png_xobject(bytes: &[u8]) -> Option<(XObjectId, XObject, f32)> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_limits(png::Limits { bytes: 128 * 1024 * 1024 });
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().ok()?;
    let (width, height) = (reader.info().width, reader.info().height);
    if width == 0 || height == 0 || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return None;
    }
    let mut buffer = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut buffer).ok()?;
    let samples = buffer.get(..frame.buffer_size())?;
    let on_white = |value: u8, alpha: u8| {
        let (v, a) = (u16::from(value), u16::from(alpha));
        ((v * a + 255 * (255 - a) + 127) / 255) as u8
    };
    let rgb: Vec<u8> = match frame.color_type {
        png::ColorType::Rgb => samples.to_vec(),
        png::ColorType::Rgba => samples.chunks_exact(4).flat_map(|p| [0, 1, 2].map(|i| on_white(p[i], p[3]))).collect(),
        png::ColorType::Grayscale => samples.iter().flat_map(|g| [*g; 3]).collect(),
        png::ColorType::GrayscaleAlpha => samples.chunks_exact(2).flat_map(|p| [on_white(p[0], p[1]); 3]).collect(),
        png::ColorType::Indexed => return None,
    };
    if rgb.len() as u64 != u64::from(width) * u64::from(height) * 3 {
        return None;
    }
    let name = |n: &str| DictItem::Name(n.as_bytes().to_vec());
    let mut dict = BTreeMap::new();
    dict.insert("Type".to_string(), name("XObject"));
    dict.insert("Subtype".to_string(), name("Image"));
    dict.insert("Width".to_string(), DictItem::Int(i64::from(width)));
    dict.insert("Height".to_string(), DictItem::Int(i64::from(height)));
    dict.insert("ColorSpace".to_string(), name("DeviceRGB"));
    dict.insert("BitsPerComponent".to_string(), DictItem::Int(8));
    let stream = ExternalStream { dict, content: rgb, compress: true };
    Some(finish(bytes, stream, width, height))
}

fn finish(bytes: &[u8], stream: ExternalStream, width: u32, height: u32) -> (XObjectId, XObject, f32) {
    let object = ExternalXObject { stream, width: None, height: None, dpi: None };
    // A name derived from the bytes, so that the same letter gives the same file.
    let digest: u32 = bytes.iter().fold(2166136261u32, |h, b| (h ^ u32::from(*b)).wrapping_mul(16777619));
    let id = XObjectId(format!("Logo{digest:08x}"));
    (id, XObject::External(object), width as f32 / height as f32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_uploaded_bytes_are_read_or_refused_without_panic(tail in proptest::collection::vec(any::<u8>(), 0..200)) {
            let mut bytes = vec![0xFF, 0xD8];
            bytes.extend(tail.iter().copied());
            let _ = xobject(&bytes);
            let mut bytes = PNG_SIGNATURE.to_vec();
            bytes.extend(tail);
            let _ = xobject(&bytes);
        }
    }

    #[test]
    fn reads_the_frame_of_a_jpeg_and_refuses_anything_else() {
        // SOI, an APP0 segment, then SOF0: 8 bits, 20 high, 40 wide, 3 components.
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00];
        jpeg.extend([0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x14, 0x00, 0x28, 0x03]);
        assert_eq!(jpeg_frame(&jpeg), Some((40, 20, 3)));
        assert!(xobject(&jpeg).is_some_and(|(_, _, ratio)| (ratio - 2.0).abs() < 1e-6));
        assert_eq!(jpeg_frame(PNG_SIGNATURE), None);
        assert_eq!(jpeg_frame(&[0xFF, 0xD8, 0xFF]), None);
        assert_eq!(jpeg_frame(&[0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xFF]), None);
    }

    #[test]
    fn a_transparent_png_is_laid_on_white() {
        let mut file = Vec::new();
        {
            let mut encoder = png::Encoder::new(&mut file, 2, 1);
            encoder.set_color(png::ColorType::Rgba);
            let mut writer = encoder.write_header().unwrap();
            writer.write_image_data(&[255, 0, 0, 255, 0, 0, 0, 0]).unwrap();
        }
        let (_, XObject::External(image), ratio) = xobject(&file).unwrap() else { panic!("image externe attendue") };
        assert_eq!(image.stream.content, vec![255, 0, 0, 255, 255, 255]);
        assert!((ratio - 2.0).abs() < 1e-6);
    }
}
