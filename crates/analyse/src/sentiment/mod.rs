//! Lexicon sentiment: VADER, exactly as vaderSentiment 3.3.2 computes it, and the
//! [`Sentiment`] analyser that scores every sentence of a corpus with it.
//!
//! # Overview
//!
//! - [`Lexicon`] and [`EmojiLexicon`]: the built-in VADER lexicons (shipped inside the crate,
//!   MIT, with their licence in `data/vader/`), or lexicon files in VADER's
//!   `word<TAB>mean<TAB>sd<TAB>ratings` format or the `word<TAB>score` format; later entries
//!   override earlier ones.
//! - [`Vader`]: the scorer. [`Vader::polarity_scores`] gives the four [`Scores`];
//!   [`Vader::polarity_scores_raw`] the same before rounding; [`Vader::explain`] tells which
//!   rule shaped each token.
//! - [`Rules`]: [`Rules::Vader`] reproduces vaderSentiment 3.3.2 bit for bit, quirks
//!   included; [`Rules::VaderNews`] repairs its known defects; [`Rules::None`] is a plain
//!   lexicon sum.
//! - [`Sentiment`]: an [`Analyser`](crate::Analyser) over sentences or whole documents, with
//!   per-document, per-group and corpus aggregates.
//!
//! # The rules of VADER 3.3.2 (`Rules::Vader`)
//!
//! 1. **Emoji**: each code point that is a key of the emoji lexicon is replaced by its
//!    description, with a space before it unless the previous output character was a space
//!    (none after it: `😀great` becomes `grinning facegreat`). Multi-code-point emoji never
//!    match as a whole.
//! 2. **Tokens**: Python's `str.split()` (Unicode whitespace plus U+001C..U+001F); ASCII
//!    punctuation is stripped from both ends of a token unless that leaves 2 code points or
//!    fewer (so `:)` and `ok!` stay as they are). Tokens are looked up lower-cased.
//! 3. **Caps**: a token in ALL CAPS (Python `isupper()`) while others are not gets ±0.733.
//! 4. **Per lexicon word**: `no` before a lexicon word; boosters and dampeners up to three
//!    tokens before (±0.293, ×0.95 at distance 2, ×0.9 at 3); negations (×-0.74, `n't`
//!    included) with the `never so`/`this` ×1.25 rule and its precedence quirk (`this is so
//!    good` is ×1.25); idioms at distance 3 only when the token three before is no lexicon
//!    word; `least`. A preceding lexicon word blocks boosters, negations and idioms from
//!    behind it.
//! 5. **But**: values before the first `but` are halved and values after it ×1.5, found by
//!    *value* (Python `list.index`), so equal values collide.
//! 6. **Scores**: `!` (0.292 each, at most 4) and `?` (0.18 each for two or three, 0.96 for
//!    four or more) amplify the sum; `compound = sum / sqrt(sum² + 15)`; neg/neu/pos are the
//!    shares of negative valence, neutral tokens and positive valence; all rounded with
//!    Python's `round` (3 decimals, compound 4).
//!
//! Every floating-point operation happens in the order vaderSentiment does it, so the
//! unrounded values are identical too.
//!
//! # `Rules::VaderNews`: the defects repaired
//!
//! Each repair is one switch in the scorer, tested against the 3.3.2 behaviour:
//!
//! - **Unicode punctuation** `“ ” ‘ ’ « » „ ¡ ¿ … — –` is stripped from token edges:
//!   `“Good”` scores like `Good` (3.3.2: 0).
//! - **Curly apostrophes** `’ ‘ ʼ` read as `'`: `I don’t like it` is negated like
//!   `I don't like it` (3.3.2: compound 0.3612, news: -0.2755).
//! - **"but" by position**: `Nice, but okay.` gives Nice 0.9 and okay 1.35 (3.3.2: 0.45 and
//!   0.9, because 1.8 × 0.5 collides with okay's 0.9).
//! - **Idioms reachable**: every idiom containing the token is checked whatever precedes it,
//!   including the trigram around it, so `This party is the bomb` and `The cake is to die
//!   for` are positive (3.3.2: negative). Idiom hits no longer spill onto the next word.
//! - **Whole emoji**: the longest emoji-lexicon key is matched first (skin tones, ZWJ
//!   sequences, flags, keys with U+FE0F), and a trailing variation selector is absorbed:
//!   `❤️` reads as `red heart` (3.3.2 leaves `heart\u{FE0F}`, no lexicon word).
//!
//! # Example
//!
//! ```
//! use wordmill_analyse::{Lexicon, Rules, Vader};
//!
//! let vader = Vader::new(Lexicon::vader(), Rules::Vader);
//! let s = vader.polarity_scores("VADER is smart, handsome, and funny!");
//! // vaderSentiment 3.3.2 gives exactly the same.
//! assert_eq!((s.neg, s.neu, s.pos, s.compound), (0.0, 0.248, 0.752, 0.8439));
//! // Without the `!` amplifier: 0.8316.
//! assert_eq!(vader.polarity_scores("VADER is smart, handsome, and funny.").compound, 0.8316);
//!
//! let news = Vader::new(Lexicon::vader(), Rules::VaderNews);
//! assert!(news.polarity_scores("I don’t like it").compound < 0.0);
//! ```
//!
//! # Why the design is so
//!
//! Analysts adopt a port only if its numbers are VADER's, so [`Rules::Vader`] follows the
//! reference step by step, including its order of floating-point operations and its
//! rounding. Speed comes from doing each token's work once: one lower-casing into a reused
//! buffer and one hash lookup (one folded multiply for a short ASCII word, a hand-written
//! Fx-style hasher for any other) into a table that merges the lexicon, boosters, negations
//! and the words the rules compare against; the rules then compare small integers, and only
//! the tokens with a lexicon value go through them. Explanations go through a recorder that is
//! a no-op type on the scoring path, so they cost nothing there.

mod analyser;
mod explain;
mod lexicon;
mod table;
pub(crate) use table::FxBuild;
mod text;
mod vader;

pub use analyser::{
    DocumentScores, DocumentSentiment, GroupSentiment, HISTOGRAM_BINS, LexiconSource,
    POLARITY_THRESHOLD, QUOTES, Quote, SentenceRecord, SentenceRef, Sentiment, SentimentConfig,
    SentimentFold, SentimentOutput, SentimentPartial, SentimentSummary, Unit,
};
pub use explain::{Applied, Explanation, Rule, TokenExplanation};
pub use lexicon::{EmojiLexicon, Lexicon, MAX_VALENCE, SentimentError};
pub use vader::{RawScores, Rules, Scores, Vader};
