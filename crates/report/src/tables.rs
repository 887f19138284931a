//! The CSV tables of a report. Column names are a contract (see `docs/outputs.md`).

use std::io::{self, Write};

use wordmill_analyse::{DocumentStats, TermsOutput};

use crate::plain;

fn csv_writer(w: &mut dyn Write) -> csv::Writer<&mut dyn Write> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(w)
}

fn io_err(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// The texts of fields already written by [`Rows::counts_floats`]: by the counts that lead
/// them, the bits of the floats that follow and where their text is kept.
pub(crate) struct CountsMemo<const K: usize, const N: usize> {
    known: std::collections::HashMap<[u64; K], ([u64; N], std::ops::Range<usize>), BitsBuild>,
    texts: Vec<u8>,
}

impl<const K: usize, const N: usize> CountsMemo<K, N> {
    pub(crate) fn new() -> Self {
        CountsMemo {
            known: std::collections::HashMap::default(),
            texts: Vec::new(),
        }
    }

    /// Forgets every text (for a new table whose floats depend on other things).
    pub(crate) fn clear(&mut self) {
        self.known.clear();
        self.texts.clear();
    }
}

/// A hasher for keys made of a few words (counts, the bits of floats): each word mixed in by
/// a rotation and a multiplication, enough for a memo of this process's own values.
#[derive(Default)]
struct BitsHasher(u64);

impl std::hash::Hasher for BitsHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(w));
        }
    }

    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    fn write_usize(&mut self, x: usize) {
        self.write_u64(x as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type BitsBuild = std::hash::BuildHasherDefault<BitsHasher>;

/// Rows written into one buffer, quoted exactly as the `csv` crate's default writer (with a
/// `\n` terminator) quotes them: a field is quoted when it holds `,`, `"`, `\r` or `\n`, and a
/// `"` inside is doubled. For the large tables, where the `csv` crate's per-field calls and
/// the `String` made for every number were most of the time; numbers and text are laid out by
/// [`plain`].
pub(crate) struct Rows<'w> {
    w: &'w mut dyn Write,
    buf: Vec<u8>,
    floats: FloatTexts,
}

/// The texts of recently written floats, for the columns whose values repeat (`idf` depends
/// only on a term's document frequency, `tf` on its count): a direct-mapped cache keyed by the
/// bits of the value, which copies a text instead of laying it out again.
struct FloatTexts {
    /// Per slot: the value's bits, the length of its text (0: empty slot), its text.
    slots: Vec<(u64, u8, [u8; FloatTexts::WIDTH])>,
}

impl FloatTexts {
    const SLOTS: usize = 512;
    /// Texts longer than this are laid out every time.
    const WIDTH: usize = 30;

    fn new() -> Self {
        FloatTexts { slots: Vec::new() }
    }

    /// Appends `x` as `Display` writes it.
    fn push(&mut self, buf: &mut Vec<u8>, x: f64) {
        let bits = x.to_bits();
        if self.slots.is_empty() {
            self.slots = vec![(0, 0, [0; Self::WIDTH]); Self::SLOTS];
        }
        let at = (bits.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 55) as usize % Self::SLOTS;
        let slot = &mut self.slots[at];
        if slot.1 != 0 && slot.0 == bits {
            buf.extend_from_slice(&slot.2[..usize::from(slot.1)]);
            return;
        }
        let from = buf.len();
        plain::push_f64(buf, x);
        let text = &buf[from..];
        if !text.is_empty() && text.len() <= Self::WIDTH {
            slot.0 = bits;
            slot.1 = text.len() as u8;
            slot.2[..text.len()].copy_from_slice(text);
        }
    }
}

/// `s` quoted as [`Rows::text`] writes it.
pub(crate) fn quoted_text(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    plain::push_csv_text(&mut out, s.as_bytes());
    out
}

impl<'w> Rows<'w> {
    const FLUSH_AT: usize = 64 * 1024;

    pub(crate) fn new(w: &'w mut dyn Write) -> Self {
        Rows {
            w,
            buf: Vec::with_capacity(Self::FLUSH_AT + 1024),
            floats: FloatTexts::new(),
        }
    }

    /// The header row, as is.
    pub(crate) fn header(&mut self, names: &str) -> io::Result<()> {
        self.buf.extend_from_slice(names.as_bytes());
        self.end()
    }

    /// A text field (after a comma unless it is the first of its row).
    pub(crate) fn text(&mut self, s: &str, first: bool) {
        if !first {
            self.buf.push(b',');
        }
        plain::push_csv_text(&mut self.buf, s.as_bytes());
    }

    /// A text field already quoted by [`quoted_text`] (for a text repeated row after row).
    pub(crate) fn quoted(&mut self, quoted: &[u8], first: bool) {
        if !first {
            self.buf.push(b',');
        }
        self.buf.extend_from_slice(quoted);
    }

    /// An integer field (never quoted).
    pub(crate) fn integer(&mut self, n: u64) {
        self.buf.push(b',');
        plain::push_u64(&mut self.buf, n);
    }

    /// A float field (never quoted), as `Display` writes it: the shortest text that reads
    /// back as the same `f64`, never with an exponent.
    pub(crate) fn float(&mut self, x: f64) {
        self.buf.push(b',');
        plain::push_f64(&mut self.buf, x);
    }

    /// A float field whose values repeat along the column: as [`Rows::float`], from a cache
    /// of recent texts.
    pub(crate) fn repeated_float(&mut self, x: f64) {
        self.buf.push(b',');
        self.floats.push(&mut self.buf, x);
    }

    /// Integer fields followed by float fields (as [`Rows::integer`] and [`Rows::float`]),
    /// where rows with the same integers mostly have the same floats: the text of each
    /// distinct set is laid out once and kept in `memo`, under the integers, with the floats'
    /// bits, so a row whose floats differ from those kept is laid out anew.
    pub(crate) fn counts_floats<const K: usize, const N: usize>(
        &mut self,
        counts: [u64; K],
        xs: [f64; N],
        memo: &mut CountsMemo<K, N>,
    ) {
        let bits = xs.map(f64::to_bits);
        if let Some((known, range)) = memo.known.get(&counts)
            && *known == bits
            && let Some(text) = memo.texts.get(range.clone())
        {
            self.buf.extend_from_slice(text);
            return;
        }
        let from = self.buf.len();
        for n in counts {
            self.integer(n);
        }
        for x in xs {
            self.float(x);
        }
        let Some(text) = self.buf.get(from..) else {
            return;
        };
        let at = memo.texts.len();
        memo.texts.extend_from_slice(text);
        memo.known.insert(counts, (bits, at..memo.texts.len()));
    }

    /// An empty field.
    pub(crate) fn empty(&mut self) {
        self.buf.push(b',');
    }

    /// Ends a row; writes the buffer out when it is full.
    pub(crate) fn end(&mut self) -> io::Result<()> {
        self.buf.push(b'\n');
        if self.buf.len() >= Self::FLUSH_AT {
            self.w.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    pub(crate) fn finish(mut self) -> io::Result<()> {
        self.w.write_all(&self.buf)?;
        self.buf.clear();
        self.w.flush()
    }
}

/// Writes `terms.csv`: `term,count,doc_freq[,idf]`, every surviving term, sorted by count
/// descending then term ascending (code-point order). `idf` is present when idf is used.
pub fn write_terms_csv(w: &mut dyn Write, terms: &TermsOutput) -> io::Result<()> {
    let with_idf = terms.vocabulary.first().is_some_and(|t| t.idf.is_some());
    // The vocabulary is in code-point order, so ties by index are ties by term.
    let mut order: Vec<(std::cmp::Reverse<u64>, usize)> = terms
        .vocabulary
        .iter()
        .enumerate()
        .map(|(i, t)| (std::cmp::Reverse(t.count), i))
        .collect();
    order.sort_unstable();
    let mut out = Rows::new(w);
    out.header(if with_idf {
        "term,count,doc_freq,idf"
    } else {
        "term,count,doc_freq"
    })?;
    for (_, i) in order {
        let t = &terms.vocabulary[i];
        out.text(&t.term, true);
        out.integer(t.count);
        out.integer(t.doc_freq);
        if let (Some(idf), true) = (t.idf, with_idf) {
            out.repeated_float(idf);
        }
        out.end()?;
    }
    out.finish()
}

/// Writes `tfidf.csv`: `doc_id,term,tf,weight`, one row per non-zero (document, term), documents
/// in input order and terms in code-point order. Floats are written as the shortest text that
/// reads back to the same f64.
pub fn write_tfidf_csv(w: &mut dyn Write, terms: &TermsOutput) -> io::Result<()> {
    let mut out = Rows::new(w);
    out.header("doc_id,term,tf,weight")?;
    for doc in terms.documents.iter().flatten() {
        for t in &doc.terms {
            out.text(&doc.id, true);
            out.text(&t.term, false);
            out.repeated_float(t.tf);
            out.float(t.weight);
            out.end()?;
        }
    }
    out.finish()
}

/// The metadata keys of a run of documents, in order of first appearance: the metadata
/// columns of `documents.csv`.
#[derive(Debug, Clone, Default)]
pub struct MetadataKeys {
    keys: Vec<String>,
}

impl MetadataKeys {
    /// Notes the keys of one more document.
    pub fn observe(&mut self, d: &DocumentStats) {
        for k in d.meta.keys() {
            if !self.keys.iter().any(|x| x == k) {
                self.keys.push(k.to_string());
            }
        }
    }

    /// The keys seen, in order of first appearance.
    pub fn keys(&self) -> &[String] {
        &self.keys
    }
}

/// `documents.csv` written row by row, for documents that arrive one at a time: the metadata
/// keys must be known in advance (collect them with [`MetadataKeys`]).
pub struct DocumentsCsv<'w> {
    out: csv::Writer<&'w mut dyn Write>,
    keys: Vec<String>,
    width: usize,
    extra: usize,
}

impl<'w> DocumentsCsv<'w> {
    /// Writes the header.
    pub fn begin(w: &'w mut dyn Write, keys: &[String], extra_names: &[&str]) -> io::Result<Self> {
        const FIXED: [&str; 4] = ["doc_id", "bytes", "tokens", "sentences"];
        let mut header: Vec<String> = vec!["doc_id".into()];
        for k in keys {
            let clash = FIXED.contains(&k.as_str()) || extra_names.contains(&k.as_str());
            header.push(if clash {
                format!("meta_{k}")
            } else {
                k.to_string()
            });
        }
        header.extend(FIXED[1..].iter().map(|s| s.to_string()));
        header.extend(extra_names.iter().map(|s| s.to_string()));
        let mut out = csv_writer(w);
        out.write_record(&header).map_err(io_err)?;
        Ok(DocumentsCsv {
            out,
            keys: keys.to_vec(),
            width: header.len(),
            extra: extra_names.len(),
        })
    }

    /// Writes one document's row; `extra` holds the cells of the extra columns (or nothing,
    /// for empty cells).
    pub fn row(&mut self, d: &DocumentStats, extra: &[String]) -> io::Result<()> {
        let mut row: Vec<&str> = Vec::with_capacity(self.width);
        row.push(&d.id);
        for k in &self.keys {
            row.push(d.meta.get(k).unwrap_or(""));
        }
        let (bytes, tokens, sentences) = (
            d.bytes.to_string(),
            d.tokens.to_string(),
            d.sentences.to_string(),
        );
        row.extend([bytes.as_str(), tokens.as_str(), sentences.as_str()]);
        for i in 0..self.extra {
            row.push(extra.get(i).map_or("", |c| c.as_str()));
        }
        self.out.write_record(&row).map_err(io_err)
    }

    /// Flushes the rows written.
    pub fn finish(mut self) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wordmill_model::Metadata;

    proptest::proptest! {
        /// Memoised counts and floats read as the same fields laid out one by one, also when
        /// rows with the same counts carry different floats.
        #[test]
        fn memoised_fields_equal_fields_laid_out(rows in proptest::collection::vec(
            ((0u64..4, 0u64..4), proptest::sample::select(vec![0.0, -1.5, 2.0, 1e-300, 0.1, f64::NAN])),
            0..60,
        )) {
            let (mut memoised, mut plain) = (Vec::new(), Vec::new());
            {
                let mut out = Rows::new(&mut memoised);
                let mut memo = CountsMemo::new();
                for &((a, b), x) in &rows {
                    out.text("t", true);
                    out.counts_floats([a, b], [x, -x], &mut memo);
                    out.end().unwrap();
                }
                out.finish().unwrap();
            }
            {
                let mut out = Rows::new(&mut plain);
                for &((a, b), x) in &rows {
                    out.text("t", true);
                    out.integer(a);
                    out.integer(b);
                    out.float(x);
                    out.float(-x);
                    out.end().unwrap();
                }
                out.finish().unwrap();
            }
            proptest::prop_assert_eq!(memoised, plain);
        }
    }

    #[test]
    fn documents_csv_has_metadata_columns_in_first_seen_order_and_prefixes_clashes() {
        let mut m1 = Metadata::new();
        m1.insert("year", "1990");
        m1.insert("tokens", "x");
        let mut m2 = Metadata::new();
        m2.insert("party", "d");
        let docs = vec![
            DocumentStats {
                ordinal: 0,
                id: "a,b".into(),
                meta: m1,
                bytes: 3,
                tokens: 1,
                sentences: 1,
            },
            DocumentStats {
                ordinal: 1,
                id: "c".into(),
                meta: m2,
                bytes: 4,
                tokens: 2,
                sentences: 0,
            },
        ];
        let mut keys = MetadataKeys::default();
        for d in &docs {
            keys.observe(d);
        }
        let mut buf = Vec::new();
        let mut out = DocumentsCsv::begin(&mut buf, keys.keys(), &[]).unwrap();
        for d in &docs {
            out.row(d, &[]).unwrap();
        }
        out.finish().unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert_eq!(
            text,
            "doc_id,year,meta_tokens,party,bytes,tokens,sentences\n\"a,b\",1990,x,,3,1,1\nc,,,d,4,2,0\n"
        );
    }
}
