//! Literal (`|`) and folded (`>`) block scalars, read as libyaml's
//! `yaml_parser_scan_block_scalar` reads them.

use super::super::super::scalar::Tag;
use super::super::doc::{Node, NodeId, Style};
use super::{unsupported, LastToken, Parser, Result};

/// The chomping indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chomp {
    Strip,
    Clip,
    Keep,
}

/// The header after `|` or `>`: chomping and an explicit indentation.
fn header(rest: &str) -> Result<(Chomp, Option<usize>, &str)> {
    let mut chomp = None;
    let mut indent = None;
    let mut chars = rest.char_indices().peekable();
    while let Some(&(_, c)) = chars.peek() {
        match c {
            '+' | '-' if chomp.is_none() => {
                chomp = Some(if c == '+' { Chomp::Keep } else { Chomp::Strip });
            }
            '1'..='9' if indent.is_none() => indent = Some(c as usize - '0' as usize),
            _ => break,
        }
        chars.next();
    }
    let at = chars.peek().map_or(rest.len(), |&(i, _)| i);
    let tail = &rest[at..];
    let trimmed = tail.trim_start_matches(' ');
    if !(trimmed.is_empty() || (trimmed.starts_with('#') && trimmed.len() < tail.len())) {
        return unsupported("unexpected text after a block scalar indicator");
    }
    Ok((chomp.unwrap_or(Chomp::Clip), indent, trimmed))
}

/// A block scalar's lines, read.
struct Body {
    /// The text so far, without the last line break.
    value: String,
    /// The line break after the last line with text (kept unless `-`).
    leading_break: String,
    /// The breaks of the empty lines after it (kept only with `+`).
    trailing: String,
    /// The last line with text.
    last_text: Option<usize>,
    /// The first line after the scalar.
    next: usize,
}

impl Parser<'_> {
    /// The block scalar whose indicator is at (`self.line`, `col`), inside
    /// a block collection at column `parent` (-1 at the root). Leaves
    /// `self.line` on the first line after it.
    pub(super) fn block_scalar(&mut self, slot: NodeId, col: usize, parent: i64) -> Result<()> {
        let text = self.text(self.line);
        let literal = text[col..].starts_with('|');
        let (chomp, explicit, comment) = header(&text[col + 1..])?;
        let header_line = self.line;
        let indent = match explicit {
            Some(n) if parent >= 0 => parent as usize + n,
            Some(n) => n,
            None => self.detect_indent(header_line + 1, parent),
        };
        let body = self.body(header_line + 1, indent, literal);
        let mut value = body.value;
        if chomp != Chomp::Strip {
            value.push_str(&body.leading_break);
        }
        if chomp == Chomp::Keep {
            value.push_str(&body.trailing);
        }
        let style = if literal {
            Style::Literal
        } else {
            Style::Folded
        };
        let mut node = Node::scalar(Tag::Str, style, value);
        node.line = comment.to_owned();
        *self.doc.node_mut(slot) = node;
        let last = body.next.saturating_sub(1).max(header_line);
        self.end_line(last, LastToken::BlockScalar, false);
        if let Some(end) = self.ends[last].as_mut() {
            end.token_line = body.last_text.unwrap_or(header_line);
        }
        self.line = body.next;
        Ok(())
    }

    /// The lines of a block scalar from `first`, folded (unless `literal`)
    /// as libyaml folds them, before chomping.
    fn body(&self, first: usize, indent: usize, literal: bool) -> Body {
        let mut b = Body {
            value: String::new(),
            leading_break: String::new(),
            trailing: String::new(),
            last_text: None,
            next: first,
        };
        let mut leading_blank = false;
        b.next = self.empty_lines(first, indent, &mut b.trailing);
        while b.next < self.lines.len() && self.is_content(b.next, indent) {
            let line = b.next;
            let content = &self.text(line)[indent..];
            let trailing_blank = content.starts_with([' ', '\t']);
            if !literal && b.leading_break == "\n" && !leading_blank && !trailing_blank {
                if b.trailing.is_empty() {
                    b.value.push(' ');
                }
            } else {
                b.value.push_str(&b.leading_break);
            }
            b.leading_break.clear();
            b.value.push_str(&std::mem::take(&mut b.trailing));
            leading_blank = trailing_blank;
            b.value.push_str(content);
            if line + 1 < self.total {
                b.leading_break.push('\n');
            }
            b.last_text = Some(line);
            b.next = self.empty_lines(line + 1, indent, &mut b.trailing);
        }
        b
    }

    /// libyaml's automatic indentation: the deepest of the leading empty
    /// lines' spaces and the first content line's indentation, at least
    /// one more than the enclosing collection.
    fn detect_indent(&self, first: usize, parent: i64) -> usize {
        let mut max = 0;
        for line in first..self.lines.len() {
            let text = self.text(line);
            let spaces = text.len() - text.trim_start_matches(' ').len();
            max = max.max(spaces);
            if spaces < text.len() {
                break;
            }
        }
        max.max((parent + 1).max(1) as usize)
    }

    /// Whether `line` continues a block scalar indented by `indent`.
    fn is_content(&self, line: usize, indent: usize) -> bool {
        let text = self.text(line);
        let spaces = text.len() - text.trim_start_matches(' ').len();
        spaces >= indent && text.len() > indent
    }

    /// Consumes empty lines (no more than `indent` spaces) from `line`,
    /// adding a line break for each that has one; returns the next line.
    fn empty_lines(&self, mut line: usize, indent: usize, breaks: &mut String) -> usize {
        while line < self.lines.len() {
            let text = self.text(line);
            if !text.trim_start_matches(' ').is_empty() || text.len() > indent {
                break;
            }
            if line + 1 < self.total {
                breaks.push('\n');
            }
            line += 1;
        }
        line
    }
}
