//! The byte-level prefilter: from a query's highlight terms, the first letters its words may
//! start with once folded ([`Anchors`]), the byte classes the scan stops at, and the cheap
//! test that rules out most candidate words before any is normalised, stemmed or folded.

use wide::u8x32;

use crate::analysis::{fold, normalize};
use crate::search::rank::{HighlightTerms, ItemTerms};

/// Most bytes of a folded prefix compared by the [`Prefilter`]: one `u64`.
pub(super) const KEY_BYTES: usize = 8;

/// A quick test that rules out most page words without normalising, stemming or folding them,
/// which is where snippet time went.
///
/// Every way a word matches an item (see [`matches_item`](super::forms::matches_item)) but two
/// implies that the word's folded form starts with the folded form of one of the item's exact
/// forms, stems or folded stems: Snowball only removes endings, and folding reads left to right, so
/// folding a prefix gives a prefix of the folded word. So the filter compares the first
/// [`KEY_BYTES`] folded letters of the page word with those [`Anchors`]. The two others: a compound
/// part inside a longer word is looked for in the lower-cased page once per part; and a word within
/// `d` edits of a fuzzy key of `m` letters keeps at least `m - 1 - 2d` of the key's letter pairs
/// (one edit breaks at most two), so its folded form must hold that many of them. A word with
/// anything but ASCII letters and digits and `æøå` in it (capitals `ÆØÅ`, ligatures, accents,
/// joined numbers) is always a candidate. The filter only decides what is worth matching; the test
/// `the_prefilter_never_changes_a_snippet` checks that it never changes a snippet.
pub(super) struct Prefilter<'a> {
    pub(super) anchors: &'a Anchors,
    /// Byte ranges of compound parts found in the lower-cased page, sorted by start.
    pub(super) infixes: Vec<(usize, usize)>,
    /// Index in `infixes` of the first occurrence not before the last word checked.
    pub(super) infix_cursor: std::cell::Cell<usize>,
}

/// [`Anchors::classes`]: a word that may match can start with this byte.
pub(super) const START: u8 = 1;

/// [`Anchors::classes`]: the byte is an ASCII letter or digit.
pub(super) const LETTER: u8 = 2;

/// [`Anchors::classes`], when the query has compound parts: the byte may make a word's
/// normal form differ from its bytes lower-cased (see [`may_hide_a_part`]).
pub(super) const INSIDE: u8 = 4;

/// Whether the byte `b`, after a byte of class `previous` and before `next`, may be in a word
/// whose normal form is not its bytes with ASCII lower-cased, so that a compound part in it is
/// not found in the lower-cased page: a non-ASCII character but `æ`, `ø`, `å` (a capital `Æ`,
/// a ligature, an accent, a soft hyphen or `’` inside a word), or a `.` or `,` joining digits.
#[inline]
pub(super) fn may_hide_a_part(b: u8, previous: u8, next: Option<u8>) -> bool {
    match b {
        b'.' | b',' => previous & LETTER != 0 && next.is_some_and(|n| n.is_ascii_digit()),
        // `æ`, `ø`, `å` are their own normal form.
        0xC3 => !matches!(next, Some(0xA6 | 0xB8 | 0xA5)),
        _ => !b.is_ascii(),
    }
}

/// What the [`Prefilter`] compares page words with, worked out once per query.
pub(super) struct Anchors {
    /// Everything is a candidate: an empty form or part, or a fuzzy key too short or not ASCII
    /// for the letter-pair bound.
    pub(super) off: bool,
    /// Folded prefixes of the items' forms, their first [`KEY_BYTES`] bytes packed into a
    /// `u64` as `(bytes, mask)`: a word matches when its key masked equals the bytes.
    pub(super) prefixes: Vec<(u64, u64)>,
    /// Per first byte, the range of `prefixes` starting with it (they are sorted by it).
    pub(super) by_first_byte: Box<[(u16, u16); 256]>,
    /// Per byte: [`START`] when a word that starts with an anchor may start with it (each
    /// prefix's first letter in either case, and every byte that starts a non-ASCII character:
    /// `æ` folds to `a`, `ﬁ` is `fi`), and [`LETTER`] for an ASCII letter or digit.
    pub(super) classes: Box<[u8; 256]>,
    /// For a word starting with an ASCII byte: which pairs of its first two bytes (lower-cased)
    /// a word starting with an anchor may begin with, a bit per pair.
    pub(super) pairs: Box<[u64; 1024]>,
    /// Compound parts looked for inside longer words, with their lengths.
    pub(super) parts: Vec<(memchr::memmem::Finder<'static>, usize)>,
    /// Per fuzzy key: its letter pairs, and how many of them a word within reach keeps.
    pub(super) fuzzy: Vec<(Vec<[u8; 2]>, usize)>,
    /// `classes` for [`next_stop`](super::scan::next_stop)'s vector screen.
    pub(super) screen: Screen,
}

/// The first [`KEY_BYTES`] bytes of `bytes` in a `u64`, the first byte lowest, with a mask
/// covering them.
pub(super) fn pack(bytes: &[u8]) -> (u64, u64) {
    let mut value = 0u64;
    let mut mask = 0u64;
    for (i, &b) in bytes.iter().take(KEY_BYTES).enumerate() {
        value |= u64::from(b) << (8 * i);
        mask |= 0xff << (8 * i);
    }
    (value, mask)
}

impl Anchors {
    pub(super) fn new(terms: &HighlightTerms) -> Anchors {
        let mut anchors = Anchors {
            off: false,
            prefixes: Vec::new(),
            by_first_byte: Box::new([(0, 0); 256]),
            classes: Box::new(std::array::from_fn(|b| {
                if normalize::ASCII_ALPHANUMERIC[b] {
                    LETTER
                } else {
                    0
                }
            })),
            pairs: Box::new([0; 1024]),
            parts: Vec::new(),
            fuzzy: Vec::new(),
            screen: Screen::new(&[0; 256]),
        };
        let mut add = |item: &ItemTerms| {
            for (key, distance) in &item.fuzzy {
                let kept = (key.len().saturating_sub(1)).saturating_sub(2 * usize::from(*distance));
                if !key.is_ascii() || kept == 0 {
                    anchors.off = true;
                    continue;
                }
                let pairs = key.as_bytes().windows(2).map(|w| [w[0], w[1]]).collect();
                anchors.fuzzy.push((pairs, kept));
            }
            for form in item.exact.iter().chain(&item.stems).chain(&item.folded) {
                let head: String = form.chars().take(KEY_BYTES).collect();
                let prefix = pack(fold::fold(&head).as_bytes());
                if !anchors.prefixes.contains(&prefix) {
                    anchors.prefixes.push(prefix);
                }
            }
            for part in &item.infixes {
                anchors.off |= part.is_empty();
                if !anchors
                    .parts
                    .iter()
                    .any(|(f, _)| f.needle() == part.as_bytes())
                {
                    let finder = memchr::memmem::Finder::new(part.as_bytes()).into_owned();
                    anchors.parts.push((finder, part.len()));
                }
            }
        };
        for item in &terms.items {
            add(item);
            item.phrase.iter().for_each(&mut add);
        }
        // An empty prefix matches every word; more prefixes than a `u16` counts never occur in
        // a query, but would only turn the filter off.
        anchors.off |= anchors.prefixes.iter().any(|&(_, mask)| mask == 0)
            || anchors.prefixes.len() > usize::from(u16::MAX);
        anchors
            .prefixes
            .sort_unstable_by_key(|&(bytes, _)| bytes & 0xff);
        let mut start = 0;
        while start < anchors.prefixes.len() {
            let first = anchors.prefixes[start].0 & 0xff;
            let end = start
                + anchors.prefixes[start..]
                    .iter()
                    .take_while(|&&(bytes, _)| bytes & 0xff == first)
                    .count();
            if let (Ok(from), Ok(to)) = (u16::try_from(start), u16::try_from(end)) {
                anchors.by_first_byte[first as usize] = (from, to);
            }
            start = end;
        }
        for &(bytes, mask) in &anchors.prefixes {
            let first = (bytes & 0xff) as u8;
            anchors.classes[usize::from(first)] |= START;
            anchors.classes[usize::from(first.to_ascii_uppercase())] |= START;
            // The second byte of the word, lower-cased, that can fold to the anchor's second:
            // itself; anything after a one-letter anchor; anything not ASCII (`æ` folds to
            // `ae`, `ﬁ` is `fi`); a separator that may join (`1.140`); and the letters folding
            // drops after `a` and `o` (`aarhus`, `oe`).
            let second = (bytes >> 8) as u8;
            let row = &mut anchors.pairs[usize::from(first) * 4..][..4];
            if mask <= 0xff {
                row.fill(u64::MAX);
                continue;
            }
            // Bytes 128–255 (not ASCII) are the last two words of the row.
            row[2..].fill(u64::MAX);
            let mut allow = |next: u8| row[usize::from(next) / 64] |= 1 << (next % 64);
            [second, b'.', b',', b'\''].into_iter().for_each(&mut allow);
            match first {
                b'a' => [b'a', b'e'].into_iter().for_each(&mut allow),
                b'o' => allow(b'e'),
                _ => {}
            }
        }
        anchors.classes[0xC0..]
            .iter_mut()
            .for_each(|class| *class |= START);
        if !anchors.parts.is_empty() {
            for b in [b'.', b','].into_iter().chain(0xC0..=u8::MAX) {
                anchors.classes[usize::from(b)] |= INSIDE;
            }
        }
        anchors.screen = Screen::new(&anchors.classes);
        anchors
    }

    /// Anchors that let every word through: the reference the quick test is checked against.
    #[cfg(test)]
    pub(super) fn off() -> Anchors {
        Anchors {
            off: true,
            prefixes: Vec::new(),
            by_first_byte: Box::new([(0, 0); 256]),
            classes: Box::new([START; 256]),
            pairs: Box::new([u64::MAX; 1024]),
            parts: Vec::new(),
            fuzzy: Vec::new(),
            screen: Screen::new(&[START; 256]),
        }
    }

    /// Whether a word starting with the ASCII byte `first` then `next` may start with an
    /// anchor, by [`Anchors::pairs`].
    #[inline]
    pub(super) fn pair_allowed(&self, first: u8, next: u8) -> bool {
        let pair =
            usize::from(first.to_ascii_lowercase()) << 8 | usize::from(next.to_ascii_lowercase());
        self.pairs[pair / 64] & (1 << (pair % 64)) != 0
    }
}

impl<'a> Prefilter<'a> {
    pub(super) fn new(text: &str, anchors: &'a Anchors) -> Prefilter<'a> {
        let mut infixes = Vec::new();
        if !anchors.off && !anchors.parts.is_empty() {
            let lower = text.as_bytes().to_ascii_lowercase();
            for (finder, len) in &anchors.parts {
                infixes.extend(finder.find_iter(&lower).map(|at| (at, at + len)));
            }
            infixes.sort_unstable();
        }
        Prefilter {
            anchors,
            infixes,
            infix_cursor: std::cell::Cell::new(0),
        }
    }

    pub(super) fn check(&self, text: &str, span: normalize::Span) -> Check {
        let Some(raw) = text.get(span.start..span.end) else {
            return Check::Dropped;
        };
        if self.anchors.off || span.joined {
            return Check::Candidate;
        }
        // Plain ASCII words (most of a page) need only their first letters folded, unless a
        // fuzzy key wants the whole word.
        let whole = !self.anchors.fuzzy.is_empty();
        let ascii = raw.is_ascii();
        let mut folder = Folder::default();
        let mut lower = true;
        if ascii {
            lower = !raw.bytes().any(|b| b.is_ascii_uppercase());
            for byte in raw.bytes() {
                folder.push(byte.to_ascii_lowercase());
                if !whole && folder.keys.kept == KEY_BYTES {
                    break;
                }
            }
        } else {
            let mut bytes = raw.bytes();
            while let Some(byte) = bytes.next() {
                match byte {
                    b'a'..=b'z' | b'0'..=b'9' => folder.push(byte),
                    b'A'..=b'Z' => {
                        lower = false;
                        folder.push(byte.to_ascii_lowercase());
                    }
                    // `æ`, `ø` and `å` in UTF-8.
                    0xC3 => match bytes.next() {
                        Some(0xA6) => folder.push_all(b"ae"),
                        Some(0xB8) => folder.push_all(b"oe"),
                        Some(0xA5) => folder.push_all(b"aa"),
                        _ => return Check::Candidate,
                    },
                    _ => return Check::Candidate,
                }
            }
        }
        let key = folder.keys.key;
        // Only ASCII letters and digits and `æøå` from here: normalising keeps the length.
        if raw.len() > normalize::MAX_WORD_BYTES {
            return Check::Dropped;
        }
        let candidate = if lower {
            Check::Normal
        } else {
            Check::Candidate
        };
        let (from, to) = self.anchors.by_first_byte[(key & 0xff) as usize];
        if self.anchors.prefixes[usize::from(from)..usize::from(to)]
            .iter()
            .any(|&(bytes, mask)| key & mask == bytes)
        {
            return candidate;
        }
        let inside = self.holds_infix(span);
        let near = self.near_fuzzy(&folder.folded[..folder.folded_len]);
        if inside || near {
            candidate
        } else {
            Check::NoMatch
        }
    }
}

impl Prefilter<'_> {
    /// Whether [`Prefilter::check_run`] may be used: the filter is on.
    pub(super) fn keys_suffice(&self) -> bool {
        !self.anchors.off
    }

    /// Whether the words that may match can be found without splitting the whole page
    /// ([`candidate_words`](super::scan::candidate_words)): the filter is on and no fuzzy key needs
    /// every word.
    pub(super) fn sparse(&self) -> bool {
        !self.anchors.off && self.anchors.fuzzy.is_empty()
    }

    /// [`Prefilter::check`] of a word of ASCII letters and digits and `æ`, `ø`, `å`, at most
    /// [`normalize::MAX_WORD_BYTES`] long and not joined (`bytes[span.start..span.end]`), when
    /// [`Prefilter::keys_suffice`]. Its key (first [`KEY_BYTES`] bytes lower-cased and folded,
    /// as [`Folder`] does) is worked out only when some anchor starts with its first folded
    /// letter, and its whole folded form only for a fuzzy key.
    pub(super) fn check_run(&self, bytes: &[u8], span: normalize::Span) -> Check {
        if !self.anchors.fuzzy.is_empty() {
            return self.check_run_fuzzy(bytes, span);
        }
        let word = bytes.get(span.start..span.end).unwrap_or_default();
        let first = match word.first() {
            Some(&b) if b.is_ascii() => b.to_ascii_lowercase(),
            // `æ` and `å` fold to words starting with `a`, `ø` to `o`.
            _ => match small_aeoeaa(word, 0) {
                Some(b"oe") => b'o',
                _ => b'a',
            },
        };
        let (from, to) = self.anchors.by_first_byte[usize::from(first)];
        let anchored = from < to && {
            let mut folder = KeyFolder::default();
            spell_run(word, |b| {
                folder.push(b);
                folder.kept < KEY_BYTES
            });
            let key = folder.key;
            self.anchors.prefixes[usize::from(from)..usize::from(to)]
                .iter()
                .any(|&(bytes, mask)| key & mask == bytes)
        };
        if !anchored && !self.holds_infix(span) {
            Check::NoMatch
        } else if word.iter().any(u8::is_ascii_uppercase) {
            Check::Candidate
        } else {
            Check::Normal
        }
    }

    /// [`Prefilter::check_run`] when fuzzy keys need the whole folded word.
    pub(super) fn check_run_fuzzy(&self, bytes: &[u8], span: normalize::Span) -> Check {
        let word = bytes.get(span.start..span.end).unwrap_or_default();
        let mut folder = Folder::default();
        spell_run(word, |b| {
            folder.push(b);
            true
        });
        let key = folder.keys.key;
        let (from, to) = self.anchors.by_first_byte[(key & 0xff) as usize];
        let anchored = self.anchors.prefixes[usize::from(from)..usize::from(to)]
            .iter()
            .any(|&(bytes, mask)| key & mask == bytes);
        let folded = &folder.folded[..folder.folded_len];
        if anchored || self.holds_infix(span) || self.near_fuzzy(folded) {
            if word.iter().any(u8::is_ascii_uppercase) {
                Check::Candidate
            } else {
                Check::Normal
            }
        } else {
            Check::NoMatch
        }
    }

    /// Whether a folded word keeps enough letter pairs of a fuzzy key to be within its reach.
    pub(super) fn near_fuzzy(&self, folded: &[u8]) -> bool {
        self.anchors.fuzzy.iter().any(|(pairs, kept)| {
            let held = pairs
                .iter()
                .filter(|pair| folded.windows(2).any(|w| w == pair.as_slice()))
                .count();
            held >= *kept
        })
    }

    /// Whether a compound part found in the page lies inside the word at `span` (and is not all
    /// of it).
    pub(super) fn holds_infix(&self, span: normalize::Span) -> bool {
        if self.infixes.is_empty() {
            return false;
        }
        // Only occurrences starting inside this word can lie inside it. Words are checked in
        // page order, so the first such occurrence is found by moving on from the last word's.
        let mut first = self.infix_cursor.get();
        if first > 0
            && self
                .infixes
                .get(first - 1)
                .is_some_and(|(from, _)| *from >= span.start)
        {
            first = self.infixes.partition_point(|(from, _)| *from < span.start);
        }
        while self
            .infixes
            .get(first)
            .is_some_and(|(from, _)| *from < span.start)
        {
            first += 1;
        }
        self.infix_cursor.set(first);
        self.infixes[first..]
            .iter()
            .take_while(|(from, _)| *from < span.end)
            .any(|&(from, to)| to <= span.end && span.end - span.start > to - from)
    }
}

/// Whether a Danish letter starts at `at`: `Some(true)` for `æ`, `ø`, `å`, `Some(false)` for
/// `Æ`, `Ø`, `Å` (two bytes each in UTF-8).
#[inline]
pub(super) fn danish_letter(bytes: &[u8], at: usize) -> Option<bool> {
    if bytes.get(at) != Some(&0xC3) {
        return None;
    }
    match bytes.get(at + 1) {
        Some(0xA6 | 0xB8 | 0xA5) => Some(true),
        Some(0x86 | 0x98 | 0x85) => Some(false),
        _ => None,
    }
}

/// How a lower-case `æ`, `ø` or `å` starting at `at` is spelled before folding, if one does.
#[inline]
pub(super) fn small_aeoeaa(bytes: &[u8], at: usize) -> Option<&'static [u8; 2]> {
    if bytes.get(at) != Some(&0xC3) {
        return None;
    }
    match bytes.get(at + 1) {
        Some(0xA6) => Some(b"ae"),
        Some(0xB8) => Some(b"oe"),
        Some(0xA5) => Some(b"aa"),
        _ => None,
    }
}

/// Calls `push` with each byte of `word` (ASCII letters and digits and `æøå`) lower-cased, with
/// `æ`, `ø`, `å` spelled `ae`, `oe`, `aa` as folding first spells them, for as long as `push`
/// returns true.
#[inline]
pub(super) fn spell_run(word: &[u8], mut push: impl FnMut(u8) -> bool) {
    let mut at = 0;
    while at < word.len() {
        let more = match small_aeoeaa(word, at) {
            Some(pair) => {
                at += 2;
                pair.iter().all(|&b| push(b))
            }
            None => {
                at += 1;
                push(word[at - 1].to_ascii_lowercase())
            }
        };
        if !more {
            return;
        }
    }
}

/// The first [`KEY_BYTES`] kept bytes of a lower-case word folded as [`fold::fold`] does (`æ`,
/// `ø`, `å` spelled out first): `a` and `e` after a kept `a` are dropped, and `e` after a kept
/// `o`.
#[derive(Default)]
pub(super) struct KeyFolder {
    /// The first [`KEY_BYTES`] kept bytes, the first lowest.
    pub(super) key: u64,
    pub(super) kept: usize,
    pub(super) last: u8,
}

impl KeyFolder {
    /// Feeds the next byte; whether folding keeps it.
    #[inline]
    pub(super) fn push(&mut self, b: u8) -> bool {
        let dropped =
            (self.last == b'a' && matches!(b, b'a' | b'e')) || (self.last == b'o' && b == b'e');
        if dropped {
            return false;
        }
        if self.kept < KEY_BYTES {
            self.key |= u64::from(b) << (8 * self.kept);
            self.kept += 1;
        }
        self.last = b;
        true
    }
}

/// Folds a lower-case word byte by byte as [`KeyFolder`] does, keeping every kept byte as well
/// as the key (for the fuzzy keys' letter pairs).
pub(super) struct Folder {
    /// The key: the first [`KEY_BYTES`] kept bytes.
    pub(super) keys: KeyFolder,
    /// Every kept byte (folding never lengthens a word, and a kept word has at most
    /// [`normalize::MAX_WORD_BYTES`]).
    pub(super) folded: [u8; normalize::MAX_WORD_BYTES],
    pub(super) folded_len: usize,
}

impl Default for Folder {
    fn default() -> Folder {
        Folder {
            keys: KeyFolder::default(),
            folded: [0; normalize::MAX_WORD_BYTES],
            folded_len: 0,
        }
    }
}

impl Folder {
    pub(super) fn push(&mut self, b: u8) {
        if self.keys.push(b)
            && let Some(slot) = self.folded.get_mut(self.folded_len)
        {
            *slot = b;
            self.folded_len += 1;
        }
    }

    pub(super) fn push_all(&mut self, bytes: &[u8]) {
        bytes.iter().for_each(|&b| self.push(b));
    }
}

/// Bytes [`Screen::mark`] looks at at once: two SSE2 registers (16 bytes screened 2.5 µs a page,
/// against 2.3).
pub(super) const SCREEN: usize = 32;

/// The vector form of [`Anchors::classes`] that [`next_stop`](super::scan::next_stop) screens bytes
/// with. Bytes below `0xC0` are compared one class member at a time; bytes from `0xC0` on (which
/// start non-ASCII characters) are marked all together when any of them is a member. Which bytes
/// are ASCII letters or digits ([`LETTER`]) it works out by ranges.
pub(super) struct Screen {
    /// The [`START`] bytes below `0xC0`, each splatted.
    pub(super) starts: Vec<u8x32>,
    /// The [`INSIDE`] bytes below `0xC0` (`.` and `,` when the query has compound parts).
    pub(super) insides: Vec<u8x32>,
    /// Whether some byte from `0xC0` on is a [`START`] byte (always: `æ` folds to `a`).
    pub(super) high_starts: bool,
    /// Whether some byte from `0xC0` on is an [`INSIDE`] byte (when the query has compound
    /// parts).
    pub(super) high_insides: bool,
}

impl Screen {
    pub(super) fn new(classes: &[u8; 256]) -> Screen {
        let members = |class: u8| -> (Vec<u8x32>, bool) {
            let low = (0..0xC0u8)
                .filter(|&b| classes[usize::from(b)] & class != 0)
                .map(u8x32::splat)
                .collect();
            let high = classes[0xC0..].iter().any(|&c| c & class != 0);
            (low, high)
        };
        let (starts, high_starts) = members(START);
        let (insides, high_insides) = members(INSIDE);
        Screen {
            starts,
            insides,
            high_starts,
            high_insides,
        }
    }

    /// For [`SCREEN`] bytes: a bit per ASCII letter or digit, and a bit per byte that may stop
    /// the scan, given whether the byte before them is a letter or digit. A superset: each
    /// marked byte is then checked by [`stops_at`](super::scan::stops_at).
    #[inline]
    pub(super) fn mark(&self, chunk: [u8; SCREEN], after_letter: bool) -> (u32, u32) {
        let bytes = u8x32::new(chunk);
        let lower = bytes | u8x32::splat(0x20);
        let within = |v: u8x32, low: u8, high: u8| {
            (v - u8x32::splat(low)).simd_lt(u8x32::splat(high - low + 1))
        };
        let letters = (within(lower, b'a', b'z') | within(bytes, b'0', b'9')).to_bitmask();
        let high = (bytes & u8x32::splat(0xC0)).simd_eq(u8x32::splat(0xC0));
        let none = u8x32::splat(0);
        let mut start = if self.high_starts { high } else { none };
        for &member in &self.starts {
            start |= bytes.simd_eq(member);
        }
        let mut inside = if self.high_insides { high } else { none };
        for &member in &self.insides {
            inside |= bytes.simd_eq(member);
        }
        let follows_letter = (letters << 1) | u32::from(after_letter);
        let maybe = (start.to_bitmask() & !follows_letter) | inside.to_bitmask();
        (letters, maybe)
    }
}

/// What a quick look at a page word says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Check {
    /// Normalisation drops the word (too long): it is not a word of the page.
    Dropped,
    /// The word cannot match any query item.
    NoMatch,
    /// The word may match: normalise it and match it for real.
    Candidate,
    /// The word may match and is already normal (lower-case ASCII, digits, `æøå`).
    Normal,
}
