//! Generates the seed compound lexicon, `src/analysis/data/lexicon-seed.tsv`.
//!
//! Counts every alphabetic word of four letters or more in the given text files, with
//! pubsearch's own word splitting, and prints `word<TAB>count` lines, sorted, for the words seen
//! at least twice. The seed is built from the project's own texts:
//!
//! ```sh
//! cargo run --example gen_lexicon -- tests/fixtures/truth/*.txt tests/fixtures/real-danish/*.txt \
//!     > src/analysis/data/lexicon-seed.tsv
//! ```

use std::collections::BTreeMap;

use pubsearch::analysis::normalize::split_words;

fn main() -> std::io::Result<()> {
    let mut counts: BTreeMap<String, u32> = BTreeMap::new();
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path)?;
        for word in split_words(&text) {
            if word.text.chars().count() >= 4 && word.text.chars().all(char::is_alphabetic) {
                *counts.entry(word.text).or_insert(0) += 1;
            }
        }
    }
    for (word, count) in counts {
        if count >= 2 {
            println!("{word}\t{count}");
        }
    }
    Ok(())
}
