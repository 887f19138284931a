use std::fmt;

use unicode_normalization::UnicodeNormalization;
use wordmill_model::{DocBuffers, Document, NormalisedDoc, Span, Token, TokenText};

use crate::aliases::AliasMatcher;
use crate::config::{Fold, NormaliserConfig, StopWords, TokenizerKind, UnicodeForm};
use crate::error::NormaliseError;
use crate::filter::{MinLenFilter, TokenFilter};
use crate::fold::{fold_ascii, fold_ascii_into};
#[cfg(feature = "pattern")]
use crate::pattern::{PatternTokenizer, next_sklearn_ascii, next_whitespace_ascii};
use crate::sentences::split_sentences_into;
#[cfg(feature = "stem")]
use crate::stem::StemFilter;
use crate::stopwords::{StopWordFilter, ascii_lowercase_packed, pack};
use crate::transform::Transformed;
use crate::words::{next_ascii_word, words};

/// The compiled tokeniser.
#[derive(Debug, Clone)]
enum Tokenizer {
    Words,
    #[cfg(feature = "pattern")]
    Pattern(PatternTokenizer),
}

impl Tokenizer {
    #[inline]
    fn tokens(&self, text: &str, emit: &mut impl FnMut(usize, usize)) {
        match self {
            Tokenizer::Words => words(text, emit),
            #[cfg(feature = "pattern")]
            Tokenizer::Pattern(p) => p.tokens(text, emit),
        }
    }

    /// Whether ASCII stretches are tokenised by hand (see `tokens_into`): for UAX #29 words
    /// and the two patterns recognised, not for other regular expressions.
    #[inline]
    fn has_ascii_path(&self) -> bool {
        match self {
            Tokenizer::Words => true,
            #[cfg(feature = "pattern")]
            Tokenizer::Pattern(p) => !matches!(p, PatternTokenizer::Regex { .. }),
        }
    }
}

/// Turns text into normalised words, or a [`Document`] into a [`NormalisedDoc`]: sentences
/// and filtered tokens with their spans.
///
/// Built once from a [`NormaliserConfig`] (compiling the pattern, loading the stop words),
/// then shared by any number of threads: it is `Send + Sync` and every method takes `&self`.
/// [`Normaliser::default()`] is the default configuration's: NFC, lower case, UAX #29 words,
/// no stop words.
///
/// ```
/// use wordmill_normalise::{Document, Metadata, Normaliser, NormaliserConfig};
/// use wordmill_normalise::{StopWordLanguage, StopWords};
///
/// let english = StopWords::Builtin(StopWordLanguage::English);
/// let normaliser = Normaliser::new(NormaliserConfig::default().stopwords(english))?;
/// let doc = Document::new(0, "d", "The Strike began. Workers left.", Metadata::new());
/// let out = normaliser.normalise(&doc);
/// let words: Vec<&str> = out.tokens.iter().map(|t| t.text.as_ref()).collect();
/// assert_eq!(words, ["strike", "began", "workers", "left"]);
/// assert_eq!(out.tokens[0].position, 1); // "The" was token 0
/// assert_eq!(out.sentences.len(), 2);
/// # Ok::<(), wordmill_normalise::NormaliseError>(())
/// ```
pub struct Normaliser {
    config: NormaliserConfig,
    tokenizer: Tokenizer,
    /// The stop words, checked on the token text before a token is built (so a stop word
    /// that needed lowercasing never allocates).
    stop: Option<StopWordFilter>,
    /// `min_len` as a filter, when it can drop anything (`min_len > 1`).
    min_len: Option<MinLenFilter>,
    /// The filters that may rewrite a token (stemming), applied after the two above.
    filters: Vec<Box<dyn TokenFilter>>,
    /// Folding and aliases, when the configuration asks for either: each token is then folded
    /// and aliased before it is filtered (see `Folded`).
    folding: Option<Box<Folding>>,
}

/// What `fold` and `aliases` need: a normaliser that only tokenises (same Unicode form,
/// case and tokeniser; no filter), the fold, and the compiled aliases.
struct Folding {
    raw: Normaliser,
    fold: Fold,
    lowercase: bool,
    aliases: Option<AliasMatcher>,
}

impl Folding {
    /// The words of `text` as tokens of the stream are before the filters: tokenised and
    /// folded (what an alias file's sides are matched as).
    fn words(&self, text: &str) -> Vec<String> {
        self.raw
            .tokens(text)
            .into_iter()
            .map(|t| self.fold_text(&t.text))
            .filter(|w| !w.is_empty())
            .collect()
    }

    fn fold_text(&self, text: &str) -> String {
        match self.fold {
            Fold::Ascii if !text.is_ascii() => fold_ascii(text, self.lowercase),
            _ => text.to_string(),
        }
    }
}

impl fmt::Debug for Normaliser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Normaliser")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Default for Normaliser {
    /// The normaliser of [`NormaliserConfig::default()`]: NFC, lower case, UAX #29 words, no
    /// stop words, no stemming.
    fn default() -> Self {
        // What `new` builds for that configuration, which cannot fail (no pattern to compile,
        // no aliases to read).
        Normaliser {
            config: NormaliserConfig::default(),
            tokenizer: Tokenizer::Words,
            stop: None,
            min_len: None,
            filters: Vec::new(),
            folding: None,
        }
    }
}

impl Normaliser {
    /// Compiles `config`.
    ///
    /// # Errors
    ///
    /// A token pattern that is not a valid regular expression or has more than one capturing
    /// group; an alias whose side the tokeniser keeps nothing of.
    pub fn new(config: NormaliserConfig) -> Result<Normaliser, NormaliseError> {
        let tokenizer = match &config.tokenizer {
            TokenizerKind::Words => Tokenizer::Words,
            #[cfg(feature = "pattern")]
            TokenizerKind::Pattern(p) => Tokenizer::Pattern(PatternTokenizer::new(p)?),
        };
        let folding = if config.fold != Fold::None || !config.aliases.is_empty() {
            let raw = Normaliser::new(NormaliserConfig {
                unicode: config.unicode,
                lowercase: config.lowercase,
                tokenizer: config.tokenizer.clone(),
                sentences: false,
                ..NormaliserConfig::default()
            })?;
            let mut folding = Folding {
                raw,
                fold: config.fold,
                lowercase: config.lowercase,
                aliases: None,
            };
            if !config.aliases.is_empty() {
                let matcher = AliasMatcher::new(&config.aliases, |side| folding.words(side))?;
                folding.aliases = Some(matcher);
            }
            Some(Box::new(folding))
        } else {
            None
        };
        let mut stop = None;
        let stop_words = match &config.stopwords {
            StopWords::None => None,
            layers => Some(layers.words()),
        };
        if let Some(list) = stop_words {
            // Bring the words into the tokens' form: same Unicode form, same case.
            let words = list.into_iter().map(|w| {
                let w = match config.unicode {
                    UnicodeForm::None => w,
                    UnicodeForm::Nfc => w.nfc().collect(),
                    UnicodeForm::Nfkc => w.nfkc().collect(),
                };
                let w = if config.lowercase {
                    w.to_lowercase()
                } else {
                    w
                };
                // Compared with the folded tokens, so folded too.
                match config.fold {
                    Fold::Ascii if !w.is_ascii() => fold_ascii(&w, config.lowercase),
                    _ => w,
                }
            });
            stop = Some(StopWordFilter::new(words));
        }
        let min_len = (config.min_len > 1).then(|| MinLenFilter::new(config.min_len));
        #[cfg_attr(not(feature = "stem"), expect(unused_mut))]
        let mut filters: Vec<Box<dyn TokenFilter>> = Vec::new();
        #[cfg(feature = "stem")]
        if let Some(language) = config.stem {
            filters.push(Box::new(StemFilter::new(language)));
        }
        Ok(Normaliser {
            config,
            tokenizer,
            stop,
            min_len,
            filters,
            folding,
        })
    }

    /// The configuration it was built from.
    pub fn config(&self) -> &NormaliserConfig {
        &self.config
    }

    /// The normalised words of `text`, in order: the texts of its [`tokens`](Self::tokens).
    ///
    /// Each is a [`TokenText`]: a `&str` (it derefs to one, compares with one, displays as
    /// one) that borrows `text` when the word is unchanged, holds a short word inline and
    /// allocates only a long changed one, so listing the words of a text costs about one
    /// allocation, not one per word. [`TokenText::into_owned`] gives a `String`.
    ///
    /// ```
    /// use wordmill_normalise::Normaliser;
    ///
    /// let normaliser = Normaliser::default();
    /// let words = normaliser.words("Workers' STRIKE, day 2");
    /// assert_eq!(words, ["workers", "strike", "day", "2"]);
    /// let owned: Vec<String> = words.into_iter().map(|w| w.into_owned()).collect();
    /// assert_eq!(owned[1], "strike");
    /// ```
    ///
    /// For where each word is in the text, use [`tokens`](Self::tokens) or
    /// [`tokens_into`](Self::tokens_into).
    pub fn words<'a>(&self, text: &'a str) -> Vec<TokenText<'a>> {
        let mut tokens = Vec::new();
        self.tokens_into(text, &mut tokens);
        tokens.into_iter().map(|t| t.text).collect()
    }

    /// `text` as a part of one token's text before the filters that drop or rewrite tokens:
    /// in the Unicode form, lower-cased and folded as configured, never split, stemmed or
    /// aliased. What the fixed parts of a pattern such as `lukashenk*` are compared as.
    ///
    /// ```
    /// use wordmill_normalise::{Fold, Normaliser, NormaliserConfig};
    ///
    /// let normaliser = Normaliser::new(NormaliserConfig::default().fold(Fold::Ascii))?;
    /// assert_eq!(normaliser.form("Лукашенк"), "lukashenk");
    /// # Ok::<(), wordmill_normalise::NormaliseError>(())
    /// ```
    pub fn form(&self, text: &str) -> String {
        let transformed =
            crate::transform::Transformed::new(text, self.config.unicode, self.config.lowercase);
        match self.config.fold {
            Fold::Ascii if !transformed.text.is_ascii() => {
                crate::fold::fold_ascii(&transformed.text, self.config.lowercase)
            }
            _ => transformed.text.into_owned(),
        }
    }

    /// Normalises one document. Never panics, whatever the text.
    pub fn normalise<'a>(&self, doc: &'a Document) -> NormalisedDoc<'a> {
        self.normalise_with(doc, DocBuffers::default())
    }

    /// As [`normalise`](Self::normalise), filling the vectors of `buffers` (cleared first)
    /// instead of allocating new ones. A loop over many documents hands each document's
    /// vectors to the next with [`NormalisedDoc::recycle`], and so allocates them once:
    ///
    /// ```
    /// use wordmill_normalise::{DocBuffers, Document, Metadata, Normaliser};
    ///
    /// let normaliser = Normaliser::default();
    /// let docs = [
    ///     Document::new(0, "a", "Strikes spread.", Metadata::new()),
    ///     Document::new(1, "b", "Workers walked out. Plants stopped.", Metadata::new()),
    /// ];
    /// let mut buffers = DocBuffers::default();
    /// let mut n_tokens = 0;
    /// for doc in &docs {
    ///     let nd = normaliser.normalise_with(doc, buffers);
    ///     n_tokens += nd.tokens.len();
    ///     buffers = nd.recycle();
    /// }
    /// assert_eq!(n_tokens, 7);
    /// # Ok::<(), wordmill_normalise::NormaliseError>(())
    /// ```
    pub fn normalise_with<'a>(&self, doc: &'a Document, buffers: DocBuffers) -> NormalisedDoc<'a> {
        let DocBuffers {
            mut tokens,
            mut sentences,
        } = buffers;
        sentences.clear();
        if self.config.sentences {
            sentences.reserve(doc.text.len() / 128 + 1);
            split_sentences_into(&doc.text, &mut sentences);
        }
        tokens.clear();
        self.tokens_into(&doc.text, &mut tokens);
        NormalisedDoc {
            doc,
            sentences,
            tokens,
        }
    }

    /// The filtered tokens of `text` alone (what [`normalise`](Self::normalise) puts in
    /// `tokens`).
    pub fn tokens<'a>(&self, text: &'a str) -> Vec<Token<'a>> {
        let mut tokens = Vec::new();
        self.tokens_into(text, &mut tokens);
        tokens
    }

    /// What [`tokens`](Self::tokens) gives, computed by the general path alone (normalise and
    /// case-fold the whole text, then tokenise), without the fast paths for ASCII stretches.
    /// Slower; for checking that the fast paths agree with it.
    #[doc(hidden)]
    pub fn tokens_general<'a>(&self, text: &'a str) -> Vec<Token<'a>> {
        let mut tokens = Vec::new();
        if let Some(folding) = &self.folding {
            tokens = folding.raw.tokens_general(text);
            self.fold_alias_filter(folding, &mut tokens, 0);
            return tokens;
        }
        let mut position = 0;
        self.general_tokens(
            text,
            0,
            text.len(),
            &mut position,
            &mut tokens,
            &mut Filtered,
        );
        tokens
    }

    /// As [`tokens`](Self::tokens), appending to `tokens`.
    pub fn tokens_into<'a>(&self, text: &'a str, tokens: &mut Vec<Token<'a>>) {
        match &self.folding {
            None => self.scan(text, tokens, &mut Filtered),
            Some(folding) => {
                let mut sink = Folded::new(folding);
                self.scan(text, tokens, &mut sink);
                sink.finish(self, tokens);
            }
        }
    }

    /// Tokenises `text` in one pass, handing each token to `sink` as it is found (which
    /// filters it, or folds and aliases it first).
    #[inline(always)]
    fn scan<'a, S: Sink<'a>>(&self, text: &'a str, tokens: &mut Vec<Token<'a>>, sink: &mut S) {
        tokens.reserve(text.len() / 8 + 1);
        let mut position: u32 = 0;

        if self.tokenizer.has_ascii_path() {
            // ASCII stretches take the fast path: tokenised in the original (see
            // `ascii_token`), where ASCII case never changes where the tokens are, one by
            // one in this loop, so that tokenising and filtering are one function. Only the
            // stretches around non-ASCII characters take the general path. The stretches
            // are cut where an ASCII whitespace character is followed by an ASCII character
            // (see `next_cut`), where the result cannot depend on what lies across the cut;
            // an ASCII text is one stretch.
            let bytes = text.as_bytes();
            let mut done = 0;
            while done < bytes.len() {
                let (ascii_end, island_end) = match first_non_ascii(bytes, done) {
                    Some(first) => (last_cut(bytes, done, first), next_cut(bytes, first)),
                    None => (bytes.len(), bytes.len()),
                };
                let mut i = done;
                // The stretch as a slice ending where it ends (spans stay offsets in
                // `text`): the tokenisers' loops then need no bounds checks.
                let stretch = &bytes[..ascii_end];
                let mut next = |span, tokens: &mut Vec<Token<'a>>| {
                    let at = position;
                    position = position.saturating_add(1);
                    sink.ascii(self, text, span, at, tokens);
                };
                match self.tokenizer {
                    Tokenizer::Words => {
                        while let Some(span) = next_ascii_word(stretch, stretch.len(), &mut i) {
                            next(span, tokens);
                        }
                    }
                    #[cfg(feature = "pattern")]
                    Tokenizer::Pattern(PatternTokenizer::Whitespace) => {
                        while let Some(span) = next_whitespace_ascii(stretch, &mut i) {
                            next(span, tokens);
                        }
                    }
                    #[cfg(feature = "pattern")]
                    Tokenizer::Pattern(_) => {
                        while let Some(span) = next_sklearn_ascii(stretch, &mut i) {
                            next(span, tokens);
                        }
                    }
                }
                if island_end > ascii_end {
                    self.general_tokens(text, ascii_end, island_end, &mut position, tokens, sink);
                }
                done = island_end;
            }
        } else {
            self.general_tokens(text, 0, text.len(), &mut position, tokens, sink);
        }
    }

    /// The general path of [`tokens_into`](Self::tokens_into) for `text[from..to]` (a whole
    /// text, or a stretch of one cut as `next_cut` says): Unicode normalisation and case
    /// folding, then the tokeniser, with spans mapped back to `text`.
    fn general_tokens<'a, S: Sink<'a>>(
        &self,
        text: &'a str,
        from: usize,
        to: usize,
        position: &mut u32,
        tokens: &mut Vec<Token<'a>>,
        sink: &mut S,
    ) {
        let part = &text[from..to];
        let transformed = Transformed::new(part, self.config.unicode, self.config.lowercase);
        let t_text: &str = &transformed.text;
        self.tokenizer.tokens(t_text, &mut |s, e| {
            let at = *position;
            *position = position.saturating_add(1);
            let piece = &t_text[s..e];
            let original = || {
                let (os, oe) = transformed.original_span(s, e);
                (&part[os..oe], Span::new(from + os, from + oe))
            };
            sink.general(self, piece, original, at, tokens);
        });
    }

    /// True when a token with this text passes the stop words and `min_len`.
    #[inline]
    fn keeps(&self, text: &str) -> bool {
        self.stop.as_ref().is_none_or(|f| !f.contains(text))
            && self.min_len.is_none_or(|f| f.keeps(text))
    }

    /// As [`keeps`](Self::keeps), for an ASCII token whose text (in its final case) is packed
    /// as `key`; `text` is the token in any case (only its length matters).
    #[inline(always)]
    fn keeps_packed<T: AsRef<str> + ?Sized>(&self, key: u128, text: &T) -> bool {
        self.stop.as_ref().is_none_or(|f| !f.contains_packed(key))
            && self.min_len.is_none_or(|f| {
                // ASCII: the length in bytes is the length in characters.
                if key & PACKED_HIGH_BITS == 0 {
                    (key >> 120) as usize >= f.min_len()
                } else {
                    f.keeps(text.as_ref())
                }
            })
    }

    /// The fast path of [`tokens_into`](Self::tokens_into) for one token `text[s..e]` of an
    /// ASCII text. A token of at most 15 bytes is packed into a `u128`, lowercased and
    /// checked against the stop words there, and kept in that packed form (a term table
    /// reads the key without packing it again); a longer token is allocated only when it had
    /// an upper-case letter and survives the filters. Inlined so that the tokeniser's loop
    /// calls no function per token.
    #[inline(always)]
    fn ascii_token<'a>(
        &self,
        text: &'a str,
        (s, e): (usize, usize),
        at: u32,
        tokens: &mut Vec<Token<'a>>,
    ) {
        let packed = self.ascii_packed(&text[s..e]);
        self.ascii_token_from(text, (s, e), packed, at, tokens);
    }

    /// An ASCII token packed ([`pack`]) when it has at most 15 bytes, lower-cased when the
    /// configuration says so, with whether that changed it.
    #[inline(always)]
    fn ascii_packed(&self, slice: &str) -> Option<(u128, bool)> {
        pack(slice.as_bytes()).map(|key| {
            if self.config.lowercase {
                ascii_lowercase_packed(key)
            } else {
                (key, false)
            }
        })
    }

    /// [`ascii_token`](Self::ascii_token) with the token already packed by
    /// [`ascii_packed`](Self::ascii_packed).
    #[inline(always)]
    fn ascii_token_from<'a>(
        &self,
        text: &'a str,
        (s, e): (usize, usize),
        packed: Option<(u128, bool)>,
        at: u32,
        tokens: &mut Vec<Token<'a>>,
    ) {
        let slice = &text[s..e];
        let lowercase = self.config.lowercase;
        let token_text = if let Some((key, changed)) = packed {
            if !self.keeps_packed(key, slice) {
                return;
            }
            TokenText::from_packed_ascii(key).unwrap_or_else(|| {
                if changed {
                    TokenText::from(slice.to_ascii_lowercase())
                } else {
                    TokenText::borrowed(slice)
                }
            })
        } else if lowercase && slice.bytes().any(|b| b.is_ascii_uppercase()) {
            let lower = slice.to_ascii_lowercase();
            if !self.keeps(&lower) {
                return;
            }
            TokenText::from(lower)
        } else {
            if !self.keeps(slice) {
                return;
            }
            TokenText::borrowed(slice)
        };
        self.push(
            Token {
                text: token_text,
                span: Span::new(s, e),
                position: at,
            },
            tokens,
        );
    }

    /// The steps after tokenising when folding or aliases are on, as
    /// [`tokens_general`](Self::tokens_general) takes them, over `tokens[from..]` (made by
    /// `folding.raw`, unfiltered), and so the definition that the one-pass `Folded` must
    /// agree with: fold each non-ASCII token (an ASCII token needs no
    /// transliteration; a token that folds to nothing is dropped), apply the aliases, then
    /// stop words, `min_len` and the rewriting filters. Spans and positions are the
    /// tokeniser's (see [`AliasMatcher::apply`] for replaced phrases).
    fn fold_alias_filter<'a>(&self, folding: &Folding, tokens: &mut Vec<Token<'a>>, from: usize) {
        let mut buf = String::new();
        // Folds `token` in place; false when nothing is left of it.
        let mut fold = |token: &mut Token<'a>| {
            // A short ASCII text borrowed from the document is held packed from here on, so
            // that the passes below read its key without packing it again.
            if let Some(key) = token.text.packed_key()
                && token.text.as_borrowed().is_some()
                && let Some(inline) = TokenText::from_packed_ascii(key)
            {
                token.text = inline;
            }
            if folding.fold == Fold::Ascii && !is_ascii_text(&token.text) {
                fold_ascii_into(&token.text, folding.lowercase, &mut buf);
                if buf.is_empty() {
                    return false;
                }
                token.text = TokenText::copied(&buf);
            }
            true
        };
        let Some(aliases) = &folding.aliases else {
            // No aliases: fold and filter in one pass.
            let mut write = from;
            for read in from..tokens.len() {
                let token = &mut tokens[read];
                if fold(token) && self.keeps_token(token) {
                    tokens.swap(write, read);
                    write += 1;
                }
            }
            tokens.truncate(write);
            return;
        };
        {
            let mut write = from;
            for read in from..tokens.len() {
                if fold(&mut tokens[read]) {
                    tokens.swap(write, read);
                    write += 1;
                }
            }
            tokens.truncate(write);
        }
        aliases.apply_keeping(tokens, from, &mut |token| self.keeps_token(token));
    }

    /// Stop words and `min_len` (on the packed text when it is packed), then the rewriting
    /// filters: true when `token` is kept.
    #[inline]
    fn keeps_token(&self, token: &mut Token<'_>) -> bool {
        let kept = match token.text.packed_key() {
            Some(key) => self.keeps_packed(key, &token.text),
            None => self.keeps(&token.text),
        };
        kept && self.filters.iter().all(|f| f.apply(token))
    }

    /// Runs the rewriting filters and keeps the token if they all do.
    #[inline]
    fn push<'a>(&self, mut token: Token<'a>, tokens: &mut Vec<Token<'a>>) {
        if self.filters.iter().all(|f| f.apply(&mut token)) {
            tokens.push(token);
        }
    }
}

/// What the one-pass tokeniser ([`Normaliser::scan`]) does with each token it finds.
trait Sink<'a> {
    /// A token of an ASCII stretch, `text[span.0..span.1]`, the `at`-th token of the text.
    fn ascii(
        &mut self,
        n: &Normaliser,
        text: &'a str,
        span: (usize, usize),
        at: u32,
        tokens: &mut Vec<Token<'a>>,
    );

    /// A token of the general path: `piece` is its text in the Unicode form and case asked
    /// for, `original` gives the document's text it spans and where.
    fn general(
        &mut self,
        n: &Normaliser,
        piece: &str,
        original: impl FnOnce() -> (&'a str, Span),
        at: u32,
        tokens: &mut Vec<Token<'a>>,
    );
}

/// Without folding or aliases: each token filtered as it is found.
struct Filtered;

impl<'a> Sink<'a> for Filtered {
    #[inline(always)]
    fn ascii(
        &mut self,
        n: &Normaliser,
        text: &'a str,
        span: (usize, usize),
        at: u32,
        tokens: &mut Vec<Token<'a>>,
    ) {
        n.ascii_token(text, span, at, tokens);
    }

    #[inline(always)]
    fn general(
        &mut self,
        n: &Normaliser,
        piece: &str,
        original: impl FnOnce() -> (&'a str, Span),
        at: u32,
        tokens: &mut Vec<Token<'a>>,
    ) {
        if !n.keeps(piece) {
            return;
        }
        let (original, span) = original();
        let text = if piece == original {
            TokenText::borrowed(original)
        } else {
            TokenText::copied(piece)
        };
        n.push(
            Token {
                text,
                span,
                position: at,
            },
            tokens,
        );
    }
}

/// With folding or aliases: each token folded, then aliased and filtered as it is found.
/// A token that may begin a variant (and the tokens after it, as many as the longest such
/// variant has words after its first) is held unfiltered at the end of the vector until the
/// aliases can be decided there; every other token is filtered at once, so a text with no
/// variant in it takes the same path as without aliases. Gives what
/// [`Normaliser::fold_alias_filter`] gives over the whole unfiltered stream.
struct Folded<'f> {
    folding: &'f Folding,
    /// The first held token's index in the vector, and how many more tokens to hold.
    held: Option<(usize, usize)>,
    buf: String,
}

impl<'f> Folded<'f> {
    fn new(folding: &'f Folding) -> Self {
        Folded {
            folding,
            held: None,
            buf: String::new(),
        }
    }

    /// A token of the unfiltered stream, folded: filtered now, or held for the aliases.
    #[inline]
    fn accept<'a>(&mut self, n: &Normaliser, token: Token<'a>, tokens: &mut Vec<Token<'a>>) {
        let rest = match &self.folding.aliases {
            Some(aliases) => aliases.longest_rest(&token.text),
            None => None,
        };
        self.take(n, token, rest, tokens);
    }

    /// [`accept`](Self::accept), given how many words follow the first in the longest
    /// variant that begins with `token` (`None`: no variant does).
    #[inline]
    fn take<'a>(
        &mut self,
        n: &Normaliser,
        mut token: Token<'a>,
        rest: Option<usize>,
        tokens: &mut Vec<Token<'a>>,
    ) {
        let left = match (self.held, rest) {
            (None, None) => {
                if n.keeps_token(&mut token) {
                    tokens.push(token);
                }
                return;
            }
            (None, Some(rest)) => {
                self.held = Some((tokens.len(), rest));
                rest
            }
            (Some((from, left)), rest) => {
                // `left` is at least 1: the held tokens are settled when it reaches 0.
                let left = (left - 1).max(rest.unwrap_or(0));
                self.held = Some((from, left));
                left
            }
        };
        tokens.push(token);
        if left == 0 {
            self.finish(n, tokens);
        }
    }

    /// Applies the aliases to the held tokens and filters them.
    fn finish<'a>(&mut self, n: &Normaliser, tokens: &mut Vec<Token<'a>>) {
        if let Some((from, _)) = self.held.take()
            && let Some(aliases) = &self.folding.aliases
        {
            aliases.apply_keeping(tokens, from, &mut |token| n.keeps_token(token));
        }
    }
}

impl<'a> Sink<'a> for Folded<'_> {
    #[inline(always)]
    fn ascii(
        &mut self,
        n: &Normaliser,
        text: &'a str,
        (s, e): (usize, usize),
        at: u32,
        tokens: &mut Vec<Token<'a>>,
    ) {
        // An ASCII token folds to itself: without aliases, or when it cannot begin a variant
        // and none is held, it is filtered as it would be without folding.
        let Some(aliases) = &self.folding.aliases else {
            n.ascii_token(text, (s, e), at, tokens);
            return;
        };
        let slice = &text[s..e];
        let packed = n.ascii_packed(slice);
        let (token_text, rest) = match packed {
            Some((key, _)) => {
                let rest = aliases.longest_rest_packed(key);
                if rest.is_none() && self.held.is_none() {
                    n.ascii_token_from(text, (s, e), packed, at, tokens);
                    return;
                }
                let inline = TokenText::from_packed_ascii(key);
                (inline.unwrap_or(TokenText::borrowed(slice)), rest)
            }
            None => {
                let token_text =
                    if n.config.lowercase && slice.bytes().any(|b| b.is_ascii_uppercase()) {
                        TokenText::from(slice.to_ascii_lowercase())
                    } else {
                        TokenText::borrowed(slice)
                    };
                let rest = aliases.longest_rest(&token_text);
                (token_text, rest)
            }
        };
        self.take(
            n,
            Token {
                text: token_text,
                span: Span::new(s, e),
                position: at,
            },
            rest,
            tokens,
        );
    }

    fn general(
        &mut self,
        n: &Normaliser,
        piece: &str,
        original: impl FnOnce() -> (&'a str, Span),
        at: u32,
        tokens: &mut Vec<Token<'a>>,
    ) {
        let (original, span) = original();
        let text = if self.folding.fold == Fold::Ascii && !piece.is_ascii() {
            fold_ascii_into(piece, self.folding.lowercase, &mut self.buf);
            if self.buf.is_empty() {
                return;
            }
            TokenText::copied(&self.buf)
        } else if piece == original {
            // Held packed when it packs, as the unfiltered path holds it.
            pack(original.as_bytes())
                .and_then(TokenText::from_packed_ascii)
                .unwrap_or(TokenText::borrowed(original))
        } else {
            TokenText::copied(piece)
        };
        self.accept(
            n,
            Token {
                text,
                span,
                position: at,
            },
            tokens,
        );
    }
}

/// The high bit of each of the 15 text bytes of a packed key: none is set when the text is
/// ASCII.
const PACKED_HIGH_BITS: u128 = 0x0080_8080_8080_8080_8080_8080_8080_8080;

/// Whether a token's text is ASCII, read from its packed key when it has one (no UTF-8 check
/// of an inline text).
#[inline]
fn is_ascii_text(text: &TokenText<'_>) -> bool {
    match text.packed_key() {
        Some(key) => key & PACKED_HIGH_BITS == 0,
        None => text.is_ascii(),
    }
}

/// True when `bytes[..c]` and `bytes[c..]` can be normalised and tokenised apart with the
/// same result as together: `c` follows an ASCII whitespace character and is an ASCII
/// character, and the two are not both spaces. An ASCII character never composes with what
/// precedes it (NFC, NFKC), and no word-boundary rule of UAX #29, nor `\b` of a pattern, joins
/// anything across whitespace but WB3d, which keeps a run of spaces together: with an Extend
/// character after it (`"  \u{ff9e}"`), the whole run is one segment, and a letter-like one.
/// Lower-casing's one context rule (final sigma) stops at whitespace too.
#[inline]
fn is_cut(bytes: &[u8], c: usize) -> bool {
    let (before, at) = (bytes[c - 1], bytes[c]);
    matches!(before, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c')
        && at.is_ascii()
        && !(before == b' ' && at == b' ')
}

/// The position of the first non-ASCII byte from `from` on, read eight bytes at a time.
fn first_non_ascii(bytes: &[u8], from: usize) -> Option<usize> {
    let mut chunks = bytes[from..].chunks_exact(8);
    let mut at = from;
    for chunk in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        let high = u64::from_le_bytes(w) & wordmill_model::swar::HIGH;
        if high != 0 {
            return Some(at + (high.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|b| !b.is_ascii())
        .map(|k| at + k)
}

/// The last cut in `lo..=at` (`lo` itself, a cut already, when there is none after it);
/// `bytes[at]` is not ASCII.
fn last_cut(bytes: &[u8], lo: usize, at: usize) -> usize {
    (lo + 1..at).rev().find(|&c| is_cut(bytes, c)).unwrap_or(lo)
}

/// The first cut after `at` (or the end of the text).
fn next_cut(bytes: &[u8], at: usize) -> usize {
    (at + 1..bytes.len())
        .find(|&c| is_cut(bytes, c))
        .unwrap_or(bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aliases::Aliases;
    #[cfg(feature = "stem")]
    use crate::stem::StemLanguage;
    use crate::stopwords::StopWordLanguage;
    use wordmill_model::{Metadata, Span};

    const ENGLISH: StopWords = StopWords::Builtin(StopWordLanguage::English);

    /// Text, span, position and how the text is held: "borrowed", "inline" or "owned".
    fn run(config: NormaliserConfig, text: &str) -> Vec<(String, Span, u32, &'static str)> {
        summarise(&Normaliser::new(config).unwrap(), text)
    }

    /// What [`run`] gives, for a normaliser already built.
    fn summarise(n: &Normaliser, text: &str) -> Vec<(String, Span, u32, &'static str)> {
        n.tokens(text)
            .into_iter()
            .map(|t| {
                let held = if t.text.as_borrowed().is_some() {
                    "borrowed"
                } else if t.text.is_owned() {
                    "owned"
                } else {
                    "inline"
                };
                (t.text.to_string(), t.span, t.position, held)
            })
            .collect()
    }

    #[test]
    fn normaliser_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Normaliser>();
    }

    #[test]
    fn ascii_tokens_are_inline_when_short_and_borrowed_unless_lowercased_when_long() {
        let got = run(
            NormaliserConfig::default(),
            "The strike Internationalisation internationalisation",
        );
        assert_eq!(
            got,
            [
                ("the".into(), Span::new(0, 3), 0, "inline"),
                ("strike".into(), Span::new(4, 10), 1, "inline"),
                ("internationalisation".into(), Span::new(11, 31), 2, "owned"),
                (
                    "internationalisation".into(),
                    Span::new(32, 52),
                    3,
                    "borrowed"
                ),
            ]
        );
    }

    #[test]
    fn non_ascii_spans_point_at_the_original() {
        let text = "İstanbul ΣΊΣΥΦΟΣ Cafe\u{301}";
        let got = run(NormaliserConfig::default(), text);
        let texts: Vec<&str> = got.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(texts, ["i\u{307}stanbul", "σίσυφος", "café"]);
        let originals: Vec<&str> = got.iter().map(|t| t.1.slice(text)).collect();
        assert_eq!(originals, ["İstanbul", "ΣΊΣΥΦΟΣ", "Cafe\u{301}"]);
    }

    #[test]
    fn the_default_normaliser_is_the_default_configurations() {
        let text = "The Strike began. İstanbul ΣΊΣΥΦΟΣ Cafe\u{301} x² 3.14 don't";
        let built = Normaliser::new(NormaliserConfig::default()).unwrap();
        let default = Normaliser::default();
        assert_eq!(default.config(), built.config());
        assert_eq!(summarise(&default, text), summarise(&built, text));
        let doc = Document::new(0, "d", text, Metadata::new());
        let (a, b) = (default.normalise(&doc), built.normalise(&doc));
        assert_eq!(a.sentences, b.sentences);
        assert_eq!(a.tokens.len(), b.tokens.len());
        assert_eq!(
            default.words(text),
            [
                "the",
                "strike",
                "began",
                "i\u{307}stanbul",
                "σίσυφος",
                "café",
                "x",
                "²",
                "3.14",
                "don't"
            ]
        );
    }

    #[cfg(feature = "pattern")]
    #[test]
    fn sklearn_config_reproduces_sklearn_tokens() {
        let text = "İstanbul Café naïve x² a I";
        let got = run(NormaliserConfig::scikit_learn(), text);
        let texts: Vec<&str> = got.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(texts, ["stanbul", "café", "naïve", "x²"]);
        // The İ became "i" + U+0307; the dropped "i" took it along, the rest maps one to one.
        assert_eq!(got[0].1.slice(text), "stanbul");
        assert_eq!(got[0].3, "borrowed");
    }

    #[cfg(feature = "stem")]
    #[test]
    fn filters_run_in_order_and_keep_positions() {
        let config = NormaliserConfig {
            stopwords: StopWords::List(vec!["THE".into()]),
            min_len: 3,
            stem: Some(StemLanguage::English),
            ..NormaliserConfig::default()
        };
        let got = run(config, "The walkers of the city walked");
        let summary: Vec<(&str, u32)> = got.iter().map(|t| (t.0.as_str(), t.2)).collect();
        assert_eq!(summary, [("walker", 1), ("citi", 4), ("walk", 5)]);
        // "walk" is short: nothing is allocated for it.
        assert_eq!(got[2].3, "inline");
    }

    #[test]
    fn layered_stop_words_drop_the_union() {
        let text = "The strike said Mr Smith of the plant";
        let layered = NormaliserConfig {
            stopwords: StopWords::layers([
                ENGLISH,
                StopWords::List(vec!["Said".into(), "MR".into()]),
            ]),
            ..NormaliserConfig::default()
        };
        let got: Vec<String> = run(layered, text).into_iter().map(|t| t.0).collect();
        assert_eq!(got, ["strike", "smith", "plant"]);
        // Each layer alone drops only its own words.
        let en_only = NormaliserConfig {
            stopwords: ENGLISH,
            ..NormaliserConfig::default()
        };
        let got: Vec<String> = run(en_only, text).into_iter().map(|t| t.0).collect();
        assert_eq!(got, ["strike", "said", "mr", "smith", "plant"]);
    }

    /// Words from a list go through the tokens' Unicode form and case folding, so a list
    /// written in capitals, decomposed or in full-width forms drops what the built-in list does.
    #[test]
    fn listed_words_are_normalised_like_the_builtin_ones() {
        let en = StopWordLanguage::English.words();
        // Full-width forms (U+FF01..U+FF5E) of ASCII letters fold to ASCII under NFKC only.
        let full_width = |w: &str| -> String {
            w.chars()
                .map(|c| match c {
                    '!'..='~' => char::from_u32(c as u32 - 0x21 + 0xff01).unwrap(),
                    c => c,
                })
                .collect()
        };
        let shouted: Vec<String> = en.iter().map(|w| w.to_uppercase()).collect();
        let wide: Vec<String> = en.iter().map(|w| full_width(w)).collect();
        let text: String = en
            .iter()
            .map(|w| format!("{} strike {} ", w.to_uppercase(), full_width(w)))
            .collect::<String>()
            + "Café İstanbul";
        let tokens = |stopwords: StopWords| -> Vec<String> {
            let config = NormaliserConfig {
                unicode: UnicodeForm::Nfkc,
                stopwords,
                ..NormaliserConfig::default()
            };
            run(config, &text).into_iter().map(|t| t.0).collect()
        };
        let builtin = tokens(ENGLISH);
        assert_eq!(tokens(StopWords::List(shouted)), builtin);
        assert_eq!(tokens(StopWords::List(wide)), builtin);
        let strikes = en.len();
        assert!(builtin.iter().filter(|t| *t == "strike").count() == strikes);
        assert_eq!(builtin.len(), strikes + 2, "{builtin:?}");
        // Decomposed and capital forms of non-ASCII words too.
        let got = tokens(StopWords::List(vec![
            "CAFE\u{301}".into(),
            "İSTANBUL".into(),
        ]));
        assert_eq!(got.len(), text.split_whitespace().count() - 2);
        assert!(!got.iter().any(|t| t == "café" || t == "i\u{307}stanbul"));
    }

    /// One name in four spellings and two scripts: folded, aliased, counted as one word, each
    /// span slicing the original spelling.
    #[test]
    fn mixed_script_names_fold_and_alias_to_one_word() {
        let text = "Лукашенко said. Lukashenka, Łukašenka and ЛУКАШЭНКА met Alexander Lukashenko in Мінск’s centre.";
        let config = NormaliserConfig {
            fold: Fold::Ascii,
            aliases: Aliases::new([
                ("lukashenka", "lukashenko"),
                ("Łukašenka", "lukashenko"),
                ("Аляксандр Лукашэнка", "lukashenko"),
                ("alexander lukashenko", "lukashenko"),
            ]),
            stopwords: StopWords::List(vec!["and".into(), "in".into(), "Мінск".into()]),
            ..NormaliserConfig::default()
        };
        let got = run(config, text);
        let words: Vec<(&str, &str, u32)> = got
            .iter()
            .map(|t| (t.0.as_str(), t.1.slice(text), t.2))
            .collect();
        assert_eq!(
            words,
            [
                ("lukashenko", "Лукашенко", 0),
                ("said", "said", 1),
                ("lukashenko", "Lukashenka", 2),
                ("lukashenko", "Łukašenka", 3),
                ("lukashenko", "ЛУКАШЭНКА", 5),
                ("met", "met", 6),
                ("lukashenko", "Alexander Lukashenko", 7),
                ("minsk's", "Мінск’s", 10),
                ("centre", "centre", 11),
            ]
        );
        // Without folding, the scripts stay apart and only the ASCII spellings are aliased.
        let plain = NormaliserConfig {
            aliases: Aliases::new([("lukashenka", "lukashenko")]),
            ..NormaliserConfig::default()
        };
        let words: Vec<String> = run(plain, text).into_iter().map(|t| t.0).collect();
        assert_eq!(
            &words[..4],
            ["лукашенко", "said", "lukashenko", "łukašenka"]
        );
    }

    #[cfg(all(feature = "stem", feature = "pattern"))]
    #[test]
    fn folded_stop_words_and_stems_see_the_folded_form() {
        // The Russian list folded: `и` → `i`, `не` → `ne`; the English stemmer reads ASCII.
        let config = NormaliserConfig {
            fold: Fold::Ascii,
            stopwords: StopWords::Builtin(StopWordLanguage::Russian),
            stem: Some(StemLanguage::English),
            min_len: 2,
            ..NormaliserConfig::default()
        };
        let got: Vec<String> = run(config, "Рабочие и студенты не молчали, strikes i ne")
            .into_iter()
            .map(|t| t.0)
            .collect();
        assert_eq!(got, ["rabochi", "studenti", "molchali", "strike"]);
        // A token that folds to nothing is dropped; its position is used up.
        let config = NormaliserConfig {
            fold: Fold::Ascii,
            tokenizer: TokenizerKind::Pattern(r"\S+".into()),
            ..NormaliserConfig::default()
        };
        let got = run(config, "a \u{301} b");
        let summary: Vec<(&str, u32)> = got.iter().map(|t| (t.0.as_str(), t.2)).collect();
        assert_eq!(summary, [("a", 0), ("b", 2)]);
    }

    #[test]
    fn an_alias_side_the_tokenizer_keeps_nothing_of_is_an_error() {
        let err = Normaliser::new(NormaliserConfig {
            aliases: Aliases::new([("—", "lukashenko")]),
            ..NormaliserConfig::default()
        })
        .unwrap_err();
        assert!(
            matches!(err, NormaliseError::AliasFile { line: 0, .. }),
            "{err}"
        );
        assert!(
            err.to_string()
                .contains("which the tokenizer keeps nothing of"),
            "{err}"
        );
    }

    #[test]
    fn sentences_only_when_asked() {
        let doc = Document::new(0, "d", "One. Two.", Metadata::new());
        let on = Normaliser::new(NormaliserConfig::default()).unwrap();
        assert_eq!(on.normalise(&doc).sentences.len(), 2);
        let off = Normaliser::new(NormaliserConfig {
            sentences: false,
            ..NormaliserConfig::default()
        })
        .unwrap();
        assert!(off.normalise(&doc).sentences.is_empty());
    }
}
