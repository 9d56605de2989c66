//! The round trip a folded (`>`) scalar makes through kustomize.
//!
//! Before converting a resource to JSON, kyaml writes the parsed node back
//! out with go-yaml v3's emitter and parses that text again. The emitter keeps
//! a folded scalar folded, but its line-break logic has a bug: it decides
//! whether to add a blank line after each content line by looking at the
//! *start of the whole value* instead of the next line. The extra blank line
//! is harmless before an ordinary line, but before a more-indented line, and
//! at the end of a keep-chomped (`>+`) scalar, it survives the second parse.
//! kubectl shows both: `>\n  para\n   indented\n` comes out as
//! `"para\n\n indented\n"`, and `>+\n  a\n\n` as `"a\n\n\n"`.
//!
//! This module writes the value as that emitter does and reads it back with
//! the same parser the loader uses. (The emitter's re-wrapping of lines
//! longer than 80 columns, which depends on nesting depth, is not modelled.)

use saphyr_parser::{Event, Parser};

/// The value a folded scalar has after kyaml's write-and-read round trip.
pub(crate) fn round_trip(value: &str) -> Option<String> {
    if !block_allowed(value) {
        // The emitter falls back to a double-quoted scalar, which is exact.
        return None;
    }
    let emitted = emit(value);
    let mut events = Parser::new_from_str(&emitted).filter_map(Result::ok);
    let mut scalars = events.by_ref().filter_map(|(event, _)| match event {
        Event::Scalar(text, ..) => Some(text),
        _ => None,
    });
    let _key = scalars.next()?;
    scalars.next().map(|text| text.into_owned())
}

/// go-yaml's `is_break`: the line breaks its emitter recognises.
fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// go-yaml's `is_printable` (its emitter runs in unicode mode).
fn is_printable(c: char) -> bool {
    matches!(c, '\n' | ' '..='~' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
        && c != '\u{feff}'
}

/// The emitter's `block_allowed`: no trailing space, no space right before a
/// line break, no character outside its printable set (tab is allowed).
fn block_allowed(value: &str) -> bool {
    !value.is_empty()
        && !value.ends_with(' ')
        && !value.contains(|c: char| c != '\t' && !is_printable(c))
        && !value
            .as_bytes()
            .windows(2)
            .any(|w| w[0] == b' ' && w[1] == b'\n')
}

/// The text go-yaml v3's `yaml_emitter_write_folded_scalar` produces, as the
/// value of a top-level key (content indented by two spaces).
fn emit(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 2 + 16);
    out.push_str("k: >");
    if value.starts_with(|c: char| c == ' ' || is_break(c)) {
        out.push('2');
    }
    out.push_str(chomping_hint(value));
    out.push('\n');
    // The bug: the blank-line decision reads the value's first non-break
    // character, the same for every line.
    let extra_breaks = value
        .trim_start_matches(is_break)
        .chars()
        .next()
        .is_some_and(|c| !is_blank(c));
    let mut breaks = true;
    let mut leading_spaces = true;
    for c in value.chars() {
        if is_break(c) {
            if !breaks && !leading_spaces && c == '\n' && extra_breaks {
                out.push('\n');
            }
            out.push(c);
            breaks = true;
        } else {
            if breaks {
                out.push_str("  ");
                leading_spaces = is_blank(c);
            }
            out.push(c);
            breaks = false;
        }
    }
    out
}

/// `-` without a final line break, `+` with two or more (or only one
/// character, a break), nothing for exactly one.
fn chomping_hint(value: &str) -> &'static str {
    let mut tail = value.chars().rev();
    match (tail.next(), tail.next()) {
        (Some(last), _) if !is_break(last) => "-",
        (Some(_), None) => "+",
        (Some(_), Some(before)) if is_break(before) => "+",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trip(value: &str) -> String {
        round_trip(value).unwrap_or_else(|| value.to_owned())
    }

    /// Expectations from `kubectl kustomize` v5.5.0.
    #[test]
    fn more_indented_lines_gain_a_blank_line() {
        assert_eq!(trip("para\n indented\nback\n"), "para\n\n indented\nback\n");
        assert_eq!(
            trip("folded text\npara\n indented\nback\n"),
            "folded text\npara\n\n indented\nback\n"
        );
    }

    #[test]
    fn keep_chomping_gains_a_line_break() {
        assert_eq!(trip("a\n\n"), "a\n\n\n");
    }

    #[test]
    fn ordinary_folded_text_is_unchanged() {
        for value in ["a b\nc\n", "a b c", "one\n\ntwo\n", "x\n"] {
            assert_eq!(trip(value), value, "{value:?}");
        }
    }

    #[test]
    fn values_the_emitter_double_quotes_are_unchanged() {
        for value in ["trailing \n", "a \nb", "tab\u{1}", "emoji \u{1F600}\n", ""] {
            assert_eq!(round_trip(value), None, "{value:?}");
        }
    }
}
