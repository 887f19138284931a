//! Cutting an oversized document into parts at sentence boundaries near the limit.

/// The end offsets of the parts `text` is cut into so that none is longer than `limit` bytes
/// (the last is `text.len()`). Each cut is made after the last sentence end (`. `, `! `, `? `)
/// or line break within the limit, else after the last whitespace, else at the last character
/// boundary; a part is never empty, so a limit smaller than one character gives parts of one
/// character.
pub(crate) fn split_points(text: &str, limit: usize) -> Vec<usize> {
    let mut cuts = Vec::new();
    let mut start = 0;
    while text.len() - start > limit {
        let rest = &text[start..];
        let cut = cut(rest, limit);
        start += cut;
        cuts.push(start);
    }
    if start < text.len() || cuts.is_empty() {
        cuts.push(text.len());
    }
    cuts
}

/// Where to end the first part of `text` (longer than `limit`): a position in `1..=limit`
/// on a character boundary, or after the first character when that is longer than `limit`.
pub(crate) fn cut(text: &str, limit: usize) -> usize {
    let bytes = text.as_bytes();
    let mut end = limit;
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    if end == 0 {
        return text.chars().next().map_or(text.len(), char::len_utf8);
    }
    // ASCII bytes are always character boundaries in UTF-8, so these cuts are safe.
    for at in (1..=end).rev() {
        let last = bytes[at - 1];
        let sentence = last == b' ' && at >= 2 && matches!(bytes[at - 2], b'.' | b'!' | b'?');
        if last == b'\n' || sentence {
            return at;
        }
    }
    match text[..end]
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
    {
        Some((at, c)) => at + c.len_utf8(),
        None => end,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn parts(text: &str, limit: usize) -> Vec<&str> {
        let mut start = 0;
        split_points(text, limit)
            .into_iter()
            .map(|end| {
                let part = &text[start..end];
                start = end;
                part
            })
            .collect()
    }

    #[test]
    fn cuts_after_sentences_then_lines_then_spaces_then_characters() {
        assert_eq!(
            parts("One two. Three four! Five six? Seven.", 16),
            ["One two. ", "Three four! ", "Five six? Seven."]
        );
        assert_eq!(
            parts("Five six? Seven eight.", 16),
            ["Five six? ", "Seven eight."]
        );
        assert_eq!(
            parts("alpha beta\ngamma delta", 15),
            ["alpha beta\n", "gamma delta"]
        );
        assert_eq!(parts("alpha beta gamma", 12), ["alpha beta ", "gamma"]);
        assert_eq!(parts("aaaaaaaaaa", 4), ["aaaa", "aaaa", "aa"]);
        assert_eq!(parts("жжжж", 3), ["ж", "ж", "ж", "ж"]);
        assert_eq!(parts("🎉🎉", 1), ["🎉", "🎉"]);
        assert_eq!(parts("short", 10), ["short"]);
        assert_eq!(parts("", 0), [""]);
    }

    proptest! {
        #[test]
        fn parts_cover_the_text_within_the_limit(text in "\\PC{0,200}", limit in 1usize..40) {
            let parts = parts(&text, limit);
            prop_assert_eq!(parts.concat(), text.clone());
            for part in &parts {
                let first = part.chars().next().map_or(0, char::len_utf8);
                prop_assert!(part.len() <= limit.max(first));
                prop_assert!(!part.is_empty() || text.is_empty());
            }
        }
    }
}
