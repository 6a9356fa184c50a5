//! Metadata filters (`doc:`, `kind:`, `year:`) matched against the values the index holds.
//!
//! In: the filters of a query and of [`super::SearchOptions`]. Out: each filter as the values of
//! the index it stands for ([`FilterValues::resolve`]), and, for a filter that no page
//! satisfies, an [`UnmatchedFilter`] naming the values the user may have meant.
//!
//! Filters are typed by people: on a keyboard without æøå (`kind:aarsrapport`), or in another
//! case (`doc:Aarsrapport-2018`). A value the index holds exactly is taken as it is; otherwise
//! every value with the same key is: lower case, folded as query words are
//! ([`crate::analysis::fold`]). So `kind:aarsrapport` and `kind:arsrapport` mean
//! `kind:årsrapport`. Nothing looser is matched silently: a part of a document id
//! (`doc:evaluering`) or a typo finds no page, and the search names the values that come close,
//! so the user learns the id instead of guessing what a loose match took in.
//!
//! The values are read once per [`super::Engine`], on its first search with a filter: document
//! ids and years from the commit's [`IndexState`], kinds from the `kind` field's term
//! dictionary.

use std::fmt;

use serde::Serialize;
use tantivy::Searcher;
use tantivy::schema::Field;

use super::query::{Filter, ParsedQuery};
use crate::analysis::fold;
use crate::index::IndexState;

/// Most close values suggested for a filter.
const MAX_SUGGESTIONS: usize = 5;

/// Most values of a field listed when none is close to the one typed.
const MAX_LISTED: usize = 12;

/// A filter that no page of the index satisfies, with the values the user may have meant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnmatchedFilter {
    /// The filter as given, e.g. `doc:evaluering`.
    pub filter: String,
    /// Filters on values of the index close to the one given, closest first, e.g.
    /// `doc:evaluering-2017-2020`.
    pub suggestions: Vec<String>,
    /// When no value is close: filters on every value of the field, if there are at most a
    /// dozen (e.g. `year:2018`, `year:2019`).
    pub known: Vec<String>,
}

impl fmt::Display for UnmatchedFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no page has `{}`", self.filter)?;
        if !self.suggestions.is_empty() {
            write!(
                f,
                "; did you mean {}?",
                alternatives(&self.suggestions, "or")
            )
        } else if !self.known.is_empty() {
            write!(f, "; the index has {}", alternatives(&self.known, "and"))
        } else {
            Ok(())
        }
    }
}

/// `` `a`, `b` or `c` ``.
fn alternatives(values: &[String], last: &str) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
    match quoted.split_last() {
        Some((final_one, rest)) if !rest.is_empty() => {
            format!("{} {last} {final_one}", rest.join(", "))
        }
        _ => quoted.concat(),
    }
}

/// The filters of one search, each as the alternatives a page must have one of (required) or
/// none of (excluded). A required filter without alternatives matches no page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResolvedFilters {
    /// Filters every page found must satisfy.
    pub required: Vec<Vec<Filter>>,
    /// Filters no page found may satisfy.
    pub excluded: Vec<Vec<Filter>>,
}

impl ResolvedFilters {
    /// The filters of `parsed` and `extra` as typed, each standing for its own value only.
    pub fn as_typed(parsed: &ParsedQuery, extra: &[Filter]) -> ResolvedFilters {
        let each = |filters: &mut dyn Iterator<Item = &Filter>| -> Vec<Vec<Filter>> {
            filters.map(|f| vec![f.clone()]).collect()
        };
        ResolvedFilters {
            required: each(&mut parsed.filters.iter().chain(extra)),
            excluded: each(&mut parsed.excluded.iter()),
        }
    }

    /// The filters of `parsed` and `extra` resolved against `values`, with the required ones
    /// that no page satisfies.
    pub fn resolve(
        parsed: &ParsedQuery,
        extra: &[Filter],
        values: &FilterValues,
    ) -> (ResolvedFilters, Vec<UnmatchedFilter>) {
        let mut unmatched = Vec::new();
        let required = parsed
            .filters
            .iter()
            .chain(extra)
            .map(|filter| {
                values.resolve(filter).unwrap_or_else(|why| {
                    unmatched.push(why);
                    Vec::new()
                })
            })
            .collect();
        let excluded = parsed
            .excluded
            .iter()
            .map(|filter| values.resolve(filter).unwrap_or_default())
            .collect();
        (ResolvedFilters { required, excluded }, unmatched)
    }
}

/// The values an index holds for each filterable field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterValues {
    docs: Vec<String>,
    kinds: Vec<String>,
    years: Vec<u32>,
}

impl FilterValues {
    /// Reads the values of the index: documents and years from `state`, kinds from the
    /// dictionary of field `kind`.
    ///
    /// # Errors
    /// Fails when tantivy cannot read the term dictionary.
    pub fn read(state: &IndexState, searcher: &Searcher, kind: Field) -> tantivy::Result<Self> {
        let mut docs: Vec<String> = state.files.values().map(|f| f.doc.clone()).collect();
        let mut years: Vec<u32> = state.files.values().filter_map(|f| f.year).collect();
        let mut kinds = Vec::new();
        for reader in searcher.segment_readers() {
            let inverted = reader.inverted_index(kind)?;
            let mut terms = inverted.terms().stream()?;
            while terms.advance() {
                if let Ok(value) = std::str::from_utf8(terms.key()) {
                    kinds.push(value.to_owned());
                }
            }
        }
        for values in [&mut docs, &mut kinds] {
            values.sort_unstable();
            values.dedup();
        }
        years.sort_unstable();
        years.dedup();
        Ok(FilterValues { docs, kinds, years })
    }

    /// The values of the index that `filter` stands for (one, or several when several share
    /// its folded key), or why none does.
    ///
    /// # Errors
    /// An [`UnmatchedFilter`] when no page can satisfy `filter`.
    pub fn resolve(&self, filter: &Filter) -> Result<Vec<Filter>, UnmatchedFilter> {
        match filter {
            Filter::Year(year) => {
                if self.years.contains(year) {
                    Ok(vec![Filter::Year(*year)])
                } else {
                    let known: Vec<String> = self.years.iter().map(|y| y.to_string()).collect();
                    Err(unmatched(filter, Vec::new(), &known, "year"))
                }
            }
            Filter::Doc(doc) => resolve_text(&self.docs, doc)
                .map(|values| values.into_iter().map(Filter::Doc).collect())
                .map_err(|close| unmatched(filter, close, &self.docs, "doc")),
            Filter::Kind(kind) => resolve_text(&self.kinds, kind)
                .map(|values| values.into_iter().map(Filter::Kind).collect())
                .map_err(|close| unmatched(filter, close, &self.kinds, "kind")),
        }
    }
}

fn unmatched(filter: &Filter, close: Vec<String>, all: &[String], field: &str) -> UnmatchedFilter {
    let as_filters = |values: &[String]| -> Vec<String> {
        values.iter().map(|v| format!("{field}:{v}")).collect()
    };
    let known = if close.is_empty() && all.len() <= MAX_LISTED {
        as_filters(all)
    } else {
        Vec::new()
    };
    UnmatchedFilter {
        filter: filter.to_string(),
        suggestions: as_filters(&close),
        known,
    }
}

/// The key under which typed and indexed values meet: lower case, æøå folded.
pub(crate) fn key_of(value: &str) -> String {
    fold::fold(&value.to_lowercase())
}

/// The values of `values` that `typed` stands for: itself when held exactly, else those of the
/// same key. When there are none, the error holds the values close to it.
fn resolve_text(values: &[String], typed: &str) -> Result<Vec<String>, Vec<String>> {
    if values.binary_search_by(|v| v.as_str().cmp(typed)).is_ok() {
        return Ok(vec![typed.to_owned()]);
    }
    let key = key_of(typed);
    let same: Vec<String> = values
        .iter()
        .filter(|v| key_of(v) == key)
        .cloned()
        .collect();
    if same.is_empty() {
        Err(close_values(values, &key))
    } else {
        Ok(same)
    }
}

/// Values whose key contains `key` (at least three letters of it) or lies within a few edits
/// of it, closest first.
pub(crate) fn close_values(values: &[String], key: &str) -> Vec<String> {
    let length = key.chars().count();
    // One edit in four characters, at most three: `evaluring` is close to `evaluering`, `2016`
    // to nothing.
    let max_edits = (length / 4).clamp(1, 3);
    let mut close: Vec<(usize, &String)> = values
        .iter()
        .filter_map(|value| {
            let value_key = key_of(value);
            let edits = strsim::levenshtein(key, &value_key);
            if edits <= max_edits || (length >= 3 && value_key.contains(key)) {
                Some((edits, value))
            } else {
                None
            }
        })
        .collect();
    close.sort();
    close
        .into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|(_, value)| value.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> FilterValues {
        FilterValues {
            docs: vec![
                "aarsrapport-2018".into(),
                "aarsrapport-2019".into(),
                "evaluering-2017-2020".into(),
            ],
            kinds: vec!["evaluering".into(), "årsrapport".into()],
            years: vec![2018, 2019, 2020],
        }
    }

    fn kind(value: &str) -> Filter {
        Filter::Kind(value.into())
    }

    #[test]
    fn a_value_held_exactly_stands_for_itself() {
        let v = values();
        assert_eq!(v.resolve(&kind("årsrapport")), Ok(vec![kind("årsrapport")]));
        assert_eq!(v.resolve(&Filter::Year(2019)), Ok(vec![Filter::Year(2019)]));
        assert_eq!(
            v.resolve(&Filter::Doc("aarsrapport-2018".into())),
            Ok(vec![Filter::Doc("aarsrapport-2018".into())])
        );
    }

    #[test]
    fn æøå_typed_without_them_and_another_case_find_the_value() {
        let v = values();
        for typed in ["aarsrapport", "arsrapport", "Årsrapport", "AARSRAPPORT"] {
            assert_eq!(
                v.resolve(&kind(typed)),
                Ok(vec![kind("årsrapport")]),
                "{typed}"
            );
        }
        assert_eq!(
            v.resolve(&Filter::Doc("Evaluering-2017-2020".into())),
            Ok(vec![Filter::Doc("evaluering-2017-2020".into())])
        );
    }

    #[test]
    fn values_sharing_a_key_are_all_taken() {
        let v = FilterValues {
            kinds: vec!["Rapport".into(), "rapport".into()],
            ..FilterValues::default()
        };
        assert_eq!(
            v.resolve(&kind("RAPPORT")),
            Ok(vec![kind("Rapport"), kind("rapport")])
        );
    }

    #[test]
    fn a_part_of_an_id_or_a_typo_is_not_matched_but_suggested() {
        let v = values();
        let part = v.resolve(&Filter::Doc("evaluering".into())).unwrap_err();
        assert_eq!(part.suggestions, ["doc:evaluering-2017-2020"]);
        assert_eq!(
            part.to_string(),
            "no page has `doc:evaluering`; did you mean `doc:evaluering-2017-2020`?"
        );
        let both = v.resolve(&Filter::Doc("årsrapport".into())).unwrap_err();
        assert_eq!(
            both.to_string(),
            "no page has `doc:årsrapport`; did you mean `doc:aarsrapport-2018` or \
             `doc:aarsrapport-2019`?"
        );
        let typo = v.resolve(&kind("evalurering")).unwrap_err();
        assert_eq!(typo.suggestions, ["kind:evaluering"]);
    }

    #[test]
    fn with_nothing_close_the_few_known_values_are_listed() {
        let v = values();
        let year = v.resolve(&Filter::Year(2016)).unwrap_err();
        assert!(year.suggestions.is_empty());
        assert_eq!(
            year.to_string(),
            "no page has `year:2016`; the index has `year:2018`, `year:2019` and `year:2020`"
        );
        let kind = v.resolve(&kind("notat")).unwrap_err();
        assert_eq!(kind.known, ["kind:evaluering", "kind:årsrapport"]);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]

        /// Whatever is typed, a filter stands only for values of the index that it spells
        /// exactly or under the same key, and suggests only values of the index.
        #[test]
        fn a_filter_stands_for_values_of_the_index_only(
            typed in "(?s)[a-zA-ZæøåÆØÅé0-9 -]{0,24}|\\PC{0,12}",
            extra in proptest::collection::vec("[a-zæøå0-9-]{1,16}", 0..20),
        ) {
            let mut docs: Vec<String> = values().docs.into_iter().chain(extra).collect();
            docs.sort_unstable();
            docs.dedup();
            let v = FilterValues { docs: docs.clone(), ..values() };
            match v.resolve(&Filter::Doc(typed.clone())) {
                Ok(found) => {
                    proptest::prop_assert!(!found.is_empty());
                    for filter in found {
                        let Filter::Doc(value) = filter else {
                            return Err(proptest::test_runner::TestCaseError::fail("not a doc"));
                        };
                        proptest::prop_assert!(docs.contains(&value));
                        proptest::prop_assert!(value == typed || key_of(&value) == key_of(&typed));
                    }
                }
                Err(unmatched) => {
                    proptest::prop_assert!(!docs.iter().any(|d| key_of(d) == key_of(&typed)));
                    proptest::prop_assert!(unmatched.suggestions.len() <= MAX_SUGGESTIONS);
                    for suggestion in unmatched.suggestions.iter().chain(&unmatched.known) {
                        let value = suggestion.strip_prefix("doc:").unwrap_or_default();
                        proptest::prop_assert!(docs.iter().any(|d| d == value));
                    }
                    proptest::prop_assert!(unmatched.to_string().starts_with("no page has `doc:"));
                }
            }
        }
    }

    #[test]
    fn many_values_are_not_listed() {
        let v = FilterValues {
            docs: (0..40).map(|i| format!("rapport-{i:02}")).collect(),
            ..FilterValues::default()
        };
        let none = v.resolve(&Filter::Doc("budget".into())).unwrap_err();
        assert!(none.suggestions.is_empty() && none.known.is_empty());
        assert_eq!(none.to_string(), "no page has `doc:budget`");
        let some = v.resolve(&Filter::Doc("rapport".into())).unwrap_err();
        assert_eq!(some.suggestions.len(), MAX_SUGGESTIONS);
    }
}
