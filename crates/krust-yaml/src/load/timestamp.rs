//! YAML timestamps as go-yaml v3 recognises them and kustomize prints them.
//!
//! go-yaml v3 turns an unquoted scalar such as `2021-01-01` into a Go
//! `time.Time` by trying four `time.Parse` layouts; kustomize then writes it
//! through `encoding/json`, i.e. as RFC 3339 with nanoseconds
//! (`2021-01-01T00:00:00Z`). Go's layout parser is lenient in specific ways
//! (one- or two-digit fields, any run of spaces for a layout space, a comma as
//! fraction separator, offsets up to `+24:60`), so those rules are reproduced
//! here rather than using a stricter RFC 3339 parser.

/// A parsed timestamp, with the wall-clock fields as written and the offset.
///
/// The one home of Go's timestamp layouts in krust: the emitter asks
/// [`Timestamp::parse`] too, since go-yaml v2 tries the same layouts as v3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Timestamp {
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    nanos: u32,
    /// Seconds east of UTC (0 for `Z` and for layouts without a zone).
    offset: i32,
}

/// One element of a Go time layout, in the order go-yaml's layouts use them.
#[derive(Clone, Copy)]
enum Field {
    /// `2006`: exactly four digits.
    Year,
    /// `1`: one or two digits, 1-12.
    Month,
    /// `2`: one or two digits, checked against the month at the end.
    Day,
    /// `15`: one or two digits, 0-23.
    Hour,
    /// `4`: one or two digits, 0-59.
    Minute,
    /// `5`: one or two digits, 0-59.
    Second,
    /// `.999999999`: an optional `.` or `,` and any number of digits.
    Fraction,
    /// `Z07:00`: `Z` or `±hh:mm`.
    Zone,
    /// A literal byte of the layout.
    Lit(u8),
    /// A layout space: matches one or more spaces (or the end of input).
    Space,
}

use Field::*;

/// go-yaml v3's `allowedTimestampFormats`, tried in order.
const LAYOUTS: [&[Field]; 4] = [
    &[
        Year,
        Lit(b'-'),
        Month,
        Lit(b'-'),
        Day,
        Lit(b'T'),
        Hour,
        Lit(b':'),
        Minute,
        Lit(b':'),
        Second,
        Fraction,
        Zone,
    ],
    &[
        Year,
        Lit(b'-'),
        Month,
        Lit(b'-'),
        Day,
        Lit(b't'),
        Hour,
        Lit(b':'),
        Minute,
        Lit(b':'),
        Second,
        Fraction,
        Zone,
    ],
    &[
        Year,
        Lit(b'-'),
        Month,
        Lit(b'-'),
        Day,
        Space,
        Hour,
        Lit(b':'),
        Minute,
        Lit(b':'),
        Second,
        Fraction,
    ],
    &[Year, Lit(b'-'), Month, Lit(b'-'), Day],
];

impl Timestamp {
    /// Parses `s` the way go-yaml v3's `parseTimestamp` does.
    pub(crate) fn parse(s: &str) -> Option<Timestamp> {
        let b = s.as_bytes();
        // go-yaml's quick check: every accepted form starts with `YYYY-`.
        if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
            return None;
        }
        LAYOUTS.iter().find_map(|layout| parse_layout(b, layout))
    }

    /// The text Go's `time.Time.MarshalJSON` writes (RFC 3339 with the
    /// fraction's trailing zeros dropped), or the error it reports for an
    /// offset of 24 hours or more.
    pub(crate) fn to_json_string(self) -> Result<String, String> {
        let mut out = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        );
        if self.nanos > 0 {
            let frac = format!("{:09}", self.nanos);
            out.push('.');
            out.push_str(frac.trim_end_matches('0'));
        }
        if self.offset == 0 {
            out.push('Z');
            return Ok(out);
        }
        let minutes = self.offset.unsigned_abs() / 60;
        if minutes / 60 >= 24 {
            return Err("Time.MarshalJSON: timezone hour outside of range [0,23]".to_owned());
        }
        let sign = if self.offset < 0 { '-' } else { '+' };
        out.push_str(&format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60));
        Ok(out)
    }
}

/// Go's `time.Parse` for one layout: every field must match in turn, nothing
/// may be left over, and the day must exist in its month.
fn parse_layout(mut v: &[u8], layout: &[Field]) -> Option<Timestamp> {
    let mut t = Timestamp {
        year: 0,
        month: 1,
        day: 1,
        hour: 0,
        minute: 0,
        second: 0,
        nanos: 0,
        offset: 0,
    };
    for field in layout {
        v = match *field {
            Year => {
                let digits = v.get(..4)?;
                t.year = digits.iter().try_fold(0u32, |n, &c| {
                    c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
                })?;
                &v[4..]
            }
            Month => ranged(v, &mut t.month, 1, 12)?,
            Day => ranged(v, &mut t.day, 0, 99)?,
            Hour => ranged(v, &mut t.hour, 0, 23)?,
            Minute => ranged(v, &mut t.minute, 0, 59)?,
            Second => ranged(v, &mut t.second, 0, 59)?,
            Fraction => fraction(v, &mut t.nanos),
            Zone => zone(v, &mut t.offset)?,
            Lit(c) => v.strip_prefix(&[c])?,
            Space => layout_space(v)?,
        };
    }
    (v.is_empty() && t.day >= 1 && t.day <= days_in_month(t.month, t.year)).then_some(t)
}

/// A one- or two-digit number (Go's `getnum(value, false)`) within `min..=max`.
fn ranged<'a>(v: &'a [u8], out: &mut u32, min: u32, max: u32) -> Option<&'a [u8]> {
    let (n, rest) = one_or_two_digits(v)?;
    *out = n;
    (min..=max).contains(&n).then_some(rest)
}

fn one_or_two_digits(v: &[u8]) -> Option<(u32, &[u8])> {
    let first = *v.first().filter(|c| c.is_ascii_digit())?;
    let first = u32::from(first - b'0');
    match v.get(1) {
        Some(c) if c.is_ascii_digit() => Some((first * 10 + u32::from(c - b'0'), &v[2..])),
        _ => Some((first, &v[1..])),
    }
}

/// Go's `stdFracSecond9`: optional, introduced by `.` or `,` and a digit;
/// all digits are consumed but only the first nine count.
fn fraction<'a>(v: &'a [u8], nanos: &mut u32) -> &'a [u8] {
    let introduced = v.len() >= 2 && matches!(v[0], b'.' | b',') && v[1].is_ascii_digit();
    if !introduced {
        return v;
    }
    let digits = v[1..].iter().take_while(|c| c.is_ascii_digit()).count();
    let mut n = 0u32;
    for i in 0..9 {
        let d = v
            .get(1 + i)
            .filter(|_| i < digits)
            .map_or(0, |c| u32::from(c - b'0'));
        n = n * 10 + d;
    }
    *nanos = n;
    &v[1 + digits..]
}

/// Go's `stdISO8601ColonTZ`: `Z`, or a sign, two hour digits, `:` and two
/// minute digits, accepting hours up to 24 and minutes up to 60.
fn zone<'a>(v: &'a [u8], offset: &mut i32) -> Option<&'a [u8]> {
    if let Some(rest) = v.strip_prefix(b"Z") {
        *offset = 0;
        return Some(rest);
    }
    if v.len() < 6 || v[3] != b':' {
        return None;
    }
    let two = |a: u8, b: u8| {
        (a.is_ascii_digit() && b.is_ascii_digit())
            .then(|| i32::from(a - b'0') * 10 + i32::from(b - b'0'))
    };
    let hours = two(v[1], v[2])?;
    let minutes = two(v[4], v[5])?;
    if hours > 24 || minutes > 60 {
        return None;
    }
    let magnitude = (hours * 60 + minutes) * 60;
    *offset = match v[0] {
        b'+' => magnitude,
        b'-' => -magnitude,
        _ => return None,
    };
    Some(&v[6..])
}

/// A space in a Go layout: the input must be at its end or at a space, and
/// every leading space is consumed.
fn layout_space(v: &[u8]) -> Option<&[u8]> {
    if v.first().is_some_and(|&c| c != b' ') {
        return None;
    }
    let spaces = v.iter().take_while(|&&c| c == b' ').count();
    Some(&v[spaces..])
}

fn days_in_month(month: u32, year: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::Timestamp;

    fn json(s: &str) -> Option<String> {
        Timestamp::parse(s).map(|t| t.to_json_string().unwrap())
    }

    /// Every expectation here was printed by `kubectl kustomize` (v5.5.0).
    #[test]
    fn forms_kustomize_accepts() {
        let cases = [
            ("2021-01-01", "2021-01-01T00:00:00Z"),
            (
                "2001-12-14t21:59:43.10-05:00",
                "2001-12-14T21:59:43.1-05:00",
            ),
            ("2001-12-14 21:59:43.10", "2001-12-14T21:59:43.1Z"),
            ("2001-12-15T02:59:43.1Z", "2001-12-15T02:59:43.1Z"),
            (
                "2001-12-14T21:59:43.10+01:00",
                "2001-12-14T21:59:43.1+01:00",
            ),
            ("2001-1-4", "2001-01-04T00:00:00Z"),
            (
                "2001-12-14T21:59:43.123456789123Z",
                "2001-12-14T21:59:43.123456789Z",
            ),
            ("2001-12-14t21:59:43Z", "2001-12-14T21:59:43Z"),
            ("0001-01-01", "0001-01-01T00:00:00Z"),
            ("0000-01-01", "0000-01-01T00:00:00Z"),
            ("2001-12-14T21:59:43.000Z", "2001-12-14T21:59:43Z"),
            ("2001-12-14T21:59:43.5+00:00", "2001-12-14T21:59:43.5Z"),
            ("2001-12-14T21:59:43-00:00", "2001-12-14T21:59:43Z"),
            ("2001-12-14 21:59:43,5", "2001-12-14T21:59:43.5Z"),
            ("2001-12-14    21:59:43", "2001-12-14T21:59:43Z"),
            ("2001-12-14T21:59:43+05:60", "2001-12-14T21:59:43+06:00"),
            ("2000-02-29", "2000-02-29T00:00:00Z"),
            ("2001-12-14T1:2:3Z", "2001-12-14T01:02:03Z"),
            ("2001-12-14T21:59:43.0000000001Z", "2001-12-14T21:59:43Z"),
            ("2001-12-14T21:59:43.5-05:30", "2001-12-14T21:59:43.5-05:30"),
            (
                "1900-01-01 00:00:00.999999999",
                "1900-01-01T00:00:00.999999999Z",
            ),
            ("2001-1-1T1:1:1.1Z", "2001-01-01T01:01:01.1Z"),
        ];
        for (input, want) in cases {
            assert_eq!(json(input).as_deref(), Some(want), "{input}");
        }
    }

    /// Each of these stayed a plain string in `kubectl kustomize` output.
    #[test]
    fn forms_kustomize_keeps_as_strings() {
        for input in [
            "2001-12-14T21:59:43",
            "2001-12-14 21:59:43 -5",
            "2001-12-14 21:59:43.10 -05:00",
            "2001-02-30",
            "2001-02-29",
            "2001-12-14T24:00:00Z",
            "2001-12-14T21:59:60Z",
            "2001-12-14T21:59:43.Z",
            "2001-12-14T21:59:43z",
            "2001-12-14T21:59:43+0500",
            "2001-12-14 21:59:43.",
            "2001-00-14",
            "+2001-01-01",
            "20010-01-01",
            "2001-12-14T21:59:43+5:00",
            "2001-12-14T21:59:43+05:00x",
            "2001-12-14T21:59:43.123,4Z",
            "2001-12-14T21:59:43+25:00",
            "2001-012-01",
            "2001-12-14\t21:59:43",
        ] {
            assert_eq!(Timestamp::parse(input), None, "{input}");
        }
    }

    #[test]
    fn offsets_of_a_day_or_more_fail_json_marshalling() {
        for input in ["2001-12-14T21:59:43+24:00", "2001-12-14T21:59:43-23:60"] {
            let t = Timestamp::parse(input).expect(input);
            assert!(t.to_json_string().is_err(), "{input}");
        }
    }
}
