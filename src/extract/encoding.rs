//! Single-byte encodings: code → Unicode for simple fonts and PDF text strings.
//!
//! In: a byte code and a [`BaseEncoding`] (Standard, WinAnsi, MacRoman, PDFDoc, Symbol,
//! ZapfDingbats), or a `/Differences` array. Out: a `char` per code, or a 256-entry table of
//! Unicode strings ([`SimpleEncoding`]) that a font uses to decode its codes.
//!
//! Design: the encodings are written as code → `char` functions over the parts where they
//! differ from ASCII/Latin-1, so each table is short and readable; `/Differences` names go
//! through [`super::glyphlist`]. A decoded table is built once per font.
//!
//! Known limits: Symbol covers the Greek letters and common math only; ZapfDingbats maps every
//! glyph to a bullet (the pictures carry no words); MacExpert is treated as Standard.

use super::glyphlist::glyph_to_unicode;

/// A predefined single-byte encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseEncoding {
    /// Adobe StandardEncoding (the default of Type 1 fonts).
    Standard,
    /// WinAnsiEncoding (Windows code page 1252).
    WinAnsi,
    /// MacRomanEncoding.
    MacRoman,
    /// PDFDocEncoding (used by text strings, not fonts).
    PdfDoc,
    /// The Symbol font's built-in encoding.
    Symbol,
    /// The ZapfDingbats font's built-in encoding.
    ZapfDingbats,
}

impl BaseEncoding {
    /// The encoding named by a PDF `/Encoding` name, if it is a predefined one.
    pub fn from_name(name: &[u8]) -> Option<Self> {
        match name {
            b"WinAnsiEncoding" => Some(Self::WinAnsi),
            b"MacRomanEncoding" => Some(Self::MacRoman),
            b"StandardEncoding" | b"MacExpertEncoding" => Some(Self::Standard),
            b"PDFDocEncoding" => Some(Self::PdfDoc),
            _ => None,
        }
    }

    /// The character for `code`, or `None` when the encoding leaves it undefined.
    pub fn decode(self, code: u8) -> Option<char> {
        match self {
            Self::Standard => standard(code),
            Self::WinAnsi => win_ansi(code),
            Self::MacRoman => mac_roman(code),
            Self::PdfDoc => pdf_doc(code),
            Self::Symbol => symbol(code),
            Self::ZapfDingbats => (code > 32).then_some('•'),
        }
    }
}

/// A font's decoded single-byte encoding: Unicode text per code (empty string = undefined).
#[derive(Debug, Clone)]
pub struct SimpleEncoding {
    table: Vec<String>,
}

impl SimpleEncoding {
    /// The table of a base encoding.
    pub fn new(base: BaseEncoding) -> Self {
        let table = (0..=255u8)
            .map(|c| base.decode(c).map(String::from).unwrap_or_default())
            .collect();
        Self { table }
    }

    /// Applies a `/Differences` array (`[code /name /name … code /name …]`), given as
    /// (code, glyph name) pairs already expanded by the caller.
    pub fn apply_difference(&mut self, code: u8, name: &str) {
        let idx = usize::from(code);
        match glyph_to_unicode(name) {
            Some(text) => {
                if let Some(slot) = self.table.get_mut(idx) {
                    *slot = text;
                }
            }
            None => {
                if let Some(slot) = self.table.get_mut(idx) {
                    slot.clear();
                }
            }
        }
    }

    /// Unicode text of `code` (empty when undefined).
    pub fn get(&self, code: u8) -> &str {
        self.table.get(usize::from(code)).map_or("", String::as_str)
    }
}

/// Decodes a PDF text string (Info entries, `/ActualText`, page labels): UTF-16BE with BOM,
/// UTF-16LE with BOM (seen in the wild), UTF-8 with BOM, else PDFDocEncoding. Invalid
/// sequences become U+FFFD; the result never panics on odd lengths.
pub fn decode_text_string(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    bytes.iter().filter_map(|&b| pdf_doc(b)).collect()
}

fn ascii(code: u8) -> Option<char> {
    (0x20..0x7F).contains(&code).then_some(char::from(code))
}

fn standard(code: u8) -> Option<char> {
    Some(match code {
        0x27 => '\u{2019}',
        0x60 => '\u{2018}',
        0x20..=0x7E => char::from(code),
        0xA1 => '¡',
        0xA2 => '¢',
        0xA3 => '£',
        0xA4 => '⁄',
        0xA5 => '¥',
        0xA6 => 'ƒ',
        0xA7 => '§',
        0xA8 => '¤',
        0xA9 => '\'',
        0xAA => '“',
        0xAB => '«',
        0xAC => '‹',
        0xAD => '›',
        0xAE => 'ﬁ',
        0xAF => 'ﬂ',
        0xB1 => '–',
        0xB2 => '†',
        0xB3 => '‡',
        0xB4 => '·',
        0xB6 => '¶',
        0xB7 => '•',
        0xB8 => '‚',
        0xB9 => '„',
        0xBA => '”',
        0xBB => '»',
        0xBC => '…',
        0xBD => '‰',
        0xBF => '¿',
        0xC1 => '`',
        0xC2 => '´',
        0xC3 => 'ˆ',
        0xC4 => '˜',
        0xC5 => '¯',
        0xC6 => '˘',
        0xC7 => '˙',
        0xC8 => '¨',
        0xCA => '˚',
        0xCB => '¸',
        0xCD => '˝',
        0xCE => '˛',
        0xCF => 'ˇ',
        0xD0 => '—',
        0xE1 => 'Æ',
        0xE3 => 'ª',
        0xE8 => 'Ł',
        0xE9 => 'Ø',
        0xEA => 'Œ',
        0xEB => 'º',
        0xF1 => 'æ',
        0xF5 => 'ı',
        0xF8 => 'ł',
        0xF9 => 'ø',
        0xFA => 'œ',
        0xFB => 'ß',
        _ => return None,
    })
}

/// Windows-1252 positions 0x80–0x9F (None = unassigned, shown as bullet by PDF readers).
const CP1252_HIGH: [char; 32] = [
    '€', '•', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '•', 'Ž', '•', '•', '‘', '’',
    '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '•', 'ž', 'Ÿ',
];

fn win_ansi(code: u8) -> Option<char> {
    match code {
        0x20..=0x7E => Some(char::from(code)),
        0x7F => Some('•'),
        0x80..=0x9F => CP1252_HIGH.get(usize::from(code - 0x80)).copied(),
        0xA0 => Some(' '),
        _ if code > 0xA0 => Some(char::from(code)),
        _ => None,
    }
}

/// MacRoman 0x80–0xFF.
const MAC_ROMAN_HIGH: &str = "ÄÅÇÉÑÖÜáàâäãåçéèêëíìîïñóòôöõúùûü†°¢£§•¶ß®©™´¨≠ÆØ∞±≤≥¥µ∂∑∏π∫ªºΩæø\
¿¡¬√ƒ≈∆«»…\u{a0}ÀÃÕŒœ–—“”‘’÷◊ÿŸ⁄€‹›ﬁﬂ‡·‚„‰ÂÊÁËÈÍÎÏÌÓÔ\u{f8ff}ÒÚÛÙıˆ˜¯˘˙˚¸˝˛ˇ";

fn mac_roman(code: u8) -> Option<char> {
    if code < 0x80 {
        return ascii(code);
    }
    MAC_ROMAN_HIGH.chars().nth(usize::from(code - 0x80))
}

/// PDFDocEncoding 0x18–0x1F and 0x80–0xA0.
const PDFDOC_LOW: [char; 8] = ['˘', 'ˇ', 'ˆ', '˙', '˝', '˛', '˚', '˜'];
const PDFDOC_HIGH: [char; 33] = [
    '•', '†', '‡', '…', '—', '–', 'ƒ', '⁄', '‹', '›', '−', '‰', '„', '“', '”', '‘', '’', '‚', '™',
    'ﬁ', 'ﬂ', 'Ł', 'Œ', 'Š', 'Ÿ', 'Ž', 'ı', 'ł', 'œ', 'š', 'ž', '\u{fffd}', '€',
];

fn pdf_doc(code: u8) -> Option<char> {
    match code {
        0x09 | 0x0A | 0x0D => Some(char::from(code)),
        0x18..=0x1F => PDFDOC_LOW.get(usize::from(code - 0x18)).copied(),
        0x20..=0x7E => Some(char::from(code)),
        0x80..=0xA0 => PDFDOC_HIGH.get(usize::from(code - 0x80)).copied(),
        0xA1..=0xFF => Some(char::from(code)),
        _ => None,
    }
}

/// Symbol: ASCII letters are Greek, some punctuation is math.
fn symbol(code: u8) -> Option<char> {
    const UPPER: &str = "ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ";
    const LOWER: &str = "αβχδεφγηιϕκλμνοπθρστυϖωξψζ";
    Some(match code {
        b'A'..=b'Z' => UPPER.chars().nth(usize::from(code - b'A'))?,
        b'a'..=b'z' => LOWER.chars().nth(usize::from(code - b'a'))?,
        0x22 => '∀',
        0x24 => '∃',
        0x27 => '∋',
        0x2A => '∗',
        0x2D => '−',
        0x40 => '≅',
        0x5E => '⊥',
        0x20..=0x7E => char::from(code),
        0xA3 => '≤',
        0xA5 => '∞',
        0xAB => '↔',
        0xAC => '←',
        0xAD => '↑',
        0xAE => '→',
        0xAF => '↓',
        0xB0 => '°',
        0xB1 => '±',
        0xB3 => '≥',
        0xB4 => '×',
        0xB7 => '•',
        0xB9 => '≠',
        0xBA => '≡',
        0xBB => '≈',
        0xBC => '…',
        0xD7 => '⋅',
        0xD8 => '¬',
        0xD9 => '∧',
        0xDA => '∨',
        0xE5 => '∑',
        0xF2 => '∫',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mac_roman_table_is_complete() {
        assert_eq!(MAC_ROMAN_HIGH.chars().count(), 128);
        assert_eq!(mac_roman(0x8C), Some('å'));
        assert_eq!(mac_roman(0xBF), Some('ø'));
        assert_eq!(mac_roman(0xAE), Some('Æ'));
        assert_eq!(mac_roman(0xFF), Some('ˇ'));
    }

    #[test]
    fn win_ansi_danish() {
        assert_eq!(win_ansi(0xE6), Some('æ'));
        assert_eq!(win_ansi(0xF8), Some('ø'));
        assert_eq!(win_ansi(0xC5), Some('Å'));
        assert_eq!(win_ansi(0x96), Some('–'));
        assert_eq!(win_ansi(0x80), Some('€'));
    }

    #[test]
    fn standard_and_pdfdoc() {
        assert_eq!(standard(0xF9), Some('ø'));
        assert_eq!(standard(0xAE), Some('ﬁ'));
        assert_eq!(standard(0x27), Some('’'));
        assert_eq!(pdf_doc(0x93), Some('ﬁ'));
        assert_eq!(pdf_doc(0xA0), Some('€'));
    }

    #[test]
    fn differences_override() {
        let mut e = SimpleEncoding::new(BaseEncoding::WinAnsi);
        e.apply_difference(128, "aring");
        e.apply_difference(129, "g17");
        assert_eq!(e.get(128), "å");
        assert_eq!(e.get(129), "");
        assert_eq!(e.get(b'A'), "A");
    }

    #[test]
    fn text_strings() {
        assert_eq!(decode_text_string(b"\xfe\xff\x00\xe6\x00\xf8"), "æø");
        assert_eq!(decode_text_string(b"\xff\xfe\xe6\x00"), "æ");
        assert_eq!(decode_text_string(b"\xef\xbb\xbf\xc3\xa5"), "å");
        assert_eq!(decode_text_string(b"K\xf8ge"), "Køge");
        // Odd length and lone surrogate: lossy, no panic.
        assert_eq!(decode_text_string(b"\xfe\xff\xd8\x00\x00"), "\u{fffd}");
    }
}
