//! Patterns given as text: [`PathPattern`] (`meta_from_path`) and [`PatternError`], also the
//! error of an invalid glob input.

use std::fmt;
use std::str::FromStr;

use wordmill_model::Metadata;

/// A regular expression searched in each input's path
/// ([`SourceConfig::meta_from_path`](field@crate::SourceConfig::meta_from_path)): its named groups
/// that match become metadata, under the group's name.
///
/// The syntax is that of the `regex` crate; groups are named `(?P<key>…)` or `(?<key>…)`.
/// Compiling one needs the crate's `regex` feature (on by default): without it
/// [`PathPattern::new`] always fails, saying so.
///
/// ```
/// use wordmill_ingest::PathPattern;
///
/// # #[cfg(feature = "regex")] {
/// let pattern = PathPattern::new(r"(?P<year>\d{4})_(?P<party>[a-z])\.txt$").unwrap();
/// assert_eq!(pattern.group_names().collect::<Vec<_>>(), ["year", "party"]);
/// assert_eq!(pattern.as_str(), r"(?P<year>\d{4})_(?P<party>[a-z])\.txt$");
/// # }
/// let err = PathPattern::new("(?P<year").unwrap_err();
/// assert_eq!(err.pattern(), "(?P<year");
/// ```
#[derive(Clone)]
pub struct PathPattern {
    #[cfg(feature = "regex")]
    regex: regex::Regex,
    /// Without the `regex` feature no pattern can be made.
    #[cfg(not(feature = "regex"))]
    never: std::convert::Infallible,
}

impl PathPattern {
    /// Compiles `pattern`.
    ///
    /// # Errors
    ///
    /// A pattern that is not a valid regular expression (or any pattern, when the crate was
    /// built without its `regex` feature): a [`PatternError`] with the pattern and the
    /// reason.
    pub fn new(pattern: &str) -> Result<PathPattern, PatternError> {
        #[cfg(feature = "regex")]
        {
            regex::Regex::new(pattern)
                .map(|regex| PathPattern { regex })
                .map_err(|err| PatternError::new(pattern, err.to_string()))
        }
        #[cfg(not(feature = "regex"))]
        {
            Err(PatternError::new(
                pattern,
                format!(
                    "the path pattern `{pattern}` needs wordmill-ingest's `regex` feature \
                     (built without it)"
                ),
            ))
        }
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        #[cfg(feature = "regex")]
        {
            self.regex.as_str()
        }
        #[cfg(not(feature = "regex"))]
        {
            match self.never {}
        }
    }

    /// The names of its named groups, in the order they open: the metadata keys it can give.
    pub fn group_names(&self) -> impl Iterator<Item = &str> + '_ {
        #[cfg(feature = "regex")]
        {
            self.regex.capture_names().flatten()
        }
        #[cfg(not(feature = "regex"))]
        {
            std::iter::empty()
        }
    }

    /// Adds the named groups that matched in `path` to `meta`, in group order.
    pub(crate) fn add_matches(&self, path: &str, meta: &mut Metadata) {
        #[cfg(feature = "regex")]
        {
            if let Some(caps) = self.regex.captures(path) {
                for name in self.regex.capture_names().flatten() {
                    if let Some(m) = caps.name(name) {
                        meta.insert(name, m.as_str());
                    }
                }
            }
        }
        #[cfg(not(feature = "regex"))]
        {
            let _ = (path, meta);
            match self.never {}
        }
    }
}

impl FromStr for PathPattern {
    type Err = PatternError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PathPattern::new(s)
    }
}

impl fmt::Display for PathPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for PathPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PathPattern").field(&self.as_str()).finish()
    }
}

/// Two patterns are equal when they are written the same.
impl PartialEq for PathPattern {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for PathPattern {}

/// A pattern that could not be compiled: a [`PathPattern`] that is not a valid regular
/// expression, or a glob input that is not a valid glob (in
/// [`IngestError::Glob`](crate::IngestError::Glob)).
///
/// `Display` is the reason alone, as the pattern's parser words it (which shows the pattern).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    pattern: String,
    message: String,
}

impl PatternError {
    pub(crate) fn new(pattern: &str, message: String) -> Self {
        PatternError {
            pattern: pattern.to_owned(),
            message,
        }
    }

    /// The pattern as given.
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// Why it is not valid, as the pattern's parser words it (it may span several lines).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PatternError {}

#[cfg(all(test, feature = "regex"))]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_gives_its_named_groups_that_matched() {
        let pattern: PathPattern = r"(?P<year>\d{4})_(?P<who>[a-z]+)?(?P<x>\.md)?\.txt$"
            .parse()
            .unwrap();
        let mut meta = Metadata::new();
        pattern.add_matches("sotu/1790_washington.txt", &mut meta);
        let found: Vec<(&str, &str)> = meta.iter().collect();
        assert_eq!(found, [("year", "1790"), ("who", "washington")]);
        assert_eq!(
            format!("{pattern:?}"),
            format!("PathPattern({:?})", pattern.as_str())
        );
    }

    #[test]
    fn an_invalid_pattern_is_an_error_with_the_pattern_and_the_reason() {
        let bad = String::from("(?P<year");
        let err = PathPattern::new(&bad).unwrap_err();
        assert_eq!(err.pattern(), bad);
        let expected = regex::Regex::new(&bad).unwrap_err().to_string();
        assert_eq!(err.message(), expected);
        assert_eq!(err.to_string(), expected);
    }
}
