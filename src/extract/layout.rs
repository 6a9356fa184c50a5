//! Positioned glyphs → page text in reading order.
//!
//! In: the [`TextGlyph`]s of one page. Out: the page text, lines separated by `\n` and
//! text blocks by a blank line (not yet cleaned: see [`super::clean`]).
//!
//! Steps: (1) glyphs are grouped by writing direction (right, up, left, down) and each group
//! is rotated into a frame where it reads left to right, so rotated pages and vertical labels
//! come out as lines; (2) duplicated glyphs (fake bold, shadows: same text at nearly the same
//! spot) are dropped; (3) consecutive glyphs on one baseline form *fragments*, cut at gaps
//! wider than a column gutter could be; (4) a recursive XY-cut orders the fragments: a
//! vertical gutter that runs through the whole region splits it into columns (read left to
//! right); otherwise the region is cut into horizontal bands, and adjacent bands that share a
//! gutter are merged again so a two-column section is read column by column even where its
//! paragraph breaks line up; (5) in each leaf, fragments become lines by baseline, glyphs are
//! sorted along the line and a space is put where the gap exceeds a fraction of the font size
//! (or a superscript number begins), since many producers draw no space glyphs at all.
//!
//! Tables: a region split by gutters is read row by row when its rows are apart by a gap,
//! when a column of short cells (numbers, a status) anchors rows whose other cells wrap onto
//! several lines (groff's tbl, LibreOffice), or when it is a dense grid; otherwise column by
//! column. Text that overflows a cell into the next one (LaTeX) is kept whole, not
//! interleaved glyph by glyph. A one-word cell line that fills its column from edge to edge
//! is marked with [`WRAP_MARK`], so the clean-up can re-join a word the producer wrapped
//! without a hyphen.
//!
//! Design decision: word breaks come from geometry relative to the font size, never from the
//! string boundaries of the content stream: producers split strings mid-word (kerning) and
//! join words without space glyphs (TeX), and both are handled the same way.
//!
//! Known limits: right-to-left scripts are laid out left to right; tables are read column by
//! column where their columns are separated by a clear gutter; text on curves is broken up.

use std::cmp::Ordering;
use std::rc::Rc;

use foldhash::HashMap as FastMap;

use super::content::TextGlyph;

/// A gap wider than this many font sizes ends a fragment.
const FRAGMENT_GAP: f32 = 1.2;
/// A vertical gutter must be at least this many (median) font sizes wide.
const GUTTER: f32 = 1.0;
/// A gap wider than this many font sizes between glyphs on a line is a word break.
const WORD_GAP: f32 = 0.15;
/// Median glyphs per fragment below which a multi-column region is read as a table.
const TABLE_CELL_GLYPHS: usize = 24;
/// A vertical gap over this many font sizes separates table rows.
const ROW_GAP: f32 = 0.25;
/// Recursion limit of the XY-cut.
const MAX_DEPTH: usize = 48;

/// A glyph in its reading frame (u along the line, v up).
#[derive(Debug, Clone)]
struct G {
    text: Rc<str>,
    u: f32,
    v: f32,
    w: f32,
    s: f32,
    /// The text is not only white space (computed once: every step asks).
    vis: bool,
    /// Writing direction: 0 right, 1 up, 2 left, 3 down.
    dir: u8,
}

/// A run of glyphs on one baseline: consecutive glyphs of the page, so a slice of them.
#[derive(Debug, Clone)]
struct Frag<'a> {
    glyphs: &'a [G],
    u0: f32,
    u1: f32,
    v: f32,
    s: f32,
}

impl Frag<'_> {
    fn top(&self) -> f32 {
        self.v + 0.7 * self.s
    }
    fn bottom(&self) -> f32 {
        self.v - 0.2 * self.s
    }
}

fn cmp_f(a: f32, b: f32) -> Ordering {
    a.partial_cmp(&b).unwrap_or(Ordering::Equal)
}

/// Lays out one page's glyphs as text.
pub fn layout_page(glyphs: Vec<TextGlyph>) -> String {
    // Glyphs become reading-frame glyphs in place (same size: the allocation is reused, and
    // a page's glyphs are many), then are grouped by direction.
    let kept = |g: &TextGlyph| !(g.text.is_empty() || g.size.is_nan() || g.size <= 0.0);
    let all: Vec<G> = glyphs
        .into_iter()
        .filter(kept)
        .map(|g| {
            let dir = if g.dx.abs() >= g.dy.abs() {
                if g.dx >= 0.0 { 0 } else { 2 }
            } else if g.dy > 0.0 {
                1
            } else {
                3
            };
            let (u, v) = match dir {
                1 => (g.y, -g.x),
                2 => (-g.x, -g.y),
                3 => (-g.y, g.x),
                _ => (g.x, g.y),
            };
            G {
                vis: visible_text(&g.text),
                text: g.text,
                u,
                v,
                w: g.width.max(0.0),
                s: g.size,
                dir,
            }
        })
        .collect();
    let mut groups: [Vec<G>; 4] = Default::default();
    if all.iter().all(|g| g.dir == 0) {
        groups[0] = all;
    } else {
        for g in all {
            if let Some(group) = groups.get_mut(usize::from(g.dir)) {
                group.push(g);
            }
        }
    }
    let mut order: Vec<usize> = (0..4).collect();
    order.sort_by_key(|&d| std::cmp::Reverse(groups.get(d).map_or(0, Vec::len)));
    let mut out = String::new();
    for d in order {
        let Some(group) = groups.get_mut(d) else {
            continue;
        };
        if group.is_empty() {
            continue;
        }
        let glyphs = dedupe(std::mem::take(group));
        let text = layout_group(glyphs);
        if !text.is_empty() {
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(&text);
        }
    }
    out
}

/// Drops glyphs that repeat the same text at (nearly) the same place.
///
/// The rule: glyphs are sorted by text, then by position rounded to 0.3 font sizes, then by
/// drawing order, and a glyph close to its predecessor in that order is dropped. Only the
/// grouping by text matters, not the order of the groups, so the glyphs are bucketed by text
/// (a counting sort on a number per distinct text) and each bucket is sorted on its own by
/// integer keys: far cheaper than one sort comparing strings. White space, never dropped,
/// is left out.
fn dedupe(glyphs: Vec<G>) -> Vec<G> {
    let n = glyphs.len();
    // A number per distinct visible text, in order of first appearance: single characters
    // below U+0800 (nearly every glyph of European text) through a table, others by hashing.
    let mut char_ids: Vec<u32> = vec![u32::MAX; 0x800];
    let mut ids: FastMap<&str, u32> = FastMap::default();
    let mut text_id: Vec<u32> = Vec::with_capacity(n);
    let mut counts: Vec<usize> = Vec::new();
    for g in &glyphs {
        if !g.vis {
            text_id.push(u32::MAX);
            continue;
        }
        let next = counts.len() as u32;
        let mut chars = g.text.chars();
        let id = match (chars.next(), chars.next()) {
            (Some(c), None) if (c as usize) < char_ids.len() => {
                let slot = char_ids.get_mut(c as usize);
                match slot {
                    Some(id) if *id == u32::MAX => {
                        *id = next;
                        next
                    }
                    Some(id) => *id,
                    None => next,
                }
            }
            _ => *ids.entry(&*g.text).or_insert(next),
        };
        if id == next {
            counts.push(0);
        }
        if let Some(c) = counts.get_mut(id as usize) {
            *c += 1;
        }
        text_id.push(id);
    }
    // Bucket start offsets, then the glyphs' sort keys placed bucket by bucket.
    let mut starts: Vec<usize> = Vec::with_capacity(counts.len() + 1);
    let mut total = 0;
    for c in &counts {
        starts.push(total);
        total += c;
    }
    starts.push(total);
    let mut fill = starts.clone();
    let mut keyed: Vec<(i64, i64, usize)> = vec![(0, 0, 0); total];
    for (i, (g, &id)) in glyphs.iter().zip(&text_id).enumerate() {
        if let Some(at) = fill.get_mut(id as usize)
            && let Some(slot) = keyed.get_mut(*at)
        {
            let scale = 0.3 * g.s.max(0.1);
            *slot = (round_to_i64(g.v / scale), round_to_i64(g.u / scale), i);
            *at += 1;
        }
    }
    let mut drop = vec![false; n];
    for bounds in starts.windows(2) {
        let Some(bucket) = keyed.get_mut(bounds[0]..bounds[1]) else {
            continue;
        };
        if bucket.len() < 2 {
            continue;
        }
        // Text drawn row by row, top to bottom and left to right, is sorted once its rows
        // are put in reverse order: a linear pass, checked; anything else is sorted. The
        // keys are unique (they end in the index), so either way the order is the same.
        bucket.reverse();
        for row in bucket.chunk_by_mut(|a, b| a.0 == b.0) {
            row.reverse();
        }
        if !bucket.is_sorted() {
            bucket.sort_unstable();
        }
        for pair in bucket.windows(2) {
            let &[(.., a), (.., b)] = pair else { continue };
            let (ga, gb) = (&glyphs[a], &glyphs[b]);
            let tol = 0.2 * ga.s.max(gb.s);
            if (ga.u - gb.u).abs() < tol && (ga.v - gb.v).abs() < tol && (ga.s - gb.s).abs() < tol {
                drop[a.max(b)] = true;
            }
        }
    }
    drop_marked(glyphs, &drop)
}

/// `x.round() as i64`, without the call to `roundf` that `round` is on x86-64 without SSE4.1
/// (two per glyph, 2 % of extraction). In `f64`, adding ±0.5 to an `f32` is exact wherever the
/// result can differ from 0, so truncating the sum rounds half away from zero, as `round` does.
fn round_to_i64(x: f32) -> i64 {
    let x = f64::from(x);
    (x + 0.5f64.copysign(x)) as i64
}

/// Removes the glyphs marked in `drop`, keeping the order of the others.
fn drop_marked(glyphs: Vec<G>, drop: &[bool]) -> Vec<G> {
    if !drop.contains(&true) {
        return glyphs;
    }
    glyphs
        .into_iter()
        .zip(drop)
        .filter(|(_, d)| !**d)
        .map(|(g, _)| g)
        .collect()
}

/// Fragments, XY-cut and line assembly for glyphs of one direction.
fn layout_group(glyphs: Vec<G>) -> String {
    let frags = fragments(&glyphs);
    if frags.is_empty() {
        return String::new();
    }
    let mut sizes: Vec<f32> = frags.iter().map(|f| f.s).collect();
    sizes.sort_by(|a, b| cmp_f(*a, *b));
    let median = sizes.get(sizes.len() / 2).copied().unwrap_or(10.0);
    let gutter = GUTTER * median;
    let mut cut = Cut {
        frags: &frags,
        gutter,
        cell: vec![(f32::NAN, f32::NAN); frags.len()],
        out: Vec::new(),
    };
    cut.xycut((0..frags.len()).collect(), 0, false);
    let Cut {
        mut cell,
        out: leaves,
        ..
    } = cut;
    widen_columns(&mut cell);
    let mut out = String::new();
    let mut prev: Option<Bounds> = None;
    for leaf in leaves {
        let text = leaf_text(&frags, &leaf, &cell);
        if text.trim().is_empty() {
            continue;
        }
        let bounds = leaf_bounds(&frags, &leaf);
        if !out.is_empty() {
            // A leaf right below the previous one, overlapping it, continues its block.
            let close = prev.zip(bounds).is_some_and(|(p, n)| {
                n.u0 < p.u1
                    && p.u0 < n.u1
                    && n.top <= p.bottom + 0.1 * p.s
                    && p.bottom - n.top < p.s
            });
            out.push_str(if close { "\n" } else { "\n\n" });
        }
        prev = bounds;
        out.push_str(&text);
    }
    out
}

/// Widens each recorded cell to its whole table column: cells whose extents overlap along
/// the line belong to one column, whose width is the union of theirs (a row alone only shows
/// its own cell's widest line).
fn widen_columns(cell: &mut [(f32, f32)]) {
    let mut marked: Vec<usize> = (0..cell.len())
        .filter(|&i| cell[i].0.is_finite() && cell[i].1.is_finite())
        .collect();
    marked.sort_by(|&a, &b| cmp_f(cell[a].0, cell[b].0));
    let mut start = 0;
    while start < marked.len() {
        let (lo, mut hi) = cell[marked[start]];
        let mut end = start + 1;
        while let Some(&i) = marked.get(end) {
            if cell[i].0 >= hi {
                break;
            }
            hi = hi.max(cell[i].1);
            end += 1;
        }
        for &i in marked.get(start..end).unwrap_or_default() {
            cell[i] = (lo, hi);
        }
        start = end;
    }
}

/// Extent of a leaf region.
#[derive(Debug, Clone, Copy)]
struct Bounds {
    u0: f32,
    u1: f32,
    top: f32,
    bottom: f32,
    s: f32,
}

fn leaf_bounds(frags: &[Frag<'_>], leaf: &[usize]) -> Option<Bounds> {
    let first = &frags[*leaf.first()?];
    let mut b = Bounds {
        u0: first.u0,
        u1: first.u1,
        top: first.top(),
        bottom: first.bottom(),
        s: first.s,
    };
    for &i in leaf {
        let f = &frags[i];
        b.u0 = b.u0.min(f.u0);
        b.u1 = b.u1.max(f.u1);
        b.top = b.top.max(f.top());
        b.bottom = b.bottom.min(f.bottom());
        b.s = b.s.max(f.s);
    }
    Some(b)
}

/// Splits the glyph stream into same-baseline runs.
fn fragments(glyphs: &[G]) -> Vec<Frag<'_>> {
    let mut frags: Vec<Frag<'_>> = Vec::new();
    for (i, g) in glyphs.iter().enumerate() {
        if let Some(f) = frags.last_mut() {
            let s = f.s.max(g.s);
            let same_line = (g.v - f.v).abs() < 0.5 * s;
            let gap = g.u - f.u1;
            if same_line && gap > -0.6 * s && gap < FRAGMENT_GAP * s {
                f.u1 = f.u1.max(g.u + g.w);
                f.u0 = f.u0.min(g.u);
                if g.s > f.s && g.vis {
                    f.s = g.s;
                    f.v = g.v;
                }
                // The fragment is the run of glyphs up to this one.
                let start = i.saturating_sub(f.glyphs.len());
                f.glyphs = glyphs.get(start..=i).unwrap_or_default();
                continue;
            }
        }
        frags.push(Frag {
            u0: g.u,
            u1: g.u + g.w,
            v: g.v,
            s: g.s,
            glyphs: glyphs.get(i..=i).unwrap_or_default(),
        });
    }
    // Whitespace-only fragments carry no text and would confuse the cuts.
    frags.retain(|f| f.glyphs.iter().any(visible));
    for f in &mut frags {
        // Bounds from visible glyphs only.
        let vis = || f.glyphs.iter().filter(|g| g.vis);
        if let (Some(a), Some(b)) = (
            vis().map(|g| g.u).min_by(|a, b| cmp_f(*a, *b)),
            vis().map(|g| g.u + g.w).max_by(|a, b| cmp_f(*a, *b)),
        ) {
            f.u0 = a;
            f.u1 = b;
        }
    }
    frags
}

/// Splits `idx` at gaps along u (columns) at least `min_gap` wide; left to right.
fn split_u(frags: &[Frag<'_>], mut idx: Vec<usize>, min_gap: f32) -> Vec<Vec<usize>> {
    idx.sort_by(|&a, &b| cmp_f(frags[a].u0, frags[b].u0));
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut end = f32::NEG_INFINITY;
    for i in idx {
        let f = &frags[i];
        match out.last_mut() {
            Some(cur) if f.u0 - end < min_gap => cur.push(i),
            _ => out.push(vec![i]),
        }
        end = end.max(f.u1);
    }
    out
}

/// Splits `idx` at vertical gaps (any positive gap); top to bottom.
fn split_v(frags: &[Frag<'_>], idx: Vec<usize>) -> Vec<Vec<usize>> {
    split_v_gap(frags, idx, 0.0)
}

/// Splits `idx` at vertical gaps wider than `min_gap`; top to bottom.
fn split_v_gap(frags: &[Frag<'_>], mut idx: Vec<usize>, min_gap: f32) -> Vec<Vec<usize>> {
    idx.sort_by(|&a, &b| cmp_f(frags[b].top(), frags[a].top()));
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut low = f32::INFINITY;
    for i in idx {
        let f = &frags[i];
        match out.last_mut() {
            Some(cur) if f.top() > low - min_gap => cur.push(i),
            _ => out.push(vec![i]),
        }
        low = low.min(f.bottom());
    }
    out
}

/// An empty u-interval (start, end, text on both sides).
type Gap = (f32, f32, bool);

/// Empty u-intervals of `idx` inside `[lo, hi]` at least `min_gap` wide, with a flag telling
/// whether the interval has text on both sides.
fn gaps(frags: &[Frag<'_>], idx: &[usize], lo: f32, hi: f32, min_gap: f32) -> Vec<Gap> {
    let mut spans: Vec<(f32, f32)> = idx.iter().map(|&i| (frags[i].u0, frags[i].u1)).collect();
    spans.sort_by(|a, b| cmp_f(a.0, b.0));
    let mut out = Vec::new();
    let mut cur = lo;
    let mut first = true;
    for (a, b) in spans {
        if a - cur >= min_gap {
            out.push((cur, a, !first));
        }
        cur = cur.max(b);
        first = false;
    }
    if hi - cur >= min_gap {
        out.push((cur, hi, false));
    }
    out
}

/// Intersection of two gap lists (intervals at least `min_gap` wide).
fn intersect(
    a: &[(f32, f32, bool)],
    b: &[(f32, f32, bool)],
    min_gap: f32,
) -> Vec<(f32, f32, bool)> {
    let mut out = Vec::new();
    for &(a0, a1, ai) in a {
        for &(b0, b1, bi) in b {
            let (l, r) = (a0.max(b0), a1.min(b1));
            if r - l >= min_gap {
                out.push((l, r, ai || bi));
            }
        }
    }
    out
}

/// How a table region is cut.
enum Table {
    /// Rows separated by vertical gaps.
    Rows(Vec<Vec<usize>>),
    /// A grid read line by line (no gaps between rows).
    Lines(Vec<Vec<usize>>),
}

/// Whether a region split by gutters (`cols`) looks like a table rather than columns of
/// running text. Either the median fragment is short (fewer than [`TABLE_CELL_GLYPHS`]
/// glyphs: cells, not lines), or the region falls into at least three loosely spaced rows
/// (gaps over [`ROW_GAP`] sizes) of at most a few lines each, most of which have text on both
/// sides of the first gutter: running text has uniform leading and rarely lines up its
/// paragraph breaks across columns.
fn is_table(frags: &[Frag<'_>], idx: &[usize], cols: &[Vec<usize>], size: f32) -> Option<Table> {
    // Sizes and pitches of this region (a table's font is often smaller than the page's).
    let mut sizes: Vec<f32> = idx.iter().map(|&i| frags[i].s).collect();
    sizes.sort_by(|a, b| cmp_f(*a, *b));
    let size = sizes.get(sizes.len() / 2).copied().unwrap_or(size);
    // Rows must be further apart than the region's ordinary line pitch.
    let mut pitches: Vec<f32> = Vec::new();
    for col in cols {
        let mut vs: Vec<f32> = col.iter().map(|&i| frags[i].v).collect();
        vs.sort_by(|a, b| cmp_f(*b, *a));
        pitches.extend(
            vs.windows(2)
                .map(|w| w[0] - w[1])
                .filter(|d| *d > 0.3 * size && *d < 3.0 * size),
        );
    }
    pitches.sort_by(|a, b| cmp_f(*a, *b));
    let pitch = pitches.first().copied().unwrap_or(1.2 * size);
    let row_gap = (ROW_GAP * size).max(pitch - 0.8 * size);
    let rows = split_v_gap(frags, idx.to_vec(), row_gap);
    let mut counts: Vec<usize> = idx.iter().map(|&i| frags[i].glyphs.len()).collect();
    counts.sort_unstable();
    let short = counts
        .get(counts.len() / 2)
        .is_some_and(|&m| m < TABLE_CELL_GLYPHS);
    if short {
        if rows.len() > 1 {
            return Some(Table::Rows(rows));
        }
        // One block of rows: read line by line only if the lines run across the columns
        // (a grid); a single row with a multi-line cell is read cell by cell instead.
        let lines = split_v(frags, idx.to_vec());
        let col_of = |i: usize| cols.iter().position(|c| c.contains(&i));
        let spanning = lines
            .iter()
            .filter(|l| {
                let first = l.first().and_then(|&i| col_of(i));
                l.iter().any(|&i| col_of(i) != first)
            })
            .count();
        return (lines.len() >= 3 && spanning * 10 >= lines.len() * 7)
            .then_some(Table::Lines(lines));
    }
    if rows.len() < 3 {
        return None;
    }
    let first_col = cols.first()?;
    let split = first_col
        .iter()
        .map(|&i| frags[i].u1)
        .fold(f32::NEG_INFINITY, f32::max);
    let lines: usize = rows.iter().map(|r| split_v(frags, r.clone()).len()).sum();
    let spanning = rows
        .iter()
        .filter(|r| {
            r.iter().any(|&i| frags[i].u1 <= split) && r.iter().any(|&i| frags[i].u0 > split)
        })
        .count();
    (lines as f32 <= 3.5 * rows.len() as f32 && spanning * 10 >= rows.len() * 6)
        .then_some(Table::Rows(rows))
}

/// Rows of a table whose cells wrap onto several lines, read from the shortest column.
///
/// Producers that wrap cell text (groff's tbl, LibreOffice) leave the other cells of a row on
/// the baseline of the row's first line: the column with the fewest baselines (short cells:
/// numbers, a status) then marks where each row begins. Accepted only when the first column
/// has a line on every such baseline (top-aligned cells), nothing in the region lies above the
/// first one, and some line falls between two of them (otherwise there is nothing to regroup,
/// or the region is running text beside a shorter column).
fn anchored_rows(
    frags: &[Frag<'_>],
    idx: &[usize],
    cols: &[Vec<usize>],
    size: f32,
) -> Option<Vec<Vec<usize>>> {
    let mut sizes: Vec<f32> = idx.iter().map(|&i| frags[i].s).collect();
    sizes.sort_by(|a, b| cmp_f(*a, *b));
    let size = sizes.get(sizes.len() / 2).copied().unwrap_or(size);
    let tol = 0.3 * size;
    let baselines = |col: &[usize]| -> Vec<f32> {
        let mut vs: Vec<f32> = col.iter().map(|&i| frags[i].v).collect();
        vs.sort_by(|a, b| cmp_f(*b, *a));
        let mut out: Vec<f32> = Vec::new();
        for v in vs {
            if out.last().is_none_or(|&l| l - v > tol) {
                out.push(v);
            }
        }
        out
    };
    let short = |col: &[usize]| {
        let mut counts: Vec<usize> = col.iter().map(|&i| frags[i].glyphs.len()).collect();
        counts.sort_unstable();
        counts
            .get(counts.len() / 2)
            .is_some_and(|&m| m < TABLE_CELL_GLYPHS)
    };
    let anchors = cols
        .iter()
        .skip(1)
        .filter(|c| short(c))
        .map(|c| baselines(c))
        .filter(|b| b.len() >= 2)
        .min_by_key(Vec::len)?;
    let first = cols.first()?;
    let first_lines = baselines(first);
    let on_anchor = |v: f32| anchors.iter().any(|&a| (a - v).abs() <= tol);
    let top = *anchors.first()?;
    let all_lines = baselines(idx);
    let bottom = *anchors.last()?;
    // Some cell must wrap between two anchors: a column of text next to a shorter one
    // shares its baselines down to where the shorter one ends, and must not pass.
    if all_lines.iter().any(|&v| v > top + tol)
        || !all_lines.iter().any(|&v| !on_anchor(v) && v > bottom + tol)
        || !anchors
            .iter()
            .all(|&a| first_lines.iter().any(|&v| (a - v).abs() <= tol))
    {
        return None;
    }
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); anchors.len()];
    for &i in idx {
        let v = frags[i].v;
        let row = anchors.iter().rposition(|&a| a + tol >= v).unwrap_or(0);
        if let Some(r) = rows.get_mut(row) {
            r.push(i);
        }
    }
    rows.retain(|r| !r.is_empty());
    (rows.len() >= 2).then_some(rows)
}

/// State of one XY-cut: the fragments, the gutter width, the left and right edges of the
/// table column each fragment was found in (NaN outside tables) and the leaves found so far.
struct Cut<'a> {
    frags: &'a [Frag<'a>],
    gutter: f32,
    cell: Vec<(f32, f32)>,
    out: Vec<Vec<usize>>,
}

impl Cut<'_> {
    /// Records the extent of each cell of a table row for the fragments in it (widened to
    /// the whole column later by [`widen_columns`]). A cell of one line says nothing about
    /// the column's width and is skipped.
    fn mark_columns(&mut self, cols: &[Vec<usize>]) {
        for col in cols {
            let (lo, hi) = col
                .iter()
                .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &i| {
                    (lo.min(self.frags[i].v), hi.max(self.frags[i].v))
                });
            let size = col.first().map_or(0.0, |&i| self.frags[i].s);
            if hi - lo < 0.5 * size {
                continue;
            }
            let left = col
                .iter()
                .map(|&i| self.frags[i].u0)
                .fold(f32::INFINITY, f32::min);
            let right = col
                .iter()
                .map(|&i| self.frags[i].u1)
                .fold(f32::NEG_INFINITY, f32::max);
            for &i in col {
                if let Some(r) = self.cell.get_mut(i) {
                    *r = (left, right);
                }
            }
        }
    }

    fn xycut(&mut self, idx: Vec<usize>, depth: usize, in_table: bool) {
        let (frags, gutter) = (self.frags, self.gutter);
        if idx.len() <= 1 || depth >= MAX_DEPTH {
            self.out.push(idx);
            return;
        }
        let cols = split_u(frags, idx.clone(), gutter);
        if cols.len() > 1 {
            // Rows apart by a gap first, then rows anchored on a short column, then a grid
            // read line by line.
            let table = match is_table(frags, &idx, &cols, gutter / GUTTER) {
                Some(Table::Rows(rows)) if rows.len() > 1 => Some(rows),
                other => anchored_rows(frags, &idx, &cols, gutter / GUTTER).or(match other {
                    Some(Table::Rows(rows) | Table::Lines(rows)) => Some(rows),
                    None => None,
                }),
            };
            if let Some(bands) = table {
                // Tables read row by row: cut into rows first, then each row into cells.
                if bands.len() > 1 {
                    for b in bands {
                        self.xycut(b, depth + 1, true);
                    }
                    return;
                }
            }
            if in_table {
                // A row of a table: its columns are finer than the table's.
                self.mark_columns(&cols);
            }
            for c in cols {
                self.xycut(c, depth + 1, in_table);
            }
            return;
        }
        let bands = split_v(frags, idx.clone());
        if bands.len() <= 1 {
            self.out.push(idx);
            return;
        }
        let lo = idx
            .iter()
            .map(|&i| frags[i].u0)
            .fold(f32::INFINITY, f32::min);
        let hi = idx
            .iter()
            .map(|&i| frags[i].u1)
            .fold(f32::NEG_INFINITY, f32::max);
        // Merge adjacent bands that share a gutter with text on both sides in at least one band.
        let mut groups: Vec<(Vec<usize>, Vec<Gap>)> = Vec::new();
        for band in bands {
            let g = gaps(frags, &band, lo, hi, gutter);
            if let Some((members, common)) = groups.last_mut() {
                let both = intersect(common, &g, gutter);
                if both.iter().any(|&(_, _, interior)| interior) {
                    members.extend(band);
                    *common = both;
                    continue;
                }
            }
            groups.push((band, g));
        }
        if groups.len() == 1 {
            // No progress possible: read the bands top to bottom.
            for band in split_v(frags, idx) {
                self.out.push(band);
            }
            return;
        }
        for (members, _) in groups {
            self.xycut(members, depth + 1, in_table);
        }
    }
}

/// Marks the end of a table-cell line that fills its column with one word, so the clean-up
/// can re-join a word the producer wrapped mid-word without a hyphen.
pub(super) const WRAP_MARK: char = '\u{2063}';

/// Text of one leaf region: lines by baseline, words by gaps.
fn leaf_text(frags: &[Frag<'_>], leaf: &[usize], cell: &[(f32, f32)]) -> String {
    let mut idx = leaf.to_vec();
    idx.sort_by(|&a, &b| cmp_f(frags[b].v, frags[a].v));
    // Cluster into lines.
    let mut lines: Vec<(f32, f32, Vec<usize>)> = Vec::new();
    for i in idx {
        let f = &frags[i];
        if let Some((v, s, members)) = lines.last_mut()
            && (f.v - *v).abs() < 0.5 * s.max(f.s)
        {
            members.push(i);
            if f.s > *s {
                *s = f.s;
                *v = f.v;
            }
            continue;
        }
        lines.push((f.v, f.s, vec![i]));
    }
    let mut out = String::new();
    for (_, s, members) in lines {
        let line = line_of(frags, &members);
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
        // A one-word line filling its table column from edge to edge may be a word the
        // producer wrapped without a hyphen.
        let (left, right) = members
            .iter()
            .map(|&i| cell.get(i).copied().unwrap_or((f32::NAN, f32::NAN)))
            .fold((f32::NEG_INFINITY, f32::INFINITY), |(l, r), (a, b)| {
                (l.max(a), r.min(b))
            });
        let (start, end) = members
            .iter()
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), &i| {
                (a.min(frags[i].u0), b.max(frags[i].u1))
            });
        if left.is_finite()
            && right.is_finite()
            && start <= left + 0.5 * s
            && end >= right - 0.5 * s
            && !line.contains(' ')
            && line.chars().last().is_some_and(char::is_alphabetic)
        {
            out.push(WRAP_MARK);
        }
    }
    out
}

/// Whether `text` is more than white space; a one-byte text (most glyphs) is looked at
/// directly (ASCII white space is tab to carriage return, and space).
fn visible_text(text: &str) -> bool {
    match text.as_bytes() {
        [b] => !matches!(b, b'\t'..=b'\r' | b' '),
        _ => !text.trim().is_empty(),
    }
}

fn visible(g: &G) -> bool {
    g.vis
}

/// Text of the fragments of one line. Fragments are interleaved glyph by glyph (kerning and
/// re-positioned pieces of one word), except a fragment whose glyphs collide with glyphs
/// already placed: text overflowing a table cell into the next one is two texts, read one
/// after the other instead of letter by letter.
fn line_of(frags: &[Frag<'_>], members: &[usize]) -> String {
    let mut order = members.to_vec();
    order.sort_by(|&a, &b| cmp_f(frags[a].u0, frags[b].u0));
    let mut runs: Vec<Vec<&G>> = Vec::new();
    for i in order {
        let f = &frags[i];
        let collides = runs.last().is_some_and(|run| {
            let from = run.partition_point(|g| g.u + g.w <= f.u0);
            run.get(from..)
                .unwrap_or_default()
                .iter()
                .filter(|g| visible(g))
                .any(|p| {
                    f.glyphs.iter().filter(|g| visible(g)).any(|g| {
                        let overlap = (p.u + p.w).min(g.u + g.w) - p.u.max(g.u);
                        overlap > 0.3 * p.w.min(g.w).max(0.1 * f.s)
                    })
                })
        });
        match runs.last_mut() {
            Some(run) if !collides => {
                run.extend(f.glyphs.iter());
                run.sort_by(|a, b| cmp_f(a.u, b.u));
            }
            _ => {
                let mut run: Vec<&G> = f.glyphs.iter().collect();
                run.sort_by(|a, b| cmp_f(a.u, b.u));
                runs.push(run);
            }
        }
    }
    let mut out = String::new();
    for run in runs {
        let text = line_text(&run);
        let text = text.trim();
        if !text.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(text);
        }
    }
    out
}

fn is_superscript_pair(base: &G, sup: &G) -> bool {
    sup.s < 0.85 * base.s
        && sup.v > base.v + 0.15 * base.s
        && sup.text.chars().all(|c| c.is_ascii_digit())
}

/// Builds a line's text from glyphs sorted along the line.
fn line_text(glyphs: &[&G]) -> String {
    let mut out = String::with_capacity(glyphs.len() + glyphs.len() / 4);
    let mut prev: Option<&G> = None;
    for &g in glyphs {
        if !g.vis {
            // Space glyphs are judged by the gap they leave, like any other: some producers
            // cancel them with negative word spacing, others space words by char spacing.
            continue;
        }
        if let Some(p) = prev
            && !out.ends_with(' ')
        {
            let gap = g.u - (p.u + p.w);
            let s = p.s.max(g.s);
            let sup = is_superscript_pair(p, g) || is_superscript_pair(g, p);
            if gap > WORD_GAP * s || sup {
                out.push(' ');
            }
        }
        // Most glyphs are one ASCII letter: pushed as a char, without a copy call.
        match g.text.as_bytes() {
            [b] if b.is_ascii() => out.push(char::from(*b)),
            _ => out.push_str(&g.text),
        }
        prev = Some(g);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyph(text: &str, x: f32, y: f32, w: f32) -> TextGlyph {
        TextGlyph {
            text: text.into(),
            x,
            y,
            dx: 1.0,
            dy: 0.0,
            width: w,
            size: 10.0,
        }
    }

    fn word(s: &str, x: f32, y: f32) -> Vec<TextGlyph> {
        s.chars()
            .enumerate()
            .map(|(i, c)| glyph(&c.to_string(), x + 5.0 * i as f32, y, 5.0))
            .collect()
    }

    proptest::proptest! {
        /// The inline rounding equals `round` for any `f32` bit pattern: halves, tiny and
        /// huge values, infinities and NaN included.
        #[test]
        fn inline_rounding_equals_round(bits in proptest::num::u32::ANY) {
            let x = f32::from_bits(bits);
            proptest::prop_assert_eq!(round_to_i64(x), x.round() as i64);
        }
    }

    #[test]
    fn halves_round_away_from_zero() {
        for (x, want) in [
            (2.5f32, 3),
            (-2.5, -3),
            (0.5, 1),
            (-0.5, -1),
            (0.499_999_97, 0),
        ] {
            assert_eq!(round_to_i64(x), want, "{x}");
            assert_eq!(round_to_i64(x), x.round() as i64, "{x}");
        }
    }

    #[test]
    fn one_byte_visibility_agrees_with_trim() {
        for b in 0u8..0x80 {
            let text = char::from(b).to_string();
            assert_eq!(visible_text(&text), !text.trim().is_empty(), "byte {b:#x}");
        }
    }

    #[test]
    fn gaps_make_spaces_and_kerning_does_not() {
        let mut g = word("hej", 0.0, 700.0);
        g.extend(word("med", 17.0, 700.0)); // gap 2 = 0.2 em
        g.extend(word("dig", 32.5, 700.0)); // gap 0.5 = kerning
        assert_eq!(layout_page(g), "hej meddig");
    }

    #[test]
    fn lines_from_baselines_and_fake_bold_dropped() {
        let mut g = word("første", 0.0, 700.0);
        g.extend(word("første", 0.3, 700.0));
        g.extend(word("anden", 0.0, 688.0));
        assert_eq!(layout_page(g), "første\nanden");
    }

    #[test]
    fn two_columns_read_column_by_column() {
        let mut g = Vec::new();
        for (i, y) in [700.0, 688.0, 676.0].iter().enumerate() {
            g.extend(word(&format!("venstrekolonnenslinjenummer{i}"), 0.0, *y));
            g.extend(word(&format!("hoejrekolonnenslinjenummer{i}"), 170.0, *y));
        }
        let t = layout_page(g).replace("kolonnenslinjenummer", "");
        assert_eq!(
            t,
            "venstre0\nvenstre1\nvenstre2\n\nhoejre0\nhoejre1\nhoejre2"
        );
    }

    #[test]
    fn short_cells_read_row_by_row() {
        let mut g = Vec::new();
        for (i, y) in [700.0, 688.0, 676.0].iter().enumerate() {
            g.extend(word(&format!("maaned{i}"), 0.0, *y));
            g.extend(word(&format!("{i}"), 100.0, *y));
        }
        let t = layout_page(g);
        assert_eq!(
            t.replace("\n\n", "\n"),
            "maaned0\n0\nmaaned1\n1\nmaaned2\n2"
        );
    }

    #[test]
    fn wrapped_cells_are_read_row_by_row() {
        // groff's tbl: no gap between rows, the numbers on the first line of each row.
        let mut g = Vec::new();
        let rows = [
            (["Grundkursus i", "forebyggelse"], "14"),
            (["Specialiseret", "forløb for SSP"], "9"),
            (["Endagskursus for", "jobcentre"], "11"),
        ];
        let mut y = 700.0;
        for (cell, number) in rows {
            g.extend(word(number, 150.0, y));
            for line in cell {
                g.extend(word(line, 0.0, y));
                y -= 12.0;
            }
        }
        let t = layout_page(g).replace("\n\n", "\n");
        assert_eq!(
            t,
            "Grundkursus i\nforebyggelse\n14\nSpecialiseret\nforløb for SSP\n9\n\
             Endagskursus for\njobcentre\n11"
        );
    }

    #[test]
    fn text_beside_a_shorter_column_of_short_lines_is_not_cut_into_rows() {
        let mut g = Vec::new();
        for (i, y) in [700.0, 688.0, 676.0, 664.0, 652.0].iter().enumerate() {
            g.extend(word(&format!("venstre linje {i}"), 0.0, *y));
            if i < 3 {
                g.extend(word(&format!("hoejre {i}"), 150.0, *y));
            }
        }
        let t = layout_page(g).replace("\n\n", "\n");
        assert_eq!(
            t,
            "venstre linje 0\nvenstre linje 1\nvenstre linje 2\nvenstre linje 3\n\
             venstre linje 4\nhoejre 0\nhoejre 1\nhoejre 2"
        );
    }

    #[test]
    fn text_overflowing_into_the_next_cell_is_not_interleaved() {
        let mut g = word("Forældrecoachuddannelsen", 0.0, 700.0);
        g.extend(word("2018", 100.0, 700.0));
        assert_eq!(layout_page(g), "Forældrecoachuddannelsen 2018");
    }

    #[test]
    fn superscript_digit_is_separated() {
        let mut g = word("fagfolk", 0.0, 700.0);
        g.push(TextGlyph {
            text: "1".into(),
            x: 35.0,
            y: 704.0,
            dx: 1.0,
            dy: 0.0,
            width: 3.0,
            size: 6.0,
        });
        assert_eq!(layout_page(g), "fagfolk 1");
    }

    #[test]
    fn rotated_text_reads_as_lines() {
        // Text running upwards (page rotated): direction (0, 1).
        let g: Vec<TextGlyph> = "op"
            .chars()
            .enumerate()
            .map(|(i, c)| TextGlyph {
                text: c.to_string().into(),
                x: 100.0,
                y: 100.0 + 5.0 * i as f32,
                dx: 0.0,
                dy: 1.0,
                width: 5.0,
                size: 10.0,
            })
            .collect();
        assert_eq!(layout_page(g), "op");
    }
}
