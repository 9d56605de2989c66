//! Would go-yaml v2 read this text, written plain, as something other than a string?
//!
//! go-yaml v2's encoder asks its own resolver (`resolve.go`) that question before
//! writing a string, and double-quotes the string when the answer is yes. The
//! resolver follows YAML 1.1 loosely and leans on Go's `strconv` and `time`
//! parsers, so their quirks are reproduced here: `0b-1` is an int, `.5_5` a float,
//! `2021-02-30` a string (no such day), `<<` a string (never looked up), and
//! base-60 numbers like `1:20` are quoted although v2 never parses them.

use crate::load::timestamp::Timestamp;
use crate::strconv::{is_yaml_float, parse_int, parse_uint};

/// Whether `s` may be written as a plain scalar: v2 resolves it to a string and
/// it is not a YAML 1.1 base-60 float.
pub(super) fn plain_is_string(s: &str) -> bool {
    !resolves_to_non_string(s) && !is_base60_float(s)
}

/// How the resolver dispatches on the first byte.
enum Hint {
    /// `+` or `-`: signed number or `±.inf`.
    Sign,
    /// A digit: number or timestamp.
    Digit,
    /// A letter that starts a bool or null word, or `~`.
    Word,
    /// `.`: `.inf`, `.nan` or a float like `.5`.
    Dot,
}

/// go-yaml v2 `resolve("", s)` returning a tag other than `!!str`.
fn resolves_to_non_string(s: &str) -> bool {
    let Some(&first) = s.as_bytes().first() else {
        return true; // The empty string is null.
    };
    let hint = match first {
        b'+' | b'-' => Hint::Sign,
        b'0'..=b'9' => Hint::Digit,
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => Hint::Word,
        b'.' => Hint::Dot,
        // Anything else, `<<` included, is a string without further checks.
        _ => return false,
    };
    if is_special_word(s) {
        return true;
    }
    match hint {
        Hint::Word => false,
        Hint::Dot => go_parse_float_ok(s),
        Hint::Sign | Hint::Digit => is_timestamp(s) || is_number(s),
    }
}

/// The words v2 maps to bools, nulls, infinities and NaN.
fn is_special_word(s: &str) -> bool {
    matches!(
        s,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "true"
            | "True"
            | "TRUE"
            | "on"
            | "On"
            | "ON"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "false"
            | "False"
            | "FALSE"
            | "off"
            | "Off"
            | "OFF"
            | "~"
            | "null"
            | "Null"
            | "NULL"
            | ".nan"
            | ".NaN"
            | ".NAN"
            | ".inf"
            | ".Inf"
            | ".INF"
            | "+.inf"
            | "+.Inf"
            | "+.INF"
            | "-.inf"
            | "-.Inf"
            | "-.INF"
    )
}

/// The int / uint / float attempts v2 makes once underscores are removed.
fn is_number(s: &str) -> bool {
    let owned;
    let plain = if s.contains('_') {
        owned = s.replace('_', "");
        owned.as_str()
    } else {
        s
    };
    if parse_int(plain, 0).is_some() || parse_uint(plain, 0).is_some() {
        return true;
    }
    if is_yaml_float(plain) && parses_to_finite(plain) {
        return true;
    }
    // v2 retries "0b" texts in base 2 after the prefix, which lets a sign through
    // (`0b-1`, `0b+1`). Its "-0b" retry accepts nothing base 0 did not.
    if let Some(rest) = plain.strip_prefix("0b") {
        return parse_int(rest, 2).is_some() || parse_uint(rest, 2).is_some();
    }
    false
}

/// `strconv.ParseFloat(s, 64)` succeeding for a text that starts with `.`: Go's
/// decimal syntax (underscores only between digits) and no overflow to infinity.
fn go_parse_float_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let mut saw_dot = false;
    let mut saw_digits = false;
    while let Some(&c) = b.get(i) {
        match c {
            b'_' => {}
            b'.' if saw_dot => break,
            b'.' => saw_dot = true,
            b'0'..=b'9' => saw_digits = true,
            _ => break,
        }
        i += 1;
    }
    if !saw_digits {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !b.get(i).is_some_and(u8::is_ascii_digit) {
            return false;
        }
        while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
            i += 1;
        }
    }
    if i != b.len() || !underscores_ok(s) {
        return false;
    }
    parses_to_finite(&s.replace('_', ""))
}

/// Go's `underscoreOK`: every underscore sits between two digits.
fn underscores_ok(s: &str) -> bool {
    let mut prev_digit = false;
    let mut prev_underscore = false;
    for c in s.bytes() {
        match c {
            b'0'..=b'9' => {
                prev_digit = true;
                prev_underscore = false;
            }
            b'_' if !prev_digit => return false,
            b'_' => {
                prev_digit = false;
                prev_underscore = true;
            }
            _ if prev_underscore => return false,
            _ => prev_digit = false,
        }
    }
    !prev_underscore
}

/// A syntactically valid decimal float that does not overflow (Go reports a range
/// error there, which makes v2 fall back to a string; underflow to zero is fine).
fn parses_to_finite(s: &str) -> bool {
    s.parse::<f64>().is_ok_and(f64::is_finite)
}

/// go-yaml v2 `isBase60Float`: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    if !b.get(i).is_some_and(u8::is_ascii_digit) || !b.contains(&b':') {
        return false;
    }
    i += 1;
    while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        // `[0-5]?[0-9]`: one digit, or a 0-5 digit followed by another digit.
        match (b.get(i), b.get(i + 1)) {
            (Some(b'0'..=b'5'), Some(b'0'..=b'9')) => i += 2,
            (Some(b'0'..=b'9'), _) => i += 1,
            _ => return false,
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// Whether v2 would read `s`, written plain, as a `!!timestamp`. go-yaml v2's
/// `parseTimestamp` tries the same four Go `time.Parse` layouts as v3's, so
/// the loader's parser answers for both.
fn is_timestamp(s: &str) -> bool {
    Timestamp::parse(s).is_some()
}

#[cfg(test)]
mod tests {
    use super::plain_is_string;

    fn quoted(s: &str) -> bool {
        !plain_is_string(s)
    }

    #[test]
    fn null_and_bool_words() {
        for s in [
            "", "~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No",
            "NO", "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off",
            "Off", "OFF",
        ] {
            assert!(quoted(s), "{s:?}");
        }
        for s in [
            "nULL", "yES", "tRUE", "oN", "nil", "none", "<<", "=", "yes!", "~~",
        ] {
            assert!(!quoted(s), "{s:?}");
        }
    }

    #[test]
    fn integers_in_every_base() {
        for s in [
            "0",
            "-0",
            "+1",
            "12",
            "0644",
            "0x1F",
            "0X1f",
            "0o17",
            "0O17",
            "0b101",
            "0B101",
            "1_000",
            "1__0",
            "1_",
            "-0x10",
            "9223372036854775807",
            "18446744073709551615",
            "-9223372036854775808",
            "0b-1",
            "0b+1",
            "0_0",
        ] {
            assert!(quoted(s), "{s:?}");
        }
        for s in [
            "0x",
            "0xG",
            "0b",
            "0b2",
            "-0b-1",
            "_1",
            "1a",
            "0x1FFFFFFFFFFFFFFFFFF",
            "--1",
            "+-1",
            "0o8",
        ] {
            assert!(!quoted(s), "{s:?}");
        }
    }

    #[test]
    fn floats() {
        for s in [
            "1.0",
            "1.",
            ".5",
            "+.5",
            "-.5",
            "1e3",
            "1E+3",
            "1.5e-3",
            "08",
            "09.5",
            ".inf",
            "-.Inf",
            "+.INF",
            ".nan",
            ".NaN",
            ".5_5",
            ".5e3_0",
            ".5e-400",
            "-18446744073709551616",
            "0777777777777777777777777",
        ] {
            assert!(quoted(s), "{s:?}");
        }
        for s in [
            ".", "..5", ".5.5", "._5", ".5_", ".5_e3", ".5e", ".5e_3", ".5e400", "1e400", ".inF",
            "1.5.5", "1e", "e3", "inf", "nan", "NaN", "Infinity", ".5x",
        ] {
            assert!(!quoted(s), "{s:?}");
        }
    }

    #[test]
    fn timestamps() {
        for s in [
            "2021-01-01",
            "2021-1-1",
            "2020-02-29",
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14T21:59:43Z",
            "2001-12-14 21:59:43.10",
            "2001-12-14   21:59:43",
            "2001-12-14T21:59:43,5+24:60",
        ] {
            assert!(quoted(s), "{s:?}");
        }
        for s in [
            "2021-02-30",
            "2021-02-29",
            "2021-13-01",
            "2021-00-01",
            "2021-01-01T10:00:00",
            "2001-12-14 21:59:43.10 -5",
            "2001-12-14t21:59:43.10z",
            "2001-12-14T24:00:00Z",
            "2001-12-14T21:59:43+25:00",
            "2021-001-01",
            "20210-01-01",
            "2021-01-01 ",
        ] {
            assert!(!quoted(s), "{s:?}");
        }
    }

    #[test]
    fn base60_floats() {
        for s in ["1:20", "-1:20", "190:20:30.15", "1_0:5", "1:2:3", "1:59."] {
            assert!(quoted(s), "{s:?}");
        }
        for s in ["1:60", "1:", ":1", "1:2a", "a1:20", "1:205"] {
            assert!(!quoted(s), "{s:?}");
        }
    }
}
