//! `[[expect]]`: checks a pipeline carries about its own results, run by `wordmill test`.
//!
//! Two forms:
//!
//! ```toml
//! [[expect]]                      # these terms are among the top `within` terms
//! top_terms = ["belarus", "strike"]
//! within = 10
//!
//! [[expect]]                      # a number in report.json lies in a range
//! metric = "sentiment.groups[party=r].compound_mean"
//! min = -0.2
//! max = 0.6
//! ```
//!
//! A metric is a dotted path into `report.json`; `name[key=value]` picks the element of an
//! array whose `key` equals `value`, `name[3]` the fourth element.

use serde::Serialize;
use serde_json::Value as Json;
use wordmill_report::{Report, Section as _, TermsSection};

/// One expectation of a pipeline file.
#[derive(Debug, Clone, PartialEq)]
pub enum Expectation {
    /// Every term must rank within the first `within` top terms.
    TopTerms {
        /// The terms.
        terms: Vec<String>,
        /// The rank bound (1-based, inclusive).
        within: usize,
    },
    /// A number of the report must lie in `min..=max` (either bound optional) or equal `equals`.
    Metric {
        /// Dotted path into `report.json`.
        path: String,
        /// Lower bound.
        min: Option<f64>,
        /// Upper bound.
        max: Option<f64>,
        /// Exact value.
        equals: Option<f64>,
    },
}

/// The outcome of one expectation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExpectationResult {
    /// What was expected, in words.
    pub expected: String,
    /// What the report holds, in words.
    pub actual: String,
    /// Whether it held.
    pub passed: bool,
}

impl Expectation {
    /// What this expectation asks, in words.
    pub fn describe(&self) -> String {
        match self {
            Expectation::TopTerms { terms, within } => {
                format!("top {within} terms include {}", terms.join(", "))
            }
            Expectation::Metric {
                path,
                min,
                max,
                equals,
            } => match (equals, min, max) {
                (Some(e), _, _) => format!("{path} = {e}"),
                (None, Some(lo), Some(hi)) => format!("{lo} <= {path} <= {hi}"),
                (None, Some(lo), None) => format!("{path} >= {lo}"),
                (None, None, Some(hi)) => format!("{path} <= {hi}"),
                (None, None, None) => format!("{path} exists"),
            },
        }
    }

    /// Checks the expectation against a run's typed report: `top_terms` against the terms
    /// section's ranking (failing when the report counts no terms), a metric against the path
    /// in the report as `report.json` writes it.
    pub fn check(&self, report: &Report) -> ExpectationResult {
        let ranking = report
            .section::<TermsSection>()
            .map(|t| t.headline().ranking);
        match self {
            Expectation::TopTerms { .. } => self.check_parts(&Json::Null, ranking.as_deref()),
            Expectation::Metric { .. } => match serde_json::to_value(report) {
                Ok(json) => self.check_parts(&json, ranking.as_deref()),
                Err(e) => ExpectationResult {
                    expected: self.describe(),
                    actual: format!("the report cannot be read as JSON: {e}"),
                    passed: false,
                },
            },
        }
    }

    /// Checks against the report's JSON (for metrics) and its terms ranking (for top terms).
    fn check_parts(&self, report: &Json, ranking: Option<&[String]>) -> ExpectationResult {
        let expected = self.describe();
        match self {
            Expectation::TopTerms { terms, within } => {
                let Some(ranking) = ranking else {
                    return ExpectationResult {
                        expected,
                        actual: "the report counts no terms ([analyse.terms] is not run)".into(),
                        passed: false,
                    };
                };
                let top: Vec<&str> = ranking.iter().map(String::as_str).collect();
                let mut missing = Vec::new();
                let mut ranks = Vec::new();
                for t in terms {
                    match top.iter().position(|x| x == t) {
                        Some(i) if i < *within => ranks.push(format!("{t} #{}", i + 1)),
                        Some(i) => missing.push(format!("{t} is #{}", i + 1)),
                        None => missing.push(format!("{t} is not in the top {}", top.len())),
                    }
                }
                let passed = missing.is_empty();
                let actual = if passed {
                    ranks.join(", ")
                } else {
                    missing.join("; ")
                };
                ExpectationResult {
                    expected,
                    actual,
                    passed,
                }
            }
            Expectation::Metric {
                path,
                min,
                max,
                equals,
            } => match lookup(report, path) {
                Err(why) => ExpectationResult {
                    expected,
                    actual: why.to_string(),
                    passed: false,
                },
                Ok(v) => match v.as_f64() {
                    None => ExpectationResult {
                        expected,
                        actual: format!("{path} is {v}, not a number"),
                        passed: false,
                    },
                    Some(x) => {
                        let passed = equals.is_none_or(|e| x == e)
                            && min.is_none_or(|lo| x >= lo)
                            && max.is_none_or(|hi| x <= hi);
                        ExpectationResult {
                            expected,
                            actual: format!("{path} = {x}"),
                            passed,
                        }
                    }
                },
            },
        }
    }
}

/// Why a metric path names nothing in a report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LookupError {
    /// A key is missing.
    #[error("report has no `{path}`")]
    NoKey {
        /// The path up to and including the missing key.
        path: String,
    },
    /// A selector follows something that is not a list.
    #[error("`{path}` is not a list")]
    NotAList {
        /// The path of the value.
        path: String,
    },
    /// An index past the end of a list.
    #[error("`{path}` has {len} elements, no [{index}]")]
    NoIndex {
        /// The path of the list.
        path: String,
        /// Its length.
        len: usize,
        /// The index asked for.
        index: usize,
    },
    /// A selector that is neither `[index]` nor `[key=value]`.
    #[error("`[{selector}]`: expected [index] or [key=value]")]
    BadSelector {
        /// The selector.
        selector: String,
    },
    /// No element of a list has `key = value`.
    #[error("`{path}` has no element with {key} = {value}")]
    NoMatch {
        /// The path of the list.
        path: String,
        /// The key.
        key: String,
        /// The value.
        value: String,
    },
}

/// Resolves a dotted path (`a.b[key=value].c`, `a[2]`) in a JSON value.
pub fn lookup<'j>(root: &'j Json, path: &str) -> Result<&'j Json, LookupError> {
    let mut cur = root;
    let mut walked = String::new();
    for segment in path.split('.') {
        let (name, selector) = match segment.find('[') {
            Some(i) if segment.ends_with(']') => {
                (&segment[..i], Some(&segment[i + 1..segment.len() - 1]))
            }
            _ => (segment, None),
        };
        if !name.is_empty() {
            cur = cur.get(name).ok_or_else(|| LookupError::NoKey {
                path: join(&walked, name),
            })?;
            walked = join(&walked, name);
        }
        if let Some(sel) = selector {
            let items = cur.as_array().ok_or_else(|| LookupError::NotAList {
                path: walked.clone(),
            })?;
            cur = if let Ok(i) = sel.parse::<usize>() {
                items.get(i).ok_or_else(|| LookupError::NoIndex {
                    path: walked.clone(),
                    len: items.len(),
                    index: i,
                })?
            } else {
                let (k, v) = sel
                    .split_once('=')
                    .ok_or_else(|| LookupError::BadSelector {
                        selector: sel.to_owned(),
                    })?;
                items
                    .iter()
                    .find(|item| match item.get(k).unwrap_or(&item["key"][k]) {
                        Json::String(s) => s == v,
                        Json::Number(n) => v.parse::<f64>().ok() == n.as_f64(),
                        Json::Bool(b) => v.parse::<bool>().ok() == Some(*b),
                        _ => false,
                    })
                    .ok_or_else(|| LookupError::NoMatch {
                        path: walked.clone(),
                        key: k.to_owned(),
                        value: v.to_owned(),
                    })?
            };
            walked.push_str(&format!("[{sel}]"));
        }
    }
    Ok(cur)
}

fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}.{b}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn report() -> Json {
        json!({
            "corpus": {"documents": 3},
            "terms": {"top": [{"term": "a"}, {"term": "b"}, {"term": "c"}]},
            "sentiment": {"groups": [{"key": {"party": "d"}, "party": "d", "compound_mean": 0.25}]}
        })
    }

    #[test]
    fn metric_paths_select_array_elements_by_key() {
        let r = report();
        assert_eq!(
            lookup(&r, "sentiment.groups[party=d].compound_mean").unwrap(),
            &json!(0.25)
        );
        assert_eq!(lookup(&r, "terms.top[1].term").unwrap(), &json!("b"));
        assert!(matches!(
            lookup(&r, "sentiment.groups[party=r]"),
            Err(LookupError::NoMatch { .. })
        ));
        assert_eq!(
            lookup(&r, "corpus.tokens").unwrap_err(),
            LookupError::NoKey {
                path: "corpus.tokens".into()
            }
        );
    }

    #[test]
    fn checks_pass_and_fail_with_the_actual_value() {
        let r = report();
        let ok = Expectation::Metric {
            path: "corpus.documents".into(),
            min: Some(1.0),
            max: Some(3.0),
            equals: None,
        };
        assert!(ok.check_parts(&r, None).passed);
        let bad = Expectation::Metric {
            path: "corpus.documents".into(),
            min: Some(4.0),
            max: None,
            equals: None,
        };
        let res = bad.check_parts(&r, None);
        assert!(!res.passed);
        assert_eq!(res.actual, "corpus.documents = 3");
        let top = Expectation::TopTerms {
            terms: vec!["a".into(), "c".into()],
            within: 2,
        };
        let ranking = ["a".to_string(), "b".into(), "c".into()];
        let res = top.check_parts(&r, Some(&ranking));
        assert!(!res.passed);
        assert_eq!(res.actual, "c is #3");
        assert!(
            !Expectation::TopTerms {
                terms: vec!["b".into()],
                within: 2
            }
            .check_parts(&r, None)
            .passed
        );
        assert!(
            Expectation::TopTerms {
                terms: vec!["b".into()],
                within: 2
            }
            .check_parts(&r, Some(&ranking))
            .passed
        );
    }
}
