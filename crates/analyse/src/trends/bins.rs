//! Calendar bins: a document's date to the start of its day, ISO week, month, quarter or year.

use std::fmt;

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// The size of a time bin (`[analyse.trends] bin`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Bin {
    /// A calendar day.
    Day,
    /// An ISO 8601 week, Monday to Sunday.
    Week,
    /// A calendar month (the default).
    #[default]
    Month,
    /// A quarter: January–March, April–June, July–September, October–December.
    Quarter,
    /// A calendar year.
    Year,
}

impl Bin {
    /// Every bin size, in the order of [`Bin::NAMES`].
    pub const ALL: [Bin; 5] = [Bin::Day, Bin::Week, Bin::Month, Bin::Quarter, Bin::Year];
    /// Their names in pipeline files.
    pub const NAMES: [&'static str; 5] = ["day", "week", "month", "quarter", "year"];

    /// The name used in pipeline files.
    pub const fn name(self) -> &'static str {
        match self {
            Bin::Day => "day",
            Bin::Week => "week",
            Bin::Month => "month",
            Bin::Quarter => "quarter",
            Bin::Year => "year",
        }
    }

    /// The precision a date needs to be placed in a bin of this size.
    fn needs(self) -> Precision {
        match self {
            Bin::Day | Bin::Week => Precision::Day,
            Bin::Month | Bin::Quarter => Precision::Month,
            Bin::Year => Precision::Year,
        }
    }

    /// The first day of the bin holding `d`.
    pub fn start(self, d: NaiveDate) -> NaiveDate {
        let first_of = |month: u32| NaiveDate::from_ymd_opt(d.year(), month, 1).unwrap_or(d);
        match self {
            Bin::Day => d,
            Bin::Week => d
                .checked_sub_days(Days::new(u64::from(d.weekday().num_days_from_monday())))
                .unwrap_or(d),
            Bin::Month => first_of(d.month()),
            Bin::Quarter => first_of((d.month0() / 3) * 3 + 1),
            Bin::Year => first_of(1),
        }
    }

    /// The first day of the bin after the one starting at `start`, if the calendar has it.
    pub fn next(self, start: NaiveDate) -> Option<NaiveDate> {
        match self {
            Bin::Day => start.checked_add_days(Days::new(1)),
            Bin::Week => start.checked_add_days(Days::new(7)),
            Bin::Month => start.checked_add_months(Months::new(1)),
            Bin::Quarter => start.checked_add_months(Months::new(3)),
            Bin::Year => start.checked_add_months(Months::new(12)),
        }
    }

    /// How people name the bin starting at `start`: `2020-08-13`, `2020-W33`, `2020-08`,
    /// `2020-Q3`, `2020`.
    pub fn label(self, start: NaiveDate) -> String {
        match self {
            Bin::Day => start.format("%Y-%m-%d").to_string(),
            Bin::Week => {
                let week = start.iso_week();
                format!("{:04}-W{:02}", week.year(), week.week())
            }
            Bin::Month => start.format("%Y-%m").to_string(),
            Bin::Quarter => format!("{:04}-Q{}", start.year(), start.month0() / 3 + 1),
            Bin::Year => format!("{:04}", start.year()),
        }
    }
}

impl fmt::Display for Bin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How precise a date value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Precision {
    Year,
    Month,
    Day,
}

/// Where a document's date value puts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placed {
    /// In the bin starting on this day.
    In(NaiveDate),
    /// The value is not a date in the form ingest writes (`2020`, `2020-08`, `2020-08-13`,
    /// `2020-08-13T06:30:00Z`).
    Undated,
    /// A date less precise than the bin (a year, in month bins).
    Imprecise,
    /// A date outside the window of `from` and `to`.
    OutOfRange,
}

/// Places a date value as ingest's `date_field` writes it, in the bins of the days from
/// `window.0` to `window.1` (either end open when `None`).
pub(crate) fn place(
    value: Option<&str>,
    bin: Bin,
    window: (Option<NaiveDate>, Option<NaiveDate>),
) -> Placed {
    let Some(value) = value else {
        return Placed::Undated;
    };
    let Some((date, precision)) = parse(value) else {
        return Placed::Undated;
    };
    if precision < bin.needs() {
        return Placed::Imprecise;
    }
    if window.0.is_some_and(|from| date < from) || window.1.is_some_and(|to| date > to) {
        return Placed::OutOfRange;
    }
    Placed::In(bin.start(date))
}

/// The first and last days of the period a value names: `2020` (a year), `2020-08` (a
/// month), `2020-08-13` (a day).
pub(crate) fn period(value: &str) -> Option<(NaiveDate, NaiveDate)> {
    let (first, precision) = parse(value)?;
    let last = match precision {
        Precision::Day => Some(first),
        Precision::Month => Bin::Month.next(first).and_then(|n| n.pred_opt()),
        Precision::Year => Bin::Year.next(first).and_then(|n| n.pred_opt()),
    };
    Some((first, last.unwrap_or(NaiveDate::MAX)))
}

/// `2020`, `2020-08`, `2020-08-13` and `2020-08-13T…` (the date of a UTC date-time).
fn parse(value: &str) -> Option<(NaiveDate, Precision)> {
    let b = value.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let s = value.get(r)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let year = i32::try_from(digits(0..4)?).ok()?;
    match b.len() {
        4 => Some((NaiveDate::from_ymd_opt(year, 1, 1)?, Precision::Year)),
        7 if b[4] == b'-' => Some((
            NaiveDate::from_ymd_opt(year, digits(5..7)?, 1)?,
            Precision::Month,
        )),
        n if n >= 10 && b[4] == b'-' && b[7] == b'-' && (n == 10 || b[10] == b'T') => Some((
            NaiveDate::from_ymd_opt(year, digits(5..7)?, digits(8..10)?)?,
            Precision::Day,
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn bins_start_label_and_follow_on_the_calendar() {
        let day = d("2020-08-13"); // a Thursday, ISO week 33
        let cases = [
            (Bin::Day, "2020-08-13", "2020-08-13", "2020-08-14"),
            (Bin::Week, "2020-08-10", "2020-W33", "2020-08-17"),
            (Bin::Month, "2020-08-01", "2020-08", "2020-09-01"),
            (Bin::Quarter, "2020-07-01", "2020-Q3", "2020-10-01"),
            (Bin::Year, "2020-01-01", "2020", "2021-01-01"),
        ];
        for (bin, start, label, next) in cases {
            assert_eq!(bin.start(day), d(start), "{bin}");
            assert_eq!(bin.label(d(start)), label, "{bin}");
            assert_eq!(bin.next(d(start)), Some(d(next)), "{bin}");
        }
        // The ISO week of 2021-01-01 (a Friday) is week 53 of 2020.
        assert_eq!(
            Bin::Week.label(Bin::Week.start(d("2021-01-01"))),
            "2020-W53"
        );
    }

    #[test]
    fn values_are_placed_by_their_precision() {
        assert_eq!(
            place(Some("2020-08-13T06:30:00Z"), Bin::Week, (None, None)),
            Placed::In(d("2020-08-10"))
        );
        assert_eq!(
            place(Some("2020-08"), Bin::Quarter, (None, None)),
            Placed::In(d("2020-07-01"))
        );
        assert_eq!(
            place(Some("2020-08"), Bin::Day, (None, None)),
            Placed::Imprecise
        );
        assert_eq!(
            place(Some("2020"), Bin::Month, (None, None)),
            Placed::Imprecise
        );
        assert_eq!(
            place(Some("2020"), Bin::Year, (None, None)),
            Placed::In(d("2020-01-01"))
        );
        for bad in [
            None,
            Some(""),
            Some("Thu, 13 Aug 2020"),
            Some("2020-02-30"),
            Some("20200"),
        ] {
            assert_eq!(
                place(bad, Bin::Year, (None, None)),
                Placed::Undated,
                "{bad:?}"
            );
        }
    }

    proptest! {
        /// A day lies in its bin: at or after its start, before the next bin's.
        #[test]
        fn a_day_lies_in_its_bin(days in 0u64..3_000_000, k in 0usize..5) {
            let bin = Bin::ALL[k];
            let day = NaiveDate::from_ymd_opt(1, 1, 1).unwrap().checked_add_days(Days::new(days)).unwrap();
            let start = bin.start(day);
            prop_assert!(start <= day);
            if let Some(next) = bin.next(start) {
                prop_assert!(day < next);
                prop_assert_eq!(bin.start(next), next);
            }
        }
    }
}
