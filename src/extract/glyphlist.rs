//! Glyph names → Unicode.
//!
//! In: a PostScript glyph name from a font's encoding (`/Differences`, a built-in encoding).
//! Out: the Unicode text it stands for, as a [`String`] (a ligature name gives several chars).
//!
//! Main entry: [`glyph_to_unicode`]. It knows a subset of the Adobe Glyph List that covers
//! Latin-1, Latin Extended-A, punctuation, ligatures, common math and the Greek alphabet, plus
//! the TeX names pdfTeX fonts use, and it decodes the algorithmic forms `uniXXXX` (one or more
//! 4-digit groups), `uXXXX`–`uXXXXXX`, `f_i`-style ligature names (components joined by `_`)
//! and suffixed variants (`a.sc`, `one.oldstyle`: the part before the first dot).
//!
//! Design: the table is a static slice turned into a `HashMap` once (`OnceLock`); a lookup is a
//! hash probe, cheap enough to do per code when a font is first decoded.
//!
//! Known limits: names outside the subset (rare symbols, non-Latin scripts other than Greek)
//! give `None`; producer-private names like `g123` or `glyph45` carry no meaning and give `None`.

use std::collections::HashMap;
use std::sync::OnceLock;

/// (glyph name, Unicode scalar) pairs: a subset of the Adobe Glyph List plus TeX names.
const GLYPHS: &[(&str, char)] = &[
    // ASCII
    ("space", ' '),
    ("exclam", '!'),
    ("quotedbl", '"'),
    ("numbersign", '#'),
    ("dollar", '$'),
    ("percent", '%'),
    ("ampersand", '&'),
    ("quotesingle", '\''),
    ("quoteright", '\u{2019}'),
    ("parenleft", '('),
    ("parenright", ')'),
    ("asterisk", '*'),
    ("plus", '+'),
    ("comma", ','),
    ("hyphen", '-'),
    ("minus", '\u{2212}'),
    ("period", '.'),
    ("slash", '/'),
    ("zero", '0'),
    ("one", '1'),
    ("two", '2'),
    ("three", '3'),
    ("four", '4'),
    ("five", '5'),
    ("six", '6'),
    ("seven", '7'),
    ("eight", '8'),
    ("nine", '9'),
    ("colon", ':'),
    ("semicolon", ';'),
    ("less", '<'),
    ("equal", '='),
    ("greater", '>'),
    ("question", '?'),
    ("at", '@'),
    ("bracketleft", '['),
    ("backslash", '\\'),
    ("bracketright", ']'),
    ("asciicircum", '^'),
    ("underscore", '_'),
    ("grave", '`'),
    ("quoteleft", '\u{2018}'),
    ("braceleft", '{'),
    ("bar", '|'),
    ("braceright", '}'),
    ("asciitilde", '~'),
    // Latin-1 supplement
    ("nbspace", '\u{a0}'),
    ("nonbreakingspace", '\u{a0}'),
    ("exclamdown", '¡'),
    ("cent", '¢'),
    ("sterling", '£'),
    ("currency", '¤'),
    ("yen", '¥'),
    ("brokenbar", '¦'),
    ("section", '§'),
    ("dieresis", '¨'),
    ("copyright", '©'),
    ("ordfeminine", 'ª'),
    ("guillemotleft", '«'),
    ("guillemetleft", '«'),
    ("logicalnot", '¬'),
    ("sfthyphen", '\u{ad}'),
    ("softhyphen", '\u{ad}'),
    ("registered", '®'),
    ("macron", '¯'),
    ("overscore", '¯'),
    ("degree", '°'),
    ("plusminus", '±'),
    ("twosuperior", '²'),
    ("threesuperior", '³'),
    ("acute", '´'),
    ("mu", 'µ'),
    ("mu1", 'µ'),
    ("paragraph", '¶'),
    ("periodcentered", '·'),
    ("middot", '·'),
    ("cedilla", '¸'),
    ("onesuperior", '¹'),
    ("ordmasculine", 'º'),
    ("guillemotright", '»'),
    ("guillemetright", '»'),
    ("onequarter", '¼'),
    ("onehalf", '½'),
    ("threequarters", '¾'),
    ("questiondown", '¿'),
    ("Agrave", 'À'),
    ("Aacute", 'Á'),
    ("Acircumflex", 'Â'),
    ("Atilde", 'Ã'),
    ("Adieresis", 'Ä'),
    ("Aring", 'Å'),
    ("AE", 'Æ'),
    ("Ccedilla", 'Ç'),
    ("Egrave", 'È'),
    ("Eacute", 'É'),
    ("Ecircumflex", 'Ê'),
    ("Edieresis", 'Ë'),
    ("Igrave", 'Ì'),
    ("Iacute", 'Í'),
    ("Icircumflex", 'Î'),
    ("Idieresis", 'Ï'),
    ("Eth", 'Ð'),
    ("Ntilde", 'Ñ'),
    ("Ograve", 'Ò'),
    ("Oacute", 'Ó'),
    ("Ocircumflex", 'Ô'),
    ("Otilde", 'Õ'),
    ("Odieresis", 'Ö'),
    ("multiply", '×'),
    ("Oslash", 'Ø'),
    ("Ugrave", 'Ù'),
    ("Uacute", 'Ú'),
    ("Ucircumflex", 'Û'),
    ("Udieresis", 'Ü'),
    ("Yacute", 'Ý'),
    ("Thorn", 'Þ'),
    ("germandbls", 'ß'),
    ("agrave", 'à'),
    ("aacute", 'á'),
    ("acircumflex", 'â'),
    ("atilde", 'ã'),
    ("adieresis", 'ä'),
    ("aring", 'å'),
    ("ae", 'æ'),
    ("ccedilla", 'ç'),
    ("egrave", 'è'),
    ("eacute", 'é'),
    ("ecircumflex", 'ê'),
    ("edieresis", 'ë'),
    ("igrave", 'ì'),
    ("iacute", 'í'),
    ("icircumflex", 'î'),
    ("idieresis", 'ï'),
    ("eth", 'ð'),
    ("ntilde", 'ñ'),
    ("ograve", 'ò'),
    ("oacute", 'ó'),
    ("ocircumflex", 'ô'),
    ("otilde", 'õ'),
    ("odieresis", 'ö'),
    ("divide", '÷'),
    ("oslash", 'ø'),
    ("ugrave", 'ù'),
    ("uacute", 'ú'),
    ("ucircumflex", 'û'),
    ("udieresis", 'ü'),
    ("yacute", 'ý'),
    ("thorn", 'þ'),
    ("ydieresis", 'ÿ'),
    // Latin Extended-A (common)
    ("Amacron", 'Ā'),
    ("amacron", 'ā'),
    ("Abreve", 'Ă'),
    ("abreve", 'ă'),
    ("Aogonek", 'Ą'),
    ("aogonek", 'ą'),
    ("Cacute", 'Ć'),
    ("cacute", 'ć'),
    ("Ccaron", 'Č'),
    ("ccaron", 'č'),
    ("Dcaron", 'Ď'),
    ("dcaron", 'ď'),
    ("Dcroat", 'Đ'),
    ("dcroat", 'đ'),
    ("Emacron", 'Ē'),
    ("emacron", 'ē'),
    ("Edotaccent", 'Ė'),
    ("edotaccent", 'ė'),
    ("Eogonek", 'Ę'),
    ("eogonek", 'ę'),
    ("Ecaron", 'Ě'),
    ("ecaron", 'ě'),
    ("Gbreve", 'Ğ'),
    ("gbreve", 'ğ'),
    ("Idotaccent", 'İ'),
    ("dotlessi", 'ı'),
    ("dotlessj", 'ȷ'),
    ("IJ", 'Ĳ'),
    ("ij", 'ĳ'),
    ("Lacute", 'Ĺ'),
    ("lacute", 'ĺ'),
    ("Lcaron", 'Ľ'),
    ("lcaron", 'ľ'),
    ("Lslash", 'Ł'),
    ("lslash", 'ł'),
    ("Nacute", 'Ń'),
    ("nacute", 'ń'),
    ("Ncaron", 'Ň'),
    ("ncaron", 'ň'),
    ("Eng", 'Ŋ'),
    ("eng", 'ŋ'),
    ("Ohungarumlaut", 'Ő'),
    ("ohungarumlaut", 'ő'),
    ("OE", 'Œ'),
    ("oe", 'œ'),
    ("Racute", 'Ŕ'),
    ("racute", 'ŕ'),
    ("Rcaron", 'Ř'),
    ("rcaron", 'ř'),
    ("Sacute", 'Ś'),
    ("sacute", 'ś'),
    ("Scedilla", 'Ş'),
    ("scedilla", 'ş'),
    ("Scaron", 'Š'),
    ("scaron", 'š'),
    ("Tcedilla", 'Ţ'),
    ("tcedilla", 'ţ'),
    ("Tcaron", 'Ť'),
    ("tcaron", 'ť'),
    ("Uring", 'Ů'),
    ("uring", 'ů'),
    ("Uhungarumlaut", 'Ű'),
    ("uhungarumlaut", 'ű'),
    ("Uogonek", 'Ų'),
    ("uogonek", 'ų'),
    ("Ydieresis", 'Ÿ'),
    ("Zacute", 'Ź'),
    ("zacute", 'ź'),
    ("Zdotaccent", 'Ż'),
    ("zdotaccent", 'ż'),
    ("Zcaron", 'Ž'),
    ("zcaron", 'ž'),
    ("florin", 'ƒ'),
    ("longs", 'ſ'),
    // spacing modifiers
    ("circumflex", 'ˆ'),
    ("caron", 'ˇ'),
    ("breve", '˘'),
    ("dotaccent", '˙'),
    ("ring", '˚'),
    ("ogonek", '˛'),
    ("tilde", '˜'),
    ("hungarumlaut", '˝'),
    // general punctuation
    ("figuredash", '‒'),
    ("endash", '–'),
    ("emdash", '—'),
    ("horizontalbar", '―'),
    ("quotesinglbase", '‚'),
    ("quotedblleft", '“'),
    ("quotedblright", '”'),
    ("quotedblbase", '„'),
    ("quotereversed", '‛'),
    ("dagger", '†'),
    ("daggerdbl", '‡'),
    ("bullet", '•'),
    ("onedotenleader", '․'),
    ("twodotenleader", '‥'),
    ("ellipsis", '…'),
    ("perthousand", '‰'),
    ("minute", '′'),
    ("second", '″'),
    ("guilsinglleft", '‹'),
    ("guilsinglright", '›'),
    ("fraction", '⁄'),
    ("Euro", '€'),
    ("euro", '€'),
    ("trademark", '™'),
    ("afii61352", '№'),
    ("numero", '№'),
    ("estimated", '℮'),
    ("arrowleft", '←'),
    ("arrowup", '↑'),
    ("arrowright", '→'),
    ("arrowdown", '↓'),
    ("arrowboth", '↔'),
    ("partialdiff", '∂'),
    ("Delta", '∆'),
    ("increment", '∆'),
    ("product", '∏'),
    ("summation", '∑'),
    ("radical", '√'),
    ("infinity", '∞'),
    ("integral", '∫'),
    ("approxequal", '≈'),
    ("notequal", '≠'),
    ("lessequal", '≤'),
    ("greaterequal", '≥'),
    ("lozenge", '◊'),
    ("multiply", '×'),
    ("periodcentered", '·'),
    ("openbullet", '◦'),
    ("blackcircle", '●'),
    ("whitecircle", '○'),
    ("filledbox", '■'),
    ("H18543", '■'),
    ("H18551", '□'),
    ("H22073", '□'),
    ("checkmark", '✓'),
    // ligatures
    ("ff", 'ﬀ'),
    ("fi", 'ﬁ'),
    ("fl", 'ﬂ'),
    ("ffi", 'ﬃ'),
    ("ffl", 'ﬄ'),
    ("st", 'ﬆ'),
    // Greek
    ("Alpha", 'Α'),
    ("Beta", 'Β'),
    ("Gamma", 'Γ'),
    ("Epsilon", 'Ε'),
    ("Zeta", 'Ζ'),
    ("Eta", 'Η'),
    ("Theta", 'Θ'),
    ("Iota", 'Ι'),
    ("Kappa", 'Κ'),
    ("Lambda", 'Λ'),
    ("Mu", 'Μ'),
    ("Nu", 'Ν'),
    ("Xi", 'Ξ'),
    ("Omicron", 'Ο'),
    ("Pi", 'Π'),
    ("Rho", 'Ρ'),
    ("Sigma", 'Σ'),
    ("Tau", 'Τ'),
    ("Upsilon", 'Υ'),
    ("Phi", 'Φ'),
    ("Chi", 'Χ'),
    ("Psi", 'Ψ'),
    ("Omega", 'Ω'),
    ("alpha", 'α'),
    ("beta", 'β'),
    ("gamma", 'γ'),
    ("delta", 'δ'),
    ("epsilon", 'ε'),
    ("zeta", 'ζ'),
    ("eta", 'η'),
    ("theta", 'θ'),
    ("iota", 'ι'),
    ("kappa", 'κ'),
    ("lambda", 'λ'),
    ("nu", 'ν'),
    ("xi", 'ξ'),
    ("omicron", 'ο'),
    ("pi", 'π'),
    ("rho", 'ρ'),
    ("sigma", 'σ'),
    ("sigma1", 'ς'),
    ("tau", 'τ'),
    ("upsilon", 'υ'),
    ("phi", 'φ'),
    ("chi", 'χ'),
    ("psi", 'ψ'),
    ("omega", 'ω'),
    // TeX (pdfTeX T1/OT1/TS1 fonts without ToUnicode)
    ("visiblespace", '␣'),
    ("compwordmark", '\u{200c}'),
    ("perthousandzero", '\u{200b}'),
    ("cwm", '\u{200c}'),
    ("quotedblbase.cm", '„'),
    ("hyphenchar", '-'),
    ("textcompwordmark", '\u{200c}'),
    ("angbracketleft", '⟨'),
    ("angbracketright", '⟩'),
    ("dotlessj", 'ȷ'),
    ("Germandbls", 'ẞ'),
    ("SS", 'ẞ'),
];

fn table() -> &'static HashMap<&'static str, char> {
    static TABLE: OnceLock<HashMap<&'static str, char>> = OnceLock::new();
    TABLE.get_or_init(|| GLYPHS.iter().copied().collect())
}

/// Unicode text for a glyph name, or `None` when the name is unknown or meaningless.
///
/// Handles the AGL subset above, `uniXXXX[XXXX…]`, `uXXXX[XX]`, `a_b_c` ligature names and
/// `name.suffix` variants. `SS` and `Germandbls` map to capital sharp s; `.notdef` gives `None`.
pub fn glyph_to_unicode(name: &str) -> Option<String> {
    if name.is_empty() || name == ".notdef" {
        return None;
    }
    if let Some(&c) = table().get(name) {
        // Ligature glyphs map to their presentation forms; the cleaner expands them.
        return Some(c.to_string());
    }
    // Variant suffix: "a.sc", "one.oldstyle", "f_f_i.liga".
    if let Some((base, _)) = name.split_once('.') {
        return if base.is_empty() {
            None
        } else {
            glyph_to_unicode(base)
        };
    }
    if name.contains('_') {
        let mut out = String::new();
        for part in name.split('_') {
            out.push_str(&component(part)?);
        }
        return Some(out);
    }
    component(name)
}

/// One component of a glyph name (no `_`, no `.`): table, `uniXXXX…` or `uXXXX[XX]`.
fn component(name: &str) -> Option<String> {
    if let Some(&c) = table().get(name) {
        return Some(c.to_string());
    }
    if let Some(hex) = name.strip_prefix("uni")
        && !hex.is_empty()
        && hex.len() % 4 == 0
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
    {
        let units: Vec<u16> = hex
            .as_bytes()
            .chunks(4)
            .filter_map(|c| std::str::from_utf8(c).ok())
            .filter_map(|s| u16::from_str_radix(s, 16).ok())
            .collect();
        let s: String = char::decode_utf16(units).filter_map(Result::ok).collect();
        return if s.is_empty() { None } else { Some(s) };
    }
    if let Some(hex) = name.strip_prefix('u')
        && (4..=6).contains(&hex.len())
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return u32::from_str_radix(hex, 16)
            .ok()
            .and_then(char::from_u32)
            .map(String::from);
    }
    // Single letters and digits are their own names ("a", "Z").
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.next())
        && c.is_ascii_alphabetic()
    {
        return Some(c.to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names() {
        assert_eq!(glyph_to_unicode("aring").as_deref(), Some("å"));
        assert_eq!(glyph_to_unicode("oslash").as_deref(), Some("ø"));
        assert_eq!(glyph_to_unicode("AE").as_deref(), Some("Æ"));
        assert_eq!(glyph_to_unicode("a").as_deref(), Some("a"));
        assert_eq!(glyph_to_unicode("fi").as_deref(), Some("ﬁ"));
        assert_eq!(glyph_to_unicode(".notdef"), None);
        assert_eq!(glyph_to_unicode("g123"), None);
    }

    #[test]
    fn algorithmic_names() {
        assert_eq!(glyph_to_unicode("uni00E6").as_deref(), Some("æ"));
        assert_eq!(glyph_to_unicode("uni00660069").as_deref(), Some("fi"));
        assert_eq!(glyph_to_unicode("u1F600").as_deref(), Some("😀"));
        assert_eq!(glyph_to_unicode("uniD83DDE00").as_deref(), Some("😀"));
        assert_eq!(glyph_to_unicode("f_i").as_deref(), Some("fi"));
        assert_eq!(glyph_to_unicode("f_f_l").as_deref(), Some("ffl"));
        assert_eq!(glyph_to_unicode("a.sc").as_deref(), Some("a"));
        assert_eq!(glyph_to_unicode("uniZZZZ"), None);
    }
}
