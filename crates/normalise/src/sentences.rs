//! Sentence spans: UAX #29 sentence boundaries, tuned for news text.

use unicode_segmentation::UnicodeSegmentation;
use wordmill_model::Span;

/// Abbreviations after which a full stop does not end a sentence (compared without the
/// final `.`, case-sensitively).
const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Messrs", "Dr", "Prof", "St", "Jr", "Sr", "Mt", "Ft", "vs", "v", "e.g",
    "i.e", "etc", "cf", "al", "Gen", "Lt", "Col", "Maj", "Capt", "Cmdr", "Sgt", "Adm", "Gov",
    "Sen", "Rep", "Rev", "Hon", "Pres", "Supt", "Inc", "Ltd", "Co", "Corp", "Bros", "Jan", "Feb",
    "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "U.S", "U.K", "U.N",
    "U.S.A", "E.U", "approx", "dept", "fig", "vol",
];

/// Splits `text` into sentences: spans of `text`, trimmed of surrounding whitespace, never
/// empty, in order.
///
/// The boundaries are UAX #29's (so closing quotes and brackets after the full stop, `”`
/// `’` `»` `)` included, stay with their sentence), with two changes for news text:
/// - a line break always ends a sentence (UAX #29 already does this);
/// - a full stop after a common abbreviation (`Mr.`, `Dr.`, `e.g.`, `Jan.`, `U.S.`, …) or a
///   single capital letter (the initial in `Alexander G. Lukashenko`) does not end one.
///
/// ```
/// use wordmill_normalise::split_sentences;
/// let text = "Mr. Smith met Alexander G. Lukashenko. “It went well.” Then\nthey left!";
/// let sentences: Vec<&str> = split_sentences(text).iter().map(|s| s.slice(text)).collect();
/// assert_eq!(sentences, [
///     "Mr. Smith met Alexander G. Lukashenko.",
///     "“It went well.”",
///     "Then",
///     "they left!",
/// ]);
/// ```
pub fn split_sentences(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, piece) in text.split_sentence_bound_indices() {
        let begin = *start.get_or_insert(i);
        let end = i + piece.len();
        if ends_with_line_break(piece) || !ends_with_abbreviation(piece) || end == text.len() {
            push_trimmed(text, begin, end, &mut out);
            start = None;
        }
    }
    if let Some(begin) = start {
        push_trimmed(text, begin, text.len(), &mut out);
    }
    out
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    let piece = &text[start..end];
    let trimmed_start = piece.trim_start();
    let s = start + (piece.len() - trimmed_start.len());
    let e = s + trimmed_start.trim_end().len();
    if e > s {
        out.push(Span::new(s, e));
    }
}

fn ends_with_line_break(piece: &str) -> bool {
    piece
        .trim_end_matches(|c: char| c.is_whitespace() && !is_line_break(c))
        .ends_with(is_line_break)
}

fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// True when `piece` (a UAX #29 sentence) ends with `.` after an abbreviation or an initial.
fn ends_with_abbreviation(piece: &str) -> bool {
    let Some(body) = piece.trim_end().strip_suffix('.') else {
        return false;
    };
    // The word before the full stop: letters and inner dots ("U.S", "e.g").
    let word_start = body
        .char_indices()
        .rev()
        .take_while(|&(_, c)| c.is_alphabetic() || c == '.')
        .last()
        .map_or(body.len(), |(i, _)| i);
    let word = body[word_start..].trim_start_matches('.');
    if word.is_empty() {
        return false;
    }
    let mut chars = word.chars();
    let single_capital =
        matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase());
    single_capital || ABBREVIATIONS.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn texts(text: &str) -> Vec<&str> {
        split_sentences(text)
            .iter()
            .map(|s| s.slice(text))
            .collect()
    }

    #[test]
    fn news_examples() {
        assert_eq!(
            texts("Workers walked out. The plant stopped."),
            ["Workers walked out.", "The plant stopped."]
        );
        assert_eq!(
            texts("Dr. Jones and Gov. Smith met on Jan. 5. They talked."),
            ["Dr. Jones and Gov. Smith met on Jan. 5.", "They talked."]
        );
        assert_eq!(
            texts("The U.S. Army left. Others stayed."),
            ["The U.S. Army left.", "Others stayed."]
        );
        assert_eq!(
            texts("He said: «Нет.» Потом ушёл."),
            ["He said: «Нет.»", "Потом ушёл."]
        );
        assert_eq!(texts("‘Go.’ ‘Now?’ Yes"), ["‘Go.’", "‘Now?’", "Yes"]);
        assert_eq!(
            texts("Headline\n\nBody text. More"),
            ["Headline", "Body text.", "More"]
        );
        assert_eq!(
            texts("ends with Mr.\nNext line"),
            ["ends with Mr.", "Next line"]
        );
        assert_eq!(texts("Trailing Mr."), ["Trailing Mr."]);
        assert!(texts("").is_empty());
        assert!(texts(" \n\t ").is_empty());
    }

    proptest! {
        #[test]
        fn spans_are_trimmed_ordered_and_on_boundaries(text in any::<String>()) {
            let spans = split_sentences(&text);
            let mut last_end = 0;
            for s in spans {
                prop_assert!(s.start >= last_end && s.end > s.start && s.end <= text.len());
                prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
                let t = s.slice(&text);
                prop_assert_eq!(t, t.trim());
                last_end = s.end;
            }
        }
    }
}
