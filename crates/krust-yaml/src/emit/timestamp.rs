//! go-yaml v2's timestamp recognition: `parseTimestamp`, which tries four Go
//! `time.Parse` layouts. Reproduced with Go's parsing rules because they decide
//! whether a date-like string gets quoted: one- or two-digit fields, `,` or `.`
//! before fractional seconds, any run of spaces for the layout's one space, only
//! `Z` or `±hh:mm` zones (offsets up to 24:60), and real calendar days.

/// Whether v2 would read `s`, written plain, as a `!!timestamp`.
pub(super) fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    // v2's quick check: exactly four digits, then '-'.
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    [
        Layout::UpperT,
        Layout::LowerT,
        Layout::Space,
        Layout::DateOnly,
    ]
    .into_iter()
    .any(|layout| parses(b, layout))
}

/// The layouts v2 tries, in order.
#[derive(Clone, Copy, PartialEq)]
enum Layout {
    /// `2006-1-2T15:4:5.999999999Z07:00`
    UpperT,
    /// `2006-1-2t15:4:5.999999999Z07:00`
    LowerT,
    /// `2006-1-2 15:4:5.999999999`
    Space,
    /// `2006-1-2`
    DateOnly,
}

/// A cursor over the remaining input, mirroring how `time.Parse` consumes it.
struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn literal(&mut self, c: u8) -> Option<()> {
        let (&first, rest) = self.0.split_first()?;
        (first == c).then(|| self.0 = rest)
    }

    /// Go's `getnum(value, false)`: one digit, or two when two are there.
    fn number(&mut self) -> Option<u32> {
        let first = self.digit()?;
        Some(match self.digit() {
            Some(second) => first * 10 + second,
            None => first,
        })
    }

    /// Go's `getnum(value, true)`: exactly two digits.
    fn two_digits(&mut self) -> Option<u32> {
        Some(self.digit()? * 10 + self.digit()?)
    }

    fn digit(&mut self) -> Option<u32> {
        let (&c, rest) = self.0.split_first()?;
        c.is_ascii_digit().then(|| {
            self.0 = rest;
            u32::from(c - b'0')
        })
    }

    /// A space in a Go layout matches any run of spaces (none only at the end).
    fn spaces(&mut self) -> Option<()> {
        if !self.0.is_empty() && self.0[0] != b' ' {
            return None;
        }
        while let Some(rest) = self.0.strip_prefix(b" ") {
            self.0 = rest;
        }
        Some(())
    }

    /// Optional fractional seconds: `.` or `,` then at least one digit.
    fn fraction(&mut self) {
        if let [b'.' | b',', d, ..] = self.0 {
            if d.is_ascii_digit() {
                let digits = self.0[1..]
                    .iter()
                    .take_while(|c| c.is_ascii_digit())
                    .count();
                self.0 = &self.0[1 + digits..];
            }
        }
    }

    /// `Z07:00`: `Z`, or a sign and `hh:mm` with hours up to 24 and minutes up to 60.
    fn zone(&mut self) -> Option<()> {
        if self.literal(b'Z').is_some() {
            return Some(());
        }
        let [sign, h1, h2, b':', m1, m2, rest @ ..] = self.0 else {
            return None;
        };
        let hours = Input(&[*h1, *h2]).two_digits()?;
        let minutes = Input(&[*m1, *m2]).two_digits()?;
        if hours > 24 || minutes > 60 || !matches!(sign, b'+' | b'-') {
            return None;
        }
        self.0 = rest;
        Some(())
    }
}

fn parses(s: &[u8], layout: Layout) -> bool {
    let mut input = Input(&s[4..]);
    let year: u32 = s[..4].iter().fold(0, |y, d| y * 10 + u32::from(d - b'0'));
    let date = (|| {
        input.literal(b'-')?;
        let month = input.number().filter(|m| (1..=12).contains(m))?;
        input.literal(b'-')?;
        let day = input.number()?;
        Some((month, day))
    })();
    let Some((month, day)) = date else {
        return false;
    };
    let time_ok = match layout {
        Layout::DateOnly => true,
        Layout::UpperT | Layout::LowerT | Layout::Space => (|| {
            match layout {
                Layout::UpperT => input.literal(b'T')?,
                Layout::LowerT => input.literal(b't')?,
                _ => input.spaces()?,
            }
            input.number().filter(|h| *h < 24)?;
            input.literal(b':')?;
            input.number().filter(|m| *m < 60)?;
            input.literal(b':')?;
            input.number().filter(|s| *s < 60)?;
            input.fraction();
            if layout != Layout::Space {
                input.zone()?;
            }
            Some(())
        })()
        .is_some(),
    };
    time_ok && input.0.is_empty() && day >= 1 && day <= days_in_month(month, year)
}

fn days_in_month(month: u32, year: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}
