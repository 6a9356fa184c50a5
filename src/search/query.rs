//! The query language: words, phrases, operators and filters, parsed into a [`QueryNode`] tree.
//!
//! | syntax | meaning |
//! |---|---|
//! | `word word` | pages with the most of the words first; every word need not be there |
//! | `"a phrase"` | the words in this order (inflections, folding allowed) |
//! | `a AND b`, `+a` | both required |
//! | `a OR b` | either |
//! | `NOT a`, `-a` | pages without `a` |
//! | `( … )` | grouping |
//! | `year:2019`, `doc:aarsrapport-2018`, `kind:evaluering` | filters |
//!
//! The parser never fails on odd input: an unclosed quote runs to the end, unbalanced
//! parentheses are ignored, an unknown `field:` prefix is read as words, control characters are
//! spaces, and a query longer than [`MAX_QUERY_WORDS`] words is cut. It fails only when nothing
//! searchable is left, or a filter's value is malformed (`year:abc`); the error gives the
//! character position.

use std::fmt;

/// Most words read from one query; the rest is ignored.
pub const MAX_QUERY_WORDS: usize = 64;
/// Deepest parenthesis nesting honoured; deeper parentheses are ignored.
const MAX_DEPTH: usize = 16;
/// Most tokens (words, operators, parentheses) read from one query.
const MAX_TOKENS: usize = 1024;

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedQuery {
    /// The searchable part.
    pub root: QueryNode,
    /// Filters (`year:`, `doc:`, `kind:`), all required.
    pub filters: Vec<Filter>,
    /// Filters that must not hold (`-year:2018`, `NOT doc:x`).
    pub excluded: Vec<Filter>,
}

/// A node of the query tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryNode {
    /// A word as typed (it may analyse to several words, e.g. `SSP-konsulent`).
    Word(String),
    /// A quoted phrase.
    Phrase(String),
    /// Words typed side by side: ranked by how many match.
    Soft(Vec<QueryNode>),
    /// All required.
    And(Vec<QueryNode>),
    /// Any one.
    Or(Vec<QueryNode>),
    /// Required (`+word`).
    Must(Box<QueryNode>),
    /// Excluded (`-word`, `NOT word`).
    Not(Box<QueryNode>),
}

/// A filter on document metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// Publication year.
    Year(u32),
    /// Document id (file stem).
    Doc(String),
    /// Kind of publication.
    Kind(String),
}

/// Why a query could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QueryError {
    /// Nothing to search for.
    #[error("the query has no words to search for")]
    Empty,
    /// Only exclusions, nothing to look for.
    #[error("the query only excludes (`-word`, `NOT word`): add a word to search for")]
    OnlyExcluded,
    /// A filter value of the wrong shape.
    #[error("at character {position}: {field}: expects {expected}, found `{found}`")]
    BadFilter {
        /// 0-based character position of the filter.
        position: usize,
        /// The filter name.
        field: &'static str,
        /// What was expected.
        expected: &'static str,
        /// What was found.
        found: String,
    },
}

/// Parses `input`.
///
/// # Errors
/// [`QueryError::Empty`] when no words remain, [`QueryError::BadFilter`] for a filter value of
/// the wrong shape.
pub fn parse_query(input: &str) -> Result<ParsedQuery, QueryError> {
    let tokens = lex(input);
    let mut parser = Parser {
        tokens,
        next: 0,
        filters: Vec::new(),
        excluded: Vec::new(),
        error: None,
    };
    let root = parser.parse_or(0);
    if let Some(error) = parser.error {
        return Err(error);
    }
    let root = root.and_then(simplify);
    match root {
        Some(root) if has_positive(&root) => Ok(ParsedQuery {
            root,
            filters: parser.filters,
            excluded: parser.excluded,
        }),
        Some(_) => Err(QueryError::OnlyExcluded),
        None => Err(QueryError::Empty),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(usize, String),
    Phrase(String),
    Field(usize, String, String),
    Open,
    Close,
    And,
    Or,
    Not,
    Plus,
}

fn lex(input: &str) -> Vec<Token> {
    let chars: Vec<char> = input
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut tokens = Vec::new();
    let mut words = 0;
    let mut depth = 0usize;
    let mut i = 0;
    while i < chars.len() && words < MAX_QUERY_WORDS && tokens.len() < MAX_TOKENS {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        match c {
            '"' | '»' | '«' | '“' | '”' | '„' => {
                let start = i + 1;
                let mut end = start;
                while end < chars.len() && !matches!(chars[end], '"' | '»' | '«' | '“' | '”')
                {
                    end += 1;
                }
                let phrase: String = chars[start..end].iter().collect();
                words += phrase.split_whitespace().count();
                tokens.push(Token::Phrase(phrase));
                i = end + 1;
            }
            // Parentheses nested deeper than MAX_DEPTH are dropped here, with their partners.
            '(' => {
                if depth < MAX_DEPTH {
                    tokens.push(Token::Open);
                }
                depth += 1;
                i += 1;
            }
            ')' => {
                depth = depth.saturating_sub(1);
                if depth < MAX_DEPTH {
                    tokens.push(Token::Close);
                }
                i += 1;
            }
            '-' | '+' if chars.get(i + 1).is_some_and(|n| !n.is_whitespace()) => {
                tokens.push(if c == '-' { Token::Not } else { Token::Plus });
                i += 1;
            }
            _ => {
                let start = i;
                while i < chars.len()
                    && !chars[i].is_whitespace()
                    && !matches!(chars[i], '(' | ')' | '"')
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                match word.as_str() {
                    "AND" | "&&" => tokens.push(Token::And),
                    "OR" | "||" => tokens.push(Token::Or),
                    "NOT" => tokens.push(Token::Not),
                    _ => {
                        if let Some((field, value)) = split_field(&word) {
                            // `doc:"two words"` takes the quoted value.
                            let value = if value.is_empty() && chars.get(i) == Some(&'"') {
                                let from = i + 1;
                                let mut to = from;
                                while to < chars.len() && chars[to] != '"' {
                                    to += 1;
                                }
                                i = to + 1;
                                chars[from..to.min(chars.len())].iter().collect()
                            } else {
                                value.to_owned()
                            };
                            tokens.push(Token::Field(start, field.to_owned(), value));
                        } else {
                            words += 1;
                            tokens.push(Token::Word(start, word));
                        }
                    }
                }
            }
        }
    }
    tokens
}

/// `year:2019` → (`year`, `2019`) for the known filter fields.
fn split_field(word: &str) -> Option<(&str, &str)> {
    let (field, value) = word.split_once(':')?;
    matches!(
        field.to_ascii_lowercase().as_str(),
        "year" | "år" | "doc" | "kind"
    )
    .then_some((field, value))
}

struct Parser {
    tokens: Vec<Token>,
    next: usize,
    filters: Vec<Filter>,
    excluded: Vec<Filter>,
    error: Option<QueryError>,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.next)
    }

    fn parse_or(&mut self, depth: usize) -> Option<QueryNode> {
        let mut alternatives = Vec::new();
        loop {
            if let Some(node) = self.parse_and(depth) {
                alternatives.push(node);
            }
            if self.peek() == Some(&Token::Or) {
                self.next += 1;
                continue;
            }
            break;
        }
        match alternatives.len() {
            0 => None,
            1 => alternatives.pop(),
            _ => Some(QueryNode::Or(alternatives)),
        }
    }

    fn parse_and(&mut self, depth: usize) -> Option<QueryNode> {
        let mut items = Vec::new();
        let mut explicit_and = false;
        loop {
            match self.peek() {
                None | Some(Token::Or) => break,
                Some(Token::Close) => {
                    if depth > 0 {
                        break;
                    }
                    // An unmatched `)` is ignored.
                    self.next += 1;
                }
                Some(Token::And) => {
                    explicit_and = true;
                    self.next += 1;
                }
                _ => {
                    if let Some(node) = self.parse_unary(depth, false) {
                        items.push(node);
                    }
                }
            }
        }
        match items.len() {
            0 => None,
            1 => items.pop(),
            _ if explicit_and => Some(QueryNode::And(items)),
            _ => Some(QueryNode::Soft(items)),
        }
    }

    fn parse_unary(&mut self, depth: usize, negated: bool) -> Option<QueryNode> {
        let token = self.peek()?.clone();
        self.next += 1;
        match token {
            Token::Not => {
                // A lone `NOT` at the end is ignored.
                let inner = self.parse_unary(depth, !negated)?;
                Some(QueryNode::Not(Box::new(inner)))
            }
            Token::Plus => {
                let inner = self.parse_unary(depth, negated)?;
                Some(QueryNode::Must(Box::new(inner)))
            }
            // Parentheses nested deeper than MAX_DEPTH are dropped, so nesting never recurses
            // without bound.
            Token::Open if depth >= MAX_DEPTH => None,
            Token::Open => {
                let inner = self.parse_or(depth + 1);
                if self.peek() == Some(&Token::Close) {
                    self.next += 1;
                }
                inner
            }
            Token::Close | Token::And | Token::Or => None,
            Token::Phrase(text) => Some(QueryNode::Phrase(text)),
            Token::Word(_, word) => Some(QueryNode::Word(word)),
            Token::Field(position, field, value) => {
                match parse_filter(position, &field, &value) {
                    Ok(filter) if negated => self.excluded.push(filter),
                    Ok(filter) => self.filters.push(filter),
                    Err(error) => {
                        self.error.get_or_insert(error);
                    }
                }
                None
            }
        }
    }
}

fn parse_filter(position: usize, field: &str, value: &str) -> Result<Filter, QueryError> {
    let value = value.trim();
    match field.to_ascii_lowercase().as_str() {
        "year" | "år" => {
            value
                .parse::<u32>()
                .map(Filter::Year)
                .map_err(|_| QueryError::BadFilter {
                    position,
                    field: "year",
                    expected: "a year such as 2019",
                    found: value.to_owned(),
                })
        }
        "doc" if !value.is_empty() => Ok(Filter::Doc(value.to_owned())),
        "kind" if !value.is_empty() => Ok(Filter::Kind(value.to_owned())),
        other => Err(QueryError::BadFilter {
            position,
            field: if other == "doc" { "doc" } else { "kind" },
            expected: "a value after the colon",
            found: String::new(),
        }),
    }
}

/// Drops empty groups and a `Not` whose filter moved out, and unwraps single-item groups.
fn simplify(node: QueryNode) -> Option<QueryNode> {
    let simplify_all = |items: Vec<QueryNode>| -> Vec<QueryNode> {
        items.into_iter().filter_map(simplify).collect()
    };
    match node {
        QueryNode::Word(w) if w.chars().any(char::is_alphanumeric) => Some(QueryNode::Word(w)),
        QueryNode::Phrase(p) if p.chars().any(char::is_alphanumeric) => Some(QueryNode::Phrase(p)),
        QueryNode::Word(_) | QueryNode::Phrase(_) => None,
        QueryNode::Soft(items) => group(simplify_all(items), QueryNode::Soft),
        QueryNode::And(items) => group(simplify_all(items), QueryNode::And),
        QueryNode::Or(items) => group(simplify_all(items), QueryNode::Or),
        QueryNode::Must(inner) => simplify(*inner).map(|n| QueryNode::Must(Box::new(n))),
        QueryNode::Not(inner) => simplify(*inner).map(|n| QueryNode::Not(Box::new(n))),
    }
}

fn group(mut items: Vec<QueryNode>, make: fn(Vec<QueryNode>) -> QueryNode) -> Option<QueryNode> {
    match items.len() {
        0 => None,
        1 => items.pop(),
        _ => Some(make(items)),
    }
}

fn has_positive(node: &QueryNode) -> bool {
    match node {
        QueryNode::Not(_) => false,
        QueryNode::Word(_) | QueryNode::Phrase(_) => true,
        QueryNode::Must(inner) => has_positive(inner),
        QueryNode::Soft(items) | QueryNode::And(items) | QueryNode::Or(items) => {
            items.iter().any(has_positive)
        }
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Filter::Year(year) => write!(f, "year:{year}"),
            Filter::Doc(doc) => write!(f, "doc:{doc}"),
            Filter::Kind(kind) => write!(f, "kind:{kind}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(w: &str) -> QueryNode {
        QueryNode::Word(w.into())
    }

    #[test]
    fn words_side_by_side_are_soft() {
        let parsed = parse_query("handlingsplaner forebyggelse").unwrap();
        assert_eq!(
            parsed.root,
            QueryNode::Soft(vec![word("handlingsplaner"), word("forebyggelse")])
        );
    }

    #[test]
    fn phrases_operators_and_filters() {
        let parsed =
            parse_query(r#""af ekstremisme" -højre year:2019 doc:aarsrapport-2019"#).unwrap();
        assert_eq!(
            parsed.root,
            QueryNode::Soft(vec![
                QueryNode::Phrase("af ekstremisme".into()),
                QueryNode::Not(Box::new(word("højre")))
            ])
        );
        assert_eq!(
            parsed.filters,
            [Filter::Year(2019), Filter::Doc("aarsrapport-2019".into())]
        );
        let parsed = parse_query("a AND b OR c").unwrap();
        assert_eq!(
            parsed.root,
            QueryNode::Or(vec![QueryNode::And(vec![word("a"), word("b")]), word("c")])
        );
    }

    #[test]
    fn excluded_filter() {
        let parsed = parse_query("mentor -year:2018").unwrap();
        assert_eq!(parsed.excluded, [Filter::Year(2018)]);
    }

    #[test]
    fn broken_syntax_is_read_best_effort() {
        assert_eq!(
            parse_query(r#""unclosed phrase"#).unwrap().root,
            QueryNode::Phrase("unclosed phrase".into())
        );
        assert_eq!(parse_query("((mentor").unwrap().root, word("mentor"));
        assert_eq!(parse_query("mentor))").unwrap().root, word("mentor"));
        assert_eq!(parse_query("mentor NOT").unwrap().root, word("mentor"));
        assert_eq!(parse_query("foo:bar").unwrap().root, word("foo:bar"));
        assert_eq!(
            parse_query("a\u{0}b\u{7}").unwrap().root,
            QueryNode::Soft(vec![word("a"), word("b")])
        );
    }

    #[test]
    fn clear_errors_for_unusable_queries() {
        assert_eq!(parse_query("   "), Err(QueryError::Empty));
        assert_eq!(parse_query("?!"), Err(QueryError::Empty));
        assert_eq!(parse_query("NOT"), Err(QueryError::Empty));
        assert_eq!(parse_query("-mentor"), Err(QueryError::OnlyExcluded));
        let err = parse_query("mentor year:abc").unwrap_err();
        assert_eq!(
            err.to_string(),
            "at character 7: year: expects a year such as 2019, found `abc`"
        );
    }

    #[test]
    fn long_and_deep_queries_are_bounded() {
        let long = "ord ".repeat(5_000);
        let QueryNode::Soft(items) = parse_query(&long).unwrap().root else {
            panic!("not soft")
        };
        assert_eq!(items.len(), MAX_QUERY_WORDS);
        let deep = format!("{}mentor{}", "(".repeat(10_000), ")".repeat(10_000));
        assert_eq!(parse_query(&deep).unwrap().root, word("mentor"));
    }
}
