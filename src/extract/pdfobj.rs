//! Small, panic-free helpers over lopdf objects, and the per-file resource budget.
//!
//! In: lopdf [`Object`]s and [`Dictionary`]s of a loaded document. Out: resolved values
//! (numbers, names, arrays, dictionaries), decoded stream bytes, and a [`Budget`] that every
//! expensive step charges (decoded bytes, content operators, wall-clock time).
//!
//! Design: every lookup follows at most [`MAX_REF_HOPS`] indirect references, so reference
//! cycles (`30 0 R -> 31 0 R -> 30 0 R`) end in `None` instead of a loop. Stream decoding
//! goes through lopdf's bounded decoder, so a flate bomb fails that one stream only.
//!
//! Known limits: a stream over the per-stream cap is dropped whole (lopdf gives no prefix).

use std::cell::Cell;
use std::time::Instant;

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

use super::ExtractOptions;

/// How many indirect references a lookup follows before giving up.
pub const MAX_REF_HOPS: usize = 16;

/// Whether `b` is PDF white space (shared by the content-stream and CMap lexers).
pub fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | b'\0')
}

/// Whether `b` is a PDF delimiter character, which ends a token.
pub fn is_delim(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

/// Follows indirect references from `obj` (bounded); `None` for dangling or cyclic chains.
pub fn resolve<'a>(doc: &'a Document, obj: &'a Object) -> Option<&'a Object> {
    let mut cur = obj;
    for _ in 0..MAX_REF_HOPS {
        match cur {
            Object::Reference(id) => cur = doc.objects.get(id)?,
            other => return Some(other),
        }
    }
    None
}

/// `dict[key]`, resolved.
pub fn get<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    resolve(doc, dict.get(key).ok()?)
}

/// The object id `dict[key]` refers to, when it is an indirect reference.
pub fn get_ref(dict: &Dictionary, key: &[u8]) -> Option<ObjectId> {
    match dict.get(key).ok()? {
        Object::Reference(id) => Some(*id),
        _ => None,
    }
}

/// A number (integer or real) as `f32`.
pub fn num(obj: &Object) -> Option<f32> {
    match obj {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) if r.is_finite() => Some(*r),
        _ => None,
    }
}

/// `dict[key]` as a number.
pub fn get_num(doc: &Document, dict: &Dictionary, key: &[u8]) -> Option<f32> {
    get(doc, dict, key).and_then(num)
}

/// `dict[key]` as a name.
pub fn get_name<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a [u8]> {
    match get(doc, dict, key)? {
        Object::Name(n) => Some(n),
        _ => None,
    }
}

/// `dict[key]` as an array.
pub fn get_array<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a [Object]> {
    match get(doc, dict, key)? {
        Object::Array(a) => Some(a),
        _ => None,
    }
}

/// `dict[key]` as a dictionary (a stream's dictionary counts).
pub fn get_dict<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    as_dict(get(doc, dict, key)?)
}

/// The dictionary of a dictionary or stream object.
pub fn as_dict(obj: &Object) -> Option<&Dictionary> {
    match obj {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

/// A numeric array of exactly `N` entries (references resolved).
pub fn num_array<const N: usize>(doc: &Document, arr: &[Object]) -> Option<[f32; N]> {
    if arr.len() != N {
        return None;
    }
    let mut out = [0.0f32; N];
    for (slot, o) in out.iter_mut().zip(arr) {
        *slot = num(resolve(doc, o)?)?;
    }
    Some(out)
}

/// Shared limits and counters for one file's extraction.
#[derive(Debug)]
pub struct Budget {
    /// The options in force.
    pub opts: ExtractOptions,
    start: Instant,
    decoded: Cell<usize>,
    ops: Cell<u64>,
    text: Cell<usize>,
}

impl Budget {
    /// A fresh budget starting now.
    pub fn new(opts: &ExtractOptions) -> Self {
        Self {
            opts: opts.clone(),
            start: Instant::now(),
            decoded: Cell::new(0),
            ops: Cell::new(0),
            text: Cell::new(0),
        }
    }

    /// Whether the wall-clock budget is spent.
    pub fn out_of_time(&self) -> bool {
        self.start.elapsed() > self.opts.time_budget
    }

    /// Charges `n` content operators; false when the per-file cap is reached.
    pub fn charge_ops(&self, n: u64) -> bool {
        let v = self.ops.get().saturating_add(n);
        self.ops.set(v);
        v <= self.opts.max_ops_per_file
    }

    /// Charges `n` bytes of kept text; false when the per-file cap is reached.
    pub fn charge_text(&self, n: usize) -> bool {
        let v = self.text.get().saturating_add(n);
        self.text.set(v);
        v <= self.opts.max_text_bytes
    }

    /// Decodes a stream within the per-stream and per-file caps.
    ///
    /// # Errors
    /// A lower-case reason when the stream cannot be decoded or a cap is hit.
    pub fn decode(&self, stream: &Stream) -> Result<Vec<u8>, String> {
        let left = self
            .opts
            .max_decoded_bytes_per_file
            .saturating_sub(self.decoded.get());
        if left == 0 {
            return Err("decoded-bytes limit for the file reached".into());
        }
        let cap = self.opts.max_stream_bytes.min(left);
        let data = match stream.filters() {
            Ok(f) if !f.is_empty() => {
                stream
                    .decompressed_content_with_limit(cap)
                    .map_err(|e| match e {
                        lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded {
                            ..
                        }) => "stream exceeds the decompression limit".to_string(),
                        other => format!("cannot decode stream: {}", one_line(&other.to_string())),
                    })?
            }
            _ => {
                if stream.content.len() > cap {
                    return Err("stream exceeds the size limit".into());
                }
                stream.content.clone()
            }
        };
        self.decoded
            .set(self.decoded.get().saturating_add(data.len()));
        Ok(data)
    }
}

/// Re-reads stream `id` straight from the file bytes, for streams lopdf could not frame
/// (a negative, missing or dangling `/Length`): the data runs from the `stream` keyword to
/// the next `endstream`. Only the `/Filter` names are taken from the dictionary.
pub fn recover_stream(data: &[u8], id: ObjectId) -> Option<Stream> {
    let header = format!("{} {} obj", id.0, id.1);
    let h = header.as_bytes();
    let mut start = None;
    let mut from = 0;
    while let Some(pos) = find(data.get(from..)?, h) {
        let at = from + pos;
        if at == 0 || data.get(at - 1).is_some_and(|b| !b.is_ascii_digit()) {
            start = Some(at + h.len());
        }
        from = at + h.len();
    }
    let start = start?;
    let window = data.get(start..data.len().min(start + (1 << 16)))?;
    let kw = find(window, b"stream")?;
    let dict_text = window.get(..kw)?;
    let mut body = start + kw + b"stream".len();
    if data.get(body) == Some(&b'\r') {
        body += 1;
    }
    if data.get(body) == Some(&b'\n') {
        body += 1;
    }
    let rest = data.get(body..)?;
    let mut end = find(rest, b"endstream")?;
    while end > 0
        && rest
            .get(end - 1)
            .is_some_and(|b| *b == b'\n' || *b == b'\r')
    {
        end -= 1;
    }
    let content = rest.get(..end)?.to_vec();
    let mut filters: Vec<(usize, &str)> = Vec::new();
    for (short, long) in [
        ("/FlateDecode", "FlateDecode"),
        ("/Fl", "FlateDecode"),
        ("/ASCIIHexDecode", "ASCIIHexDecode"),
        ("/AHx", "ASCIIHexDecode"),
        ("/ASCII85Decode", "ASCII85Decode"),
        ("/A85", "ASCII85Decode"),
        ("/LZWDecode", "LZWDecode"),
        ("/RunLengthDecode", "RunLengthDecode"),
    ] {
        if let Some(p) = find(dict_text, short.as_bytes())
            && dict_text
                .get(p + short.len())
                .is_none_or(|b| !b.is_ascii_alphanumeric())
        {
            filters.push((p, long));
        }
    }
    filters.sort_unstable();
    let mut dict = Dictionary::new();
    if !filters.is_empty() {
        dict.set(
            "Filter",
            Object::Array(
                filters
                    .iter()
                    .map(|(_, f)| Object::Name(f.as_bytes().to_vec()))
                    .collect(),
            ),
        );
    }
    let mut stream = Stream::new(dict, content);
    stream.dict.remove(b"Length");
    Some(stream)
}

/// Position of `needle` in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    let first = *needle.first()?;
    let mut i = 0;
    while let Some(off) = hay.get(i..)?.iter().position(|&b| b == first) {
        let at = i + off;
        if hay.get(at..at + needle.len())? == needle {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// A message squeezed onto one lower-case line.
pub fn one_line(s: &str) -> String {
    let mut out: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(first) = out.get(..1)
        && first.chars().all(|c| c.is_ascii_uppercase())
        && out
            .get(1..2)
            .is_some_and(|c| c.chars().all(|c| c.is_ascii_lowercase()))
    {
        out.replace_range(..1, &first.to_ascii_lowercase());
    }
    out.trim_end_matches('.').to_string()
}
