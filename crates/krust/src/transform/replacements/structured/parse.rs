//! Reads YAML held in a string into a [`Doc`], keeping what go-yaml v3
//! keeps and kustomize 5.8 writes back: tags, scalar styles, flow styles
//! and comments.
//!
//! This is a parser for the shapes such strings take in practice, not for
//! all of YAML: block mappings and sequences, plain and quoted one-line
//! scalars, literal and folded block scalars, flow collections (JSON
//! included), full-line and end-of-line comments. Anything else (anchors,
//! tags, complex keys, multi-line plain or quoted scalars, tabs in block
//! context, directives) is refused with [`Unsupported`], so that the caller
//! fails loudly instead of printing something kustomize would not. Whether
//! the text is valid YAML at all is decided by the caller with krust's own
//! loader; this parser assumes it is.

mod block_scalar;
mod comments;
mod flow;
mod scalar;

use super::super::scalar::Tag;
use super::doc::{Doc, Kind, Node, NodeId, Style};

/// Why a text is not parsed: a shape this parser does not reproduce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unsupported(pub String);

type Result<T> = std::result::Result<T, Unsupported>;

fn unsupported<T>(what: impl Into<String>) -> Result<T> {
    Err(Unsupported(what.into()))
}

/// The first document of `text`, as go-yaml's `Unmarshal` into a
/// `yaml.Node` reads it (later documents are not read).
pub(crate) fn parse(text: &str) -> Result<Parsed> {
    if text.contains(['\r', '\u{85}', '\u{2028}', '\u{2029}', '\u{feff}']) {
        return unsupported("line breaks other than \\n, or a byte order mark");
    }
    let mut p = Parser::new(text)?;
    p.skip_gap();
    if p.line < p.lines.len() {
        let root = p.doc.add(placeholder());
        p.doc.root = Some(root);
        p.block_node(root, -1)?;
        p.skip_gap();
        if p.line < p.lines.len() {
            return unsupported("content after the document's root node");
        }
    }
    let flow_comments = p.flow_comments;
    let doc = comments::attach(p)?;
    Ok(Parsed { doc, flow_comments })
}

/// A parsed document.
#[derive(Debug)]
pub(crate) struct Parsed {
    /// The document.
    pub doc: Doc,
    /// Whether comments sit inside flow collections (where this parser
    /// drops them).
    pub flow_comments: bool,
}

/// A node slot to be filled in by the parser.
fn placeholder() -> Node {
    Node::scalar(Tag::Null, Style::Plain, "")
}

/// An entry (mapping key or sequence item) that is still open: comments
/// around it may attach to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Open {
    /// Column of the key or of the `-`.
    col: usize,
    /// The key node, or the item node.
    id: NodeId,
    /// A sequence item (else a mapping key); `root` for the document's own
    /// sequence.
    item: Option<Item>,
}

/// Where a sequence item's sequence sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Item {
    root: bool,
}

/// What the last token on a content line was, for comment placement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LastToken {
    /// `key:` with the value on later lines.
    Value,
    /// `-` with the item on later lines.
    Entry,
    /// A block scalar (which, like a plain scalar, reads on to what
    /// follows).
    BlockScalar,
    /// Anything else (a scalar, the end of a flow collection).
    Other,
}

/// The state at the end of a content line.
#[derive(Debug, Clone)]
struct LineEnd {
    last: LastToken,
    /// The line of the last token (a block scalar's last line with text,
    /// before the empty lines it also takes).
    token_line: usize,
    /// Entries open at the end of the line, outermost first.
    open: Vec<Open>,
    /// Whether the line's last token is a quoted scalar or flow end, after
    /// which go-yaml's scanner stays on the line (see [`comments`]).
    stays_on_line: bool,
}

/// A run of blank and comment lines between content lines.
#[derive(Debug, Clone)]
struct Gap {
    /// Its lines (`start..end`).
    start: usize,
    end: usize,
}

struct Parser<'t> {
    lines: Vec<&'t str>,
    /// How many lines the whole text has (a line has a line break after
    /// it unless it is the last one).
    total: usize,
    /// Index of the first line of the document (after `---`).
    first: usize,
    line: usize,
    doc: Doc,
    open: Vec<Open>,
    /// Per line: its end state, when it held content.
    ends: Vec<Option<LineEnd>>,
    /// Per line: the first entry that starts on it.
    starts: Vec<Option<Open>>,
    gaps: Vec<Gap>,
    flow_comments: bool,
    /// Collections open around the current position.
    depth: usize,
}

/// How deeply collections may nest: the tree is walked recursively, on
/// threads with small stacks, and real configuration is nowhere near it.
const MAX_DEPTH: usize = 100;

impl<'t> Parser<'t> {
    /// Enters a collection, refusing nesting past [`MAX_DEPTH`].
    fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return unsupported(format!("collections nested more than {MAX_DEPTH} deep"));
        }
        Ok(())
    }

    /// Splits `text` into lines and finds the first document's lines.
    fn new(text: &'t str) -> Result<Parser<'t>> {
        let mut lines: Vec<&str> = text.split('\n').collect();
        let total = lines.len();
        let mut first = 0;
        for (i, line) in lines.iter().enumerate() {
            let trimmed = line.trim_start_matches(' ');
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            if line.starts_with('%') {
                return unsupported("a directive");
            }
            if is_marker(line, "---") {
                if !marker_rest_is_empty(line) {
                    return unsupported("content on the `---` line");
                }
                if lines[..i].iter().any(|l| l.trim_start().starts_with('#')) {
                    return unsupported("comments before `---`");
                }
                first = i + 1;
            }
            break;
        }
        let end = (first..lines.len())
            .find(|&i| is_marker(lines[i], "---") || is_marker(lines[i], "..."))
            .unwrap_or(lines.len());
        lines.truncate(end);
        let n = lines.len();
        Ok(Parser {
            lines,
            total,
            first,
            line: first,
            doc: Doc::default(),
            open: Vec::new(),
            ends: vec![None; n],
            starts: vec![None; n],
            gaps: Vec::new(),
            flow_comments: false,
            depth: 0,
        })
    }

    fn text(&self, line: usize) -> &'t str {
        self.lines[line]
    }

    /// The column of the first non-space character of a line.
    fn indent(&self, line: usize) -> usize {
        let text = self.text(line);
        text.len() - text.trim_start_matches(' ').len()
    }

    /// Whether a line is blank or only a comment.
    fn is_gap_line(&self, line: usize) -> bool {
        let rest = self.text(line).trim_start_matches(' ');
        rest.is_empty() || rest.starts_with('#')
    }

    /// Skips blank and comment lines, remembering them for comments.
    fn skip_gap(&mut self) {
        let start = self.line;
        while self.line < self.lines.len() && self.is_gap_line(self.line) {
            self.line += 1;
        }
        if self.line > start {
            self.gaps.push(Gap {
                start,
                end: self.line,
            });
        }
    }

    /// Records the state at the end of content line `line`.
    fn end_line(&mut self, line: usize, last: LastToken, stays_on_line: bool) {
        self.ends[line] = Some(LineEnd {
            last,
            token_line: line,
            open: self.open.clone(),
            stays_on_line,
        });
    }

    /// Opens an entry at `col` on the current line.
    fn open_entry(&mut self, col: usize, id: NodeId, item: Option<Item>) {
        let entry = Open { col, id, item };
        self.open.push(entry);
        if self.starts[self.line].is_none() {
            self.starts[self.line] = Some(entry);
        }
    }

    /// The node that starts at the current line's indentation: a block
    /// collection, or a scalar or flow collection alone on its line.
    /// `parent` is the column of the enclosing block collection (-1 at
    /// the root).
    fn block_node(&mut self, slot: NodeId, parent: i64) -> Result<()> {
        let col = self.indent(self.line);
        self.node_at(slot, col, parent)
    }

    /// The node starting at (`self.line`, `col`), which may be in the
    /// middle of the line (after `- `).
    fn node_at(&mut self, slot: NodeId, col: usize, parent: i64) -> Result<()> {
        let rest = &self.text(self.line)[col..];
        if rest.starts_with('\t') {
            return unsupported("a tab in block indentation");
        }
        if is_entry(rest) {
            return self.block_seq(slot, col);
        }
        if self.key_at(col)?.is_some() {
            return self.block_map(slot, col);
        }
        match self.value_at(slot, col, parent)? {
            Some(end) => self.finish_line(end, Some(slot)),
            None => Ok(()),
        }
    }

    /// A block sequence whose first `-` is at (`self.line`, `col`).
    fn block_seq(&mut self, slot: NodeId, col: usize) -> Result<()> {
        self.enter()?;
        *self.doc.node_mut(slot) = Node::collection(Kind::Seq, false);
        loop {
            let item = self.doc.add(placeholder());
            self.doc.node_mut(slot).children.push(item);
            let root = self.doc.root == Some(slot);
            self.open_entry(col, item, Some(Item { root }));
            self.seq_item(item, col)?;
            self.open.pop();
            self.skip_gap();
            if self.line >= self.lines.len() || self.indent(self.line) != col {
                break;
            }
            if !is_entry(&self.text(self.line)[col..]) {
                break;
            }
        }
        self.depth -= 1;
        Ok(())
    }

    /// One `- item` of a sequence at `col`.
    fn seq_item(&mut self, item: NodeId, col: usize) -> Result<()> {
        let text = self.text(self.line);
        let after = col + 1 + text[col + 1..].len() - text[col + 1..].trim_start_matches(' ').len();
        let rest = &text[after..];
        if rest.is_empty() {
            let line = self.line;
            self.end_line(line, LastToken::Entry, false);
            self.line += 1;
            return self.nested_value(item, col, false);
        }
        if rest.starts_with('#') {
            return unsupported("a comment after a `-` with nothing else on its line");
        }
        self.node_at(item, after, col as i64)
    }

    /// A block mapping whose first key is at (`self.line`, `col`).
    fn block_map(&mut self, slot: NodeId, col: usize) -> Result<()> {
        self.enter()?;
        *self.doc.node_mut(slot) = Node::collection(Kind::Map, false);
        loop {
            let Some((key, after)) = self.key_at(col)? else {
                return unsupported("a mapping entry this parser cannot read");
            };
            let key = self.doc.add(key);
            let value = self.doc.add(placeholder());
            self.doc.node_mut(slot).children.extend([key, value]);
            self.open_entry(col, key, None);
            self.map_value(key, value, col, after)?;
            self.open.pop();
            self.skip_gap();
            if self.line >= self.lines.len() || self.indent(self.line) != col {
                break;
            }
            if is_entry(&self.text(self.line)[col..]) {
                return unsupported("a sequence entry where a mapping key belongs");
            }
        }
        self.depth -= 1;
        Ok(())
    }

    /// The value of the key at `col`, whose `:` ends at byte `after`.
    fn map_value(&mut self, key: NodeId, value: NodeId, col: usize, after: usize) -> Result<()> {
        let text = self.text(self.line);
        let start = after + text[after..].len() - text[after..].trim_start_matches(' ').len();
        let rest = &text[start..];
        if rest.is_empty() || rest.starts_with('#') {
            if let Some(comment) = rest.strip_prefix('#') {
                self.doc.node_mut(key).line = format!("#{comment}");
            }
            let line = self.line;
            self.end_line(line, LastToken::Value, false);
            self.line += 1;
            return self.nested_value(value, col, true);
        }
        if is_entry(rest) {
            return unsupported("a sequence on the same line as its key");
        }
        match self.value_at(value, start, col as i64)? {
            Some(end) => self.finish_line(end, Some(value)),
            None => Ok(()),
        }
    }

    /// The value of an entry at `col` whose line ended: a nested block on
    /// the following lines, or null. In a mapping (`in_map`), a sequence
    /// may sit at the key's own column.
    fn nested_value(&mut self, slot: NodeId, col: usize, in_map: bool) -> Result<()> {
        let before = self.gaps.len();
        self.skip_gap();
        if self.line < self.lines.len() {
            let indent = self.indent(self.line);
            let entry = is_entry(&self.text(self.line)[indent..]);
            if indent > col || (in_map && indent == col && entry) {
                let starts_entry = entry || self.key_at(indent)?.is_some();
                if !starts_entry && self.gaps[before..].iter().any(|g| self.gap_has_comment(g)) {
                    return unsupported("comments before a value on its own line");
                }
                return self.block_node(slot, col as i64);
            }
        }
        *self.doc.node_mut(slot) = Node::scalar(Tag::Null, Style::Plain, "");
        Ok(())
    }

    fn gap_has_comment(&self, gap: &Gap) -> bool {
        (gap.start..gap.end).any(|l| self.text(l).trim_start().starts_with('#'))
    }

    /// A scalar or flow collection starting at (`self.line`, `col`); returns
    /// the byte where it ends on the (possibly later) current line, or
    /// `None` for a block scalar, which ends with its last line.
    fn value_at(&mut self, slot: NodeId, col: usize, parent: i64) -> Result<Option<usize>> {
        let rest = &self.text(self.line)[col..];
        match rest.chars().next() {
            Some('[' | '{') => self.flow_value(slot, col).map(Some),
            Some('|' | '>') => self.block_scalar(slot, col, parent).map(|()| None),
            Some('"' | '\'') => {
                let (node, end) = scalar::quoted(self.text(self.line), col)?;
                *self.doc.node_mut(slot) = node;
                Ok(Some(end))
            }
            Some('!') => self.tagged_value(slot, col, parent),
            Some('&' | '*') => unsupported("anchors and aliases"),
            Some('?') if rest.len() == 1 || rest[1..].starts_with(' ') => {
                unsupported("complex mapping keys")
            }
            Some('%' | '@' | '`') => unsupported("a reserved indicator"),
            _ => {
                let (node, end) = scalar::plain(self.text(self.line), col)?;
                *self.doc.node_mut(slot) = node;
                self.plain_lines(slot, end, parent).map(Some)
            }
        }
    }

    /// A scalar after a standard tag written out (`!!int abc`, `!!bool |-`,
    /// as kustomize itself prints a typed node given other text): the tag
    /// is kept as written. A tag alone is an empty scalar.
    fn tagged_value(&mut self, slot: NodeId, col: usize, parent: i64) -> Result<Option<usize>> {
        let (tag, start) = scalar::tag(self.text(self.line), col)?;
        let rest = &self.text(self.line)[start..];
        let end = if rest.is_empty() || rest.starts_with('#') {
            *self.doc.node_mut(slot) = Node::scalar(tag, Style::Plain, "");
            Some(start)
        } else if rest.starts_with(['[', '{', '!', '&', '*']) {
            return unsupported("a tagged collection, anchor or alias");
        } else {
            self.value_at(slot, start, parent)?
        };
        let node = self.doc.node_mut(slot);
        node.tag = tag;
        node.tagged = true;
        Ok(end)
    }

    /// The lines that continue a plain scalar ending at byte `end` (content
    /// deeper than the enclosing collection, before a comment): joined with
    /// a space, or with one line break per empty line between them. Leaves
    /// `self.line` on the scalar's last line and returns where it ends.
    fn plain_lines(&mut self, slot: NodeId, end: usize, parent: i64) -> Result<usize> {
        if self.text(self.line)[end..]
            .trim_start_matches(' ')
            .starts_with('#')
        {
            return Ok(end);
        }
        let mut value = self.doc.node(slot).value.clone();
        let (mut end, mut empty, mut line) = (end, 0, self.line + 1);
        while line < self.lines.len() {
            let text = self.text(line);
            let rest = text.trim_start_matches(' ');
            if rest.is_empty() {
                empty += 1;
                line += 1;
                continue;
            }
            if rest.starts_with('#') || self.indent(line) as i64 <= parent {
                break;
            }
            let (piece, _) = scalar::plain(text, self.indent(line))?;
            if is_entry(&piece.value) || piece.value.starts_with("? ") || rest.starts_with('\t') {
                return unsupported("a plain scalar continued by an indicator");
            }
            value.push_str(&if empty == 0 {
                " ".to_owned()
            } else {
                "\n".repeat(empty)
            });
            value.push_str(&piece.value);
            end = self.indent(line) + piece.value.len();
            self.line = line;
            (empty, line) = (0, line + 1);
            if text[end..].trim_start_matches(' ').starts_with('#') {
                break;
            }
        }
        let node = self.doc.node_mut(slot);
        node.tag = super::super::scalar::resolve(&value).0;
        node.value = value;
        Ok(end)
    }

    /// The rest of the current line after a value ending at byte `end`:
    /// blanks and an optional comment, which becomes `node`'s line comment.
    fn finish_line(&mut self, end: usize, node: Option<NodeId>) -> Result<()> {
        let text = self.text(self.line);
        let rest = &text[end..];
        let trimmed = rest.trim_start_matches(' ');
        // After a comment on the line, go-yaml's scanner is still there.
        let stays = self.stays_on_line(node) || !trimmed.is_empty();
        if !trimmed.is_empty() {
            let Some(comment) = trimmed.strip_prefix('#') else {
                return unsupported(format!("unexpected text {trimmed:?} after a value"));
            };
            if trimmed.len() == rest.len() {
                return unsupported("a `#` right after a value");
            }
            if let Some(node) = node {
                self.doc.node_mut(node).line = format!("#{comment}");
            }
        }
        let line = self.line;
        self.end_line(line, LastToken::Other, stays);
        self.line += 1;
        Ok(())
    }

    /// Whether go-yaml's scanner is still on the value's line after it
    /// (quoted scalars and flow collections; plain scalars read on).
    fn stays_on_line(&self, node: Option<NodeId>) -> bool {
        node.is_some_and(|id| {
            let n = self.doc.node(id);
            n.flow || (n.kind == Kind::Scalar && matches!(n.style, Style::Single | Style::Double))
        })
    }

    /// A mapping key at (`self.line`, `col`): the key node and the byte
    /// after its `:`, or `None` when the text there is not a key.
    fn key_at(&self, col: usize) -> Result<Option<(Node, usize)>> {
        let text = self.text(self.line);
        let rest = &text[col..];
        let (node, end) = match rest.chars().next() {
            Some('"' | '\'') => match scalar::quoted(text, col) {
                Ok(found) => found,
                Err(_) => return Ok(None),
            },
            Some('[' | '{') => {
                if flow::is_key(text, col) {
                    return unsupported("a flow collection as a mapping key");
                }
                return Ok(None);
            }
            Some('?') if rest.len() == 1 || rest[1..].starts_with(' ') => {
                return unsupported("complex mapping keys")
            }
            Some('!') => {
                let (_, start) = scalar::tag(text, col)?;
                if start < text.len() && self.key_at(start)?.is_some() {
                    return unsupported("a tagged mapping key");
                }
                return Ok(None);
            }
            Some('&' | '*') => return unsupported("anchors and aliases"),
            _ => match scalar::plain_key(text, col) {
                Some(found) => found,
                None => return Ok(None),
            },
        };
        let after_blanks = &text[end..];
        let trimmed = after_blanks.trim_start_matches(' ');
        let colon = end + after_blanks.len() - trimmed.len();
        let Some(after) = trimmed.strip_prefix(':') else {
            return Ok(None);
        };
        if !(after.is_empty() || after.starts_with(' ')) {
            // `"k":v` is a key only in flow context.
            return Ok(None);
        }
        if node.value == "<<" && node.style == Style::Plain {
            return unsupported("merge keys");
        }
        Ok(Some((node, colon + 1)))
    }
}

/// Whether a line is the document marker `marker` (`---` or `...`).
fn is_marker(line: &str, marker: &str) -> bool {
    line.strip_prefix(marker)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
}

/// Whether the rest of a `---` line is blank.
fn marker_rest_is_empty(line: &str) -> bool {
    line[3..].trim().is_empty()
}

/// Whether text starts a block sequence entry (`-` then a space or the end).
fn is_entry(rest: &str) -> bool {
    rest == "-" || rest.starts_with("- ")
}
