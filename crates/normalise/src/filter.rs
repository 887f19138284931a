use wordmill_model::Token;

/// One step applied to each token after tokenisation: it may rewrite the token's text and
/// decides whether the token is kept.
///
/// # Contract
///
/// A filter never changes `span` or `position`, and keeps `text` borrowed unless it really
/// changes it. Filters are shared between threads, so they are `Send + Sync` and take `&self`.
pub(crate) trait TokenFilter: Send + Sync {
    /// Rewrites `token` if needed; returns `false` to drop it.
    fn apply(&self, token: &mut Token<'_>) -> bool;
}

/// Drops tokens shorter than a number of characters (Unicode code points, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MinLenFilter {
    min_len: usize,
}

impl MinLenFilter {
    /// Keeps tokens of at least `min_len` characters.
    pub(crate) const fn new(min_len: usize) -> Self {
        MinLenFilter { min_len }
    }

    /// The least number of characters kept.
    pub(crate) const fn min_len(&self) -> usize {
        self.min_len
    }

    /// True when `text` is long enough.
    #[inline]
    pub(crate) fn keeps(&self, text: &str) -> bool {
        // A char is 1 to 4 bytes: decide from the byte length when that is enough.
        if text.len() < self.min_len {
            false
        } else if text.len() >= self.min_len.saturating_mul(4) || text.is_ascii() {
            true
        } else {
            text.chars().count() >= self.min_len
        }
    }
}

impl TokenFilter for MinLenFilter {
    #[inline]
    fn apply(&self, token: &mut Token<'_>) -> bool {
        self.keeps(&token.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wordmill_model::{Span, TokenText};

    #[test]
    fn lengths_are_counted_in_characters() {
        let filter = MinLenFilter::new(3);
        let mut short = Token {
            text: TokenText::borrowed("ок"),
            span: Span::new(0, 4),
            position: 0,
        };
        let mut long = Token {
            text: TokenText::borrowed("год"),
            span: Span::new(5, 11),
            position: 1,
        };
        assert!(!filter.apply(&mut short), "2 characters, though 4 bytes");
        assert!(filter.apply(&mut long));
    }
}
