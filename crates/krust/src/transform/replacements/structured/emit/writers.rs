//! The scalar half of go-yaml v3's emitter: what a text allows
//! (`yaml_emitter_analyze_scalar`) and how each style writes it. Lines are
//! never folded (kyaml leaves the width unlimited).

use super::{is_blank, is_break, is_printable, Emitter, ScalarData, BEST_INDENT, BEST_WIDTH};

/// libyaml's `is_blankz` at a position (the end counts as blank).
fn blankz_at(chars: &[char], i: usize) -> bool {
    chars.get(i).is_none_or(|&c| is_blank(c) || is_break(c))
}

/// Which indicators a text holds: `(block, flow)`, whether it could not be
/// written plain in block and in flow context for them.
fn indicators(chars: &[char]) -> (bool, bool) {
    let text: String = chars.iter().take(3).collect();
    let marker = text == "---" || text == "...";
    let (mut block, mut flow) = (marker, marker);
    let mut preceded_by_ws = true;
    for (i, &c) in chars.iter().enumerate() {
        let followed_by_ws = chars.get(i + 1).is_none_or(|&n| is_blank(n));
        let (b, f) = match (i, c) {
            (0, '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"')
            | (0, '%' | '@' | '`') => (true, true),
            (0, '?' | ':') => (followed_by_ws, true),
            (0, '-') => (followed_by_ws, followed_by_ws),
            (0, _) => (false, false),
            (_, ',' | '?' | '[' | ']' | '{' | '}') => (false, true),
            (_, ':') => (followed_by_ws, true),
            (_, '#') => (preceded_by_ws, preceded_by_ws),
            _ => (false, false),
        };
        block |= b;
        flow |= f;
        preceded_by_ws = is_blank(c) || is_break(c) || c == '\0';
    }
    (block, flow)
}

/// Where a text has spaces, line breaks, tabs and unprintable characters.
#[derive(Default)]
struct Spacing {
    line_breaks: bool,
    special: bool,
    tabs: bool,
    /// A space or break at the start or the end.
    edge: bool,
    trailing_space: bool,
    /// A space right after a line break.
    break_space: bool,
    /// A space right before a line break.
    space_break: bool,
}

fn spacing(chars: &[char]) -> Spacing {
    let mut s = Spacing::default();
    let (mut prev_space, mut prev_break) = (false, false);
    for (i, &c) in chars.iter().enumerate() {
        let edge = i == 0 || i + 1 == chars.len();
        if c == '\t' {
            s.tabs = true;
        } else if !is_printable(c) {
            s.special = true;
        }
        if c == ' ' {
            s.edge |= edge;
            s.trailing_space |= i + 1 == chars.len();
            s.break_space |= prev_break;
        } else if is_break(c) {
            s.line_breaks = true;
            s.edge |= edge;
            s.space_break |= prev_space;
        }
        prev_space = c == ' ';
        prev_break = is_break(c);
    }
    s
}

/// What each style allows for `value` (`yaml_emitter_analyze_scalar`).
fn analyze(value: &str) -> ScalarData {
    let mut data = ScalarData {
        value: value.to_owned(),
        block_plain_allowed: true,
        single_quoted_allowed: true,
        ..ScalarData::default()
    };
    if value.is_empty() {
        return data;
    }
    let chars: Vec<char> = value.chars().collect();
    let (block_ind, flow_ind) = indicators(&chars);
    let s = spacing(&chars);
    let messy = s.break_space || s.space_break || s.tabs || s.special;
    let plain = !(s.edge || messy || s.line_breaks);
    data.multiline = s.line_breaks;
    data.flow_plain_allowed = plain && !flow_ind;
    data.block_plain_allowed = plain && !block_ind;
    data.single_quoted_allowed = !messy;
    data.block_allowed = !(s.trailing_space || s.space_break || s.special);
    data
}

/// Whether go-yaml's emitter writes `value` plain, in flow context (inside
/// `[...]`/`{...}`) or block context, when plain is what is asked for.
pub(crate) fn plain_allowed(value: &str, flow: bool) -> bool {
    let data = analyze(value);
    if flow {
        data.flow_plain_allowed && !value.is_empty()
    } else {
        data.block_plain_allowed
    }
}

impl Emitter {
    pub(super) fn analyze_scalar(&mut self, value: &str) {
        self.scalar = analyze(value);
    }

    pub(super) fn write_plain(&mut self, value: &str, allow_breaks: bool) {
        if !value.is_empty() && !self.whitespace {
            self.put(' ');
        }
        let chars: Vec<char> = value.chars().collect();
        let (mut spaces, mut breaks) = (false, false);
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let wrap = allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && chars.get(i + 1) != Some(&' ');
                if wrap {
                    self.write_indent();
                } else {
                    self.write(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.write(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        if !value.is_empty() {
            self.whitespace = false;
        }
        self.indention = false;
        if self.root_context {
            self.open_ended = true;
        }
    }

    pub(super) fn write_single_quoted(&mut self, value: &str) {
        self.write_indicator("'", true, false, false);
        let mut breaks = false;
        for c in value.chars() {
            if c == ' ' {
                self.write(c);
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.write(c);
                self.indention = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    pub(super) fn write_double_quoted(&mut self, value: &str) {
        self.write_indicator("\"", true, false, false);
        // libyaml's `is_bom` looks at the start of the text, not at `i`.
        let bom = value.starts_with('\u{FEFF}');
        for c in value.chars() {
            if !is_printable(c) || bom || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                self.write_escape(c);
            } else {
                self.write(c);
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    /// The character after a backslash in a double-quoted scalar.
    fn write_escape(&mut self, c: char) {
        let short = match c {
            '\0' => Some('0'),
            '\u{7}' => Some('a'),
            '\u{8}' => Some('b'),
            '\t' => Some('t'),
            '\n' => Some('n'),
            '\u{b}' => Some('v'),
            '\u{c}' => Some('f'),
            '\r' => Some('r'),
            '\u{1b}' => Some('e'),
            '"' => Some('"'),
            '\\' => Some('\\'),
            '\u{85}' => Some('N'),
            '\u{a0}' => Some('_'),
            '\u{2028}' => Some('L'),
            '\u{2029}' => Some('P'),
            _ => None,
        };
        if let Some(s) = short {
            self.put(s);
            return;
        }
        let v = c as u32;
        let (letter, width) = match v {
            0..=0xFF => ('x', 2),
            0x100..=0xFFFF => ('u', 4),
            _ => ('U', 8),
        };
        self.put(letter);
        for digit in format!("{v:0width$X}").chars() {
            self.put(digit);
        }
    }

    fn write_block_hints(&mut self, value: &str) {
        if value.starts_with(' ') || value.starts_with(is_break) {
            self.write_indicator(&BEST_INDENT.to_string(), false, false, false);
        }
        self.open_ended = false;
        let mut rev = value.chars().rev();
        let chomp = match (rev.next(), rev.next()) {
            (None, _) => Some('-'),
            (Some(last), _) if !is_break(last) => Some('-'),
            (Some(_), None) => Some('+'),
            (Some(_), Some(before)) if is_break(before) => Some('+'),
            _ => None,
        };
        if let Some(chomp) = chomp {
            if chomp == '+' {
                self.open_ended = true;
            }
            self.write_indicator(&chomp.to_string(), false, false, false);
        }
    }

    pub(super) fn write_literal(&mut self, value: &str) {
        self.write_indicator("|", true, false, false);
        self.write_block_hints(value);
        self.process_line_comment(true);
        self.whitespace = true;
        let mut breaks = true;
        for c in value.chars() {
            if is_break(c) {
                self.write_break(c);
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.write(c);
                self.indention = false;
                breaks = false;
            }
        }
    }

    pub(super) fn write_folded(&mut self, value: &str) {
        self.write_indicator(">", true, false, false);
        self.write_block_hints(value);
        self.process_line_comment(true);
        self.whitespace = true;
        let chars: Vec<char> = value.chars().collect();
        // libyaml looks for the first non-break character from the start
        // of the text here, not from the current position.
        let first_blankz = blankz_at(&chars, chars.iter().take_while(|c| is_break(**c)).count());
        let (mut breaks, mut leading_spaces) = (true, true);
        for &c in &chars {
            if is_break(c) {
                if !breaks && !leading_spaces && c == '\n' && !first_blankz {
                    self.put_break();
                }
                self.write_break(c);
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                    leading_spaces = is_blank(c);
                }
                self.write(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}
