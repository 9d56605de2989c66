//! Would go-yaml v2 read this text, written plain, as something other than a string?
//!
//! go-yaml v2's encoder asks its own resolver (`resolve.go`) that question before
//! writing a string, and double-quotes the string when the answer is yes. The
//! resolver follows YAML 1.1 loosely and leans on Go's `strconv` and `time`
//! parsers, so their quirks are reproduced here: `0b-1` is an int, `.5_5` a float,
//! `2021-02-30` a string (no such day), `<<` a string (never looked up), and
//! base-60 numbers like `1:20` are quoted although v2 never parses them.

use crate::load::resolve::resolve_plain_v2;

/// Whether `s` may be written as a plain scalar: v2 resolves it to a string and
/// it is not a YAML 1.1 base-60 float.
pub(super) fn plain_is_string(s: &str) -> bool {
    !resolves_to_non_string(s) && !is_base60_float(s)
}

/// go-yaml v2 `resolve("", s)` returning a tag other than `!!str`: the
/// loader's v2 resolver (the one copy of go-yaml v2's rules) answers, with
/// timestamps tried as for an untagged scalar.
fn resolves_to_non_string(s: &str) -> bool {
    resolve_plain_v2(s, true).is_some()
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
