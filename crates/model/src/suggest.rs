//! "Did you mean ...?": the one rule every crate uses to suggest a name for a misspelt one.

/// The candidate closest to `word` by edit distance (Levenshtein, in characters), if it is
/// close enough to be a likely typo: at most one edit in three characters of the shorter of the
/// two (at least one edit allowed), and never a rewrite of a whole word. Ties go to the
/// candidate first in code-point order.
///
/// ```
/// use wordmill_model::nearest;
/// let formats = ["json", "csv", "md", "html"];
/// assert_eq!(nearest("jsn", &formats), Some("json"));
/// assert_eq!(nearest("htm", &formats), Some("html"));
/// assert_eq!(nearest("pdf", &formats), None); // two edits from `md`: a different word
/// ```
pub fn nearest<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let len = word.chars().count();
    candidates
        .iter()
        .map(|c| (edit_distance(word, c), *c))
        .filter(|(d, c)| {
            let shorter = len.min(c.chars().count());
            *d <= (shorter / 3).max(1) && *d < shorter
        })
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// Levenshtein distance in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_insertions_deletions_and_substitutions() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("stopword", "stopwords"), 1);
        assert_eq!(edit_distance("čas", "cas"), 1);
    }

    #[test]
    fn only_close_words_are_suggested() {
        assert_eq!(
            nearest("stopword", &["stopwords", "stem"]),
            Some("stopwords")
        );
        assert_eq!(nearest("zzzzzz", &["stopwords", "stem"]), None);
        assert_eq!(nearest("xx", &["en", "ru"]), None);
        assert_eq!(nearest("eng", &["en", "ru"]), Some("en"));
    }
}
