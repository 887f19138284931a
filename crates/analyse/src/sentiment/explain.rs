//! Explanations: which rule changed which token's valence, recorded through a [`Recorder`] that
//! compiles away on the plain scoring path.

use serde::{Deserialize, Serialize};
use wordmill_model::Span;

use super::{RawScores, Scores};

/// A VADER rule that changed a token's valence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Rule {
    /// `no` before a lexicon word (the `no` itself set to 0, or the word ×-0.74).
    No,
    /// The token is in ALL CAPS while others are not (±0.733).
    Caps,
    /// A preceding booster (`very`, `extremely`, ...) pushed the valence away from zero.
    Booster,
    /// A preceding dampener (`slightly`, `barely`, ...) pulled the valence towards zero.
    Dampener,
    /// A preceding negation (`not`, `never`, `n't`, ...) multiplied by -0.74.
    Negation,
    /// `never so` / `never this` (or VADER's `so`/`this` precedence quirk) multiplied by 1.25.
    Intensifier,
    /// A special idiom (`the bomb`, `yeah right`, ...) replaced the valence.
    Idiom,
    /// A multi-word dampener (`kind of`, `sort of`, `just enough`) added -0.293.
    MultiWordDampener,
    /// A preceding `least` (not `at least`/`very least`) multiplied by -0.74.
    Least,
    /// The contrastive `but` rule (×0.5 before it, ×1.5 after it).
    But,
}

/// One rule applied to one token.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Applied {
    /// The rule.
    pub rule: Rule,
    /// Valence before the rule.
    pub before: f64,
    /// Valence after the rule.
    pub after: f64,
}

/// One token that carried valence, and how it got its final value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenExplanation {
    /// Position among the text's tokens.
    pub index: usize,
    /// The token as scored (after emoji substitution and punctuation stripping, original case).
    pub text: String,
    /// Byte span of the token in the input text; for a token produced by emoji substitution,
    /// the span of the emoji.
    pub span: Option<Span>,
    /// The lexicon value, if the lower-cased token is a lexicon word.
    pub lexicon: Option<f64>,
    /// The final valence, after every rule.
    pub valence: f64,
    /// The rules that changed the valence, in the order they were applied.
    pub rules: Vec<Applied>,
}

/// Scores of a text with the per-token reasons behind them (see [`super::Vader::explain`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// The rounded scores (equal to [`super::Vader::polarity_scores`]).
    pub scores: Scores,
    /// The unrounded scores.
    pub raw: RawScores,
    /// Number of tokens in the text.
    pub token_count: usize,
    /// Tokens with a lexicon value, a non-zero valence, or a rule applied.
    pub tokens: Vec<TokenExplanation>,
}

/// Receives rule applications during scoring. The no-op recorder makes the explanation code
/// vanish from [`super::Vader::polarity_scores`].
pub(crate) trait Recorder {
    /// Whether anything is recorded; the scorer skips bookkeeping when false.
    const ON: bool;
    /// `rule` changed token `token` from `before` to `after`.
    fn rule(&mut self, token: usize, rule: Rule, before: f64, after: f64);
}

/// Records nothing.
pub(crate) struct NoRecord;

impl Recorder for NoRecord {
    const ON: bool = false;
    #[inline(always)]
    fn rule(&mut self, _: usize, _: Rule, _: f64, _: f64) {}
}

/// Records every rule application, in order.
#[derive(Default)]
pub(crate) struct Record {
    pub events: Vec<(usize, Applied)>,
}

impl Recorder for Record {
    const ON: bool = true;
    fn rule(&mut self, token: usize, rule: Rule, before: f64, after: f64) {
        self.events.push((
            token,
            Applied {
                rule,
                before,
                after,
            },
        ));
    }
}
