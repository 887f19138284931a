//! Document dates: [`SourceConfig::date_field`](field@crate::SourceConfig::date_field) parsed in
//! every common shape and written back in one, ISO 8601 in UTC.

use std::fmt;
use std::str::FromStr;

use chrono::format::{Item, StrftimeItems};
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, Timelike, Utc};

/// The earliest and latest years a date may have: four-digit years of the common era.
const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

/// A fixed strftime-style format for the dates of a corpus
/// ([`SourceConfig::date_format`](field@crate::SourceConfig::date_format)), such as `%d/%m/%Y` or
/// `%Y-%m-%d %H:%M:%S %z`.
///
/// A format with an hour gives a date-time (in UTC when it has an offset, `%z`, else taken as
/// UTC); one without gives a date.
///
/// ```
/// use wordmill_ingest::DateFormat;
///
/// let format: DateFormat = "%d/%m/%Y".parse().unwrap();
/// assert_eq!(format.normalise("13/08/2020").unwrap(), "2020-08-13");
/// assert!("%Q".parse::<DateFormat>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DateFormat {
    format: String,
    /// Whether the format has an offset (`%z`, `%:z`, `%#z`).
    offset: bool,
    /// Whether it has an hour.
    time: bool,
}

/// A `date_format` that is not a valid strftime-style format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid date_format `{0}`: expected a strftime-style format such as `%d/%m/%Y` or \
     `%Y-%m-%dT%H:%M:%S%z` (with %Y, %m, %d and, for a date-time, %H and %M)"
)]
pub struct DateFormatError(String);

impl FromStr for DateFormat {
    type Err = DateFormatError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let items: Vec<Item<'_>> = StrftimeItems::new(s).collect();
        if items.iter().any(|i| matches!(i, Item::Error)) {
            return Err(DateFormatError(s.to_owned()));
        }
        let has = |spec: &[&str]| spec.iter().any(|p| s.contains(p));
        let year = has(&["%Y", "%y", "%G", "%C", "%F", "%D", "%x", "%c", "%s"]);
        if !year {
            return Err(DateFormatError(s.to_owned()));
        }
        Ok(DateFormat {
            format: s.to_owned(),
            offset: has(&["%z", "%:z", "%#z", "%::z", "%:::z", "%c", "%+", "%s"]),
            time: has(&[
                "%H", "%I", "%k", "%l", "%R", "%T", "%X", "%r", "%c", "%+", "%s",
            ]),
        })
    }
}

impl fmt::Display for DateFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format)
    }
}

impl DateFormat {
    /// The format as written.
    pub fn as_str(&self) -> &str {
        &self.format
    }

    /// Parses `value` with this format and writes it in the form [`normalise_date`] gives.
    ///
    /// # Errors
    ///
    /// A value that does not match the format, or a date outside the years 1 to 9999: what
    /// was found and what was expected.
    pub fn normalise(&self, value: &str) -> Result<String, DateError> {
        let value = value.trim();
        let bad = || DateError::new(value, &format!("a date in the format `{}`", self.format));
        if self.offset {
            let t = DateTime::parse_from_str(value, &self.format).map_err(|_| bad())?;
            return date_time(value, t.with_timezone(&Utc).naive_utc());
        }
        if self.time {
            let t = NaiveDateTime::parse_from_str(value, &self.format).map_err(|_| bad())?;
            return date_time(value, t);
        }
        let d = NaiveDate::parse_from_str(value, &self.format).map_err(|_| bad())?;
        date(value, d)
    }
}

/// A date value that could not be read: what was found, what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("date `{found}` not understood: expected {expected}")]
pub struct DateError {
    found: String,
    expected: String,
}

impl DateError {
    fn new(found: &str, expected: &str) -> Self {
        let mut shown: String = found.chars().take(80).collect();
        if shown.len() < found.len() {
            shown.push('…');
        }
        DateError {
            found: shown,
            expected: expected.to_owned(),
        }
    }
}

/// What the automatic detection accepts, said in errors.
const EXPECTED: &str = "an ISO 8601 date or date-time (`2020-08-13`, `2020-08-13T09:30:00+03:00`), \
     an RFC 2822 date (`Thu, 13 Aug 2020 09:30:00 +0300`), `YYYY-MM` or `YYYY`, with a year from \
     1 to 9999";

/// Reads a date in any of the shapes a corpus brings and writes it in one:
///
/// | found | written |
/// | --- | --- |
/// | `2020`, `2020-08` | unchanged: a year, a month |
/// | `2020-08-13` | unchanged: a date |
/// | `2020-08-13T09:30:00+03:00`, `2020-08-13 09:30:00.25Z`, `2020-08-13T09:30+0300` | `2020-08-13T06:30:00Z`: UTC, whole seconds |
/// | `2020-08-13T09:30:00` (no offset) | `2020-08-13T09:30:00Z`: taken as UTC |
/// | `Thu, 13 Aug 2020 09:30:00 +0300 (MSK)` (RFC 2822, e-mail `Date:`) | `2020-08-13T06:30:00Z` |
///
/// ```
/// use wordmill_ingest::normalise_date;
///
/// assert_eq!(normalise_date("Thu, 22 Aug 2002 18:26:25 +0700").unwrap(), "2002-08-22T11:26:25Z");
/// assert_eq!(normalise_date("2002-08-22").unwrap(), "2002-08-22");
/// assert!(normalise_date("0000-01-01").is_err());
/// ```
///
/// # Errors
///
/// A value in none of these shapes, an impossible date (`2020-02-30`) or a year outside 1 to
/// 9999.
pub fn normalise_date(value: &str) -> Result<String, DateError> {
    let value = value.trim();
    let bad = || DateError::new(value, EXPECTED);
    let b = value.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    if b.first().is_some_and(u8::is_ascii_digit) && digits(0..4) {
        if b.len() == 4 {
            let year: i32 = value.parse().map_err(|_| bad())?;
            return if YEARS.contains(&year) {
                Ok(value.to_owned())
            } else {
                Err(out_of_range(value))
            };
        }
        if b.get(4) == Some(&b'-') && digits(5..7) {
            if b.len() == 7 {
                let d = NaiveDate::parse_from_str(&format!("{value}-01"), "%Y-%m-%d")
                    .map_err(|_| bad())?;
                return date(value, d).map(|_| value.to_owned());
            }
            if b.get(7) == Some(&b'-') && digits(8..10) {
                if b.len() == 10 {
                    let d = NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| bad())?;
                    return date(value, d);
                }
                return iso_date_time(value).ok_or_else(bad)?;
            }
        }
        return Err(bad());
    }
    rfc2822(value).ok_or_else(bad)?
}

fn out_of_range(value: &str) -> DateError {
    DateError::new(value, "a year from 1 to 9999")
}

fn date(value: &str, d: NaiveDate) -> Result<String, DateError> {
    if !YEARS.contains(&d.year()) {
        return Err(out_of_range(value));
    }
    Ok(d.format("%Y-%m-%d").to_string())
}

fn date_time(value: &str, t: NaiveDateTime) -> Result<String, DateError> {
    if !YEARS.contains(&t.year()) {
        return Err(out_of_range(value));
    }
    let t = t.with_nanosecond(0).unwrap_or(t);
    Ok(t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// An ISO 8601 date-time: `T` or a space between date and time, seconds and fractions
/// optional, an offset (`Z`, `+03:00`, `+0300`, `+03`) optional.
fn iso_date_time(value: &str) -> Option<Result<String, DateError>> {
    let (date_part, rest) = value.split_at(10);
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    // Split the offset off the time.
    let (time, offset) = match rest.find(['Z', 'z', '+', '-']) {
        Some(i) => (&rest[..i], Some(&rest[i..])),
        None => (rest, None),
    };
    let time = time.trim_end();
    let naive = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(&format!("{date_part}T{time}"), f).ok())?;
    let utc = match offset {
        None => naive,
        Some("Z" | "z") => naive,
        Some(o) => {
            let seconds = parse_offset(o)?;
            let offset = FixedOffset::east_opt(seconds)?;
            naive.checked_sub_offset(offset)?
        }
    };
    Some(date_time(value, utc))
}

/// `+03:00`, `+0300`, `+03`, `-05:30`: seconds east of UTC.
fn parse_offset(o: &str) -> Option<i32> {
    let (sign, digits) = match o.as_bytes().first()? {
        b'+' => (1, &o[1..]),
        b'-' => (-1, &o[1..]),
        _ => return None,
    };
    let digits: String = digits.chars().filter(|&c| c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m) = match digits.len() {
        2 => (digits.parse::<i32>().ok()?, 0),
        4 => (
            digits[..2].parse::<i32>().ok()?,
            digits[2..].parse::<i32>().ok()?,
        ),
        _ => return None,
    };
    (h < 24 && m < 60).then_some(sign * (h * 3600 + m * 60))
}

/// An RFC 2822 date, with a trailing comment such as `(EDT)` allowed.
fn rfc2822(value: &str) -> Option<Result<String, DateError>> {
    let mut v = value.trim();
    while let Some(stripped) = v.strip_suffix(')') {
        let open = stripped.rfind('(')?;
        v = stripped[..open].trim_end();
    }
    let v = obsolete_year(v);
    match DateTime::parse_from_rfc2822(&v) {
        Ok(t) => Some(date_time(value, t.with_timezone(&Utc).naive_utc())),
        Err(_) => lenient_rfc2822(&v).map(|t| date_time(value, t)),
    }
}

/// An RFC 2822 date as mail readers repair it: a two-digit year (below 50: 20xx, else 19xx),
/// seconds left out, a 12-hour time with `AM`/`PM`, a missing or unknown zone (UTC, as RFC
/// 2822 reads `-0000`), a doubled sign (`+-0500`: the last sign counts), and anything after the
/// zone ignored. The day, the month's name and the year are required.
fn lenient_rfc2822(v: &str) -> Option<NaiveDateTime> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let mut tokens = v
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .peekable();
    if tokens.peek()?.bytes().all(|b| b.is_ascii_alphabetic()) {
        tokens.next();
    }
    let day: u32 = tokens.next()?.parse().ok()?;
    let month = tokens.next()?.to_ascii_lowercase();
    let month = MONTHS.iter().position(|m| month.starts_with(m))? as u32 + 1;
    let year = tokens.next()?;
    let year: i32 = match (year.len(), year.parse::<i32>().ok()?) {
        (2, y) if y < 50 => 2000 + y,
        (2, y) => 1900 + y,
        (4, y) => y,
        _ => return None,
    };
    let time = tokens.next()?;
    let mut parts = time.split(':');
    let mut hour: u32 = parts.next()?.parse().ok()?;
    let minute: u32 = parts.next()?.parse().ok()?;
    let second: u32 = match parts.next() {
        Some(s) => s.parse().ok()?,
        None => 0,
    };
    let mut zone = tokens.next();
    let meridiem = zone.map(str::to_ascii_lowercase);
    if let Some(m) = meridiem
        .as_deref()
        .filter(|m| m.starts_with("am") || m.starts_with("pm"))
    {
        if m.starts_with("pm") && (1..12).contains(&hour) {
            hour += 12;
        } else if m.starts_with("am") && hour == 12 {
            hour = 0;
        }
        zone = tokens.next();
    }
    let offset_hours = |h: i32| Some(h * 3600);
    let offset = match zone {
        Some(z) if z.starts_with(['+', '-']) => {
            let digits = z.trim_start_matches(['+', '-']);
            let sign = z[..z.len() - digits.len()].chars().last()?;
            let digits: String = digits.chars().take_while(char::is_ascii_digit).collect();
            parse_offset(&format!("{sign}{digits}"))
        }
        Some(z) => match z.to_ascii_uppercase().as_str() {
            "EST" => offset_hours(-5),
            "EDT" | "AST" => offset_hours(-4),
            "CST" => offset_hours(-6),
            "CDT" => offset_hours(-5),
            "MST" => offset_hours(-7),
            "MDT" => offset_hours(-6),
            "PST" => offset_hours(-8),
            "PDT" => offset_hours(-7),
            _ => Some(0),
        },
        None => Some(0),
    }?;
    let naive = NaiveDate::from_ymd_opt(year, month, day)?.and_hms_opt(hour, minute, second)?;
    naive.checked_sub_offset(FixedOffset::east_opt(offset)?)
}

/// A year written with a leading zero after the month (`29 Aug 0102`, as mail programs that
/// printed years since 1900 wrote 2002) is a three-digit year, which RFC 2822 §4.3 reads with
/// 1900 added.
fn obsolete_year(v: &str) -> String {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let mut out = Vec::new();
    let mut after_month = false;
    for token in v.split_whitespace() {
        let obsolete = after_month
            && token.len() == 4
            && token.starts_with('0')
            && token.bytes().all(|b| b.is_ascii_digit());
        match token.parse::<i32>() {
            Ok(year) if obsolete => out.push((1900 + year).to_string()),
            _ => out.push(token.to_owned()),
        }
        after_month = MONTHS.contains(&token.to_ascii_lowercase().as_str());
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn every_accepted_shape_is_written_in_utc_iso() {
        let cases = [
            ("2020", "2020"),
            ("2020-08", "2020-08"),
            ("2020-08-13", "2020-08-13"),
            (" 2020-08-13 ", "2020-08-13"),
            ("2020-08-13T09:30:00+03:00", "2020-08-13T06:30:00Z"),
            ("2020-08-13T09:30:00.75+03:00", "2020-08-13T06:30:00Z"),
            ("2020-08-13 09:30:00Z", "2020-08-13T09:30:00Z"),
            ("2020-08-13T09:30+0300", "2020-08-13T06:30:00Z"),
            ("2020-08-13T01:30:00+03", "2020-08-12T22:30:00Z"),
            ("2020-08-13T23:30:00-05:30", "2020-08-14T05:00:00Z"),
            ("2020-08-13T09:30:00", "2020-08-13T09:30:00Z"),
            ("Thu, 22 Aug 2002 18:26:25 +0700", "2002-08-22T11:26:25Z"),
            (
                "Thu, 22 Aug 2002 08:17:21 -0400 (EDT)",
                "2002-08-22T12:17:21Z",
            ),
            ("22 Aug 2002 18:26:25 GMT", "2002-08-22T18:26:25Z"),
            ("Wed, 21 Aug 2002 20:31:57 -1600", "2002-08-22T12:31:57Z"),
            ("Thu, 29 Aug 0102 10:00:00 +0000", "2002-08-29T10:00:00Z"),
            // As mail readers repair them.
            ("Tue, 21 May 2002 05:00:40", "2002-05-21T05:00:40Z"),
            ("Thu, 29 Aug 2002 15:36:58 +-0500", "2002-08-29T20:36:58Z"),
            (
                "06 Jul 01 8:00:34 PMFrom: someone@example.com",
                "2001-07-06T20:00:34Z",
            ),
            (
                "Sat, 21 Sep 02 05:01:06 Greenwich Standard Time",
                "2002-09-21T05:01:06Z",
            ),
            (
                "Thu, 2 May 2002 02:12:07 UTX-X: garbage",
                "2002-05-02T02:12:07Z",
            ),
            ("Mon, 12 Aug 2002 9:05 PDT", "2002-08-12T16:05:00Z"),
        ];
        for (found, written) in cases {
            assert_eq!(normalise_date(found).as_deref(), Ok(written), "{found}");
        }
    }

    #[test]
    fn impossible_and_out_of_range_dates_are_errors_saying_what_was_expected() {
        for bad in [
            "",
            "yesterday",
            "2020-02-30",
            "2020-13",
            "0000",
            "0000-01-01",
            "99999",
            "99999-01-01",
            "2020-08-13T25:00:00",
            "2020-08-13T09:30:00+99:00",
            "Thu, 32 Aug 2002 18:26:25 +0700",
            "20200813",
        ] {
            let err = normalise_date(bad).unwrap_err().to_string();
            assert!(err.contains("expected"), "{bad}: {err}");
        }
        assert!(
            normalise_date("0000")
                .unwrap_err()
                .to_string()
                .contains("1 to 9999")
        );
    }

    #[test]
    fn a_fixed_format_reads_dates_and_date_times() {
        let f: DateFormat = "%d/%m/%Y".parse().unwrap();
        assert_eq!(f.normalise("13/08/2020").unwrap(), "2020-08-13");
        assert!(f.normalise("2020-08-13").is_err());
        let f: DateFormat = "%d.%m.%Y %H:%M %z".parse().unwrap();
        assert_eq!(
            f.normalise("13.08.2020 09:30 +0300").unwrap(),
            "2020-08-13T06:30:00Z"
        );
        let f: DateFormat = "%Y%m%d%H%M%S".parse().unwrap();
        assert_eq!(
            f.normalise("20200813093000").unwrap(),
            "2020-08-13T09:30:00Z"
        );
        for bad in ["%Q", "%d/%m", ""] {
            assert!(bad.parse::<DateFormat>().is_err(), "{bad}");
        }
    }

    proptest! {
        /// Whatever the text, no panic; what is accepted reads back as itself.
        #[test]
        fn any_text_is_a_date_or_an_error_and_dates_are_fixed_points(s in "\\PC{0,40}") {
            if let Ok(d) = normalise_date(&s) {
                prop_assert_eq!(normalise_date(&d), Ok(d.clone()));
            }
        }

        #[test]
        fn generated_date_times_round_trip(
            y in 1i32..=9999, mo in 1u32..=12, d in 1u32..=28,
            h in 0u32..24, mi in 0u32..60, s in 0u32..60, off in -23i32..=23,
        ) {
            let text = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{}{:02}:00",
                if off < 0 { '-' } else { '+' }, off.abs());
            let naive = NaiveDate::from_ymd_opt(y, mo, d).unwrap().and_hms_opt(h, mi, s).unwrap();
            let utc = naive - chrono::Duration::hours(i64::from(off));
            match normalise_date(&text) {
                Ok(got) => prop_assert_eq!(got, utc.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
                Err(_) => prop_assert!(!YEARS.contains(&utc.year())),
            }
        }
    }
}
