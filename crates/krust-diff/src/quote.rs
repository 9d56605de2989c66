//! String escaping shared by the path notation and the JSON output.
//!
//! This is krust-diff's own output format, not a Go rule: JSON (RFC 8259)
//! requires `"`, `\` and the C0 controls to be escaped, and allows every other
//! character raw. `krust_yaml::write_go_json_string` is Go's `encoding/json`
//! writer, which also escapes `<`, `>`, `&`, U+2028 and U+2029 (its HTML-safe
//! default); krust-diff's reports keep those characters readable instead.

use std::fmt::Write as _;

/// Appends `s` as a JSON string literal, quotes included.
pub(crate) fn write_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c < ' ' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json_string(s: &str) -> String {
        let mut out = String::new();
        write_json_string(s, &mut out);
        out
    }

    #[test]
    fn escapes_what_json_requires() {
        assert_eq!(json_string("plain é ☃"), "\"plain é ☃\"");
        assert_eq!(json_string("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(json_string("\n\r\t\u{8}\u{c}"), r#""\n\r\t\b\f""#);
        assert_eq!(
            json_string("\u{0}\u{1b}\u{1f} \u{7f}"),
            "\"\\u0000\\u001b\\u001f \u{7f}\""
        );
    }
}
