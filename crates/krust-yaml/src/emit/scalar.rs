//! Scalar style choice and scalar writers, as libyaml's emitter (go-yaml v2's
//! `emitterc.go`) does them.
//!
//! go-yaml v2's encoder *requests* a style for each string (literal if it holds a
//! newline, plain if the plain text would read back as a string, double-quoted
//! otherwise); the emitter then analyses the text and downgrades the request when
//! the style cannot carry it: plain → single-quoted → double-quoted, and literal →
//! double-quoted. The writers fold long lines at column 80 the way libyaml does.

use super::resolve::plain_is_string;
use super::Emitter;

/// Column after which libyaml breaks lines at spaces (go-yaml v2 keeps the default).
const BEST_WIDTH: usize = 80;

/// Keys longer than this many bytes are written as explicit `? key` entries.
const MAX_SIMPLE_KEY_LEN: usize = 128;

/// A scalar presentation style.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
}

/// What libyaml's `yaml_emitter_analyze_scalar` finds out about a text
/// (only what block context needs: the emitter here never writes flow scalars).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Analysis {
    /// Holds `\n`, which makes go-yaml v2 ask for a literal block.
    newline: bool,
    multiline: bool,
    plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

/// A string ready to be written: its text, analysis and requested style.
pub(super) struct StringScalar<'a> {
    text: &'a str,
    analysis: Analysis,
    requested: Style,
}

impl<'a> StringScalar<'a> {
    /// Analyses a string and picks the style go-yaml v2's encoder asks for.
    pub(super) fn new(text: &'a str) -> Self {
        let analysis = analyze(text);
        let requested = if analysis.newline {
            Style::Literal
        } else if plain_is_string(text) {
            Style::Plain
        } else {
            Style::DoubleQuoted
        };
        StringScalar {
            text,
            analysis,
            requested,
        }
    }

    /// Whether libyaml writes this as an implicit key (`key: value`) rather than
    /// an explicit one (`? key` / `: value`).
    pub(super) fn is_simple_key(&self) -> bool {
        !self.analysis.multiline && self.text.len() <= MAX_SIMPLE_KEY_LEN
    }

    /// libyaml's `yaml_emitter_select_scalar_style` in block context.
    pub(super) fn style(&self, simple_key: bool) -> Style {
        let a = &self.analysis;
        let mut style = self.requested;
        if simple_key && a.multiline {
            style = Style::DoubleQuoted;
        }
        if style == Style::Plain && (!a.plain_allowed || (self.text.is_empty() && simple_key)) {
            style = Style::SingleQuoted;
        }
        if style == Style::SingleQuoted && !a.single_quoted_allowed {
            style = Style::DoubleQuoted;
        }
        if style == Style::Literal && (!a.block_allowed || simple_key) {
            style = Style::DoubleQuoted;
        }
        style
    }

    pub(super) fn text(&self) -> &'a str {
        self.text
    }
}

/// libyaml's line breaks: CR, LF, NEL, LS and PS.
fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// libyaml's `is_printable`. Tab, CR, NEL, the BOM and every character outside
/// the Basic Multilingual Plane count as non-printable and force double quotes.
fn is_printable(c: char) -> bool {
    matches!(c, '\n' | ' '..='~' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
        && c != '\u{FEFF}'
}

/// libyaml's `yaml_emitter_analyze_scalar`, reduced to block-context results.
fn analyze(value: &str) -> Analysis {
    if value.is_empty() {
        return Analysis {
            newline: false,
            multiline: false,
            plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let bytes = value.as_bytes();
    let mut indicators = value.starts_with("---") || value.starts_with("...");
    let (mut newline, mut line_breaks, mut special) = (false, false, false);
    let (mut leading_space, mut leading_break) = (false, false);
    let (mut trailing_space, mut trailing_break) = (false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let mut preceded_by_whitespace = true;

    let mut i = 0;
    while i < bytes.len() {
        // Fast path: after the first character, visible ASCII other than `:` and
        // `#` only resets the "previous character" flags.
        if i > 0 && matches!(bytes[i], 0x21..=0x7E) && !matches!(bytes[i], b':' | b'#') {
            (previous_space, previous_break, preceded_by_whitespace) = (false, false, false);
            i += 1;
            continue;
        }
        // Bytes, not chars, for speed: everything but the printability and
        // line-break tests is about ASCII characters.
        let (c, next) = match bytes[i] {
            b @ 0..=0x7F => (char::from(b), i + 1),
            _ => {
                let c = value[i..].chars().next().expect("i is a char boundary");
                (c, i + c.len_utf8())
            }
        };
        let first = i == 0;
        let last = next == bytes.len();
        let followed_by_whitespace = last || matches!(bytes[next], b' ' | b'\t');
        indicators |= if first {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => true,
                '?' | ':' | '-' => followed_by_whitespace,
                _ => false,
            }
        } else {
            match c {
                ':' => followed_by_whitespace,
                '#' => preceded_by_whitespace,
                _ => false,
            }
        };
        special |= !is_printable(c);
        let is_line_break = is_break(c);
        if c == ' ' {
            leading_space |= first;
            trailing_space |= last;
            break_space |= previous_break;
            (previous_space, previous_break) = (true, false);
        } else if is_line_break {
            newline |= c == '\n';
            line_breaks = true;
            leading_break |= first;
            trailing_break |= last;
            space_break |= previous_space;
            (previous_space, previous_break) = (false, true);
        } else {
            (previous_space, previous_break) = (false, false);
        }
        preceded_by_whitespace = matches!(c, ' ' | '\t' | '\0') || is_line_break;
        i = next;
    }

    let edge_whitespace = leading_space || leading_break || trailing_space || trailing_break;
    Analysis {
        newline,
        multiline: line_breaks,
        plain_allowed: !(edge_whitespace
            || break_space
            || space_break
            || special
            || line_breaks
            || indicators),
        single_quoted_allowed: !(break_space || space_break || special),
        block_allowed: !(trailing_space || space_break || special),
    }
}

impl Emitter<'_, '_> {
    /// Writes a string scalar in `style`; `allow_breaks` is false for implicit keys.
    pub(super) fn write_scalar(&mut self, text: &str, style: Style, allow_breaks: bool) {
        match style {
            Style::Plain => self.write_plain(text, allow_breaks),
            Style::SingleQuoted => self.write_single_quoted(text, allow_breaks),
            Style::DoubleQuoted => self.write_double_quoted(text, allow_breaks),
            Style::Literal => self.write_literal(text),
        }
    }

    /// A plain scalar: spaces may become line breaks past the best width.
    fn write_plain(&mut self, text: &str, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        let mut spaces = false;
        let mut rest = text;
        loop {
            let (run, after) = match rest.find(' ') {
                Some(i) => (&rest[..i], Some(&rest[i + 1..])),
                None => (rest, None),
            };
            if !run.is_empty() {
                // The analysis rules out line breaks in plain scalars.
                self.write_run(run);
                self.indention = false;
                spaces = false;
            }
            let Some(after) = after else { break };
            if allow_breaks && !spaces && self.column > BEST_WIDTH && !after.starts_with(' ') {
                self.write_indent();
            } else {
                self.put(' ');
            }
            spaces = true;
            rest = after;
        }
        self.whitespace = false;
        self.indention = false;
    }

    /// A single-quoted scalar: `'` doubled, folding at single inner spaces.
    fn write_single_quoted(&mut self, text: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let (mut spaces, mut breaks) = (false, false);
        let bytes = text.as_bytes();
        for (i, c) in text.char_indices() {
            if c == ' ' {
                let inner = i > 0 && i + 1 < bytes.len() && bytes[i + 1] != b' ';
                if allow_breaks && !spaces && self.column > BEST_WIDTH && inner {
                    self.write_indent();
                } else {
                    self.put(' ');
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.write_char(c);
                self.indention = false;
                (spaces, breaks) = (false, false);
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    /// A double-quoted scalar: escapes for non-printable characters, breaks, `"`
    /// and `\`; folding at inner spaces, with `\` protecting a following space.
    fn write_double_quoted(&mut self, text: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        // libyaml tests for a BOM at the start of the text instead of at the
        // current character, so a leading BOM gets every character escaped.
        let escape_all = text.starts_with('\u{FEFF}');
        let bytes = text.as_bytes();
        let mut spaces = false;
        for (i, c) in text.char_indices() {
            if escape_all || !is_printable(c) || is_break(c) || c == '"' || c == '\\' {
                self.write_escape(c);
                spaces = false;
            } else if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && i + 1 < bytes.len()
                {
                    self.write_indent();
                    if bytes[i + 1] == b' ' {
                        self.put('\\');
                    }
                } else {
                    self.put(' ');
                }
                spaces = true;
            } else {
                self.write_char(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    /// One double-quoted escape sequence.
    fn write_escape(&mut self, c: char) {
        self.put('\\');
        let short = match c {
            '\0' => '0',
            '\u{7}' => 'a',
            '\u{8}' => 'b',
            '\t' => 't',
            '\n' => 'n',
            '\u{B}' => 'v',
            '\u{C}' => 'f',
            '\r' => 'r',
            '\u{1B}' => 'e',
            '"' => '"',
            '\\' => '\\',
            '\u{85}' => 'N',
            '\u{A0}' => '_',
            '\u{2028}' => 'L',
            '\u{2029}' => 'P',
            _ => {
                let cp = u32::from(c);
                let (marker, width) = match cp {
                    0..=0xFF => ('x', 2),
                    0x100..=0xFFFF => ('u', 4),
                    _ => ('U', 8),
                };
                self.put(marker);
                for shift in (0..width).rev() {
                    let digit = (cp >> (shift * 4)) & 0xF;
                    self.put(char::from_digit(digit, 16).unwrap().to_ascii_uppercase());
                }
                return;
            }
        };
        self.put(short);
    }

    /// A literal block scalar (`|`), with indentation and chomping indicators.
    fn write_literal(&mut self, text: &str) {
        self.write_indicator("|", true, false, false);
        if text.starts_with(|c: char| c == ' ' || is_break(c)) {
            // Leading spaces would otherwise be read as the indentation.
            self.write_indicator("2", false, false, false);
        }
        let mut tail = text.chars().rev();
        let chomp = match (tail.next(), tail.next()) {
            (Some(last), _) if !is_break(last) => Some("-"),
            (Some(_), None) => Some("+"),
            (Some(_), Some(before)) if is_break(before) => Some("+"),
            (None, _) => Some("-"),
            _ => None,
        };
        if let Some(chomp) = chomp {
            self.write_indicator(chomp, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        // Every run of non-break characters starts a line (or the text), so it
        // begins with the indentation.
        let mut rest = text;
        while !rest.is_empty() {
            let end = rest.find(is_break).unwrap_or(rest.len());
            if end > 0 {
                self.write_indent();
                self.write_run(&rest[..end]);
                self.indention = false;
            }
            let Some(c) = rest[end..].chars().next() else {
                break;
            };
            self.write_break(c);
            self.indention = true;
            rest = &rest[end + c.len_utf8()..];
        }
    }

    /// Copies a line break character: LF as the emitter's newline, others as is.
    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.write_char(c);
            self.column = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style(text: &str) -> Style {
        StringScalar::new(text).style(false)
    }

    fn key_style(text: &str) -> Style {
        StringScalar::new(text).style(true)
    }

    #[test]
    fn plain_when_nothing_stands_in_the_way() {
        for s in [
            "hello world",
            "a-b",
            "a:b",
            "a#b",
            "-a",
            "?a",
            ":a",
            "a?",
            "a,b",
            "a]",
            "a'b",
            "a\"b",
            "é\u{A0}x",
            "<<",
            "=",
            "a!",
            "..",
            "--",
            "-.5x",
        ] {
            assert_eq!(style(s), Style::Plain, "{s:?}");
        }
    }

    #[test]
    fn single_quotes_for_indicators_and_edge_spaces() {
        for s in [
            " lead",
            "trail ",
            "- a",
            "-",
            "? a",
            "?",
            ": a",
            ":",
            "a: b",
            "a:",
            "a #b",
            "#a",
            ",a",
            "[a",
            "]",
            "{a",
            "}",
            "&a",
            "*a",
            "!a",
            "|",
            ">",
            "'a",
            "\"a",
            "%a",
            "@a",
            "`a",
            "---",
            "...x",
            "x\u{2028}y",
        ] {
            assert_eq!(style(s), Style::SingleQuoted, "{s:?}");
        }
    }

    #[test]
    fn double_quotes_for_special_characters_and_non_strings() {
        for s in [
            "a\tb",
            "\u{1b}",
            "\0",
            "a\rb",
            "\u{FEFF}x",
            "😀",
            "yes",
            "",
            "1.5",
            "0x1F",
            "1:20",
            "2021-01-01",
            "a\u{2028} b",
            "a \u{2029}b",
            "\u{85}",
        ] {
            assert_eq!(style(s), Style::DoubleQuoted, "{s:?}");
        }
    }

    #[test]
    fn literal_unless_trailing_space_or_space_before_break() {
        for s in ["a\nb", "a\n", "a\n\n", "\n", " a\nb", "a\n b", "\ta"] {
            let expected = if s.contains('\t') {
                Style::DoubleQuoted
            } else {
                Style::Literal
            };
            assert_eq!(style(s), expected, "{s:?}");
        }
        for s in ["a\nb ", "a \nb", "a\n\t", "a\n😀"] {
            assert_eq!(style(s), Style::DoubleQuoted, "{s:?}");
        }
    }

    #[test]
    fn key_styles() {
        assert_eq!(key_style("n"), Style::DoubleQuoted);
        assert_eq!(key_style("a b"), Style::Plain);
        assert_eq!(key_style("a: b"), Style::SingleQuoted);
        assert!(!StringScalar::new("a\nb").is_simple_key());
        assert!(!StringScalar::new("a\u{2028}b").is_simple_key());
        assert!(StringScalar::new(&"k".repeat(128)).is_simple_key());
        assert!(!StringScalar::new(&"k".repeat(129)).is_simple_key());
        assert!(!StringScalar::new(&"é".repeat(65)).is_simple_key());
    }
}
