//! Photos (case attachments): recognised from their bytes, never from what
//! the client says they are, and cleaned of what could locate or identify
//! someone before anything is stored. A phone writes the shooting position
//! into EXIF (and often XMP); the case carries its own point, so the photo
//! needs none. Only the EXIF orientation survives in JPEG and PNG, so that
//! a photo taken upright still shows upright.

use std::io::Cursor;

use img_parts::jpeg::{Jpeg, markers};
use img_parts::png::Png;
use img_parts::riff::{RiffChunk, RiffContent};
use img_parts::webp::{CHUNK_EXIF, CHUNK_VP8, CHUNK_VP8L, CHUNK_VP8X, CHUNK_XMP, WebP};
use img_parts::{Bytes, ImageEXIF};

crate::closed_set! {
    /// A record other than a case that photos belong to.
    pub enum OwnerKind {
        Visit = "visit", "走访", "Visit";
        Inspection = "inspection", "排查记录", "Inspection";
        Hazard = "hazard", "隐患整改", "Hazard rectification";
        Briefing = "briefing", "政策宣讲", "Policy briefing";
    }
}

crate::closed_set! {
    /// The image types accepted, by their media type.
    pub enum ImageType {
        Jpeg = "image/jpeg", "JPEG 图片", "JPEG image";
        Png = "image/png", "PNG 图片", "PNG image";
        Webp = "image/webp", "WebP 图片", "WebP image";
    }
}

/// Why bytes were not taken as a photo.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    #[error("not a JPEG, PNG or WebP image")]
    Unsupported,
    #[error("the {0} image is damaged and cannot be read")]
    Damaged(&'static str),
}

/// The type the bytes are, from their signature.
pub fn sniff(bytes: &[u8]) -> Option<ImageType> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageType::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageType::Png)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(ImageType::Webp)
    } else {
        None
    }
}

/// A photo as it may be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clean {
    pub kind: ImageType,
    pub bytes: Bytes,
}

/// The image in `bytes` without its metadata: EXIF (GPS, camera, owner),
/// XMP, comments and text; the pixels and colour profile untouched.
pub fn clean(bytes: Bytes) -> Result<Clean, ImageError> {
    let kind = sniff(&bytes).ok_or(ImageError::Unsupported)?;
    let bytes = match kind {
        ImageType::Jpeg => clean_jpeg(bytes),
        ImageType::Png => clean_png(bytes),
        ImageType::Webp => clean_webp(bytes),
    }
    .ok_or(ImageError::Damaged(kind.label_en()))?;
    Ok(Clean { kind, bytes })
}

/// The EXIF orientation (2–8) in TIFF-structured EXIF, if not the default.
fn orientation(tiff: &[u8]) -> Option<u16> {
    let exif = exif::Reader::new().read_raw(tiff.to_vec()).ok()?;
    let value = exif
        .get_field(exif::Tag::Orientation, exif::In::PRIMARY)?
        .value
        .get_uint(0)?;
    u16::try_from(value).ok().filter(|o| (2..=8).contains(o))
}

/// EXIF holding nothing but `orientation`.
fn orientation_only(orientation: u16) -> Option<Bytes> {
    let field = exif::Field {
        tag: exif::Tag::Orientation,
        ifd_num: exif::In::PRIMARY,
        value: exif::Value::Short(vec![orientation]),
    };
    let mut writer = exif::experimental::Writer::new();
    writer.push_field(&field);
    let mut out = Cursor::new(Vec::new());
    writer.write(&mut out, false).ok()?;
    Some(Bytes::from(out.into_inner()))
}

fn clean_jpeg(bytes: Bytes) -> Option<Bytes> {
    let mut jpeg = Jpeg::from_bytes(bytes).ok()?;
    // a picture: a frame header and a scan
    let has = |marker: u8| jpeg.segments().iter().any(|s| s.marker() == marker);
    if !(has(markers::SOS)
        && (markers::SOF0..=markers::SOF15)
            .any(|m| m != markers::DHT && m != markers::JPG && m != markers::DAC && has(m)))
    {
        return None;
    }
    let kept = jpeg.exif().and_then(|e| orientation(&e));
    // APP1: EXIF and XMP; APP13: Photoshop/IPTC; COM: free text. APP0
    // (JFIF), APP2 (ICC profile) and APP14 (Adobe colour) stay.
    for marker in [markers::APP1, markers::APP13, markers::COM] {
        jpeg.remove_segments_by_marker(marker);
    }
    if let Some(exif) = kept.and_then(orientation_only) {
        jpeg.set_exif(Some(exif));
    }
    Some(jpeg.encoder().bytes())
}

fn clean_png(bytes: Bytes) -> Option<Bytes> {
    let mut png = Png::from_bytes(bytes).ok()?;
    let chunks = png.chunks();
    if chunks.first().map(|c| c.kind()) != Some(*b"IHDR")
        || chunks.last().map(|c| c.kind()) != Some(*b"IEND")
        || png.chunk_by_type(*b"IDAT").is_none()
    {
        return None;
    }
    let kept = png.exif().and_then(|e| orientation(&e));
    // eXIf: EXIF; tEXt/zTXt/iTXt: text, including XMP; tIME: when edited
    for chunk in [*b"eXIf", *b"tEXt", *b"zTXt", *b"iTXt", *b"tIME"] {
        png.remove_chunks_by_type(chunk);
    }
    if let Some(exif) = kept.and_then(orientation_only) {
        png.set_exif(Some(exif));
    }
    Some(png.encoder().bytes())
}

/// The VP8X flags of a WebP carrying EXIF and XMP (WebP container spec).
const VP8X_EXIF: u8 = 0x08;
const VP8X_XMP: u8 = 0x04;

fn clean_webp(bytes: Bytes) -> Option<Bytes> {
    let mut webp = WebP::from_bytes(bytes).ok()?;
    if ![CHUNK_VP8, CHUNK_VP8L].iter().any(|&id| webp.has_chunk(id)) {
        return None;
    }
    webp.remove_chunks_by_id(CHUNK_EXIF);
    webp.remove_chunks_by_id(CHUNK_XMP);
    // the extended header announces metadata; it must no longer
    if let Some(header) = webp.chunks_mut().iter_mut().find(|c| c.id() == CHUNK_VP8X) {
        let mut data = header.content().data()?.to_vec();
        *data.first_mut()? &= !(VP8X_EXIF | VP8X_XMP);
        *header = RiffChunk::new(CHUNK_VP8X, RiffContent::Data(Bytes::from(data)));
    }
    Some(webp.encoder().bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    const JPEG: &[u8] = include_bytes!("../tests/fixtures/photo.jpg");
    const PNG: &[u8] = include_bytes!("../tests/fixtures/photo.png");
    const WEBP: &[u8] = include_bytes!("../tests/fixtures/photo.webp");

    /// What the fixtures carry (make_fixtures.py): a GPS position, a camera
    /// make and an XMP packet with the position again.
    fn leaks(bytes: &[u8]) -> Vec<&'static str> {
        let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
        let mut found = Vec::new();
        if has(b"GridPhone") {
            found.push("camera make");
        }
        if has(b"xmpmeta") || has(b"GPSLatitude") {
            found.push("XMP");
        }
        if let Ok(exif) = exif::Reader::new().read_from_container(&mut Cursor::new(bytes))
            && exif.fields().any(|f| f.tag.context() == exif::Context::Gps)
        {
            found.push("GPS");
        }
        found
    }

    #[test]
    fn the_fixtures_do_carry_a_position() {
        for (name, bytes) in [("jpeg", JPEG), ("png", PNG), ("webp", WEBP)] {
            assert!(leaks(bytes).contains(&"camera make"), "{name}");
            assert!(leaks(bytes).contains(&"GPS") || name == "webp", "{name}");
        }
        assert!(leaks(JPEG).contains(&"XMP") && leaks(PNG).contains(&"XMP"));
    }

    #[test]
    fn sniffs_by_signature_only() {
        assert_eq!(sniff(JPEG), Some(ImageType::Jpeg));
        assert_eq!(sniff(PNG), Some(ImageType::Png));
        assert_eq!(sniff(WEBP), Some(ImageType::Webp));
        assert_eq!(sniff(b"GIF89a\x01\x00"), None);
        assert_eq!(sniff(b"%PDF-1.7"), None);
        assert_eq!(sniff(b"RIFF\0\0\0\0WAVEfmt "), None);
        assert_eq!(sniff(b""), None);
        assert_eq!(
            clean(Bytes::from_static(
                b"<svg xmlns='http://www.w3.org/2000/svg'/>"
            )),
            Err(ImageError::Unsupported)
        );
    }

    #[test]
    fn every_type_loses_its_metadata_and_keeps_its_pixels() {
        for (bytes, kind) in [
            (JPEG, ImageType::Jpeg),
            (PNG, ImageType::Png),
            (WEBP, ImageType::Webp),
        ] {
            let clean = clean(Bytes::from_static(bytes)).unwrap();
            assert_eq!(clean.kind, kind);
            assert_eq!(leaks(&clean.bytes), Vec::<&str>::new(), "{kind}");
            assert!(clean.bytes.len() < bytes.len(), "{kind}");
            // cleaning twice changes nothing: the result is a fixed point
            assert_eq!(
                super::clean(clean.bytes.clone()).unwrap().bytes,
                clean.bytes,
                "{kind}"
            );
        }
    }

    #[test]
    fn the_orientation_survives_in_jpeg_and_png() {
        for bytes in [JPEG, PNG] {
            let clean = clean(Bytes::from_static(bytes)).unwrap();
            let exif = exif::Reader::new()
                .read_from_container(&mut Cursor::new(clean.bytes.as_ref()))
                .unwrap();
            let fields: Vec<_> = exif.fields().map(|f| f.tag).collect();
            assert_eq!(fields, vec![exif::Tag::Orientation]);
            assert_eq!(
                exif.get_field(exif::Tag::Orientation, exif::In::PRIMARY)
                    .and_then(|f| f.value.get_uint(0)),
                Some(6)
            );
        }
    }

    #[test]
    fn the_image_data_is_byte_for_byte_the_same() {
        // the JPEG's entropy-coded scan is untouched
        let scan = |bytes: &[u8]| {
            let at = bytes.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
            bytes[at..].to_vec()
        };
        let clean_jpeg = clean(Bytes::from_static(JPEG)).unwrap();
        assert_eq!(scan(&clean_jpeg.bytes), scan(JPEG));
        // the PNG's pixel chunks are untouched
        let idat = |bytes: &[u8]| {
            let png = Png::from_bytes(Bytes::copy_from_slice(bytes)).unwrap();
            png.chunks_by_type(*b"IDAT")
                .map(|c| c.contents().clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            idat(&clean(Bytes::from_static(PNG)).unwrap().bytes),
            idat(PNG)
        );
    }

    #[test]
    fn a_truncated_image_is_damaged_not_a_panic() {
        for (bytes, kind) in [
            (JPEG, "JPEG image"),
            (PNG, "PNG image"),
            (WEBP, "WebP image"),
        ] {
            for cut in [12, 40, bytes.len() / 2] {
                let result = clean(Bytes::copy_from_slice(&bytes[..cut]));
                assert!(
                    matches!(result, Err(ImageError::Damaged(k)) if k == kind) || result.is_ok(),
                    "{kind} cut at {cut}: {result:?}"
                );
            }
        }
        assert_eq!(
            clean(Bytes::from_static(b"\x89PNG\r\n\x1a\n")),
            Err(ImageError::Damaged("PNG image"))
        );
    }
}
