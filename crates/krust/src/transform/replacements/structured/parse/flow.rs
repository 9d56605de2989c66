//! Flow collections (`[a, b]`, `{k: v}`, and so JSON), which may span
//! lines. Comments inside them are skipped; [`Parser::flow_comments`]
//! records that there were some.

use super::super::super::scalar::{resolve, Tag};
use super::super::doc::{Kind, Node, NodeId, Style};
use super::{scalar, unsupported, Parser, Result};

/// Whether a flow collection at byte `col` of `text` closes on the line
/// and is followed by `:` (a collection used as a mapping key).
pub(super) fn is_key(text: &str, col: usize) -> bool {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (i, c) in text[col..].char_indices() {
        match (quote, c) {
            (Some('"'), '\\') => {}
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => {
                depth -= 1;
                if depth == 0 {
                    return text[col + i + 1..].trim_start().starts_with(':');
                }
            }
            _ => {}
        }
    }
    false
}

/// A position in the document's lines.
#[derive(Debug, Clone, Copy)]
struct Pos {
    line: usize,
    byte: usize,
}

impl Parser<'_> {
    /// The flow collection starting at (`self.line`, `col`) into `slot`;
    /// leaves `self.line` on the line where it ends and returns the byte
    /// after it.
    pub(super) fn flow_value(&mut self, slot: NodeId, col: usize) -> Result<usize> {
        let mut pos = Pos {
            line: self.line,
            byte: col,
        };
        self.flow_node(slot, &mut pos)?;
        self.line = pos.line;
        Ok(pos.byte)
    }

    fn peek(&self, pos: Pos) -> Option<char> {
        self.text(pos.line)[pos.byte..].chars().next()
    }

    /// Skips blanks, line breaks and comments.
    fn skip_flow_space(&mut self, pos: &mut Pos) -> Result<()> {
        loop {
            let text = self.text(pos.line);
            match self.peek(*pos) {
                Some(' ' | '\t') => pos.byte += 1,
                Some('#') if pos.byte == 0 || text[..pos.byte].ends_with([' ', '\t']) => {
                    self.flow_comments = true;
                    pos.byte = text.len();
                }
                None => {
                    if pos.line + 1 >= self.lines.len() {
                        return unsupported("an unterminated flow collection");
                    }
                    pos.line += 1;
                    pos.byte = 0;
                }
                Some(_) => return Ok(()),
            }
        }
    }

    fn flow_node(&mut self, slot: NodeId, pos: &mut Pos) -> Result<()> {
        self.skip_flow_space(pos)?;
        match self.peek(*pos) {
            Some('[') => self.flow_seq(slot, pos),
            Some('{') => self.flow_map(slot, pos),
            Some('"' | '\'') => {
                let (node, end) = scalar::quoted(self.text(pos.line), pos.byte)?;
                *self.doc.node_mut(slot) = node;
                pos.byte = end;
                Ok(())
            }
            Some('!') => self.flow_tagged(slot, pos),
            Some('&' | '*' | '?' | '|' | '>' | '%' | '@' | '`') => {
                unsupported("an indicator in a flow collection")
            }
            _ => self.flow_plain(slot, pos),
        }
    }

    /// A scalar after a standard tag written out (as kustomize prints a
    /// typed node given other text); a tag alone is an empty scalar.
    fn flow_tagged(&mut self, slot: NodeId, pos: &mut Pos) -> Result<()> {
        let (tag, start) = scalar::tag(self.text(pos.line), pos.byte)?;
        pos.byte = start;
        match self.peek(*pos) {
            Some(',' | ']' | '}') | None => {
                *self.doc.node_mut(slot) = Node::scalar(tag, Style::Plain, "");
            }
            Some('"' | '\'') => self.flow_node(slot, pos)?,
            Some('[' | '{' | '!' | '&' | '*' | '#') => {
                return unsupported("a tagged collection, anchor or alias")
            }
            Some(_) => self.flow_plain(slot, pos)?,
        }
        let node = self.doc.node_mut(slot);
        node.tag = tag;
        node.tagged = true;
        Ok(())
    }

    fn flow_seq(&mut self, slot: NodeId, pos: &mut Pos) -> Result<()> {
        self.enter()?;
        *self.doc.node_mut(slot) = Node::collection(Kind::Seq, true);
        pos.byte += 1;
        loop {
            self.skip_flow_space(pos)?;
            if self.peek(*pos) == Some(']') {
                pos.byte += 1;
                self.depth -= 1;
                return Ok(());
            }
            let item = self.doc.add(Node::collection(Kind::Seq, true));
            self.doc.node_mut(slot).children.push(item);
            self.flow_node(item, pos)?;
            self.skip_flow_space(pos)?;
            match self.peek(*pos) {
                Some(',') => pos.byte += 1,
                Some(']') => {
                    pos.byte += 1;
                    self.depth -= 1;
                    return Ok(());
                }
                _ => return unsupported("a mapping entry inside a flow sequence"),
            }
        }
    }

    fn flow_map(&mut self, slot: NodeId, pos: &mut Pos) -> Result<()> {
        self.enter()?;
        *self.doc.node_mut(slot) = Node::collection(Kind::Map, true);
        pos.byte += 1;
        loop {
            self.skip_flow_space(pos)?;
            if self.peek(*pos) == Some('}') {
                pos.byte += 1;
                self.depth -= 1;
                return Ok(());
            }
            let key = self.doc.add(Node::collection(Kind::Seq, true));
            let value = self.doc.add(Node::scalar(Tag::Null, Style::Plain, ""));
            self.doc.node_mut(slot).children.extend([key, value]);
            self.flow_node(key, pos)?;
            if self.doc.node(key).kind != Kind::Scalar {
                return unsupported("a flow collection as a mapping key");
            }
            self.skip_flow_space(pos)?;
            if self.peek(*pos) == Some(':') {
                pos.byte += 1;
                self.skip_flow_space(pos)?;
                if !matches!(self.peek(*pos), Some(',' | '}')) {
                    self.flow_node(value, pos)?;
                    self.skip_flow_space(pos)?;
                }
            }
            match self.peek(*pos) {
                Some(',') => pos.byte += 1,
                Some('}') => {
                    pos.byte += 1;
                    self.depth -= 1;
                    return Ok(());
                }
                _ => return unsupported("unexpected text in a flow mapping"),
            }
        }
    }

    /// A plain scalar in flow context, ended by a flow indicator, `: `, a
    /// comment or the end of the line (continuing it on the next line is
    /// refused).
    fn flow_plain(&mut self, slot: NodeId, pos: &mut Pos) -> Result<()> {
        let text = self.text(pos.line);
        let rest = &text[pos.byte..];
        let bytes = rest.as_bytes();
        let mut end = 0;
        while end < bytes.len() {
            let b = bytes[end];
            let next = bytes.get(end + 1).copied();
            let ends = match b {
                b',' | b'[' | b']' | b'{' | b'}' => true,
                b':' => matches!(
                    next,
                    None | Some(b' ' | b'\t' | b',' | b'[' | b']' | b'{' | b'}')
                ),
                b'#' => end > 0 && matches!(bytes[end - 1], b' ' | b'\t'),
                _ => false,
            };
            if ends {
                break;
            }
            end += 1;
        }
        let value = rest[..end].trim_end_matches([' ', '\t']);
        if value.is_empty() {
            return unsupported("an empty plain scalar in a flow collection");
        }
        if value.contains('\t') {
            return unsupported("a tab in a plain scalar");
        }
        if end == bytes.len() {
            // The scalar reached the end of its line: a continuation on the
            // next line would join it.
            let mut probe = Pos {
                line: pos.line,
                byte: text.len(),
            };
            self.skip_flow_space(&mut probe)?;
            if !matches!(self.peek(probe), Some(',' | ']' | '}' | ':')) {
                return unsupported("a plain scalar over several lines");
            }
        }
        *self.doc.node_mut(slot) = Node::scalar(resolve(value).0, Style::Plain, value);
        pos.byte += value.len();
        Ok(())
    }
}
