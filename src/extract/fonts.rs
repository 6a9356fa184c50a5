//! Fonts: how the bytes of a shown string become codes, Unicode text and advance widths.
//!
//! In: a font dictionary of the loaded document. Out: a [`Font`] whose [`Font::decode`]
//! splits a string into [`Glyph`]s (code, text, width in text-space units, word-space flag).
//!
//! Main types: [`Font`] with a [`FontKind`]: simple fonts (Type1, TrueType, Type3, MMType1:
//! one byte per code, a 256-entry text table and widths) and composite Type 0 fonts (codes
//! split by the CMap's codespace, CIDs, `/W` widths, optional vertical writing).
//!
//! Design: text per code is resolved in priority order ToUnicode → encoding glyph name →
//! base encoding, because producers' ToUnicode maps are the most direct statement of intent,
//! while pdfTeX-style fonts without one still carry glyph names. For simple fonts the text
//! table is computed once at load. Missing widths fall back to the metrics of the standard 14
//! fonts ([`super::stdmetrics`]), since glyph positions depend on them.
//!
//! Known limits: font programs are not parsed, except the `cmap` table of an embedded
//! TrueType font as a last resort without ToUnicode ([`super::truetype`]), so built-in
//! encodings of embedded Type 1/CFF fonts are unknown; CID fonts without a ToUnicode map, with
//! a non-Unicode character collection (e.g. Adobe-Japan1) and no TrueType program give no
//! text.
//!
//! Speed: texts are shared [`Rc<str>`]s, so decoding a glyph clones a pointer instead of
//! allocating a string, and the CID tables use foldhash (seeded, fast; one lookup per glyph).

use std::rc::Rc;

use foldhash::HashMap as FastMap;

use lopdf::{Dictionary, Document, Object};

use super::cmap::CMap;
use super::encoding::{BaseEncoding, SimpleEncoding};
use super::pdfobj::{self, Budget};
use super::stdmetrics::StdMetrics;
use super::truetype::{self, Cmaps};

/// One decoded code of a shown string.
#[derive(Debug, Clone)]
pub struct Glyph {
    /// Unicode text (may be empty when the code has no known meaning).
    pub text: Rc<str>,
    /// Horizontal advance in text space for a font size of 1 (vertical fonts: vertical advance).
    pub width: f32,
    /// Single-byte code 32: word spacing (`Tw`) applies.
    pub is_word_space: bool,
}

/// The two families of fonts.
#[derive(Debug)]
pub enum FontKind {
    /// One byte per code.
    Simple {
        /// Text per code (index = code).
        text: Vec<Rc<str>>,
        /// Width per code in text space for size 1.
        widths: Vec<f32>,
    },
    /// Type 0: multi-byte codes → CIDs.
    Composite {
        /// The encoding CMap (codespace and CIDs).
        encoding: Box<CMap>,
        /// Widths by CID in text space for size 1.
        widths: FastMap<u32, f32>,
        /// Width ranges (first CID, last CID, width).
        width_ranges: Vec<(u32, u32, f32)>,
        /// Default width.
        default_width: f32,
        /// Codes are Unicode when no ToUnicode exists (Unicode character collection).
        unicode_collection: bool,
        /// Text by CID from the embedded TrueType font's cmap (used without ToUnicode).
        cid_text: FastMap<u32, Rc<str>>,
        /// The empty text, shared by every code without one.
        no_text: Rc<str>,
    },
}

/// A loaded font.
#[derive(Debug)]
pub struct Font {
    /// Simple or composite.
    pub kind: FontKind,
    /// The ToUnicode map, when present and non-empty.
    pub to_unicode: Option<CMap>,
    /// Vertical writing (Identity-V etc.).
    pub vertical: bool,
    /// Scale of glyph height relative to a standard 1/1000 font matrix (Type 3 fonts differ).
    pub size_scale: f32,
}

impl Font {
    /// A stand-in font for a missing or unreadable font resource: Latin-1 codes, width 0.5.
    pub fn fallback() -> Self {
        let text = (0..=255u8)
            .map(|c| {
                BaseEncoding::WinAnsi
                    .decode(c)
                    .map_or_else(|| Rc::from(""), |c| Rc::from(String::from(c)))
            })
            .collect();
        Self {
            kind: FontKind::Simple {
                text,
                widths: vec![0.5; 256],
            },
            to_unicode: None,
            vertical: false,
            size_scale: 1.0,
        }
    }

    /// Loads a font from its dictionary.
    pub fn load(doc: &Document, dict: &Dictionary, budget: &Budget) -> Self {
        let subtype = pdfobj::get_name(doc, dict, b"Subtype").unwrap_or_default();
        let to_unicode = match pdfobj::get(doc, dict, b"ToUnicode") {
            Some(Object::Stream(s)) => budget.decode(s).ok().map(|d| CMap::parse(&d)),
            Some(Object::Name(n)) => CMap::predefined(n),
            _ => None,
        }
        .filter(CMap::has_unicode);
        if subtype == b"Type0" {
            return Self::load_type0(doc, dict, to_unicode, budget);
        }
        Self::load_simple(doc, dict, subtype, to_unicode, budget)
    }

    fn load_simple(
        doc: &Document,
        dict: &Dictionary,
        subtype: &[u8],
        to_unicode: Option<CMap>,
        budget: &Budget,
    ) -> Self {
        let base_font = pdfobj::get_name(doc, dict, b"BaseFont").unwrap_or_default();
        let base_name = String::from_utf8_lossy(base_font).to_ascii_lowercase();
        let descriptor = pdfobj::get_dict(doc, dict, b"FontDescriptor");
        let flags = descriptor
            .and_then(|d| pdfobj::get_num(doc, d, b"Flags"))
            .unwrap_or(0.0) as i64;
        let symbolic = flags & 4 != 0;
        let is_type3 = subtype == b"Type3";

        let default_base = if base_name.contains("zapfdingbats") || base_name.contains("dingbats") {
            BaseEncoding::ZapfDingbats
        } else if base_name == "symbol" || base_name.ends_with("+symbol") {
            BaseEncoding::Symbol
        } else if subtype == b"TrueType" || (symbolic && !is_type3) {
            BaseEncoding::WinAnsi
        } else {
            BaseEncoding::Standard
        };
        let mut enc = SimpleEncoding::new(default_base);
        match pdfobj::get(doc, dict, b"Encoding") {
            Some(Object::Name(n)) => {
                if let Some(b) = BaseEncoding::from_name(n) {
                    enc = SimpleEncoding::new(b);
                }
            }
            Some(Object::Dictionary(ed)) => {
                if let Some(b) =
                    pdfobj::get_name(doc, ed, b"BaseEncoding").and_then(BaseEncoding::from_name)
                {
                    enc = SimpleEncoding::new(b);
                }
                if let Some(diffs) = pdfobj::get_array(doc, ed, b"Differences") {
                    let mut code: i64 = 0;
                    for item in diffs.iter().take(4096) {
                        match pdfobj::resolve(doc, item) {
                            Some(Object::Integer(i)) => code = *i,
                            Some(Object::Name(n)) => {
                                if let Ok(c) = u8::try_from(code) {
                                    enc.apply_difference(c, &String::from_utf8_lossy(n));
                                }
                                code += 1;
                            }
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }

        let mut text: Vec<String> = (0..=255u8).map(|c| enc.get(c).to_string()).collect();
        if let Some(tu) = &to_unicode {
            for (c, slot) in (0..=255u8).zip(text.iter_mut()) {
                if let Some(t) = tu.lookup_unicode(u32::from(c), 1) {
                    *slot = t.to_string();
                }
            }
        } else if subtype == b"TrueType" {
            // Last resort: the embedded font's own cmap, for codes nothing else explains
            // (gNN glyph names) and for symbolic fonts that name no encoding at all.
            let guessed = symbolic && !dict.has(b"Encoding");
            if (guessed || text.iter().any(String::is_empty))
                && let Some(cmaps) = descriptor.and_then(|d| embedded_cmaps(doc, d, budget))
            {
                for (c, slot) in (0..=255u8).zip(text.iter_mut()) {
                    if (guessed || slot.is_empty())
                        && let Some(ch) =
                            cmaps.glyph_for_code(c).and_then(|g| cmaps.unicode.get(&g))
                    {
                        *slot = ch.to_string();
                    }
                }
            }
        }

        // Widths.
        let mut scale = 0.001f32;
        let mut size_scale = 1.0f32;
        if is_type3
            && let Some(m) = pdfobj::get_array(doc, dict, b"FontMatrix")
                .and_then(|a| pdfobj::num_array::<6>(doc, a))
        {
            scale = m[0];
            let d = m[3].abs();
            if d > 0.0 && d.is_finite() {
                size_scale = (d * 1000.0).clamp(0.01, 100.0);
            }
        }
        let missing = descriptor
            .and_then(|d| pdfobj::get_num(doc, d, b"MissingWidth"))
            .unwrap_or(0.0);
        let mut widths = vec![f32::NAN; 256];
        let first = pdfobj::get_num(doc, dict, b"FirstChar").unwrap_or(0.0) as i64;
        if let Some(ws) = pdfobj::get_array(doc, dict, b"Widths") {
            for (i, w) in ws.iter().enumerate().take(256) {
                let code = first + i as i64;
                if let (Ok(c), Some(w)) = (
                    usize::try_from(code),
                    pdfobj::resolve(doc, w).and_then(pdfobj::num),
                ) && let Some(slot) = widths.get_mut(c)
                {
                    *slot = w * scale;
                }
            }
        }
        let metrics = StdMetrics::for_name(&base_name);
        for (slot, t) in widths.iter_mut().zip(text.iter()) {
            if slot.is_nan() || (*slot == 0.0 && !is_type3 && missing > 0.0) {
                *slot = if missing > 0.0 {
                    missing * scale
                } else {
                    metrics.width(t)
                };
            }
        }
        let text = text.into_iter().map(Rc::from).collect();
        Self {
            kind: FontKind::Simple { text, widths },
            to_unicode,
            vertical: false,
            size_scale,
        }
    }

    fn load_type0(
        doc: &Document,
        dict: &Dictionary,
        to_unicode: Option<CMap>,
        budget: &Budget,
    ) -> Self {
        let encoding = match pdfobj::get(doc, dict, b"Encoding") {
            Some(Object::Name(n)) => CMap::predefined(n),
            Some(Object::Stream(s)) => budget.decode(s).ok().map(|d| CMap::parse(&d)),
            _ => None,
        };
        let descendant = pdfobj::get_array(doc, dict, b"DescendantFonts")
            .and_then(|a| a.first())
            .and_then(|o| pdfobj::resolve(doc, o))
            .and_then(pdfobj::as_dict);
        let unicode_encoding = encoding
            .as_ref()
            .is_some_and(|e| e.lookup_cid(0x41, 2).is_some() && e.has_unicode());
        let encoding = match encoding {
            Some(e) if e.has_codespace() => e,
            _ => CMap::predefined(b"Identity-H").unwrap_or_default(),
        };
        let mut widths = FastMap::default();
        let mut width_ranges = Vec::new();
        let mut default_width = 1.0;
        let mut unicode_collection = unicode_encoding;
        if let Some(d) = descendant {
            if let Some(dw) = pdfobj::get_num(doc, d, b"DW") {
                default_width = dw / 1000.0;
            }
            if let Some(w) = pdfobj::get_array(doc, d, b"W") {
                parse_cid_widths(doc, w, &mut widths, &mut width_ranges);
            }
            if let Some(info) = pdfobj::get_dict(doc, d, b"CIDSystemInfo")
                && let Some(Object::String(ord, _)) = pdfobj::get(doc, info, b"Ordering")
            {
                unicode_collection |= ord == b"UCS";
            }
        }
        let mut cid_text = FastMap::default();
        if to_unicode.is_none()
            && !unicode_collection
            && let Some(d) = descendant
            && let Some(cmaps) = pdfobj::get_dict(doc, d, b"FontDescriptor")
                .and_then(|fd| embedded_cmaps(doc, fd, budget))
        {
            // Last resort: CID → glyph (CIDToGIDMap) → character (the font's cmap).
            match pdfobj::get(doc, d, b"CIDToGIDMap") {
                Some(Object::Stream(s)) => {
                    if let Ok(map) = budget.decode(s) {
                        for (cid, pair) in map.chunks_exact(2).take(65_536).enumerate() {
                            let glyph = u16::from_be_bytes([pair[0], pair[1]]);
                            if let Some(c) = cmaps.unicode.get(&glyph) {
                                cid_text.insert(cid as u32, Rc::from(c.to_string()));
                            }
                        }
                    }
                }
                _ => {
                    for (glyph, c) in &cmaps.unicode {
                        cid_text.insert(u32::from(*glyph), Rc::from(c.to_string()));
                    }
                }
            }
        }
        let vertical = encoding.vertical;
        Self {
            kind: FontKind::Composite {
                encoding: Box::new(encoding),
                widths,
                width_ranges,
                default_width,
                unicode_collection,
                cid_text,
                no_text: Rc::from(""),
            },
            to_unicode,
            vertical,
            size_scale: 1.0,
        }
    }

    /// Decodes a shown string into glyphs, calling `f` for each.
    pub fn decode(&self, bytes: &[u8], mut f: impl FnMut(Glyph)) {
        match &self.kind {
            FontKind::Simple { text, widths } => {
                for &b in bytes {
                    let i = usize::from(b);
                    let Some(t) = text.get(i) else { continue };
                    f(Glyph {
                        text: Rc::clone(t),
                        width: widths.get(i).copied().unwrap_or(0.5),
                        is_word_space: b == b' ',
                    });
                }
            }
            FontKind::Composite {
                encoding,
                widths,
                width_ranges,
                default_width,
                unicode_collection,
                cid_text,
                no_text,
            } => {
                let mut rest = bytes;
                while let Some((code, len)) = encoding.next_code(rest) {
                    rest = rest.get(len..).unwrap_or_default();
                    let cid = encoding.lookup_cid(code, len).unwrap_or(0);
                    let text = self
                        .to_unicode
                        .as_ref()
                        .and_then(|tu| tu.lookup_unicode(code, len))
                        .or_else(|| encoding.lookup_unicode(code, len))
                        .or_else(|| {
                            (*unicode_collection)
                                .then(|| char::from_u32(cid))
                                .flatten()
                                .map(|c| Rc::from(c.encode_utf8(&mut [0; 4]) as &str))
                        })
                        .or_else(|| cid_text.get(&cid).cloned())
                        .unwrap_or_else(|| Rc::clone(no_text));
                    let width = if self.vertical {
                        1.0
                    } else {
                        widths.get(&cid).copied().unwrap_or_else(|| {
                            width_ranges
                                .iter()
                                .find(|(lo, hi, _)| *lo <= cid && cid <= *hi)
                                .map_or(*default_width, |r| r.2)
                        })
                    };
                    f(Glyph {
                        text,
                        width,
                        is_word_space: len == 1 && code == 32,
                    });
                }
            }
        }
    }
}

/// The cmap of the TrueType program embedded through a font descriptor's `/FontFile2`.
fn embedded_cmaps(doc: &Document, descriptor: &Dictionary, budget: &Budget) -> Option<Cmaps> {
    match pdfobj::get(doc, descriptor, b"FontFile2")? {
        Object::Stream(s) => truetype::parse(&budget.decode(s).ok()?),
        _ => None,
    }
}

/// Parses a CID `/W` array into single widths and ranges (capped).
fn parse_cid_widths(
    doc: &Document,
    w: &[Object],
    widths: &mut FastMap<u32, f32>,
    ranges: &mut Vec<(u32, u32, f32)>,
) {
    let items: Vec<&Object> = w
        .iter()
        .filter_map(|o| pdfobj::resolve(doc, o))
        .take(200_000)
        .collect();
    let mut i = 0;
    while let Some(first) = items.get(i).and_then(|o| pdfobj::num(o)) {
        let first = first.max(0.0) as u32;
        match items.get(i + 1) {
            Some(Object::Array(list)) => {
                for (k, o) in list.iter().enumerate().take(65_536) {
                    if let Some(v) = pdfobj::resolve(doc, o).and_then(pdfobj::num) {
                        widths.insert(first.saturating_add(k as u32), v / 1000.0);
                    }
                }
                i += 2;
            }
            Some(o) => {
                let last = pdfobj::num(o).unwrap_or(0.0).max(0.0) as u32;
                if let Some(v) = items.get(i + 2).and_then(|o| pdfobj::num(o))
                    && last >= first
                {
                    ranges.push((first, last, v / 1000.0));
                }
                i += 3;
            }
            None => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    fn budget() -> Budget {
        Budget::new(&super::super::ExtractOptions::default())
    }

    fn texts(font: &Font, bytes: &[u8]) -> Vec<String> {
        let mut out = Vec::new();
        font.decode(bytes, |g| out.push(g.text.to_string()));
        out
    }

    #[test]
    fn winansi_truetype() {
        let doc = Document::with_version("1.5");
        let d = dictionary! { "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => "Arial",
        "Encoding" => "WinAnsiEncoding", "FirstChar" => 32, "Widths" => vec![278.into()] };
        let f = Font::load(&doc, &d, &budget());
        assert_eq!(texts(&f, b"K\xf8ge \xe6"), ["K", "ø", "g", "e", " ", "æ"]);
        let mut w = Vec::new();
        f.decode(b" A", |g| w.push(g.width));
        assert!((w[0] - 0.278).abs() < 1e-6);
        assert!((w[1] - 0.667).abs() < 1e-6);
    }

    #[test]
    fn differences_without_tounicode() {
        let doc = Document::with_version("1.5");
        let d = dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "LMRoman10-Regular",
        "Encoding" => dictionary! { "Type" => "Encoding",
            "Differences" => vec![27.into(), "ff".into(), "fi".into(), 128.into(), "aring".into(), "oslash".into()] } };
        let f = Font::load(&doc, &d, &budget());
        assert_eq!(texts(&f, b"\x1c\x80\x81a"), ["ﬁ", "å", "ø", "a"]);
    }

    #[test]
    fn standard_encoding_default_for_type1() {
        let doc = Document::with_version("1.5");
        let d = dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Times-Roman" };
        let f = Font::load(&doc, &d, &budget());
        assert_eq!(texts(&f, b"\xf9\xe1'"), ["ø", "Æ", "’"]);
    }

    #[test]
    fn mac_roman_truetype() {
        let doc = Document::with_version("1.5");
        let d = dictionary! { "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => "Palatino",
        "Encoding" => "MacRomanEncoding" };
        let f = Font::load(&doc, &d, &budget());
        assert_eq!(texts(&f, b"\xbe\xbf\x8c\xaf"), ["æ", "ø", "å", "Ø"]);
    }

    #[test]
    fn type3_glyph_names_and_font_matrix() {
        let doc = Document::with_version("1.5");
        let d = dictionary! { "Type" => "Font", "Subtype" => "Type3",
        "FontMatrix" => vec![0.01.into(), 0.into(), 0.into(), 0.01.into(), 0.into(), 0.into()],
        "FirstChar" => 1, "Widths" => vec![50.into(), 60.into(), 40.into()],
        "Encoding" => dictionary! { "Type" => "Encoding",
            "Differences" => vec![1.into(), "aring".into(), "uni00F8".into(), "g3".into()] } };
        let f = Font::load(&doc, &d, &budget());
        let mut got = Vec::new();
        f.decode(b"\x01\x02\x03", |g| got.push((g.text.to_string(), g.width)));
        assert_eq!(got[0].0, "å");
        assert_eq!(got[1].0, "ø");
        assert_eq!(got[2].0, "", "a bare gNN name says nothing about its text");
        assert!((got[0].1 - 0.5).abs() < 1e-6 && (got[1].1 - 0.6).abs() < 1e-6);
        assert!((f.size_scale - 10.0).abs() < 1e-4);
    }

    #[test]
    fn standard_font_without_widths_uses_the_metrics_of_its_style() {
        let doc = Document::with_version("1.5");
        let font = |name: &str| {
            let d = dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => name.to_string(),
            "Encoding" => "WinAnsiEncoding" };
            let f = Font::load(&doc, &d, &budget());
            let mut w = 0.0;
            f.decode(b"kommunikation", |g| w += g.width);
            w
        };
        // Adobe metrics: 6.334 em in Times-Roman, 6.835 em in Times-Bold.
        assert!((font("Times-Roman") - 6.334).abs() < 1e-3);
        assert!((font("Times-Bold") - 6.835).abs() < 1e-3);
    }

    #[test]
    fn type0_without_tounicode_reads_the_embedded_truetype_cmap() {
        use super::super::truetype::tests::{font, format4};
        let mut doc = Document::with_version("1.5");
        // Glyph 7 shows 'æ' in the font's (3,1) subtable; glyph 9 shows nothing.
        let program = font(&[(3, 1, format4(0xE6, 0xE6, 7u16.wrapping_sub(0xE6)))]);
        let ff = doc.add_object(lopdf::Stream::new(dictionary! {}, program));
        let fd = dictionary! { "Type" => "FontDescriptor", "FontName" => "ABCDEF+Calibri", "FontFile2" => ff };
        let desc = dictionary! { "Type" => "Font", "Subtype" => "CIDFontType2", "FontDescriptor" => fd,
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 } };
        let d = dictionary! { "Type" => "Font", "Subtype" => "Type0", "Encoding" => "Identity-H",
        "DescendantFonts" => vec![desc.into()] };
        let f = Font::load(&doc, &d, &budget());
        assert_eq!(texts(&f, b"\x00\x07\x00\x09"), ["æ", ""]);
    }

    #[test]
    fn type0_identity_with_tounicode() {
        let mut doc = Document::with_version("1.5");
        let cmap = b"1 begincodespacerange <0000> <FFFF> endcodespacerange
            2 beginbfchar <0005> <00E5> <0006> <00660066> endbfchar"
            .to_vec();
        let tu = doc.add_object(lopdf::Stream::new(dictionary! {}, cmap));
        let desc = dictionary! { "Type" => "Font", "Subtype" => "CIDFontType2", "DW" => 1000,
        "W" => vec![5.into(), vec![556.into(), 600.into()].into(), 10.into(), 20.into(), 250.into()] };
        let d = dictionary! { "Type" => "Font", "Subtype" => "Type0", "Encoding" => "Identity-H",
        "DescendantFonts" => vec![desc.into()], "ToUnicode" => tu };
        let f = Font::load(&doc, &d, &budget());
        let mut got = Vec::new();
        f.decode(b"\x00\x05\x00\x06\x00\x0c", |g| {
            got.push((g.text.to_string(), g.width))
        });
        assert_eq!(got[0], ("å".to_string(), 0.556));
        assert_eq!(got[1], ("ff".to_string(), 0.6));
        assert_eq!(got[2], (String::new(), 0.25));
    }
}
