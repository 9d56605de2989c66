//! Which node each full-line comment belongs to, as go-yaml v3 decides.
//!
//! go-yaml's scanner splits the comment lines between two tokens into
//! *foot* comments of what came before and a *head* comment of what comes
//! next (`yaml_parser_scan_comments`): comment lines right below content
//! are a foot when an empty line (or the end of the text) follows them or
//! when the next token is dedented past them; the rest is the next node's
//! head. Empty lines inside a head are kept. At the start of the document,
//! what comes before the last empty line is the document's head; at the
//! end, a head with nothing to precede is the document's foot.
//!
//! The split is reproduced exactly. Where a foot then lands is reproduced
//! for the layouts that occur in practice: the innermost entry above it,
//! or, when the comment is dedented, the open entry at its column. Other
//! layouts (a foot that matches no entry, comments after a block scalar or
//! after a lone `-`, several foots in one run) are refused.

use super::super::doc::Doc;
use super::super::doc::NodeId;
use super::{unsupported, Gap, Item, LastToken, LineEnd, Open, Parser, Result};

/// A comment run, before it is attached.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Record {
    /// A foot of what precedes; `dedented_to` is the comment's column when
    /// it sits left of the current indentation.
    Foot {
        text: String,
        dedented_to: Option<usize>,
        first: bool,
    },
    /// A head of what follows.
    Head(String),
}

/// Attaches every comment of the parser's gaps and returns the document.
pub(super) fn attach(mut p: Parser<'_>) -> Result<Doc> {
    let gaps = std::mem::take(&mut p.gaps);
    for gap in &gaps {
        attach_gap(&mut p, gap)?;
    }
    Ok(p.doc)
}

/// A comment line: its column and text.
fn comment_at<'t>(p: &Parser<'t>, line: usize) -> Option<(usize, &'t str)> {
    let text = p.text(line);
    let col = p.indent(line);
    text[col..].starts_with('#').then(|| (col, &text[col..]))
}

fn attach_gap(p: &mut Parser<'_>, gap: &Gap) -> Result<()> {
    let Some(first_comment) = (gap.start..gap.end).find(|&l| comment_at(p, l).is_some()) else {
        return Ok(());
    };
    let prev = (gap.start > p.first).then(|| gap.start - 1);
    let prev_end: Option<LineEnd> = match prev {
        Some(line) => match p.ends[line].clone() {
            Some(end) => Some(end),
            None => return unsupported("comments inside a multi-line value"),
        },
        None => None,
    };
    if let Some(end) = &prev_end {
        match end.last {
            LastToken::Entry => return unsupported("comments after a lone `-`"),
            LastToken::BlockScalar | LastToken::Value | LastToken::Other => {}
        }
    }
    let at_end = gap.end >= p.lines.len();
    if at_end && p.lines.len() < p.total && p.lines.len() > p.first {
        // The run ends at a `---` or `...`: go-yaml gives its head to the
        // next document.
        return unsupported("comments before a document marker");
    }
    let next = if at_end {
        None
    } else {
        match p.starts[gap.end] {
            Some(open) => Some(open),
            None => return unsupported("comments before a value that starts no entry"),
        }
    };
    let records = scan(p, gap, first_comment, prev, prev_end.as_ref(), next);
    for record in records {
        match record {
            Record::Foot {
                text,
                dedented_to,
                first,
            } => {
                if !first {
                    return unsupported("several foot comments in one run");
                }
                let end = prev_end.as_ref().expect("a foot has content above it");
                if end.last == LastToken::Value {
                    return unsupported("a foot comment between a key and its value");
                }
                let next_col = next.map(|_| p.indent(gap.end));
                match foot_target(p, end, dedented_to, next_col, next)? {
                    Some(id) => append(&mut p.doc.node_mut(id).foot, &text),
                    None => append(&mut p.doc.foot, &text),
                }
            }
            Record::Head(text) => head(&mut p.doc, prev.is_none(), next, text),
        }
    }
    Ok(())
}

/// The node a foot run belongs to (`None`: the document).
///
/// A foot right below content belongs to the innermost entry. A dedented
/// one (left of the current indentation) goes where go-yaml's scanner ends
/// the blocks: to the block closing at the comment's column, whose last
/// key takes it (the document takes a root sequence's); when no block
/// closes there, it reaches the next key, and go-yaml hands it back to the
/// key before.
fn foot_target(
    p: &Parser<'_>,
    end: &LineEnd,
    dedented_to: Option<usize>,
    next_col: Option<usize>,
    next: Option<Open>,
) -> Result<Option<NodeId>> {
    let Some(col) = dedented_to else {
        return match end.open.last() {
            Some(open) => Ok(Some(open.id)),
            None => unsupported("a comment below nothing"),
        };
    };
    if next.is_none() && p.lines.len() == p.total && !p.lines.last().is_some_and(|l| l.is_empty()) {
        return unsupported("a dedented comment at the very end without a line break");
    }
    let closing = end
        .open
        .iter()
        .rev()
        .take_while(|o| next_col.is_none_or(|n| o.col > n));
    if let Some(open) = closing.clone().find(|o| o.col == col) {
        return match open.item {
            None => Ok(Some(open.id)),
            Some(Item { root: true }) => Ok(None),
            Some(_) => unsupported("a dedented comment closing a nested sequence"),
        };
    }
    match (next, next_col) {
        (Some(next), Some(n)) if next.item.is_none() => {
            match end
                .open
                .iter()
                .rev()
                .find(|o| o.col == n && o.item.is_none())
            {
                Some(before) => Ok(Some(before.id)),
                None => unsupported("a dedented comment with no key before it"),
            }
        }
        _ => unsupported("a dedented comment before a sequence item or the end"),
    }
}

/// Attaches a head run: to the next entry, split at the document start,
/// or as the document's foot at the end.
fn head(doc: &mut Doc, at_start: bool, next: Option<Open>, text: String) {
    let Some(next) = next else {
        append(&mut doc.foot, &text);
        return;
    };
    let mut node_head = text;
    if at_start {
        let split = if node_head.ends_with('\n') {
            Some(node_head.len() - 1)
        } else {
            node_head.rfind("\n\n")
        };
        if let Some(at) = split {
            let rest = node_head[at..].trim_start_matches('\n').to_owned();
            node_head.truncate(at);
            append(&mut doc.head, &node_head);
            node_head = rest;
        }
    }
    if !node_head.is_empty() {
        append(&mut doc.node_mut(next.id).head, &node_head);
    }
}

fn append(slot: &mut String, text: &str) {
    if !slot.is_empty() {
        slot.push('\n');
    }
    slot.push_str(text);
}

/// What `yaml_parser_scan_comments` knows about the content before a run.
struct Context {
    /// The line right below the previous token, where a foot starts (none
    /// when the scanner was still on line 0).
    foot_line: Option<usize>,
    /// The previous token is a key's `:` (whose foot is not "right below").
    token_is_value: bool,
    /// The current block indentation (the innermost open entry's column).
    indent: usize,
}

impl Context {
    fn new(
        p: &Parser<'_>,
        first_comment: usize,
        prev: Option<usize>,
        end: Option<&LineEnd>,
    ) -> (Context, usize) {
        // Line breaks since the last token (the `---` line, if any, is one).
        let newlines = match end {
            Some(e) => first_comment - e.token_line,
            None if p.first > 0 => first_comment - (p.first - 1),
            None => first_comment,
        };
        // Where the previous token left the scanner: plain scalars read on
        // to the comment; quoted scalars, flow ends, `:`, end-of-line
        // comments and the document start stay on their line.
        let scan_line = match end {
            Some(e) if e.last == LastToken::BlockScalar => first_comment,
            Some(e) if e.last == LastToken::Other && !e.stays_on_line => first_comment,
            Some(_) => prev.unwrap_or(0),
            None => p.first.saturating_sub(1),
        };
        let context = Context {
            foot_line: (scan_line > 0).then(|| first_comment - newlines + 1),
            token_is_value: end.is_some_and(|e| e.last == LastToken::Value),
            indent: end.and_then(|e| e.open.last()).map_or(0, |o| o.col),
        };
        (context, newlines)
    }
}

/// The comment text being gathered and where it started.
struct Run {
    records: Vec<Record>,
    text: String,
    /// Line and column of its first comment.
    start: (usize, usize),
    /// No empty line seen yet (before or inside the run).
    first_empty: bool,
    recent_empty: bool,
}

impl Run {
    /// Ends the text gathered so far as a foot.
    fn foot(&mut self, dedented_to: Option<usize>) {
        if self.text.is_empty() {
            return;
        }
        let first = !self
            .records
            .iter()
            .any(|r| matches!(r, Record::Foot { .. }));
        self.records.push(Record::Foot {
            text: std::mem::take(&mut self.text),
            dedented_to,
            first,
        });
    }

    /// At an empty line (or the end, `at_end`): a run right below content
    /// is a foot; otherwise the empty line stays in the text.
    fn empty_line(&mut self, c: &Context, at_end: bool) {
        if self.recent_empty {
            return;
        }
        let (line, col) = self.start;
        let below = Some(line) == c.foot_line && !c.token_is_value;
        if self.first_empty && (below || col < c.indent) {
            self.foot((col < c.indent).then_some(col));
        } else if !self.text.is_empty() && !at_end {
            self.text.push('\n');
        }
    }

    /// Something at `col` (a comment or the next token) dedented past the
    /// indentation, and not where the run started, ends the run as a foot.
    fn dedent(&mut self, c: &Context, col: usize) {
        if col < c.indent && col != self.start.1 {
            self.foot(None);
        }
    }
}

/// `yaml_parser_scan_comments` over one run of lines: which comment lines
/// are feet of what precedes and which are the head of what follows.
fn scan(
    p: &Parser<'_>,
    gap: &Gap,
    first_comment: usize,
    prev: Option<usize>,
    prev_end: Option<&LineEnd>,
    next: Option<Open>,
) -> Vec<Record> {
    let (c, newlines) = Context::new(p, first_comment, prev, prev_end);
    let mut run = Run {
        records: Vec::new(),
        text: String::new(),
        start: (0, 0),
        first_empty: newlines <= 1,
        recent_empty: false,
    };
    for line in first_comment..gap.end {
        match comment_at(p, line) {
            // The text's last piece has no line break: it is the end.
            None if line + 1 == p.total => break,
            None => {
                run.empty_line(&c, false);
                run.first_empty = false;
                run.recent_empty = true;
            }
            Some((col, comment)) => {
                if !run.text.is_empty() {
                    run.dedent(&c, col);
                }
                if run.text.is_empty() {
                    run.start = (line, col);
                } else {
                    run.text.push('\n');
                }
                run.text.push_str(comment);
                run.recent_empty = false;
            }
        }
    }
    match next {
        // The end of the text counts as an empty line.
        None => run.empty_line(&c, true),
        Some(_) => run.dedent(&c, p.indent(gap.end)),
    }
    let mut records = run.records;
    if !run.text.is_empty() {
        records.push(Record::Head(run.text));
    }
    records
}
