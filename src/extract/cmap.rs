//! CMaps: ToUnicode maps and CID encodings of Type 0 fonts.
//!
//! In: the bytes of a CMap stream (`/ToUnicode`, or an embedded `/Encoding` CMap), or the name
//! of a predefined CMap (`Identity-H`, `UniGB-UCS2-H`, …). Out: a [`CMap`] that splits a byte
//! string into codes (by its codespace ranges) and maps each code to Unicode text
//! (`bfchar`/`bfrange`) and/or to a CID (`cidchar`/`cidrange`).
//!
//! Design: a small, non-recursive PostScript-ish tokenizer reads only the operators that
//! matter and skips everything else, so junk inside a CMap costs an entry, not the map.
//! Entries that are invalid (empty or odd hex, lone surrogates, reversed ranges, huge ranges)
//! are dropped one by one. Small ranges are expanded into a hash map; big ones stay ranges.
//! Codes are keyed by (byte length, value) so `<41>` and `<0041>` never collide. Texts are
//! shared ([`Rc<str>`]) and the maps use foldhash, so a lookup per shown glyph costs no
//! allocation and little hashing; its per-map random seed keeps a hostile file from
//! choosing colliding codes in advance, as SipHash did.
//!
//! Known limits: `usecmap` of a predefined CJK CMap is ignored; predefined CMaps other than
//! Identity and the Unicode (UCS2/UTF16) ones have no tables here, so such fonts decode only
//! through a ToUnicode map.

use std::rc::Rc;

use foldhash::HashMap as FastMap;

use super::pdfobj::{is_delim, is_ws};

/// Caps on what one CMap may hold, so a hostile map cannot grow without bound.
const MAX_ENTRIES: usize = 200_000;
const MAX_TOKENS: usize = 4_000_000;
/// Ranges up to this size are expanded into the hash map.
const EXPAND_RANGE: u32 = 256;

/// One codespace range: codes of `len` bytes whose bytes lie between `lo` and `hi` bytewise.
#[derive(Debug, Clone)]
struct CodeRange {
    len: usize,
    lo: [u8; 4],
    hi: [u8; 4],
}

/// A large `bfrange` kept as a range.
#[derive(Debug, Clone)]
struct UniRange {
    len: usize,
    lo: u32,
    hi: u32,
    dst: Vec<u16>,
}

/// A parsed CMap (or a predefined one).
#[derive(Debug, Clone, Default)]
pub struct CMap {
    codespace: Vec<CodeRange>,
    unicode: FastMap<u64, Rc<str>>,
    uni_ranges: Vec<UniRange>,
    cid: FastMap<u64, u32>,
    cid_ranges: Vec<(usize, u32, u32, u32)>,
    /// Codes are UTF-16BE units themselves (predefined `Uni…-UCS2/UTF16` CMaps).
    unicode_codes: bool,
    /// Codes are CIDs themselves (`Identity-H/V`).
    identity: bool,
    /// Vertical writing mode (`-V` CMaps, `/WMode 1`).
    pub vertical: bool,
}

fn key(len: usize, code: u32) -> u64 {
    ((len as u64) << 32) | u64::from(code)
}

impl CMap {
    /// The predefined CMap called `name`, if it is one this module understands.
    pub fn predefined(name: &[u8]) -> Option<Self> {
        let vertical = name.ends_with(b"-V");
        let two_bytes = CodeRange {
            len: 2,
            lo: [0, 0, 0, 0],
            hi: [0xFF, 0xFF, 0, 0],
        };
        if name == b"Identity-H" || name == b"Identity-V" {
            return Some(Self {
                codespace: vec![two_bytes],
                identity: true,
                vertical,
                ..Self::default()
            });
        }
        let s = String::from_utf8_lossy(name);
        if s.starts_with("Uni") && (s.contains("UCS2") || s.contains("UTF16")) {
            return Some(Self {
                codespace: vec![two_bytes],
                unicode_codes: true,
                vertical,
                ..Self::default()
            });
        }
        None
    }

    /// Parses a CMap stream. Never fails: whatever could not be read is simply absent.
    pub fn parse(data: &[u8]) -> Self {
        let mut map = Self::default();
        let mut lex = Lexer { data, pos: 0 };
        let mut operands: Vec<Tok> = Vec::new();
        let mut entries = 0usize;
        let mut tokens = 0usize;
        while let Some(tok) = lex.next() {
            tokens += 1;
            if tokens > MAX_TOKENS || entries > MAX_ENTRIES {
                break;
            }
            let Tok::Keyword(kw) = tok else {
                if tok != Tok::Other && operands.len() < 100_000 {
                    operands.push(tok);
                }
                continue;
            };
            match kw.as_slice() {
                b"endcodespacerange" => {
                    for pair in operands.chunks_exact(2) {
                        if let [Tok::Hex(lo), Tok::Hex(hi)] = pair
                            && lo.len() == hi.len()
                            && (1..=4).contains(&lo.len())
                        {
                            let mut r = CodeRange {
                                len: lo.len(),
                                lo: [0; 4],
                                hi: [0; 4],
                            };
                            r.lo[..lo.len()].copy_from_slice(lo);
                            r.hi[..hi.len()].copy_from_slice(hi);
                            map.codespace.push(r);
                        }
                    }
                }
                b"endbfchar" => {
                    let mut i = 0;
                    while let (Some(Tok::Hex(src)), Some(dst)) =
                        (operands.get(i), operands.get(i + 1))
                    {
                        if let Some(code) = code_value(src)
                            && let Some(text) = tok_text(dst)
                        {
                            map.unicode.insert(key(src.len(), code), text.into());
                            entries += 1;
                        }
                        i += 2;
                    }
                }
                b"endbfrange" => {
                    for triple in operands.chunks_exact(3) {
                        entries += map.add_bfrange(triple);
                    }
                }
                b"endcidchar" => {
                    for pair in operands.chunks_exact(2) {
                        if let [Tok::Hex(src), Tok::Num(cid)] = pair
                            && let Some(code) = code_value(src)
                            && let Ok(cid) = u32::try_from(*cid)
                        {
                            map.cid.insert(key(src.len(), code), cid);
                            entries += 1;
                        }
                    }
                }
                b"endcidrange" => {
                    for triple in operands.chunks_exact(3) {
                        if let [Tok::Hex(lo), Tok::Hex(hi), Tok::Num(cid)] = triple
                            && lo.len() == hi.len()
                            && let (Some(l), Some(h)) = (code_value(lo), code_value(hi))
                            && l <= h
                            && let Ok(cid) = u32::try_from(*cid)
                        {
                            map.cid_ranges.push((lo.len(), l, h, cid));
                            entries += 1;
                        }
                    }
                }
                b"def" => {
                    if let [.., Tok::Name(n), Tok::Num(v)] = operands.as_slice()
                        && n == b"WMode"
                    {
                        map.vertical = *v == 1;
                    }
                }
                b"usecmap" => {
                    if let [.., Tok::Name(n)] = operands.as_slice()
                        && let Some(base) = Self::predefined(n)
                    {
                        map.identity |= base.identity;
                        map.unicode_codes |= base.unicode_codes;
                        if map.codespace.is_empty() {
                            map.codespace = base.codespace;
                        }
                    }
                }
                k if k.starts_with(b"begin") || k.starts_with(b"end") => {}
                // Unknown words (junk) keep the pending operands.
                _ => continue,
            }
            operands.clear();
        }
        map
    }

    /// Adds one `bfrange` entry; returns how many entries it counts for.
    fn add_bfrange(&mut self, triple: &[Tok]) -> usize {
        let [Tok::Hex(lo), Tok::Hex(hi), dst] = triple else {
            return 0;
        };
        if lo.len() != hi.len() {
            return 0;
        }
        let (Some(l), Some(h)) = (code_value(lo), code_value(hi)) else {
            return 0;
        };
        if l > h {
            return 0;
        }
        let len = lo.len();
        match dst {
            Tok::Array(items) => {
                let mut n = 0;
                for (i, item) in items.iter().enumerate() {
                    let Ok(i) = u32::try_from(i) else { break };
                    let code = l.saturating_add(i);
                    if code > h {
                        break;
                    }
                    if let Some(text) = tok_text(item) {
                        self.unicode.insert(key(len, code), text.into());
                        n += 1;
                    }
                }
                n
            }
            Tok::Hex(d) => {
                let units = utf16_units(d);
                if units.is_empty() || decode_units(&units).is_none() {
                    return 0;
                }
                if h - l < EXPAND_RANGE {
                    for code in l..=h {
                        if let Some(text) = offset_text(&units, code - l) {
                            self.unicode.insert(key(len, code), text.into());
                        }
                    }
                    (h - l + 1) as usize
                } else {
                    self.uni_ranges.push(UniRange {
                        len,
                        lo: l,
                        hi: h,
                        dst: units,
                    });
                    1
                }
            }
            _ => 0,
        }
    }

    /// Whether the map holds any Unicode mappings (or codes are Unicode).
    pub fn has_unicode(&self) -> bool {
        self.unicode_codes || !self.unicode.is_empty() || !self.uni_ranges.is_empty()
    }

    /// Whether the map has its own codespace ranges.
    pub fn has_codespace(&self) -> bool {
        !self.codespace.is_empty()
    }

    /// Splits the next code off `bytes`: (code value, byte length). `None` on empty input.
    ///
    /// A code matches the first codespace range whose length fits and whose bytes all lie
    /// in range; when nothing matches, the shortest codespace length is consumed (1 byte if
    /// there is no codespace), as PDF readers commonly do.
    pub fn next_code(&self, bytes: &[u8]) -> Option<(u32, usize)> {
        if bytes.is_empty() {
            return None;
        }
        for len in 1..=4usize {
            let Some(head) = bytes.get(..len) else { break };
            let fits = self.codespace.iter().any(|r| {
                r.len == len
                    && head
                        .iter()
                        .zip(r.lo.iter().zip(r.hi.iter()))
                        .all(|(b, (lo, hi))| lo <= b && b <= hi)
            });
            if fits {
                return code_value(head).map(|c| (c, len));
            }
        }
        let len = self
            .codespace
            .iter()
            .map(|r| r.len)
            .min()
            .unwrap_or(1)
            .min(bytes.len())
            .max(1);
        bytes.get(..len).and_then(code_value).map(|c| (c, len))
    }

    /// Unicode text for a code of `len` bytes.
    pub fn lookup_unicode(&self, code: u32, len: usize) -> Option<Rc<str>> {
        if let Some(s) = self.unicode.get(&key(len, code)) {
            return Some(Rc::clone(s));
        }
        for r in &self.uni_ranges {
            if r.len == len && r.lo <= code && code <= r.hi {
                return offset_text(&r.dst, code - r.lo).map(Rc::from);
            }
        }
        if self.unicode_codes {
            return char::from_u32(code)
                .filter(|_| !(0xD800..0xE000).contains(&code))
                .map(|c| Rc::from(c.encode_utf8(&mut [0; 4]) as &str));
        }
        None
    }

    /// The CID of a code of `len` bytes (identity maps return the code).
    pub fn lookup_cid(&self, code: u32, len: usize) -> Option<u32> {
        if let Some(&c) = self.cid.get(&key(len, code)) {
            return Some(c);
        }
        for &(l, lo, hi, base) in &self.cid_ranges {
            if l == len && lo <= code && code <= hi {
                return base.checked_add(code - lo);
            }
        }
        (self.identity || self.unicode_codes).then_some(code)
    }
}

/// Big-endian value of a 1–4 byte code.
fn code_value(bytes: &[u8]) -> Option<u32> {
    if bytes.is_empty() || bytes.len() > 4 {
        return None;
    }
    Some(bytes.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b)))
}

fn utf16_units(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks(2)
        .map(|c| {
            if let [a, b] = c {
                u16::from_be_bytes([*a, *b])
            } else {
                0
            }
        })
        .collect()
}

/// Strict UTF-16 decoding: `None` on lone surrogates, odd input or control garbage.
fn decode_units(units: &[u16]) -> Option<String> {
    let s: Result<String, _> = char::decode_utf16(units.iter().copied()).collect();
    let s = s.ok()?;
    if s.is_empty() || s.chars().any(|c| c == '\0') {
        return None;
    }
    Some(s)
}

/// The text of `dst` with its last UTF-16 unit advanced by `offset` (bfrange semantics).
fn offset_text(dst: &[u16], offset: u32) -> Option<String> {
    let mut units = dst.to_vec();
    let last = units.last_mut()?;
    let v = u32::from(*last).checked_add(offset)?;
    if let Ok(v16) = u16::try_from(v) {
        *last = v16;
        return decode_units(&units);
    }
    // Overflow past 0xFFFF: treat the destination as a code point.
    let (_, prefix) = units.split_last()?;
    let mut s = decode_units(prefix).unwrap_or_default();
    s.push(char::from_u32(v)?);
    Some(s)
}

/// The text of a `bfchar` destination (hex string, or a glyph name as some producers write).
fn tok_text(tok: &Tok) -> Option<String> {
    match tok {
        Tok::Hex(d) if !d.is_empty() && d.len() % 2 == 0 => decode_units(&utf16_units(d)),
        Tok::Name(n) => super::glyphlist::glyph_to_unicode(&String::from_utf8_lossy(n)),
        _ => None,
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Hex(Vec<u8>),
    Num(i64),
    Name(Vec<u8>),
    Keyword(Vec<u8>),
    Array(Vec<Tok>),
    Other,
}

struct Lexer<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<Tok> {
        loop {
            let b = self.peek()?;
            if is_ws(b) {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(c) = self.peek() {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
        let b = self.peek()?;
        self.pos += 1;
        Some(match b {
            b'<' => {
                if self.peek() == Some(b'<') {
                    self.pos += 1;
                    return Some(Tok::Other);
                }
                self.hex()
            }
            b'>' => {
                if self.peek() == Some(b'>') {
                    self.pos += 1;
                }
                Tok::Other
            }
            b'[' => {
                // One level of array: the only nesting bfrange uses.
                let mut items = Vec::new();
                while let Some(c) = {
                    while self.peek().is_some_and(is_ws) {
                        self.pos += 1;
                    }
                    self.peek()
                } {
                    if c == b']' {
                        self.pos += 1;
                        break;
                    }
                    if c == b'[' {
                        self.pos += 1;
                        continue;
                    }
                    match self.next() {
                        Some(Tok::Keyword(_)) | None => break,
                        Some(t) => {
                            if items.len() < 65_536 {
                                items.push(t);
                            }
                        }
                    }
                }
                Tok::Array(items)
            }
            b'(' => {
                let mut depth = 1usize;
                let mut out = Vec::new();
                while let Some(c) = self.peek() {
                    self.pos += 1;
                    match c {
                        b'\\' => {
                            if let Some(e) = self.peek() {
                                self.pos += 1;
                                out.push(e);
                            }
                        }
                        b'(' => {
                            depth += 1;
                            out.push(c);
                        }
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                            out.push(c);
                        }
                        _ => out.push(c),
                    }
                }
                Tok::Hex(out)
            }
            b'/' => {
                let start = self.pos;
                while self.peek().is_some_and(|c| !is_ws(c) && !is_delim(c)) {
                    self.pos += 1;
                }
                Tok::Name(self.data.get(start..self.pos).unwrap_or_default().to_vec())
            }
            b']' | b'{' | b'}' | b')' => Tok::Other,
            _ => {
                let start = self.pos - 1;
                while self.peek().is_some_and(|c| !is_ws(c) && !is_delim(c)) {
                    self.pos += 1;
                }
                let word = self.data.get(start..self.pos).unwrap_or_default();
                match std::str::from_utf8(word)
                    .ok()
                    .and_then(|s| s.parse::<i64>().ok())
                {
                    Some(n) => Tok::Num(n),
                    None => Tok::Keyword(word.to_vec()),
                }
            }
        })
    }

    fn hex(&mut self) -> Tok {
        let mut out = Vec::new();
        let mut hi: Option<u8> = None;
        let mut bad = false;
        while let Some(c) = self.peek() {
            self.pos += 1;
            if c == b'>' {
                break;
            }
            let v = match c {
                b'0'..=b'9' => c - b'0',
                b'a'..=b'f' => c - b'a' + 10,
                b'A'..=b'F' => c - b'A' + 10,
                _ if is_ws(c) => continue,
                _ => {
                    bad = true;
                    continue;
                }
            };
            match hi.take() {
                Some(h) => out.push((h << 4) | v),
                None => hi = Some(v),
            }
        }
        if bad {
            return Tok::Other;
        }
        if hi.is_some() {
            // Odd number of digits: the entry is unreliable; drop it.
            return Tok::Other;
        }
        Tok::Hex(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &[u8] = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap
/CMapName /Adobe-Identity-UCS def /CMapType 2 def
1 begincodespacerange <0000> <FFFF> endcodespacerange
3 beginbfchar <0003> <0020> <0011> <00E6> <0012> <00660069> endbfchar
2 beginbfrange <0020> <0022> <0041> <0030> <0032> [<00F8> <00E5> <D83DDE00>] endbfrange
1 beginbfrange <0100> <0FFF> <4E00> endbfrange
endcmap CMapName currentdict /CMap defineresource pop end end";

    #[test]
    fn bfchar_and_ranges() {
        let m = CMap::parse(SAMPLE);
        assert_eq!(m.lookup_unicode(0x11, 2).as_deref(), Some("æ"));
        assert_eq!(m.lookup_unicode(0x12, 2).as_deref(), Some("fi"));
        assert_eq!(m.lookup_unicode(0x21, 2).as_deref(), Some("B"));
        assert_eq!(m.lookup_unicode(0x30, 2).as_deref(), Some("ø"));
        assert_eq!(m.lookup_unicode(0x31, 2).as_deref(), Some("å"));
        assert_eq!(m.lookup_unicode(0x32, 2).as_deref(), Some("😀"));
        assert_eq!(m.lookup_unicode(0x0101, 2).as_deref(), Some("\u{4E01}"));
        assert_eq!(m.lookup_unicode(0x11, 1), None);
        assert_eq!(m.next_code(&[0x00, 0x11, 0x00]), Some((0x11, 2)));
    }

    #[test]
    fn multi_byte_codespace() {
        let m = CMap::parse(
            b"2 begincodespacerange <00> <80> <8140> <9FFC> endcodespacerange
             2 beginbfchar <41> <0041> <8140> <3000> endbfchar",
        );
        assert_eq!(m.next_code(b"A\x81\x40"), Some((0x41, 1)));
        assert_eq!(m.next_code(b"\x81\x40"), Some((0x8140, 2)));
        assert_eq!(m.lookup_unicode(0x8140, 2).as_deref(), Some("\u{3000}"));
    }

    #[test]
    fn garbage_is_dropped_entry_by_entry() {
        let m = CMap::parse(
            b"1 begincodespacerange <0000> <FFFF> endcodespacerange
             99999999999 beginbfchar <0001> <D800> <0002> <> <0003> <123> <0004> <0041>
             \x00\xff\xfe junk <zz> endbfchar
             1 beginbfrange <0010> <0005> <0041> endbfrange
             1 beginbfchar <0005> <0042> endbfchar",
        );
        assert_eq!(m.lookup_unicode(1, 2), None);
        assert_eq!(m.lookup_unicode(2, 2), None);
        assert_eq!(m.lookup_unicode(5, 2).as_deref(), Some("B"));
    }

    #[test]
    fn cid_ranges_and_predefined() {
        let m = CMap::parse(
            b"1 begincodespacerange <00> <FF> endcodespacerange
             1 begincidrange <20> <7E> 1 endcidrange 1 begincidchar <A0> 500 endcidchar",
        );
        assert_eq!(m.lookup_cid(0x21, 1), Some(2));
        assert_eq!(m.lookup_cid(0xA0, 1), Some(500));
        let id = CMap::predefined(b"Identity-V").unwrap_or_default();
        assert!(id.vertical);
        assert_eq!(id.lookup_cid(0x1234, 2), Some(0x1234));
        let ucs = CMap::predefined(b"UniJIS-UCS2-H").unwrap_or_default();
        assert_eq!(ucs.lookup_unicode(0x00E5, 2).as_deref(), Some("å"));
    }
}
