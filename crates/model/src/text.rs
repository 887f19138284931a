//! [`TokenText`]: a token's text, borrowed from the document, held inline when short, or
//! owned.

use std::borrow::{Borrow, Cow};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

use crate::packed::{PACKED_MAX, pack};

/// The text of a [`Token`](crate::Token): it reads as a `&str` (through `Deref`) whichever way
/// it is held.
///
/// - **Borrowed** from the document while a filter has not changed it;
/// - **inline**: at most [`PACKED_MAX`] bytes in the packed form of [`crate::packed`], with no
///   allocation (a lower-cased short word, or any short word packed by a tokeniser that has
///   packed it anyway);
/// - **owned** on the heap otherwise.
///
/// Equality, ordering, hashing, `Debug` and `Display` are those of the text: how it is held is
/// never observable through them.
///
/// ```
/// use wordmill_model::TokenText;
/// use wordmill_model::packed::pack;
///
/// let text = "Workers walked out.";
/// let borrowed = TokenText::from(&text[..7]);
/// assert!(borrowed.as_borrowed().is_some());
///
/// let lower = TokenText::from(text[..7].to_ascii_lowercase()); // short: no allocation kept
/// assert!(!lower.is_owned());
/// assert_eq!(lower, "workers");
///
/// // A tokeniser that packed a word hands the key over; a term table reads it back.
/// let key = pack(b"walked").unwrap();
/// let packed = TokenText::from_packed_ascii(key).unwrap();
/// assert_eq!(packed, "walked");
/// assert_eq!(packed.packed_key(), Some(key));
/// assert_eq!(TokenText::from("walked").packed_key(), Some(key));
/// ```
#[derive(Clone)]
pub struct TokenText<'a>(Repr<'a>);

// A tag as wide as a pointer puts the inline bytes at an aligned offset, so that a text is
// moved as whole words (no niche is lost: the inline bytes have none).
#[derive(Clone)]
#[repr(usize)]
enum Repr<'a> {
    Borrowed(&'a str),
    /// The packed form of a `&str` of at most [`PACKED_MAX`] bytes (as [`pack`] makes it: the
    /// bytes, zeros, the length in the last byte). Only built from a `&str` or from ASCII bytes.
    Inline([u8; 16]),
    Owned(Box<str>),
}

/// For each length up to [`PACKED_MAX`], the bits of a packed key of that length that must be
/// clear for its text to be ASCII and the key to be as [`pack`] makes it: the high bit of each
/// text byte, and every bit of the bytes between the text and the length byte.
const NOT_ASCII_KEY: [u128; PACKED_MAX + 1] = {
    let mut masks = [0u128; PACKED_MAX + 1];
    let mut len = 0;
    while len <= PACKED_MAX {
        let mut byte = 0;
        while byte < PACKED_MAX {
            masks[len] |= (if byte < len { 0x80 } else { 0xff }) << (8 * byte);
            byte += 1;
        }
        len += 1;
    }
    masks
};

impl<'a> TokenText<'a> {
    /// A packed key (as [`pack`] makes it from a `&str` or ASCII bytes), held inline.
    #[inline(always)]
    fn inline(key: u128) -> Self {
        TokenText(Repr::Inline(key.to_le_bytes()))
    }

    /// Text borrowed from the document.
    #[inline]
    pub fn borrowed(text: &'a str) -> Self {
        TokenText(Repr::Borrowed(text))
    }

    /// A copy of `text`: inline when it packs (at most [`PACKED_MAX`] bytes), else on the heap.
    #[inline]
    pub fn copied(text: &str) -> Self {
        match pack(text.as_bytes()) {
            Some(key) => Self::inline(key),
            None => TokenText(Repr::Owned(Box::from(text))),
        }
    }

    /// The text of a key packed by [`pack`](crate::packed::pack) from ASCII bytes, held
    /// inline; `None` when `key` is not such a key (a byte outside ASCII, a length over
    /// [`PACKED_MAX`], or a byte set past the length).
    #[doc(hidden)]
    #[inline]
    pub fn from_packed_ascii(key: u128) -> Option<Self> {
        let len = (key >> 120) as usize;
        match NOT_ASCII_KEY.get(len) {
            Some(&mask) if key & mask == 0 => Some(Self::inline(key)),
            _ => None,
        }
    }

    /// The text as a `&str`.
    #[inline]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Borrowed(s) => s,
            Repr::Inline(b) => {
                let len = usize::from(b[15]).min(PACKED_MAX);
                // Every inline text was a whole `&str` or ASCII when packed: this never fails.
                std::str::from_utf8(&b[..len]).unwrap_or_default()
            }
            Repr::Owned(s) => s,
        }
    }

    /// The text packed as [`pack`](crate::packed::pack) packs it, `None` when it is longer
    /// than [`PACKED_MAX`] bytes. An inline text is already packed.
    #[doc(hidden)]
    #[inline]
    pub fn packed_key(&self) -> Option<u128> {
        match &self.0 {
            Repr::Inline(b) => Some(u128::from_le_bytes(*b)),
            Repr::Borrowed(s) => pack(s.as_bytes()),
            Repr::Owned(s) => pack(s.as_bytes()),
        }
    }

    /// The document's text this borrows, if it is borrowed.
    #[inline]
    pub fn as_borrowed(&self) -> Option<&'a str> {
        match self.0 {
            Repr::Borrowed(s) => Some(s),
            _ => None,
        }
    }

    /// True when the text is held on the heap (neither borrowed nor inline).
    #[inline]
    pub fn is_owned(&self) -> bool {
        matches!(self.0, Repr::Owned(_))
    }

    /// The text as a `String`.
    pub fn into_owned(self) -> String {
        match self.0 {
            Repr::Owned(s) => s.into_string(),
            _ => self.as_str().to_string(),
        }
    }
}

impl Default for TokenText<'_> {
    fn default() -> Self {
        TokenText::borrowed("")
    }
}

impl Deref for TokenText<'_> {
    type Target = str;
    #[inline]
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for TokenText<'_> {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for TokenText<'_> {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl<'a> From<&'a str> for TokenText<'a> {
    fn from(text: &'a str) -> Self {
        TokenText::borrowed(text)
    }
}

impl From<String> for TokenText<'_> {
    /// Inline when short (the `String` is dropped), else the `String`'s own allocation.
    fn from(text: String) -> Self {
        match pack(text.as_bytes()) {
            Some(key) => Self::inline(key),
            None => TokenText(Repr::Owned(text.into_boxed_str())),
        }
    }
}

impl<'a> From<Cow<'a, str>> for TokenText<'a> {
    fn from(text: Cow<'a, str>) -> Self {
        match text {
            Cow::Borrowed(s) => TokenText::borrowed(s),
            Cow::Owned(s) => TokenText::from(s),
        }
    }
}

impl fmt::Debug for TokenText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for TokenText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq for TokenText<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for TokenText<'_> {}

impl PartialEq<str> for TokenText<'_> {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for TokenText<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for TokenText<'_> {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<TokenText<'_>> for str {
    fn eq(&self, other: &TokenText<'_>) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<TokenText<'_>> for &str {
    fn eq(&self, other: &TokenText<'_>) -> bool {
        *self == other.as_str()
    }
}

impl PartialOrd for TokenText<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for TokenText<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for TokenText<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::hash_map::DefaultHasher;

    fn hash_of<T: Hash + ?Sized>(t: &T) -> u64 {
        let mut h = DefaultHasher::new();
        t.hash(&mut h);
        h.finish()
    }

    /// Every way of holding a text reads back the same, compares and hashes as the text.
    #[test]
    fn every_form_reads_as_its_text() {
        let samples = [
            "",
            "a",
            "war",
            "fifteen bytes!!",
            "sixteen bytes!!!",
            "Лукашенко",
            "страйк",
            "naïve",
            "a\0b",
        ];
        for s in samples {
            let forms = [
                TokenText::borrowed(s),
                TokenText::copied(s),
                TokenText::from(s.to_string()),
                TokenText::from(Cow::Owned(s.to_string())),
            ];
            for f in &forms {
                assert_eq!(f.as_str(), s);
                assert_eq!(&**f, s);
                assert_eq!(f, &forms[0]);
                assert_eq!(*f, s);
                assert_eq!(hash_of(f), hash_of(s));
                assert_eq!(format!("{f:?}"), format!("{s:?}"));
                assert_eq!(f.to_string(), s);
                assert_eq!(f.packed_key(), pack(s.as_bytes()));
                assert_eq!(f.clone().into_owned(), s);
            }
            // Short text never stays on the heap; long text cannot be inline.
            assert_eq!(forms[1].is_owned(), s.len() > PACKED_MAX, "{s:?}");
            assert_eq!(forms[2].is_owned(), s.len() > PACKED_MAX, "{s:?}");
            assert_eq!(forms[0].as_borrowed(), Some(s));
            assert_eq!(forms[1].as_borrowed(), None);
        }
        assert_eq!(
            TokenText::from("b").cmp(&TokenText::copied("a")),
            Ordering::Greater
        );
    }

    #[test]
    fn packed_ascii_keys_are_taken_and_others_refused() {
        for s in ["", "x", "walked", "fifteen bytes!!", "MiXeD 123"] {
            let key = pack(s.as_bytes()).unwrap();
            let t = TokenText::from_packed_ascii(key).expect(s);
            assert_eq!(t, s);
            assert_eq!(t.packed_key(), Some(key));
            assert!(!t.is_owned() && t.as_borrowed().is_none());
        }
        let naive = pack("naïve".as_bytes()).unwrap();
        assert!(TokenText::from_packed_ascii(naive).is_none(), "not ASCII");
        let key = pack(b"ab").unwrap();
        assert!(
            TokenText::from_packed_ascii(key | (1 << 16)).is_none(),
            "past the length"
        );
        assert!(
            TokenText::from_packed_ascii(key | (1 << 112)).is_none(),
            "byte 14"
        );
        assert!(
            TokenText::from_packed_ascii(16u128 << 120).is_none(),
            "too long"
        );
        assert!(TokenText::from_packed_ascii(u128::MAX).is_none());
    }

    /// The mask table against a byte-by-byte statement of what `pack` makes of ASCII text:
    /// every key one bit away from a packed ASCII word, of every length.
    #[test]
    fn packed_ascii_keys_are_exactly_those_pack_makes() {
        let naive = |key: u128| {
            let b = key.to_le_bytes();
            let len = usize::from(b[15]);
            len <= PACKED_MAX && b[..len].is_ascii() && b[len..15].iter().all(|&x| x == 0)
        };
        let word = b"Strike! 2020 ok";
        let mut checked = 0;
        for len in 0..=PACKED_MAX {
            let key = pack(&word[..len]).unwrap();
            for bit in 0..128 {
                let k = key ^ (1u128 << bit);
                let got = TokenText::from_packed_ascii(k);
                assert_eq!(got.is_some(), naive(k), "len {len}, bit {bit}");
                if let Some(t) = got {
                    assert_eq!(pack(t.as_bytes()), Some(k));
                    checked += 1;
                }
            }
        }
        assert!(checked > 100);
    }

    #[test]
    fn it_is_no_bigger_than_a_cow() {
        assert!(std::mem::size_of::<TokenText<'_>>() <= std::mem::size_of::<Cow<'_, str>>());
    }
}
