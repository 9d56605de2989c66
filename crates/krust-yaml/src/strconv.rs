//! The subset of Go's `strconv` that krust needs: the number parsing go-yaml
//! (v2 when printing, v3 when reading) relies on, shared by the loader and the
//! emitter, and [`quote`], which kustomize's messages print names with.
//!
//! go-yaml decides whether a plain scalar is a number by asking Go's
//! `strconv.ParseInt(s, 0, 64)`, then `ParseUint`, then a float regex plus
//! `ParseFloat`. Rust's parsers accept different spellings (no `0o`/`0b`
//! prefixes, no leading-zero octal), so the Go rules are re-implemented here.

/// Go's `strconv.ParseUint(s, base, 64)` for an explicit base, or base 0
/// (`0x`, `0o`, `0b` and leading-`0` octal prefixes chosen from the text).
///
/// Returns `None` on any syntax or range error. Underscores are not accepted:
/// go-yaml strips them before calling.
pub(crate) fn parse_uint(s: &str, base: u32) -> Option<u64> {
    let bytes = s.as_bytes();
    if bytes.is_empty() {
        return None;
    }
    let (base, digits) = if base == 0 {
        split_base_prefix(bytes)
    } else {
        (base, bytes)
    };
    let mut n: u64 = 0;
    for &c in digits {
        let d = digit_value(c)?;
        if d >= base {
            return None;
        }
        n = n.checked_mul(u64::from(base))?.checked_add(u64::from(d))?;
    }
    Some(n)
}

/// Go's `strconv.ParseInt(s, base, 64)`: an optional sign, then [`parse_uint`].
pub(crate) fn parse_int(s: &str, base: u32) -> Option<i64> {
    let (negative, rest) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let magnitude = parse_uint(rest, base)?;
    if negative {
        if magnitude > 1 << 63 {
            return None;
        }
        // Wrapping handles i64::MIN, whose magnitude does not fit in i64.
        Some((magnitude as i64).wrapping_neg())
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// Base-0 prefix selection exactly as Go's `ParseUint` does it: a prefix only
/// counts when at least one character follows it, and a bare leading `0`
/// means octal (so `0` itself is octal zero and `08` is invalid).
fn split_base_prefix(bytes: &[u8]) -> (u32, &[u8]) {
    if bytes[0] != b'0' {
        return (10, bytes);
    }
    if bytes.len() >= 3 {
        match bytes[1].to_ascii_lowercase() {
            b'b' => return (2, &bytes[2..]),
            b'o' => return (8, &bytes[2..]),
            b'x' => return (16, &bytes[2..]),
            _ => {}
        }
    }
    (8, &bytes[1..])
}

/// The value of an ASCII digit or letter as Go's parser sees it (`a`-`z` are 10-35).
fn digit_value(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'a'..=b'z' => Some(u32::from(c - b'a') + 10),
        b'A'..=b'Z' => Some(u32::from(c - b'A') + 10),
        _ => None,
    }
}

/// Whether `s` matches go-yaml v3's float pattern
/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
pub(crate) fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let int_digits = count_digits(&b[i..]);
    i += int_digits;
    if int_digits == 0 {
        // Only the `\.[0-9]+` alternative remains.
        if b.get(i) != Some(&b'.') {
            return false;
        }
        let frac = count_digits(&b[i + 1..]);
        if frac == 0 {
            return false;
        }
        i += 1 + frac;
    } else if b.get(i) == Some(&b'.') {
        i += 1 + count_digits(&b[i + 1..]);
    }
    exponent_matches(&b[i..])
}

/// Whether `b` is empty or an exponent `[eE][-+]?[0-9]+`.
fn exponent_matches(b: &[u8]) -> bool {
    match b.first() {
        None => true,
        Some(b'e' | b'E') => {
            let mut i = 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let digits = count_digits(&b[i..]);
            digits > 0 && i + digits == b.len()
        }
        Some(_) => false,
    }
}

fn count_digits(b: &[u8]) -> usize {
    b.iter().take_while(|c| c.is_ascii_digit()).count()
}

/// Go's `underscoreOK` for decimal text: every `_` must sit between two
/// digits. `ParseFloat` accepts such separators (`.5_1` is 0.51).
pub(crate) fn underscores_ok(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().enumerate().all(|(i, &c)| {
        c != b'_'
            || (i > 0 && b[i - 1].is_ascii_digit() && b.get(i + 1).is_some_and(u8::is_ascii_digit))
    })
}

/// Go's `strconv.ParseFloat(s, 64)` for text already known to be a plain
/// decimal float: `None` when the value overflows (Go reports a range error,
/// and go-yaml then keeps the text as a string).
pub(crate) fn parse_decimal_float(s: &str) -> Option<f64> {
    let f: f64 = s.parse().ok()?;
    f.is_finite().then_some(f)
}

/// Go's `strconv.Quote` (what `%q` and `%#v` print for a string): `"`, `\\`
/// and the C escapes `\a \b \f \n \r \t \v` by name, other non-printable
/// characters as `\xNN` (below U+0080), `\uNNNN` or `\UNNNNNNNN`, printable
/// ones as they are.
///
/// The one home of this rule: kustomize prints ids and field paths with it in
/// its messages (`resid.ResId{...Name:"web"...}`), and every crate that
/// reproduces such a message calls this.
pub fn quote(s: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if is_go_print(c) => out.push(c),
            c if (c as u32) < 0x80 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and
/// the ASCII space. Outside ASCII this rejects the control, space-separator,
/// line and paragraph separator, format and private-use categories and the
/// noncharacters; code points Unicode leaves unassigned (which Go also
/// escapes) are not tabulated and count as printable.
fn is_go_print(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        return (0x20..0x7f).contains(&u);
    }
    const NOT_PRINT: &[(u32, u32)] = &[
        (0x80, 0xa0),
        (0xad, 0xad),
        (0x600, 0x605),
        (0x61c, 0x61c),
        (0x6dd, 0x6dd),
        (0x70f, 0x70f),
        (0x890, 0x891),
        (0x8e2, 0x8e2),
        (0x1680, 0x1680),
        (0x180e, 0x180e),
        (0x2000, 0x200f),
        (0x2028, 0x202f),
        (0x205f, 0x2064),
        (0x2066, 0x206f),
        (0x3000, 0x3000),
        (0xe000, 0xf8ff),
        (0xfdd0, 0xfdef),
        (0xfeff, 0xfeff),
        (0xfff9, 0xfffb),
        (0x110bd, 0x110bd),
        (0x110cd, 0x110cd),
        (0x13430, 0x1343f),
        (0x1bca0, 0x1bca3),
        (0x1d173, 0x1d17a),
        (0xe0001, 0xe0001),
        (0xe0020, 0xe007f),
        (0xf0000, 0x10ffff),
    ];
    u & 0xfffe != 0xfffe && !NOT_PRINT.iter().any(|&(lo, hi)| (lo..=hi).contains(&u))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected strings printed by Go 1.2x's `strconv.Quote`.
    #[test]
    fn quote_matches_go() {
        assert_eq!(quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(quote("\u{7}\u{8}\u{c}\n\r\t\u{b}"), r#""\a\b\f\n\r\t\v""#);
        assert_eq!(quote("\u{0}\u{1b}\u{7f}"), r#""\x00\x1b\x7f""#);
        assert_eq!(quote("\u{80}\u{9f}"), r#""\u0080\u009f""#);
        assert_eq!(quote("\u{a0}\u{ad}"), r#""\u00a0\u00ad""#);
        assert_eq!(quote("é☃😀"), "\"é☃😀\"");
        assert_eq!(quote("\u{2028}\u{200b}\u{feff}"), r#""\u2028\u200b\ufeff""#);
        assert_eq!(quote("\u{e000}\u{e0001}"), r#""\ue000\U000e0001""#);
    }

    #[test]
    fn base_zero_prefixes() {
        assert_eq!(parse_int("0x1F", 0), Some(31));
        assert_eq!(parse_int("0X1f", 0), Some(31));
        assert_eq!(parse_int("0o17", 0), Some(15));
        assert_eq!(parse_int("0O7", 0), Some(7));
        assert_eq!(parse_int("0b101", 0), Some(5));
        assert_eq!(parse_int("0644", 0), Some(420));
        assert_eq!(parse_int("-0x10", 0), Some(-16));
        assert_eq!(parse_int("+12", 0), Some(12));
        assert_eq!(parse_int("0", 0), Some(0));
        assert_eq!(parse_int("00", 0), Some(0));
        assert_eq!(parse_int("-0", 0), Some(0));
    }

    #[test]
    fn base_zero_rejections() {
        assert_eq!(parse_int("08", 0), None);
        assert_eq!(parse_int("0x", 0), None);
        assert_eq!(parse_int("0b", 0), None);
        assert_eq!(parse_int("", 0), None);
        assert_eq!(parse_int("-", 0), None);
        assert_eq!(parse_int("1.5", 0), None);
        assert_eq!(parse_int("0x-1", 0), None);
        assert_eq!(parse_uint("+1", 0), None);
    }

    #[test]
    fn int_range_edges() {
        assert_eq!(parse_int("9223372036854775807", 0), Some(i64::MAX));
        assert_eq!(parse_int("9223372036854775808", 0), None);
        assert_eq!(parse_int("-9223372036854775808", 0), Some(i64::MIN));
        assert_eq!(parse_int("-9223372036854775809", 0), None);
        assert_eq!(parse_uint("18446744073709551615", 0), Some(u64::MAX));
        assert_eq!(parse_uint("18446744073709551616", 0), None);
        assert_eq!(parse_uint("0xFFFFFFFFFFFFFFFF", 0), Some(u64::MAX));
    }

    #[test]
    fn explicit_base_allows_sign_after_prefix_removal() {
        assert_eq!(parse_int("-101", 2), Some(-5));
        assert_eq!(parse_int("+17", 8), Some(15));
        assert_eq!(parse_int("19", 8), None);
    }

    #[test]
    fn float_pattern() {
        for ok in ["1", "1.", "1.5", ".5", "+.5e-3", "-1E3", "08", "1e400"] {
            assert!(is_yaml_float(ok), "{ok}");
        }
        for bad in [
            "", ".", "+", "1e", "1e+", ".e3", "1.5.", "0x1", "1_0", "e3", "1.5e3x",
        ] {
            assert!(!is_yaml_float(bad), "{bad}");
        }
    }

    #[test]
    fn underscores_between_digits_only() {
        for ok in [".5", ".5_1", ".5_1e1_0", "1_000"] {
            assert!(underscores_ok(ok), "{ok}");
        }
        for bad in ["._5", ".5_", ".5__1", ".5_e3", ".5e_1", "_1"] {
            assert!(!underscores_ok(bad), "{bad}");
        }
    }

    #[test]
    fn float_overflow_is_rejected_but_underflow_is_zero() {
        assert_eq!(parse_decimal_float("1e400"), None);
        assert_eq!(parse_decimal_float("1e-400"), Some(0.0));
        assert_eq!(parse_decimal_float("5."), Some(5.0));
        assert_eq!(parse_decimal_float(".5"), Some(0.5));
    }
}
