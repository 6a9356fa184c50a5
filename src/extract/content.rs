//! Content streams → positioned glyphs.
//!
//! In: the decoded content of a page (and, through `Do`, of its Form XObjects), its resources
//! and geometry. Out: a [`PageGlyphs`] — every shown glyph as a [`TextGlyph`] with its Unicode
//! text, origin, advance direction and size in (rotated) device space.
//!
//! Main parts: a non-recursive tokenizer ([`Lexer`]) that reads numbers, names, strings,
//! arrays (one level kept, deeper ones skipped by a counter) and dictionaries (flat), and skips
//! inline images (`BI … ID … EI`); and an [`Interpreter`] with the text state machine
//! (`BT ET Tf Tm Td TD T* Tj TJ ' " Tc Tw Tz TL Ts Tr`), the CTM (`q Q cm`), Form XObjects and
//! marked content with `/ActualText`.
//!
//! Design: nothing in the tokenizer recurses, so hostile nesting cannot overflow the stack;
//! Form XObjects recurse only to `max_form_depth` and never into a form already on the stack
//! (cycles). Operators, glyphs and time are charged to the shared [`Budget`] and checked in
//! the loop, so a 10-million-operator stream ends in bounded time. Glyphs whose origin falls
//! outside the page's media box are dropped, as pdftotext does.
//!
//! Known limits: Type 3 glyph procedures are not run; clipping paths other than the page box
//! are ignored; text drawn as vector outlines or images is invisible to this layer.

use std::collections::HashSet;
use std::rc::Rc;

use foldhash::HashMap as FastMap;

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::encoding::decode_text_string;
use super::fonts::Font;
use super::pdfobj::{self, Budget};
use super::pdfobj::{is_delim, is_ws};

/// A glyph placed on the page.
#[derive(Debug, Clone)]
pub struct TextGlyph {
    /// Unicode text (may be several chars, e.g. a ligature or `/ActualText`); shared with the
    /// font's table, so a glyph costs no allocation.
    pub text: Rc<str>,
    /// Origin x in device space (page rotation applied, y up).
    pub x: f32,
    /// Origin y in device space.
    pub y: f32,
    /// Unit vector of the writing direction, x part.
    pub dx: f32,
    /// Unit vector of the writing direction, y part.
    pub dy: f32,
    /// Visible advance along the writing direction (without char/word spacing).
    pub width: f32,
    /// Font size in device units (height of the em square).
    pub size: f32,
}

/// Everything the interpreter found on one page.
#[derive(Debug, Default)]
pub struct PageGlyphs {
    /// The glyphs, in drawing order.
    pub glyphs: Vec<TextGlyph>,
    /// Why the page stopped early, if it did (limit hit, undecodable stream).
    pub problems: Vec<String>,
    /// Content streams decoded successfully.
    pub streams_ok: usize,
}

/// Loaded fonts shared by all pages of a document, keyed by object id.
#[derive(Debug, Default)]
pub struct FontCache {
    fonts: FastMap<ObjectId, Rc<Font>>,
}

type Matrix = [f32; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

fn mul(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

fn apply(m: &Matrix, x: f32, y: f32) -> (f32, f32) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

fn apply_vec(m: &Matrix, x: f32, y: f32) -> (f32, f32) {
    (m[0] * x + m[2] * y, m[1] * x + m[3] * y)
}

#[derive(Debug, Clone)]
struct GState {
    ctm: Matrix,
    font: Option<Rc<Font>>,
    font_size: f32,
    char_space: f32,
    word_space: f32,
    h_scale: f32,
    leading: f32,
    rise: f32,
}

impl Default for GState {
    fn default() -> Self {
        Self {
            ctm: IDENTITY,
            font: None,
            font_size: 0.0,
            char_space: 0.0,
            word_space: 0.0,
            h_scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        }
    }
}

/// Page geometry the interpreter needs.
#[derive(Debug, Clone, Copy)]
pub struct PageGeometry {
    /// Media box (x0, y0, x1, y1) in default user space: the clip for glyph origins.
    pub bbox: [f32; 4],
    /// `/Rotate` in degrees (0, 90, 180, 270).
    pub rotate: i32,
}

/// Invisible format characters: bidi embeddings and isolates, zero-width marks, BOM.
fn is_format_control(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{206f}' | '\u{feff}')
}

/// An `/ActualText` span being collected.
#[derive(Debug)]
struct ActualSpan {
    text: String,
    depth: usize,
    first: Option<TextGlyph>,
    end: (f32, f32),
}

/// The content-stream interpreter for one page.
pub struct Interpreter<'a> {
    doc: &'a Document,
    budget: &'a Budget,
    fonts: &'a mut FontCache,
    geometry: PageGeometry,
    gs: GState,
    stack: Vec<GState>,
    tm: Matrix,
    tlm: Matrix,
    out: PageGlyphs,
    forms_active: HashSet<ObjectId>,
    marked_depth: usize,
    actual: Option<ActualSpan>,
    ops: u64,
    stopped: bool,
}

/// The text state [`Interpreter::show`] places a string's glyphs with.
#[derive(Debug, Clone, Copy)]
struct ShowState {
    size: f32,
    th: f32,
    tc: f32,
    tw: f32,
    rise: f32,
    ctm: Matrix,
    vertical: bool,
    size_scale: f32,
}

/// A content-stream operand.
#[derive(Debug, Clone, PartialEq)]
enum Operand {
    Num(f32),
    Name(Vec<u8>),
    Str(Vec<u8>),
    Array(Vec<Operand>),
    Dict(Vec<(Vec<u8>, Operand)>),
    Other,
}

impl<'a> Interpreter<'a> {
    /// An interpreter for a page with the given geometry.
    pub fn new(
        doc: &'a Document,
        budget: &'a Budget,
        fonts: &'a mut FontCache,
        geometry: PageGeometry,
    ) -> Self {
        Self {
            doc,
            budget,
            fonts,
            geometry,
            gs: GState::default(),
            stack: Vec::new(),
            tm: IDENTITY,
            tlm: IDENTITY,
            out: PageGlyphs::default(),
            forms_active: HashSet::new(),
            marked_depth: 0,
            actual: None,
            ops: 0,
            stopped: false,
        }
    }

    /// Runs the page's content streams (already split from `/Contents`), in order.
    pub fn run_page(
        mut self,
        contents: &[&lopdf::Stream],
        resources: Option<&'a Dictionary>,
    ) -> PageGlyphs {
        // Content streams of a page are one logical stream: concatenate them.
        let mut data = Vec::new();
        for s in contents {
            match self.budget.decode(s) {
                Ok(d) => {
                    self.out.streams_ok += 1;
                    if data.is_empty() {
                        // One stream (the usual case) is taken as it is, not copied.
                        data = d;
                    } else {
                        data.extend_from_slice(&d);
                    }
                    data.push(b'\n');
                }
                Err(e) => self.out.problems.push(e),
            }
        }
        self.run(&data, resources, 0);
        self.flush_actual();
        self.out
    }

    fn problem(&mut self, msg: &str) {
        if !self.out.problems.iter().any(|p| p == msg) {
            self.out.problems.push(msg.to_string());
        }
    }

    /// Interprets one content stream with `resources`, at form nesting `depth`.
    fn run(&mut self, data: &[u8], resources: Option<&'a Dictionary>, depth: usize) {
        let mut lex = Lexer { data, pos: 0 };
        let mut operands: Vec<Operand> = Vec::new();
        let q_base = self.stack.len();
        while !self.stopped {
            let Some(tok) = lex.next_token() else { break };
            let op = match tok {
                Token::Operand(o) => {
                    if operands.len() < 64 {
                        operands.push(o);
                    }
                    continue;
                }
                Token::Operator(op) => op,
            };
            self.ops += 1;
            if self.ops.is_multiple_of(4096) {
                if !self.budget.charge_ops(4096) {
                    self.problem("operator limit for the file reached");
                    self.stopped = true;
                }
                if self.budget.out_of_time() {
                    self.problem("time limit reached");
                    self.stopped = true;
                }
            }
            if self.ops > self.budget.opts.max_ops_per_page {
                self.problem("operator limit for the page reached");
                self.stopped = true;
            }
            if op == b"BI" {
                lex.skip_inline_image();
            } else {
                self.operator(&op, &operands, resources, depth);
            }
            operands.clear();
        }
        // Unbalanced q inside a form must not leak out of it.
        if depth > 0 {
            while self.stack.len() > q_base {
                if let Some(g) = self.stack.pop() {
                    self.gs = g;
                }
            }
        }
    }

    fn operator(
        &mut self,
        op: &[u8],
        args: &[Operand],
        resources: Option<&'a Dictionary>,
        depth: usize,
    ) {
        let n = |i: usize| -> f32 {
            match args.get(i) {
                Some(Operand::Num(v)) => *v,
                _ => 0.0,
            }
        };
        match op {
            b"q" if self.stack.len() < 256 => self.stack.push(self.gs.clone()),
            b"Q" => {
                if let Some(g) = self.stack.pop() {
                    self.gs = g;
                }
            }
            b"cm" if args.len() >= 6 => {
                let m = [n(0), n(1), n(2), n(3), n(4), n(5)];
                self.gs.ctm = mul(&m, &self.gs.ctm);
            }
            b"BT" => {
                self.tm = IDENTITY;
                self.tlm = IDENTITY;
            }
            b"Tf" => {
                if let Some(Operand::Name(name)) = args.first() {
                    self.gs.font = self.load_font(resources, name);
                }
                self.gs.font_size = n(1);
            }
            b"Tc" => self.gs.char_space = n(0),
            b"Tw" => self.gs.word_space = n(0),
            b"Tz" => self.gs.h_scale = n(0) / 100.0,
            b"TL" => self.gs.leading = n(0),
            b"Ts" => self.gs.rise = n(0),
            b"Td" => self.move_line(n(0), n(1)),
            b"TD" => {
                self.gs.leading = -n(1);
                self.move_line(n(0), n(1));
            }
            b"Tm" if args.len() >= 6 => {
                self.tm = [n(0), n(1), n(2), n(3), n(4), n(5)];
                self.tlm = self.tm;
            }
            b"T*" => self.move_line(0.0, -self.gs.leading),
            b"Tj" => {
                if let Some(Operand::Str(s)) = args.first() {
                    self.show(s);
                }
            }
            b"'" => {
                self.move_line(0.0, -self.gs.leading);
                if let Some(Operand::Str(s)) = args.first() {
                    self.show(s);
                }
            }
            b"\"" => {
                self.gs.word_space = n(0);
                self.gs.char_space = n(1);
                self.move_line(0.0, -self.gs.leading);
                if let Some(Operand::Str(s)) = args.get(2) {
                    self.show(s);
                }
            }
            b"TJ" => {
                if let Some(Operand::Array(items)) = args.first() {
                    for item in items {
                        match item {
                            Operand::Str(s) => self.show(s),
                            Operand::Num(v) => {
                                let tx = -v / 1000.0 * self.gs.font_size * self.gs.h_scale;
                                if self.gs.font.as_ref().is_some_and(|f| f.vertical) {
                                    self.tm = mul(
                                        &[1.0, 0.0, 0.0, 1.0, 0.0, -v / 1000.0 * self.gs.font_size],
                                        &self.tm,
                                    );
                                } else {
                                    self.tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &self.tm);
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
            b"Do" => {
                if let Some(Operand::Name(name)) = args.first() {
                    self.do_xobject(resources, name, depth);
                }
            }
            b"BMC" => self.marked_depth += 1,
            b"BDC" => {
                self.marked_depth += 1;
                // An ActualText of bidi or other format controls only (Skia wraps every run,
                // its spaces included, in U+202D…U+202C) says nothing about the text: the
                // glyphs it covers are kept, so word gaps stay visible to the layout.
                if self.actual.is_none()
                    && let Some(text) = self.actual_text(args.get(1), resources)
                    && (text.is_empty() || !text.chars().all(is_format_control))
                {
                    self.actual = Some(ActualSpan {
                        text,
                        depth: self.marked_depth,
                        first: None,
                        end: (0.0, 0.0),
                    });
                }
            }
            b"EMC" => {
                if self
                    .actual
                    .as_ref()
                    .is_some_and(|a| a.depth == self.marked_depth)
                {
                    self.flush_actual();
                }
                self.marked_depth = self.marked_depth.saturating_sub(1);
            }
            _ => {}
        }
    }

    fn move_line(&mut self, tx: f32, ty: f32) {
        self.tlm = mul(&[1.0, 0.0, 0.0, 1.0, tx, ty], &self.tlm);
        self.tm = self.tlm;
    }

    fn load_font(&mut self, resources: Option<&'a Dictionary>, name: &[u8]) -> Option<Rc<Font>> {
        let doc = self.doc;
        let fonts = resources.and_then(|r| pdfobj::get_dict(doc, r, b"Font"));
        let Some(fonts) = fonts else {
            return Some(Rc::new(Font::fallback()));
        };
        let id = pdfobj::get_ref(fonts, name);
        if let Some(id) = id
            && let Some(f) = self.fonts.fonts.get(&id)
        {
            return Some(Rc::clone(f));
        }
        let font = match pdfobj::get_dict(doc, fonts, name) {
            Some(d) => Rc::new(Font::load(doc, d, self.budget)),
            None => Rc::new(Font::fallback()),
        };
        if let Some(id) = id {
            self.fonts.fonts.insert(id, Rc::clone(&font));
        }
        Some(font)
    }

    fn actual_text(
        &self,
        props: Option<&Operand>,
        resources: Option<&'a Dictionary>,
    ) -> Option<String> {
        match props? {
            Operand::Dict(entries) => entries.iter().find_map(|(k, v)| match (k.as_slice(), v) {
                (b"ActualText", Operand::Str(s)) => Some(decode_text_string(s)),
                _ => None,
            }),
            Operand::Name(n) => {
                let doc = self.doc;
                let props = resources.and_then(|r| pdfobj::get_dict(doc, r, b"Properties"))?;
                let d = pdfobj::get_dict(doc, props, n)?;
                match pdfobj::get(doc, d, b"ActualText")? {
                    Object::String(s, _) => Some(decode_text_string(s)),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn flush_actual(&mut self) {
        let Some(span) = self.actual.take() else {
            return;
        };
        let Some(mut g) = span.first else { return };
        let w = (span.end.0 - g.x) * g.dx + (span.end.1 - g.y) * g.dy;
        g.width = w.max(0.0);
        g.text = Rc::from(span.text);
        self.push_glyph(g);
    }

    fn do_xobject(&mut self, resources: Option<&'a Dictionary>, name: &[u8], depth: usize) {
        let doc = self.doc;
        let Some(xobjects) = resources.and_then(|r| pdfobj::get_dict(doc, r, b"XObject")) else {
            return;
        };
        let id = pdfobj::get_ref(xobjects, name);
        let Some(Object::Stream(stream)) = pdfobj::get(doc, xobjects, name) else {
            return;
        };
        if pdfobj::get_name(doc, &stream.dict, b"Subtype") != Some(b"Form".as_slice()) {
            return;
        }
        if depth >= self.budget.opts.max_form_depth {
            self.problem("form xobjects nested too deep");
            return;
        }
        if let Some(id) = id {
            if self.forms_active.contains(&id) {
                return; // a form that draws itself: cycle
            }
            self.forms_active.insert(id);
        }
        match self.budget.decode(stream) {
            Ok(data) => {
                let saved = self.gs.clone();
                let (saved_tm, saved_tlm) = (self.tm, self.tlm);
                if let Some(m) = pdfobj::get_array(doc, &stream.dict, b"Matrix")
                    .and_then(|a| pdfobj::num_array::<6>(doc, a))
                {
                    self.gs.ctm = mul(&m, &self.gs.ctm);
                }
                let form_res = pdfobj::get_dict(doc, &stream.dict, b"Resources").or(resources);
                self.run(&data, form_res, depth + 1);
                self.gs = saved;
                self.tm = saved_tm;
                self.tlm = saved_tlm;
            }
            Err(e) => self.problem(&e),
        }
        if let Some(id) = id {
            self.forms_active.remove(&id);
        }
    }

    /// Shows a string with the current font and text state.
    fn show(&mut self, bytes: &[u8]) {
        let Some(font) = self.gs.font.clone() else {
            return;
        };
        let gs = &self.gs;
        let state = ShowState {
            size: gs.font_size,
            th: gs.h_scale,
            tc: gs.char_space,
            tw: gs.word_space,
            rise: gs.rise,
            ctm: gs.ctm,
            vertical: font.vertical,
            size_scale: font.size_scale,
        };
        // Each glyph is placed as it is decoded: nothing is collected in between.
        font.decode(bytes, |g| {
            self.place(&state, g.text, g.width, g.is_word_space);
        });
    }

    /// Places one decoded glyph (text, advance `w0` for size 1, whether word spacing applies)
    /// at the text position, and advances the text matrix past it.
    fn place(&mut self, state: &ShowState, text: Rc<str>, w0: f32, is_space: bool) {
        let ShowState {
            size,
            th,
            tc,
            tw,
            rise,
            ctm,
            vertical,
            size_scale,
        } = *state;
        let trm_base = mul(&self.tm, &ctm);
        let trm = mul(&[size * th, 0.0, 0.0, size, 0.0, rise], &trm_base);
        let (ox, oy) = apply(&trm, 0.0, 0.0);
        let spacing = tc + if is_space { tw } else { 0.0 };
        let (adv_x, adv_y, vis) = if vertical {
            (0.0, -(w0 * size) + spacing, w0 * size)
        } else {
            ((w0 * size + spacing) * th, 0.0, w0 * size * th)
        };
        // Writing direction in device space.
        let (dirx, diry) = if vertical {
            apply_vec(&trm_base, 0.0, -1.0)
        } else {
            apply_vec(&trm_base, 1.0, 0.0)
        };
        let dlen = (dirx * dirx + diry * diry).sqrt();
        let (hx, hy) = apply_vec(&trm_base, 0.0, size * size_scale);
        let dev_size = (hx * hx + hy * hy).sqrt();
        let (vx, vy) = apply_vec(&trm_base, vis, 0.0);
        let dev_width = if vertical {
            vis * dev_size / size.abs().max(1e-6)
        } else {
            (vx * vx + vy * vy).sqrt()
        };
        self.tm = mul(&[1.0, 0.0, 0.0, 1.0, adv_x, adv_y], &self.tm);
        if !(dlen > 1e-9 && dev_size.is_finite() && ox.is_finite() && oy.is_finite()) {
            return;
        }
        let glyph = TextGlyph {
            text,
            x: ox,
            y: oy,
            dx: dirx / dlen,
            dy: diry / dlen,
            width: dev_width,
            size: dev_size,
        };
        if let Some(span) = self.actual.as_mut() {
            let end = (ox + glyph.dx * glyph.width, oy + glyph.dy * glyph.width);
            span.end = end;
            if span.first.is_none() {
                span.first = Some(glyph);
            }
            return;
        }
        self.push_glyph(glyph);
    }

    /// Clips, rotates and stores a glyph. Inlined, and the stored glyph built afresh from the
    /// rotated values: writing fields of a glyph just passed in memory and then copying it
    /// whole stalls store forwarding, once per glyph.
    #[inline(always)]
    fn push_glyph(&mut self, g: TextGlyph) {
        if g.text.is_empty() && g.width <= 0.0 {
            return;
        }
        let [x0, y0, x1, y1] = self.geometry.bbox;
        let m = 0.5 * g.size.min(50.0);
        if g.x < x0 - m || g.x > x1 + m || g.y < y0 - m || g.y > y1 + m {
            return;
        }
        if self.out.glyphs.len() >= self.budget.opts.max_glyphs_per_page {
            self.problem("glyph limit for the page reached");
            self.stopped = true;
            return;
        }
        if !self.budget.charge_text(g.text.len().max(1)) {
            self.problem("text limit for the file reached");
            self.stopped = true;
            return;
        }
        let rot = |x: f32, y: f32| match self.geometry.rotate {
            90 => (y, -x),
            180 => (-x, -y),
            270 => (-y, x),
            _ => (x, y),
        };
        let (x, y) = rot(g.x, g.y);
        let (dx, dy) = rot(g.dx, g.dy);
        self.out.glyphs.push(TextGlyph { x, y, dx, dy, ..g });
    }
}

/// A token: an operand, or an operator keyword.
#[derive(Debug)]
enum Token {
    Operand(Operand),
    Operator(Vec<u8>),
}

/// Content-stream tokenizer. Never recurses; nesting beyond one array level is skipped.
struct Lexer<'a> {
    data: &'a [u8],
    pos: usize,
}

/// Maximum nesting the tokenizer tracks inside arrays and dictionaries.
const MAX_NESTING: usize = 64;

impl Lexer<'_> {
    fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b) = self.peek() {
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
    }

    fn next_token(&mut self) -> Option<Token> {
        loop {
            self.skip_ws();
            let b = self.peek()?;
            match b {
                b'[' => {
                    self.pos += 1;
                    return Some(Token::Operand(self.array()));
                }
                b'<' if self.data.get(self.pos + 1) == Some(&b'<') => {
                    self.pos += 2;
                    return Some(Token::Operand(self.dict()));
                }
                b']' | b'>' | b')' | b'{' | b'}' => {
                    self.pos += 1;
                    continue;
                }
                _ => {}
            }
            if let Some(o) = self.simple_operand() {
                return Some(Token::Operand(o));
            }
            let start = self.pos;
            while self.peek().is_some_and(|c| !is_ws(c) && !is_delim(c)) {
                self.pos += 1;
            }
            if self.pos == start {
                self.pos += 1;
                continue;
            }
            let word = self.data.get(start..self.pos).unwrap_or_default();
            return Some(match word {
                b"true" | b"false" | b"null" => Token::Operand(Operand::Other),
                _ => Token::Operator(word.to_vec()),
            });
        }
    }

    /// Numbers, names, strings; `None` when the next token is something else.
    fn simple_operand(&mut self) -> Option<Operand> {
        let b = self.peek()?;
        match b {
            b'(' => {
                self.pos += 1;
                Some(Operand::Str(self.literal()))
            }
            b'<' => {
                self.pos += 1;
                Some(Operand::Str(self.hex()))
            }
            b'/' => {
                self.pos += 1;
                let start = self.pos;
                while self.peek().is_some_and(|c| !is_ws(c) && !is_delim(c)) {
                    self.pos += 1;
                }
                Some(Operand::Name(unescape_name(
                    self.data.get(start..self.pos).unwrap_or_default(),
                )))
            }
            b'0'..=b'9' | b'+' | b'-' | b'.' => {
                let start = self.pos;
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_digit() || matches!(c, b'+' | b'-' | b'.'))
                {
                    self.pos += 1;
                }
                Some(Operand::Num(parse_number(
                    self.data.get(start..self.pos).unwrap_or_default(),
                )))
            }
            _ => None,
        }
    }

    /// Reads an array after `[`; nested arrays and dictionaries are skipped.
    fn array(&mut self) -> Operand {
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            let Some(b) = self.peek() else { break };
            match b {
                b']' => {
                    self.pos += 1;
                    break;
                }
                b'[' => {
                    self.pos += 1;
                    self.skip_nested(b'[', b']');
                }
                b'<' if self.data.get(self.pos + 1) == Some(&b'<') => {
                    self.pos += 2;
                    self.skip_dict();
                }
                _ => match self.simple_operand() {
                    Some(o) => {
                        if items.len() < 100_000 {
                            items.push(o);
                        }
                    }
                    None => {
                        // A keyword inside an array: the array is broken; stop here.
                        let start = self.pos;
                        while self.peek().is_some_and(|c| !is_ws(c) && !is_delim(c)) {
                            self.pos += 1;
                        }
                        if self.pos == start {
                            self.pos += 1;
                        }
                        let word = self.data.get(start..self.pos).unwrap_or_default();
                        if !matches!(word, b"true" | b"false" | b"null") && !word.is_empty() {
                            self.pos = start;
                            break;
                        }
                    }
                },
            }
        }
        Operand::Array(items)
    }

    /// Skips to the matching `close`, counting only `open`/`close` (strings handled).
    fn skip_nested(&mut self, open: u8, close: u8) {
        let mut depth = 1usize;
        while let Some(b) = self.peek() {
            match b {
                b'(' => {
                    self.pos += 1;
                    self.literal();
                    continue;
                }
                _ if b == open => depth += 1,
                _ if b == close => {
                    depth -= 1;
                    if depth == 0 {
                        self.pos += 1;
                        return;
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
    }

    fn skip_dict(&mut self) {
        let mut depth = 1usize;
        while let Some(b) = self.peek() {
            let next = self.data.get(self.pos + 1).copied();
            match (b, next) {
                (b'(', _) => {
                    self.pos += 1;
                    self.literal();
                    continue;
                }
                (b'<', Some(b'<')) => {
                    depth += 1;
                    self.pos += 2;
                    continue;
                }
                (b'>', Some(b'>')) => {
                    depth -= 1;
                    self.pos += 2;
                    if depth == 0 {
                        return;
                    }
                    continue;
                }
                _ => {}
            }
            self.pos += 1;
        }
    }

    /// Reads a flat dictionary after `<<`: name keys with simple values; nested values skipped.
    fn dict(&mut self) -> Operand {
        let mut entries = Vec::new();
        let mut key: Option<Vec<u8>> = None;
        loop {
            self.skip_ws();
            let Some(b) = self.peek() else { break };
            if b == b'>' {
                self.pos += 1;
                if self.peek() == Some(b'>') {
                    self.pos += 1;
                }
                break;
            }
            let value = match b {
                b'[' => {
                    self.pos += 1;
                    self.skip_nested(b'[', b']');
                    Operand::Other
                }
                b'<' if self.data.get(self.pos + 1) == Some(&b'<') => {
                    self.pos += 2;
                    self.skip_dict();
                    Operand::Other
                }
                _ => match self.simple_operand() {
                    Some(o) => o,
                    None => {
                        let start = self.pos;
                        while self.peek().is_some_and(|c| !is_ws(c) && !is_delim(c)) {
                            self.pos += 1;
                        }
                        if self.pos == start {
                            self.pos += 1;
                        }
                        Operand::Other
                    }
                },
            };
            match key.take() {
                None => {
                    if let Operand::Name(n) = value {
                        key = Some(n);
                    }
                }
                Some(k) => {
                    if entries.len() < 256 {
                        entries.push((k, value));
                    }
                }
            }
            if entries.len() > MAX_NESTING * 64 {
                break;
            }
        }
        Operand::Dict(entries)
    }

    /// Reads a literal string after `(`.
    fn literal(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut depth = 1usize;
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                b'\\' => {
                    let Some(e) = self.peek() else { break };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push((v & 0xFF) as u8);
                        }
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        other => out.push(other),
                    }
                }
                b'(' => {
                    depth += 1;
                    out.push(b);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                    out.push(b);
                }
                _ => out.push(b),
            }
        }
        out
    }

    /// Reads a hex string after `<`.
    fn hex(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut hi: Option<u8> = None;
        while let Some(c) = self.peek() {
            self.pos += 1;
            let v = match c {
                b'>' => break,
                b'0'..=b'9' => c - b'0',
                b'a'..=b'f' => c - b'a' + 10,
                b'A'..=b'F' => c - b'A' + 10,
                _ => continue,
            };
            match hi.take() {
                Some(h) => out.push((h << 4) | v),
                None => hi = Some(v),
            }
        }
        if let Some(h) = hi {
            out.push(h << 4);
        }
        out
    }

    /// Skips an inline image: from after `BI` past its `EI`.
    fn skip_inline_image(&mut self) {
        // Find the ID keyword (the image dictionary holds only simple values).
        let data = self.data;
        let mut i = self.pos;
        let mut found = None;
        while i + 1 < data.len() {
            if data.get(i..i + 2) == Some(b"ID")
                && i.checked_sub(1)
                    .and_then(|p| data.get(p))
                    .is_none_or(|&c| is_ws(c) || is_delim(c))
                && data.get(i + 2).is_none_or(|&c| is_ws(c))
            {
                found = Some(i + 3);
                break;
            }
            i += 1;
        }
        let Some(mut j) = found else {
            self.pos = data.len();
            return;
        };
        while j + 1 < data.len() {
            if data.get(j..j + 2) == Some(b"EI")
                && j.checked_sub(1)
                    .and_then(|p| data.get(p))
                    .is_some_and(|&c| is_ws(c))
                && data.get(j + 2).is_none_or(|&c| is_ws(c) || is_delim(c))
            {
                self.pos = j + 2;
                return;
            }
            j += 1;
        }
        self.pos = data.len();
    }
}

/// `#xx` escapes in a name.
fn unescape_name(raw: &[u8]) -> Vec<u8> {
    if !raw.contains(&b'#') {
        return raw.to_vec();
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while let Some(&b) = raw.get(i) {
        if b == b'#'
            && let Some(h) = raw.get(i + 1..i + 3)
            && let Ok(s) = std::str::from_utf8(h)
            && let Ok(v) = u8::from_str_radix(s, 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b);
        i += 1;
    }
    out
}

/// Lenient number parsing (`-.5`, `4.`, `--3`, `1-2` all give something sensible).
fn parse_number(s: &[u8]) -> f32 {
    let mut neg = false;
    let mut i = 0;
    while let Some(&c) = s.get(i) {
        match c {
            b'-' => neg = !neg,
            b'+' => {}
            _ => break,
        }
        i += 1;
    }
    let mut v = 0f64;
    let mut frac = 0f64;
    let mut scale = 1f64;
    let mut seen_dot = false;
    for &c in s.get(i..).unwrap_or_default() {
        match c {
            b'0'..=b'9' => {
                let d = f64::from(c - b'0');
                if seen_dot {
                    scale /= 10.0;
                    frac += d * scale;
                } else {
                    v = v * 10.0 + d;
                }
            }
            b'.' if !seen_dot => seen_dot = true,
            _ => break,
        }
    }
    let r = (v + frac) as f32;
    let r = if r.is_finite() {
        r.clamp(-1e9, 1e9)
    } else {
        0.0
    };
    if neg { -r } else { r }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(src: &[u8]) -> Vec<Token> {
        let mut lex = Lexer { data: src, pos: 0 };
        let mut out = Vec::new();
        while let Some(t) = lex.next_token() {
            out.push(t);
        }
        out
    }

    #[test]
    fn tokenizer_basics() {
        let t = tokens(b"BT /F1 12 Tf (a\\(b\\)c\\101) Tj [(x) -250 <4142>] TJ ET");
        assert!(matches!(&t[1], Token::Operand(Operand::Name(n)) if n == b"F1"));
        assert!(matches!(&t[4], Token::Operand(Operand::Str(s)) if s == b"a(b)cA"));
        assert!(
            matches!(&t[6], Token::Operand(Operand::Array(a)) if a.len() == 3 && a[2] == Operand::Str(b"AB".to_vec()))
        );
    }

    #[test]
    fn deep_nesting_does_not_recurse() {
        let mut src = vec![b'['; 200_000];
        src.extend(vec![b']'; 200_000]);
        src.extend_from_slice(b" TJ");
        let t = tokens(&src);
        assert!(matches!(t.last(), Some(Token::Operator(o)) if o == b"TJ"));
    }

    #[test]
    fn inline_image_is_skipped() {
        let t = tokens(b"BI /W 1 /H 1 ID \x00EI\xffBT EI Q (after) Tj");
        assert!(matches!(&t[0], Token::Operator(o) if o == b"BI"));
        let mut lex = Lexer {
            data: b"BI /W 1 /H 1 ID \x00EI\xffBT EI Q (after) Tj",
            pos: 2,
        };
        lex.skip_inline_image();
        assert!(matches!(lex.next_token(), Some(Token::Operator(o)) if o == b"Q"));
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number(b"-.5"), -0.5);
        assert_eq!(parse_number(b"4."), 4.0);
        assert_eq!(parse_number(b"--3"), 3.0);
        assert_eq!(parse_number(b"12"), 12.0);
    }
}
