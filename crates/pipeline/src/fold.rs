//! The finishing fold of a run: per-document rows, taken in ordinal order, become the lines of
//! `sentences.jsonl` and `documents.csv` as they come, and only running sums, the first rows
//! and the report's samples stay in memory. A streamed run feeds it batch by batch while the
//! workers go on; a merged state feeds it all its documents at once. Both go through the same
//! code, so they give the same bytes.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use wordmill_analyse::{
    DocumentScores, DocumentSentiment, DocumentStats, SentenceRecord, Sentiment, SentimentFold,
    SentimentOutput, SentimentPartial, Trends, TrendsFold,
};
use wordmill_model::Ordinal;
use wordmill_report::{
    ArcSample, DOCUMENT_COLUMNS, DocumentsCsv, MetadataKeys, OutputDir, PendingFile, arc_choice,
    document_sentiment_cells, push_sentence_line,
};

use crate::config::DuplicateIds;
use crate::error::{RunError, StateError};
use crate::manifest::{DUPLICATES_LISTED, DuplicateId, DuplicateIdsReport};

/// How many leading documents are kept in memory for the report's document table.
pub(crate) const HEAD_ROWS: usize = 100;

/// One batch of per-document rows, in ordinal order.
#[derive(Debug, Default)]
pub(crate) struct Rows {
    pub(crate) documents: Vec<DocumentStats>,
    pub(crate) sentiment: Vec<DocumentScores>,
}

/// What the fold writes and keeps.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FoldPlan {
    /// Write `sentences.jsonl`.
    pub(crate) sentences: bool,
    /// Keep what `documents.csv` needs.
    pub(crate) documents_csv: bool,
    /// Keep what the HTML report's arcs need.
    pub(crate) arcs: bool,
    /// Keep every document's rows in memory (the per-document TF-IDF output already holds
    /// the whole document-term matrix; the HTML report's per-group panels need every
    /// document's group).
    pub(crate) keep_all: bool,
    /// What a repeated document id does.
    pub(crate) duplicate_ids: DuplicateIds,
}

/// Repeated document ids, met in ordinal order (so the same whatever split of the corpus the
/// rows came from). Ids are held as 128-bit hashes: 16 bytes a document, not the ids.
pub(crate) struct IdCheck {
    policy: DuplicateIds,
    seen: HashMap<u128, Seen>,
    /// What `run.json` says of them.
    pub(crate) report: DuplicateIdsReport,
    /// Ordinal → the id a repeated one was given (`suffix`), for the outputs that name
    /// documents outside the fold.
    pub(crate) renamed: BTreeMap<Ordinal, String>,
}

#[derive(Clone, Copy)]
struct Seen {
    first: Ordinal,
    /// The last suffix given to a repeat of this id (1: none yet).
    last_suffix: u32,
}

fn id_key(id: &str) -> u128 {
    use std::hash::{Hash, Hasher};
    let mut a = std::collections::hash_map::DefaultHasher::new();
    id.hash(&mut a);
    let mut b = std::collections::hash_map::DefaultHasher::new();
    (0x5eed_u16, id).hash(&mut b);
    (u128::from(a.finish()) << 64) | u128::from(b.finish())
}

impl IdCheck {
    fn new(policy: DuplicateIds) -> IdCheck {
        IdCheck {
            policy,
            seen: HashMap::new(),
            report: DuplicateIdsReport {
                policy: policy.name().to_string(),
                ..DuplicateIdsReport::default()
            },
            renamed: BTreeMap::new(),
        }
    }

    /// Notes the id of the document at `ordinal`; returns the id it is to have instead, if
    /// any, or the error of a repeated id under `fail`.
    fn observe(&mut self, id: &str, ordinal: Ordinal) -> Result<Option<String>, RunError> {
        if self.policy == DuplicateIds::Allow {
            return Ok(None);
        }
        let key = id_key(id);
        let Some(seen) = self.seen.get(&key).copied() else {
            self.seen.insert(
                key,
                Seen {
                    first: ordinal,
                    last_suffix: 1,
                },
            );
            return Ok(None);
        };
        if self.policy == DuplicateIds::Fail {
            return Err(RunError::DuplicateId {
                id: id.to_string(),
                first: seen.first,
                ordinal,
            });
        }
        self.report.count += 1;
        let renamed = if self.policy == DuplicateIds::Suffix {
            // `x#2`, `x#3`, ..., skipping any that an earlier document already has.
            let mut k = seen.last_suffix;
            let (candidate, candidate_key) = loop {
                k += 1;
                let candidate = format!("{id}#{k}");
                let candidate_key = id_key(&candidate);
                if !self.seen.contains_key(&candidate_key) {
                    break (candidate, candidate_key);
                }
            };
            self.seen.insert(
                key,
                Seen {
                    last_suffix: k,
                    ..seen
                },
            );
            self.seen.insert(
                candidate_key,
                Seen {
                    first: ordinal,
                    last_suffix: 1,
                },
            );
            self.renamed.insert(ordinal, candidate.clone());
            Some(candidate)
        } else {
            None
        };
        if self.report.examples.len() < DUPLICATES_LISTED {
            self.report.examples.push(DuplicateId {
                id: id.to_string(),
                first_ordinal: seen.first,
                ordinal,
                renamed: renamed.clone(),
            });
        }
        Ok(renamed)
    }
}

/// A spilled document: what `documents.csv` and the arcs need of it.
#[derive(Debug, Deserialize)]
struct SpillRow {
    stats: DocumentStats,
    sentiment: Option<DocumentSentiment>,
    /// Index of its first sentence in the compounds spill.
    first: u64,
}

/// [`SpillRow`] as written, borrowing the document's rows.
#[derive(Serialize)]
struct SpillRowRef<'a> {
    stats: &'a DocumentStats,
    sentiment: Option<&'a DocumentSentiment>,
    first: u64,
}

/// The fold (see the module documentation).
pub(crate) struct Fold {
    plan: FoldPlan,
    sentiment: Option<SentimentFold>,
    /// The sentiment scores folded into the trends analyser's bins, when it draws them.
    trends: Option<TrendsFold>,
    sentences: Option<PendingFile>,
    spill: Option<Spill>,
    compounds: Option<Spill>,
    n_compounds: u64,
    keys: MetadataKeys,
    head: Vec<DocumentStats>,
    head_sentiment: Vec<DocumentSentiment>,
    all: Vec<DocumentStats>,
    all_sentiment: Vec<DocumentSentiment>,
    documents: u64,
    bytes: u64,
    tokens: u64,
    sentences_n: u64,
    with_sentences: u64,
    last: Option<(Ordinal, String)>,
    scratch: Vec<SentenceRecord>,
    line: Vec<u8>,
    ids: IdCheck,
}

/// A temporary file of the staging directory, removed when dropped.
struct Spill {
    path: PathBuf,
    w: Option<BufWriter<File>>,
}

impl Spill {
    fn create(dir: &Path, name: &str) -> io::Result<Spill> {
        let path = dir.join(format!(".{name}.spill-{}", std::process::id()));
        let file = File::create(&path)?;
        Ok(Spill {
            path,
            w: Some(BufWriter::with_capacity(1 << 16, file)),
        })
    }

    fn writer(&mut self) -> &mut BufWriter<File> {
        self.w
            .as_mut()
            .expect("a spill is written before it is read")
    }

    /// Ends writing; returns a reader from the start.
    fn reader(&mut self) -> io::Result<BufReader<File>> {
        if let Some(w) = self.w.take() {
            w.into_inner().map_err(|e| e.into_error())?;
        }
        Ok(BufReader::with_capacity(1 << 16, File::open(&self.path)?))
    }
}

impl Drop for Spill {
    fn drop(&mut self) {
        self.w = None;
        let _ = std::fs::remove_file(&self.path);
    }
}

/// What the fold leaves for the report.
pub(crate) struct Folded {
    /// Documents kept in memory: all of them with [`FoldPlan::keep_all`], else the first
    /// [`HEAD_ROWS`].
    pub(crate) documents: Vec<DocumentStats>,
    /// The sentiment output; its `documents` are those of `documents`, its `sentences` empty
    /// (they went to `sentences.jsonl`).
    pub(crate) sentiment: Option<SentimentOutput>,
    /// The sentiment per bin of the trends analyser and the bin of each document, when it
    /// draws series made of other analysers' results.
    pub(crate) trends: Option<TrendsFold>,
    /// `sentences.jsonl`, written, not yet in place.
    pub(crate) sentences_file: Option<PendingFile>,
    pub(crate) corpus: Totals,
    keys: MetadataKeys,
    spill: Option<Spill>,
    compounds: Option<Spill>,
    with_sentences: u64,
    /// The run scores sentiment (its output may have been taken out of `sentiment`).
    scored: bool,
    /// Repeated document ids.
    pub(crate) ids: IdCheck,
}

/// Corpus totals.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Totals {
    pub(crate) documents: u64,
    pub(crate) bytes: u64,
    pub(crate) tokens: u64,
    pub(crate) sentences: u64,
}

fn spill_error(dir: &Path, e: io::Error) -> RunError {
    RunError::Write {
        path: dir.to_path_buf(),
        source: e,
    }
}

impl Fold {
    /// A fold writing into the staging directory `out`.
    pub(crate) fn new(
        plan: FoldPlan,
        sentiment: Option<&Sentiment>,
        trends: Option<&Trends>,
        out: &OutputDir,
    ) -> Result<Fold, RunError> {
        let dir = out.path();
        let sentences = match (plan.sentences, sentiment) {
            (true, Some(_)) => Some(
                out.begin_file("sentences.jsonl")
                    .map_err(|e| spill_error(&dir.join("sentences.jsonl"), e))?,
            ),
            _ => None,
        };
        let spill = if plan.documents_csv || plan.arcs {
            Some(Spill::create(dir, "documents").map_err(|e| spill_error(dir, e))?)
        } else {
            None
        };
        let compounds = if plan.arcs && sentiment.is_some() {
            Some(Spill::create(dir, "compounds").map_err(|e| spill_error(dir, e))?)
        } else {
            None
        };
        Ok(Fold {
            plan,
            sentiment: sentiment.map(SentimentFold::new),
            trends: trends.and_then(Trends::fold),
            sentences,
            spill,
            compounds,
            n_compounds: 0,
            keys: MetadataKeys::default(),
            head: Vec::new(),
            head_sentiment: Vec::new(),
            all: Vec::new(),
            all_sentiment: Vec::new(),
            documents: 0,
            bytes: 0,
            tokens: 0,
            sentences_n: 0,
            with_sentences: 0,
            last: None,
            scratch: Vec::new(),
            line: Vec::new(),
            ids: IdCheck::new(plan.duplicate_ids),
        })
    }

    /// Folds one batch; batches must come in ordinal order.
    pub(crate) fn feed(&mut self, rows: Rows, dir: &Path) -> Result<(), RunError> {
        let mut scores = rows.sentiment.into_iter();
        for mut stats in rows.documents {
            if let Some((ordinal, id)) = &self.last
                && stats.ordinal <= *ordinal
            {
                return Err(StateError::Overlap {
                    first: id.clone(),
                    second: stats.id.clone(),
                    ordinal: stats.ordinal,
                }
                .into());
            }
            self.last = Some((stats.ordinal, stats.id.clone()));
            let renamed = self.ids.observe(&stats.id, stats.ordinal)?;
            if let Some(id) = &renamed {
                stats.id.clone_from(id);
            }
            let doc_sentiment = match &mut self.sentiment {
                Some(fold) => match scores.next() {
                    Some(mut s) if s.ordinal() == stats.ordinal => {
                        if let Some(id) = renamed {
                            s.rename(id);
                        }
                        Some(fold.fold(s, &mut self.scratch))
                    }
                    _ => {
                        return Err(StateError::MissingScores {
                            id: stats.id.clone(),
                            ordinal: stats.ordinal,
                        }
                        .into());
                    }
                },
                None => None,
            };
            if let Some(trends) = &mut self.trends {
                trends.observe(
                    &stats.meta,
                    stats.ordinal,
                    self.scratch.iter().map(|r| r.compound),
                );
            }
            self.write_units(dir)?;
            self.documents += 1;
            self.bytes += stats.bytes;
            self.tokens += stats.tokens;
            self.sentences_n += stats.sentences;
            self.keys.observe(&stats);
            let first = self.n_compounds;
            if let Some(d) = &doc_sentiment {
                self.n_compounds += d.sentences as u64;
                if d.sentences > 0 {
                    self.with_sentences += 1;
                }
            }
            if let Some(spill) = &mut self.spill {
                self.line.clear();
                serde_json::to_writer(
                    &mut self.line,
                    &SpillRowRef {
                        stats: &stats,
                        sentiment: doc_sentiment.as_ref(),
                        first,
                    },
                )
                .map_err(|e| spill_error(dir, io::Error::other(e)))?;
                self.line.push(b'\n');
                spill
                    .writer()
                    .write_all(&self.line)
                    .map_err(|e| spill_error(dir, e))?;
            }
            if self.plan.keep_all {
                self.all.push(stats);
                self.all_sentiment.extend(doc_sentiment);
            } else if self.head.len() < HEAD_ROWS {
                self.head.push(stats);
                self.head_sentiment.extend(doc_sentiment);
            }
        }
        if scores.next().is_some() {
            return Err(StateError::ExtraScores.into());
        }
        Ok(())
    }

    /// Writes the sentence records of the document just folded.
    fn write_units(&mut self, dir: &Path) -> Result<(), RunError> {
        if let Some(file) = &mut self.sentences {
            let failed = |e| spill_error(&dir.join("sentences.jsonl"), e);
            self.line.clear();
            for r in &self.scratch {
                push_sentence_line(&mut self.line, r).map_err(failed)?;
            }
            file.write_all(&self.line).map_err(failed)?;
        }
        if let Some(c) = &mut self.compounds {
            let w = c.writer();
            for r in &self.scratch {
                w.write_all(&r.compound.to_le_bytes())
                    .map_err(|e| spill_error(dir, e))?;
            }
        }
        self.scratch.clear();
        Ok(())
    }

    /// Ends the fold; `partial` is the merged sentiment partial whose documents were taken
    /// out and fed (its corpus quotes remain).
    pub(crate) fn end(self, mut partial: Option<SentimentPartial>) -> Folded {
        if let Some(p) = &mut partial {
            p.rename_quotes(&self.ids.renamed);
        }
        let (documents, doc_sentiment) = if self.plan.keep_all {
            (self.all, self.all_sentiment)
        } else {
            (self.head, self.head_sentiment)
        };
        let sentiment = match (self.sentiment, partial) {
            (Some(fold), Some(p)) => Some(fold.end(p, doc_sentiment, Vec::new())),
            _ => None,
        };
        let scored = sentiment.is_some();
        Folded {
            documents,
            sentiment,
            trends: self.trends,
            sentences_file: self.sentences,
            corpus: Totals {
                documents: self.documents,
                bytes: self.bytes,
                tokens: self.tokens,
                sentences: self.sentences_n,
            },
            keys: self.keys,
            spill: self.spill,
            compounds: self.compounds,
            with_sentences: self.with_sentences,
            scored,
            ids: self.ids,
        }
    }
}

impl Folded {
    /// Replays the spilled documents in order: writes `documents.csv` into `csv` (when given)
    /// and collects the sentiment arcs (when `arcs`).
    pub(crate) fn replay(
        &mut self,
        csv: Option<&mut dyn Write>,
        arcs: bool,
    ) -> io::Result<Option<ArcSample>> {
        let Some(spill) = &mut self.spill else {
            return Ok(None);
        };
        let reader = spill.reader()?;
        let with_sentiment = self.scored;
        let extra: &[&str] = if with_sentiment {
            &DOCUMENT_COLUMNS
        } else {
            &[]
        };
        let mut table = match csv {
            Some(w) => Some(DocumentsCsv::begin(w, self.keys.keys(), extra)?),
            None => None,
        };
        let chosen = if arcs && with_sentiment {
            arc_choice(self.with_sentences as usize)
        } else {
            Vec::new()
        };
        let mut wanted = chosen.iter().peekable();
        let mut picked: Vec<(DocumentSentiment, u64)> = Vec::new();
        let mut k = 0usize;
        for (n, line) in reader.lines().enumerate() {
            let line = line?;
            let row: SpillRow = serde_json::from_str(&line)
                .map_err(|e| io::Error::other(format!("document spill line {}: {e}", n + 1)))?;
            if let Some(t) = table.as_mut() {
                let cells = row
                    .sentiment
                    .as_ref()
                    .map(document_sentiment_cells)
                    .unwrap_or_default();
                t.row(&row.stats, &cells)?;
            }
            if let Some(d) = row.sentiment
                && d.sentences > 0
            {
                if wanted.peek() == Some(&&k) {
                    wanted.next();
                    picked.push((d, row.first));
                }
                k += 1;
            }
        }
        if let Some(t) = table {
            t.finish()?;
        }
        if !(arcs && with_sentiment) {
            return Ok(None);
        }
        let mut sample = ArcSample {
            documents: Vec::with_capacity(picked.len()),
            total: self.with_sentences as usize,
        };
        if let Some(c) = &mut self.compounds {
            let mut r = c.reader()?;
            for (d, first) in picked {
                r.seek(SeekFrom::Start(first * 8))?;
                let mut buf = vec![0u8; d.sentences * 8];
                r.read_exact(&mut buf)?;
                let values = buf
                    .chunks_exact(8)
                    .map(|b| f64::from_le_bytes(b.try_into().expect("8 bytes")))
                    .collect();
                sample.documents.push((d, values));
            }
        }
        Ok(Some(sample))
    }
}
