//! Wording shared by every rendering for people (Markdown, HTML, terminal): numbers with
//! thousands separators, counted nouns, sentence numbers, and cutting text to a length or to a
//! drawn width.

use wordmill_analyse::POLARITY_THRESHOLD;

/// An integer with thousands separators: `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `n` (with thousands separators) and the noun in the singular when `n` is 1, the plural
/// otherwise: `1 document`, `0 documents`, `2,000 documents`.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// The number people read for the sentence at 0-based `index` in its document: counted from 1.
/// Data files (`sentences.jsonl`, `documents.csv`, `report.json`) keep the 0-based index.
pub(crate) fn sentence_number(index: usize) -> usize {
    index.saturating_add(1)
}

/// Where a quoted unit comes from, as people read it: `doc-id, sentence 8` (the 0-based index
/// 7), or the document id alone when the unit is the whole document (`unit = "document"`).
pub(crate) fn quote_source(doc_id: &str, index: usize, unit: &str) -> String {
    if unit == "document" {
        doc_id.to_string()
    } else {
        format!("{doc_id}, sentence {}", sentence_number(index))
    }
}

/// Whether a quote with this compound score may be shown as one of the most positive
/// (`positive = true`) or most negative ones: VADER's thresholds, compound ≥ 0.05 or ≤ −0.05.
pub(crate) fn quotable(compound: f64, positive: bool) -> bool {
    if positive {
        compound >= POLARITY_THRESHOLD
    } else {
        compound <= -POLARITY_THRESHOLD
    }
}

/// Cuts `text` (whitespace runs collapsed to one space, ends trimmed) so that its width, summed
/// with `width` per character, is at most `budget`; a cut text ends with `…`, counted in the
/// budget. Returns the text and whether it was cut. The one place text is shortened: by
/// characters ([`clip_chars`]) and by drawn width ([`clip_px`]).
fn clip_with(text: &str, budget: f64, width: impl Fn(char) -> f64) -> (String, bool) {
    let mut clean = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !clean.is_empty() {
            clean.push(' ');
        }
        clean.push_str(word);
    }
    let total: f64 = clean.chars().map(&width).sum();
    if total <= budget {
        return (clean, false);
    }
    let mut used = width('…');
    if used > budget {
        // Not even the ellipsis fits.
        return (String::new(), true);
    }
    let mut out = String::new();
    for c in clean.chars() {
        let w = width(c);
        if used + w > budget {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    (out, true)
}

/// At most `n` characters of `text` (whitespace collapsed), ending with `…` when cut.
pub(crate) fn clip_chars(text: &str, n: usize) -> String {
    clip_with(text, n as f64, |_| 1.0).0
}

/// At most `n` characters of the end of `text` (whitespace collapsed), starting with `…` when
/// cut: the left context of a concordance line, whose end is what matters.
pub(crate) fn clip_chars_left(text: &str, n: usize) -> String {
    let clean: Vec<char> = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .collect();
    // A space before the match stays: the context reads up to it.
    let clean: Vec<char> = if text.ends_with(char::is_whitespace) && !clean.is_empty() {
        clean.into_iter().chain([' ']).collect()
    } else {
        clean
    };
    if clean.len() <= n {
        return clean.into_iter().collect();
    }
    if n == 0 {
        return String::new();
    }
    std::iter::once('…')
        .chain(clean[clean.len() - (n - 1)..].iter().copied())
        .collect()
}

/// A part of `text` of at most `n` characters, as written (whitespace kept, so offsets into it
/// stay those of the original), that shows byte offset `focus` when the whole does not fit: it
/// starts about a quarter of `n` before it. Returns the part's byte offset in `text` and the
/// part.
pub(crate) fn window(text: &str, focus: usize, n: usize) -> (usize, &str) {
    let chars: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    if chars.len() <= n {
        return (0, text);
    }
    let at = chars.partition_point(|&i| i < focus);
    let first = at.saturating_sub(n / 4).min(chars.len() - n);
    let from = chars[first];
    let to = chars.get(first + n).copied().unwrap_or(text.len());
    (from, &text[from..to])
}

/// `text`, which starts at byte `start` of its document, cut into pieces, each with whether it
/// lies inside one of `marks` (byte ranges `[start, end]` of the document): what a quote with
/// its highlighted mentions is made of. Marks are clipped to the text; a mark that overlaps an
/// earlier one, falls outside the text or not on character boundaries is left out.
pub(crate) fn marked_pieces<'t>(
    text: &'t str,
    start: usize,
    marks: &[[usize; 2]],
) -> Vec<(&'t str, bool)> {
    let mut out = Vec::new();
    let mut at = 0;
    let mut sorted: Vec<[usize; 2]> = marks.to_vec();
    sorted.sort_unstable();
    for [from, to] in sorted {
        let from = from.saturating_sub(start).max(at);
        let to = to.saturating_sub(start).min(text.len());
        if from >= to || !text.is_char_boundary(from) || !text.is_char_boundary(to) {
            continue;
        }
        if from > at {
            out.push((&text[at..from], false));
        }
        out.push((&text[from..to], true));
        at = to;
    }
    if at < text.len() {
        out.push((&text[at..], false));
    }
    out
}

/// Advance widths of the printable ASCII characters (space to `~`) in thousandths of an em, in
/// DejaVu Sans, one of the widest common sans-serif fonts (and the one Debian's browsers fall
/// back to), regular and bold.
const ASCII_EM: [[u16; 95]; 2] = [
    [
        318, 401, 460, 838, 637, 951, 780, 275, 391, 391, 500, 838, 318, 361, 318, 337, 637, 637,
        637, 637, 637, 637, 637, 637, 637, 637, 337, 337, 838, 838, 838, 531, 1000, 685, 687, 699,
        771, 632, 576, 775, 752, 295, 295, 656, 558, 863, 749, 788, 604, 788, 695, 635, 611, 732,
        685, 989, 686, 611, 686, 391, 337, 391, 838, 500, 500, 613, 635, 550, 635, 616, 353, 635,
        634, 278, 278, 580, 278, 975, 634, 612, 635, 635, 412, 521, 393, 634, 592, 818, 592, 592,
        525, 637, 337, 637, 838,
    ],
    [
        349, 457, 521, 838, 696, 1002, 873, 307, 458, 458, 523, 838, 380, 416, 380, 366, 696, 696,
        696, 696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 581, 1000, 774, 763, 734,
        831, 684, 684, 821, 837, 373, 373, 775, 638, 996, 837, 851, 733, 851, 771, 721, 683, 813,
        774, 1104, 771, 725, 726, 458, 366, 458, 838, 500, 500, 675, 716, 593, 716, 679, 436, 716,
        712, 343, 343, 666, 343, 1042, 712, 688, 716, 716, 494, 596, 479, 712, 652, 924, 646, 652,
        583, 712, 366, 712, 838,
    ],
];

/// The drawn width of `c` in ems: DejaVu Sans's for ASCII (see [`ASCII_EM`]), a generous
/// estimate for the rest (East Asian wide characters and emoji are wider than an em), so text
/// measured with it fits in the common sans-serif fonts.
fn char_em(c: char, bold: bool) -> f64 {
    match c {
        ' '..='~' => f64::from(ASCII_EM[usize::from(bold)][c as usize - 0x20]) / 1000.0,
        '\u{0300}'..='\u{036f}' | '\u{200b}'..='\u{200f}' | '\u{fe00}'..='\u{fe0f}' => 0.0,
        '…' | '—' | '–' => 1.0,
        '\u{1100}'..='\u{115f}'
        | '\u{2e80}'..='\u{a4cf}'
        | '\u{ac00}'..='\u{d7a3}'
        | '\u{f900}'..='\u{faff}'
        | '\u{fe30}'..='\u{fe4f}'
        | '\u{ff00}'..='\u{ff60}'
        | '\u{ffe0}'..='\u{ffe6}'
        | '\u{1f000}'..='\u{1faff}'
        | '\u{20000}'..='\u{3fffd}' => 1.25,
        _ if bold => 0.9,
        _ => 0.8,
    }
}

/// The drawn width of `text` in pixels at `font_px`, with a margin of 3 % for fonts a little
/// wider than the measured one.
pub(crate) fn text_px(text: &str, font_px: f64, bold: bool) -> f64 {
    text.chars().map(|c| char_em(c, bold)).sum::<f64>() * font_px * 1.03
}

/// `text` cut to at most `max_px` pixels drawn at `font_px` (measured as [`text_px`] does), ending with `…`
/// when cut; and whether it was cut.
pub(crate) fn clip_px(text: &str, max_px: f64, font_px: f64, bold: bool) -> (String, bool) {
    let scale = font_px * 1.03;
    let (mut out, cut) = clip_with(text, max_px, |c| char_em(c, bold) * scale);
    if cut && out.ends_with(" …") {
        // No space left dangling before the ellipsis of a label.
        out.replace_range(out.len() - " …".len().., "…");
    }
    (out, cut)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn plural_picks_the_singular_for_one_only() {
        assert_eq!(plural(0, "document", "documents"), "0 documents");
        assert_eq!(plural(1, "document", "documents"), "1 document");
        assert_eq!(plural(2, "sentence", "sentences"), "2 sentences");
        assert_eq!(plural(1001, "term", "terms"), "1,001 terms");
    }

    #[test]
    fn sentences_are_numbered_from_one() {
        assert_eq!(quote_source("a", 0, "sentence"), "a, sentence 1");
        assert_eq!(quote_source("a", 41, "sentence"), "a, sentence 42");
        assert_eq!(quote_source("a", 0, "document"), "a");
    }

    #[test]
    fn quotable_follows_vaders_thresholds() {
        assert!(quotable(0.05, true) && quotable(-0.05, false));
        assert!(!quotable(0.0499, true) && !quotable(-0.0499, false));
        assert!(!quotable(0.9, false) && !quotable(-0.9, true));
    }

    #[test]
    fn marked_pieces_cover_the_text_with_the_marks_clipped() {
        // "A strike. The strike" at byte 100 of its document.
        let t = "A strike. The strike";
        let pieces = marked_pieces(t, 100, &[[114, 120], [102, 108], [90, 101]]);
        assert_eq!(
            pieces,
            [
                ("A", true),
                (" ", false),
                ("strike", true),
                (". The ", false),
                ("strike", true)
            ]
        );
        let joined: String = pieces.iter().map(|p| p.0).collect();
        assert_eq!(joined, t);
        // Beyond the text (a cut quote), overlapping or inside a character: left out.
        assert_eq!(marked_pieces("né", 0, &[[2, 3], [5, 9]]), [("né", false)]);
        // A window of 8 characters around byte 14: from 2 characters before it.
        let long = "0123456789abcdefghij";
        assert_eq!(window(long, 14, 8), (12, "cdefghij"));
        assert_eq!(window(long, 3, 8), (1, "12345678"));
        assert_eq!(window("short", 3, 8), (0, "short"));
        assert_eq!(window("né né né", 4, 3), (4, "né "));
    }

    #[test]
    fn clip_chars_keeps_short_text_and_cuts_long_text() {
        assert_eq!(clip_chars("a  b\n c", 10), "a b c");
        assert_eq!(clip_chars("abcdef", 4), "abc…");
        // As report.json has always cut quotes: the space before the cut is kept.
        assert_eq!(clip_chars("ab cdef", 4), "ab …");
        assert_eq!(clip_chars("abc", 0), "");
    }

    #[test]
    fn clip_px_measures_wide_characters_as_wide() {
        let (cjk, cut) = clip_px("中文中文中文中文中文中文", 60.0, 12.0, false);
        assert!(cut && text_px(&cjk, 12.0, false) <= 60.0, "{cjk}");
        let (latin, cut) = clip_px("iiiiii", 60.0, 12.0, false);
        assert!(!cut);
        assert_eq!(latin, "iiiiii");
    }

    proptest! {
        #[test]
        fn clip_px_fits_its_budget(text in "\\PC{0,60}", max in 0.0f64..400.0) {
            let (out, cut) = clip_px(&text, max, 12.0, false);
            prop_assert!(text_px(&out, 12.0, false) <= max + 1e-9);
            let clean = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if cut {
                // Cut: a prefix and the ellipsis, or nothing when not even that fits.
                prop_assert!(out.ends_with('…') || out.is_empty());
                let kept = out.trim_end_matches('…');
                prop_assert!(clean.starts_with(kept) && kept.len() < clean.len());
            } else {
                prop_assert_eq!(out, clean);
            }
        }

        #[test]
        fn clip_chars_fits_its_length(text in "\\PC{0,60}", n in 0usize..50) {
            let out = clip_chars(&text, n);
            prop_assert!(out.chars().count() <= n);
            let left = clip_chars_left(&text, n);
            prop_assert!(left.chars().count() <= n);
            let clean = text.split_whitespace().collect::<Vec<_>>().join(" ");
            prop_assert!(clean.ends_with(left.trim_start_matches('…').trim_end()));
        }
    }
}
