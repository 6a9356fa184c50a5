//! The `cmap` table of an embedded TrueType font: a last resort for text without ToUnicode.
//!
//! In: the bytes of a `/FontFile2` stream. Out: a [`Cmaps`] telling which glyph a byte code
//! selects (the `(3,0)` symbol and `(1,0)` Mac subtables that simple TrueType fonts are
//! addressed through) and which Unicode character a glyph shows (the Unicode subtables,
//! reversed).
//!
//! Design decision: only the table directory and the `cmap` subtables of formats 0, 4, 6 and
//! 12 are read, never the glyph programs, and every loop is capped (subtables, segments and
//! at most [`MAX_MAPPINGS`] code points in total), so a hostile font costs microseconds and
//! no more memory than a real one. A font whose tables are out of bounds gives no map.
//!
//! Known limits: fonts whose Unicode subtable was stripped by the subsetter (common) give no
//! text this way; glyphs reached only through ligature substitution (`GSUB`) are not mapped.

use std::collections::HashMap;

/// Most code points read from all subtables of one font.
const MAX_MAPPINGS: usize = 1 << 17;

/// The mappings of one font's `cmap` table.
#[derive(Debug, Default, Clone)]
pub struct Cmaps {
    /// Byte code (or `0xF000 + code`) → glyph, from the `(3,0)` symbol subtable.
    pub symbol: HashMap<u32, u16>,
    /// Byte code → glyph, from the `(1,0)` Mac Roman subtable.
    pub mac: HashMap<u32, u16>,
    /// Glyph → the character it shows, from the Unicode subtables.
    pub unicode: HashMap<u16, char>,
}

impl Cmaps {
    /// The glyph a simple font's byte code selects (symbol subtable first, as readers do).
    pub fn glyph_for_code(&self, code: u8) -> Option<u16> {
        let code = u32::from(code);
        self.symbol
            .get(&(0xF000 + code))
            .or_else(|| self.symbol.get(&code))
            .or_else(|| self.mac.get(&code))
            .copied()
            .filter(|&g| g != 0)
    }
}

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    let b = data.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([b[0], b[1]]))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    let b = data.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// Reads the `cmap` table of a TrueType (or OpenType) font file.
pub fn parse(font: &[u8]) -> Option<Cmaps> {
    let tables = usize::from(u16_at(font, 4)?).min(256);
    let mut cmap = None;
    for i in 0..tables {
        let rec = 12 + 16 * i;
        if font.get(rec..rec + 4)? == b"cmap" {
            let offset = u32_at(font, rec + 8)? as usize;
            let length = u32_at(font, rec + 12)? as usize;
            cmap = font.get(offset..offset.checked_add(length)?);
            break;
        }
    }
    let cmap = cmap?;
    let subtables = usize::from(u16_at(cmap, 2)?).min(64);
    let mut out = Cmaps::default();
    let mut budget = MAX_MAPPINGS;
    for i in 0..subtables {
        let rec = 4 + 8 * i;
        let (Some(platform), Some(encoding), Some(offset)) = (
            u16_at(cmap, rec),
            u16_at(cmap, rec + 2),
            u32_at(cmap, rec + 4),
        ) else {
            break;
        };
        let Some(sub) = cmap.get(offset as usize..) else {
            continue;
        };
        let mut pairs = Vec::new();
        read_subtable(sub, &mut pairs, &mut budget);
        match (platform, encoding) {
            (3, 0) => out.symbol.extend(pairs),
            (1, 0) => out.mac.extend(pairs),
            (0, _) | (3, 1) | (3, 10) => {
                for (code, glyph) in pairs {
                    let Some(c) = char::from_u32(code) else {
                        continue;
                    };
                    if glyph == 0 || ('\u{e000}'..='\u{f8ff}').contains(&c) {
                        continue;
                    }
                    // The lowest code point wins when several show the same glyph.
                    out.unicode
                        .entry(glyph)
                        .and_modify(|old| *old = (*old).min(c))
                        .or_insert(c);
                }
            }
            _ => {}
        }
    }
    Some(out)
}

/// Reads one subtable into (code, glyph) pairs, spending `budget` code points.
fn read_subtable(sub: &[u8], out: &mut Vec<(u32, u16)>, budget: &mut usize) {
    let Some(format) = u16_at(sub, 0) else { return };
    let mut push = |code: u32, glyph: u16, out: &mut Vec<(u32, u16)>| -> bool {
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        out.push((code, glyph));
        true
    };
    match format {
        0 => {
            for code in 0..256u32 {
                match sub.get(6 + code as usize) {
                    Some(&g) => {
                        if !push(code, u16::from(g), out) {
                            return;
                        }
                    }
                    None => return,
                }
            }
        }
        4 => {
            let Some(seg_x2) = u16_at(sub, 6).map(usize::from) else {
                return;
            };
            let ends = 14;
            let starts = ends + seg_x2 + 2;
            let deltas = starts + seg_x2;
            let range_offsets = deltas + seg_x2;
            for s in (0..seg_x2).step_by(2) {
                let (Some(end), Some(start), Some(delta), Some(ro)) = (
                    u16_at(sub, ends + s),
                    u16_at(sub, starts + s),
                    u16_at(sub, deltas + s),
                    u16_at(sub, range_offsets + s),
                ) else {
                    return;
                };
                if start > end {
                    continue;
                }
                for code in start..=end {
                    if code == 0xFFFF {
                        break;
                    }
                    let glyph = if ro == 0 {
                        code.wrapping_add(delta)
                    } else {
                        let at =
                            range_offsets + s + usize::from(ro) + 2 * usize::from(code - start);
                        match u16_at(sub, at) {
                            Some(0) | None => 0,
                            Some(g) => g.wrapping_add(delta),
                        }
                    };
                    if glyph != 0 && !push(u32::from(code), glyph, out) {
                        return;
                    }
                }
            }
        }
        6 => {
            let (Some(first), Some(count)) = (u16_at(sub, 6), u16_at(sub, 8)) else {
                return;
            };
            for i in 0..usize::from(count) {
                let Some(glyph) = u16_at(sub, 10 + 2 * i) else {
                    return;
                };
                let code = u32::from(first) + i as u32;
                if glyph != 0 && !push(code, glyph, out) {
                    return;
                }
            }
        }
        12 => {
            let Some(groups) = u32_at(sub, 12) else {
                return;
            };
            for g in 0..groups.min(65_536) as usize {
                let at = 16 + 12 * g;
                let (Some(start), Some(end), Some(first_glyph)) =
                    (u32_at(sub, at), u32_at(sub, at + 4), u32_at(sub, at + 8))
                else {
                    return;
                };
                if start > end || end > 0x10_FFFF {
                    continue;
                }
                for code in start..=end {
                    let Ok(glyph) = u16::try_from(first_glyph + (code - start)) else {
                        break;
                    };
                    if glyph != 0 && !push(code, glyph, out) {
                        return;
                    }
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A font file with one `cmap` table holding the given subtables.
    pub(in super::super) fn font(subtables: &[(u16, u16, Vec<u8>)]) -> Vec<u8> {
        let mut cmap = Vec::new();
        cmap.extend(0u16.to_be_bytes());
        cmap.extend((subtables.len() as u16).to_be_bytes());
        let mut offset = 4 + 8 * subtables.len();
        for (p, e, body) in subtables {
            cmap.extend(p.to_be_bytes());
            cmap.extend(e.to_be_bytes());
            cmap.extend((offset as u32).to_be_bytes());
            offset += body.len();
        }
        for (_, _, body) in subtables {
            cmap.extend(body);
        }
        let mut f = vec![0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0];
        f.extend(b"cmap");
        f.extend(0u32.to_be_bytes());
        f.extend(28u32.to_be_bytes());
        f.extend((cmap.len() as u32).to_be_bytes());
        f.extend(cmap);
        f
    }

    /// A format 4 subtable with one segment `start..=end` → glyphs from `delta`, plus the
    /// final 0xFFFF segment.
    pub(in super::super) fn format4(start: u16, end: u16, delta: u16) -> Vec<u8> {
        let mut s = Vec::new();
        for v in [
            4u16, 0, 0, 4, 0, 0, 0, end, 0xFFFF, 0, start, 0xFFFF, delta, 1, 0, 0,
        ] {
            s.extend(v.to_be_bytes());
        }
        s
    }

    #[test]
    fn symbol_and_unicode_subtables_give_the_text_of_a_code() {
        // Glyphs 3..=5 show 'æ', 'ø', 'å'; the symbol subtable maps 0xF041.. to them.
        let mut twelve = Vec::new();
        for v in [
            12u16, 0, 0, 0, 0, 0, 0, 2, 0, 0xF8, 0, 0xF8, 0, 4, 0, 0xE5, 0, 0xE5, 0, 5,
        ] {
            twelve.extend(v.to_be_bytes());
        }
        let mut six = Vec::new();
        for v in [6u16, 0, 0, 0x00E6, 1, 3] {
            six.extend(v.to_be_bytes());
        }
        let f = font(&[
            (3, 0, format4(0xF041, 0xF043, 3u16.wrapping_sub(0xF041))),
            (3, 1, six),
            (3, 10, twelve),
        ]);
        let c = parse(&f).unwrap_or_default();
        assert_eq!(c.glyph_for_code(0x41), Some(3));
        assert_eq!(c.unicode.get(&3), Some(&'æ'));
        assert_eq!(c.unicode.get(&4), Some(&'ø'));
        assert_eq!(c.unicode.get(&5), Some(&'å'));
        assert_eq!(c.glyph_for_code(0x44), None);
    }

    #[test]
    fn truncated_and_hostile_fonts_give_little_or_nothing() {
        assert!(parse(b"").is_none());
        assert!(parse(&[0, 1, 0, 0, 0, 1]).is_none());
        // Segments claiming every code of several subtables: capped, not looped over forever.
        let f = font(&[
            (3, 1, format4(0, 0xFFFE, 1)),
            (0, 3, format4(0, 0xFFFE, 2)),
            (3, 10, format4(0, 0xFFFE, 3)),
        ]);
        let c = parse(&f).unwrap_or_default();
        assert!(c.unicode.len() <= MAX_MAPPINGS);
        let mut f = f;
        f.truncate(40);
        assert!(parse(&f).is_none_or(|c| c.unicode.is_empty()));
    }
}
