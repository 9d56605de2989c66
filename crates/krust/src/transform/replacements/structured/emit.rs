//! go-yaml v3's emitter, as kyaml's encoder configures it (indent 2,
//! compact sequences, no line folding), for the node trees of [`super::doc`].
//!
//! kustomize 5.8 writes YAML held in a string back with `RNode.String()`;
//! its exact bytes (where comments go, which scalars get quoted, when an
//! empty line is printed) come from this state machine, so it is
//! re-implemented state for state rather than approximated. Anchors,
//! aliases, directives and explicit document markers never occur here.

use super::super::scalar::{resolve, Tag};
use super::doc::{Doc, Kind, NodeId, Style};

/// What the emitter is waiting for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    FirstDocumentStart,
    DocumentStart,
    DocumentContent,
    DocumentEnd,
    FlowSequenceFirstItem,
    FlowSequenceTrailItem,
    FlowSequenceItem,
    FlowMappingFirstKey,
    FlowMappingTrailKey,
    FlowMappingKey,
    FlowMappingSimpleValue,
    FlowMappingValue,
    BlockSequenceFirstItem,
    BlockSequenceItem,
    BlockMappingFirstKey,
    BlockMappingKey,
    BlockMappingSimpleValue,
    BlockMappingValue,
    End,
}

/// One emitter event.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Event {
    StreamStart,
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    SequenceStart {
        flow: bool,
    },
    SequenceEnd,
    MappingStart {
        flow: bool,
    },
    MappingEnd,
    /// `tag` is the suffix after `!!` when the tag is written out.
    Scalar {
        value: String,
        tag: Option<&'static str>,
        style: Style,
    },
}

/// An event with the comments go-yaml's encoder attaches to it.
#[derive(Debug, Clone, PartialEq)]
struct Item {
    event: Event,
    head: String,
    line: String,
    foot: String,
    tail: String,
}

impl Item {
    fn new(event: Event) -> Item {
        Item {
            event,
            head: String::new(),
            line: String::new(),
            foot: String::new(),
            tail: String::new(),
        }
    }
}

/// What `yaml_emitter_analyze_scalar` found out about the current scalar.
#[derive(Debug, Clone, Default)]
struct ScalarData {
    value: String,
    multiline: bool,
    flow_plain_allowed: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
    style: Option<Style>,
}

const BEST_INDENT: i64 = 2;
const BEST_WIDTH: i64 = i32::MAX as i64;

/// The emitter's state (go-yaml's `yaml_emitter_t`, reduced).
#[derive(Default)]
struct Emitter {
    out: String,
    events: Vec<Item>,
    head: usize,
    state: Option<State>,
    states: Vec<State>,
    indents: Vec<i64>,
    indent: i64,
    flow_level: i64,
    root_context: bool,
    mapping_context: bool,
    simple_key_context: bool,
    column: i64,
    whitespace: bool,
    indention: bool,
    open_ended: bool,
    foot_indent: i64,
    tag_suffix: Option<&'static str>,
    scalar: ScalarData,
    head_comment: String,
    line_comment: String,
    foot_comment: String,
    tail_comment: String,
    key_line_comment: String,
}

/// kyaml's `String()` of the whole document (document comments included).
pub(crate) fn document(doc: &Doc) -> String {
    let mut items = vec![Item {
        head: doc.head.clone(),
        ..Item::new(Event::DocumentStart)
    }];
    match doc.root {
        Some(root) => encode(doc, root, "", &mut items),
        None => items.push(null_scalar()),
    }
    items.push(Item {
        foot: doc.foot.clone(),
        ..Item::new(Event::DocumentEnd)
    });
    run(items)
}

/// kyaml's `String()` of one node (as error messages print node contents).
pub(crate) fn node(doc: &Doc, id: Option<NodeId>) -> String {
    let mut items = vec![Item::new(Event::DocumentStart)];
    match id {
        Some(id) => encode(doc, id, "", &mut items),
        None => items.push(null_scalar()),
    }
    items.push(Item::new(Event::DocumentEnd));
    run(items)
}

/// A zero node encodes as go-yaml encodes `nil`.
fn null_scalar() -> Item {
    Item::new(Event::Scalar {
        value: "null".into(),
        tag: None,
        style: Style::Plain,
    })
}

fn run(body: Vec<Item>) -> String {
    let mut e = Emitter {
        foot_indent: -1,
        ..Emitter::default()
    };
    e.events.push(Item::new(Event::StreamStart));
    e.events.extend(body);
    e.events.push(Item::new(Event::StreamEnd));
    while e.head < e.events.len() {
        let item = e.events[e.head].clone();
        if item.event == Event::StreamEnd {
            // The encoder's `finish` clears this before the last event.
            e.open_ended = false;
        }
        e.analyze(&item);
        e.dispatch(&item.event);
        e.head += 1;
    }
    e.out
}

/// go-yaml's short tag name, as the encoder compares tags.
fn tag_name(tag: Tag) -> Option<&'static str> {
    match tag {
        Tag::Untagged => None,
        Tag::Str => Some("str"),
        Tag::Int => Some("int"),
        Tag::Float => Some("float"),
        Tag::Bool => Some("bool"),
        Tag::Null => Some("null"),
        Tag::Timestamp => Some("timestamp"),
    }
}

/// go-yaml's encoder for one node (`encoder.node`): which tag to write,
/// which style to ask for, and where comments go.
fn encode(doc: &Doc, id: NodeId, tail: &str, out: &mut Vec<Item>) {
    let node = doc.node(id);
    match node.kind {
        Kind::Seq => {
            out.push(Item {
                head: node.head.clone(),
                ..Item::new(Event::SequenceStart { flow: node.flow })
            });
            for &child in &node.children {
                encode(doc, child, "", out);
            }
            out.push(Item {
                line: node.line.clone(),
                foot: node.foot.clone(),
                ..Item::new(Event::SequenceEnd)
            });
        }
        Kind::Map => {
            out.push(Item {
                head: node.head.clone(),
                tail: tail.to_owned(),
                ..Item::new(Event::MappingStart { flow: node.flow })
            });
            // A key's foot comment is written before the next key (or at
            // the end of the mapping), after the whole value.
            let mut tail = String::new();
            for pair in node.children.chunks_exact(2) {
                let foot = doc.node(pair[0]).foot.clone();
                let mark = out.len();
                encode(doc, pair[0], &tail, out);
                if !foot.is_empty() {
                    out[mark].foot.clear();
                }
                tail = foot;
                encode(doc, pair[1], "", out);
            }
            out.push(Item {
                tail,
                line: node.line.clone(),
                foot: node.foot.clone(),
                ..Item::new(Event::MappingEnd)
            });
        }
        Kind::Scalar => out.push(Item {
            head: node.head.clone(),
            line: node.line.clone(),
            foot: node.foot.clone(),
            tail: tail.to_owned(),
            ..Item::new(scalar_event(node.tag, node.style, node.tagged, &node.value))
        }),
    }
}

/// The tag and style the encoder asks for: a tag written in the source
/// (`tagged`) is written again; otherwise it is dropped when the plain
/// text reads back as it, and a plain string that would read back as
/// something else is double-quoted instead.
pub(crate) fn scalar_event(tag: Tag, style: Style, tagged: bool, value: &str) -> Event {
    let mut tag = tag_name(tag);
    let mut force_quoting = false;
    if let Some(name) = tag.filter(|_| !tagged) {
        let quoted = matches!(
            style,
            Style::Single | Style::Double | Style::Literal | Style::Folded
        );
        if (name == "str" && quoted) || tag_name(resolve(value).0) == Some(name) {
            tag = None;
        } else if name == "str" {
            tag = None;
            force_quoting = true;
        }
    }
    let style = match style {
        Style::Plain if value.contains('\n') => Style::Literal,
        Style::Plain if force_quoting => Style::Double,
        other => other,
    };
    Event::Scalar {
        value: value.to_owned(),
        tag,
        style,
    }
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// libyaml's `is_printable`.
fn is_printable(c: char) -> bool {
    matches!(c, '\n' | ' '..='~' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
        && c != '\u{FEFF}'
}

impl Emitter {
    // -- output primitives (put, put_break, write, write_break) ---------

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
        self.indention = true;
    }

    fn write(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn write_str(&mut self, s: &str) {
        for c in s.chars() {
            self.write(c);
        }
    }

    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
            self.indention = true;
        }
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0);
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        if self.foot_indent == indent {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.foot_indent = -1;
    }

    fn write_indicator(&mut self, s: &str, need_ws: bool, is_ws: bool, is_indention: bool) {
        if need_ws && !self.whitespace {
            self.put(' ');
        }
        self.write_str(s);
        self.whitespace = is_ws;
        self.indention = self.indention && is_indention;
        self.open_ended = false;
    }

    // -- events -----------------------------------------------------------

    /// `yaml_emitter_analyze_event`: comments and scalar analysis.
    fn analyze(&mut self, item: &Item) {
        self.tag_suffix = None;
        for (from, to) in [
            (&item.head, &mut self.head_comment),
            (&item.line, &mut self.line_comment),
            (&item.foot, &mut self.foot_comment),
            (&item.tail, &mut self.tail_comment),
        ] {
            if !from.is_empty() {
                to.clone_from(from);
            }
        }
        if let Event::Scalar { value, tag, .. } = &item.event {
            self.tag_suffix = *tag;
            self.analyze_scalar(value);
        }
    }

    fn dispatch(&mut self, event: &Event) {
        let Some(state) = self.state else {
            // Stream start.
            self.indent = -1;
            self.column = 0;
            self.whitespace = true;
            self.indention = true;
            self.foot_indent = -1;
            self.state = Some(State::FirstDocumentStart);
            return;
        };
        match state {
            State::End => {}
            State::FirstDocumentStart | State::DocumentStart => self.document_start(event),
            State::DocumentContent => self.document_content(event),
            State::DocumentEnd => self.document_end(),
            State::FlowSequenceFirstItem => self.flow_sequence_item(event, true, false),
            State::FlowSequenceTrailItem => self.flow_sequence_item(event, false, true),
            State::FlowSequenceItem => self.flow_sequence_item(event, false, false),
            State::FlowMappingFirstKey => self.flow_mapping_key(event, true, false),
            State::FlowMappingTrailKey => self.flow_mapping_key(event, false, true),
            State::FlowMappingKey => self.flow_mapping_key(event, false, false),
            State::FlowMappingSimpleValue => self.flow_mapping_value(event, true),
            State::FlowMappingValue => self.flow_mapping_value(event, false),
            State::BlockSequenceFirstItem => self.block_sequence_item(event, true),
            State::BlockSequenceItem => self.block_sequence_item(event, false),
            State::BlockMappingFirstKey => self.block_mapping_key(event, true),
            State::BlockMappingKey => self.block_mapping_key(event, false),
            State::BlockMappingSimpleValue => self.block_mapping_value(event, true),
            State::BlockMappingValue => self.block_mapping_value(event, false),
        }
    }

    fn pop_state(&mut self) {
        self.state = self.states.pop();
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool, compact_seq: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            if self.states.last() == Some(&State::BlockSequenceItem) {
                // The first indent inside a sequence skips the "- ".
                self.indent += 2;
            } else {
                self.indent = BEST_INDENT * ((self.indent + BEST_INDENT) / BEST_INDENT);
                if compact_seq {
                    self.indent -= 2;
                }
            }
        }
    }

    fn document_start(&mut self, event: &Event) {
        if *event == Event::StreamEnd {
            self.state = Some(State::End);
            return;
        }
        if !self.head_comment.is_empty() {
            self.process_head_comment();
            self.put_break();
        }
        self.state = Some(State::DocumentContent);
    }

    fn document_content(&mut self, event: &Event) {
        self.states.push(State::DocumentEnd);
        self.process_head_comment();
        self.emit_node(event, true, false, false);
        self.process_line_comment(false);
        self.process_foot_comment();
    }

    fn document_end(&mut self) {
        self.foot_indent = 0;
        self.process_foot_comment();
        self.foot_indent = -1;
        self.write_indent();
        self.state = Some(State::DocumentStart);
    }

    fn comments_pending(&self) -> bool {
        !(self.line_comment.is_empty()
            && self.foot_comment.is_empty()
            && self.tail_comment.is_empty())
    }

    fn flow_sequence_item(&mut self, event: &Event, first: bool, trail: bool) {
        if first {
            self.write_indicator("[", true, true, false);
            self.increase_indent(true, false, false);
            self.flow_level += 1;
        }
        if *event == Event::SequenceEnd {
            self.flow_level -= 1;
            self.pop_indent();
            if self.column == 0 {
                self.write_indent();
            }
            self.write_indicator("]", false, false, false);
            self.process_line_comment(false);
            self.process_foot_comment();
            self.pop_state();
            return;
        }
        if !first && !trail {
            self.write_indicator(",", false, false, false);
        }
        self.process_head_comment();
        if self.column == 0 {
            self.write_indent();
        }
        self.states.push(if self.comments_pending() {
            State::FlowSequenceTrailItem
        } else {
            State::FlowSequenceItem
        });
        self.emit_node(event, false, false, false);
        if self.comments_pending() {
            self.write_indicator(",", false, false, false);
        }
        self.process_line_comment(false);
        self.process_foot_comment();
    }

    fn flow_mapping_key(&mut self, event: &Event, first: bool, trail: bool) {
        if first {
            self.write_indicator("{", true, true, false);
            self.increase_indent(true, false, false);
            self.flow_level += 1;
        }
        if *event == Event::MappingEnd {
            let pending = !(self.head_comment.is_empty()
                && self.foot_comment.is_empty()
                && self.tail_comment.is_empty());
            if pending && !first && !trail {
                self.write_indicator(",", false, false, false);
            }
            self.process_head_comment();
            self.flow_level -= 1;
            self.pop_indent();
            self.write_indicator("}", false, false, false);
            self.process_line_comment(false);
            self.process_foot_comment();
            self.pop_state();
            return;
        }
        if !first && !trail {
            self.write_indicator(",", false, false, false);
        }
        self.process_head_comment();
        if self.column == 0 {
            self.write_indent();
        }
        if self.check_simple_key() {
            self.states.push(State::FlowMappingSimpleValue);
            self.emit_node(event, false, true, true);
        } else {
            self.write_indicator("?", true, false, false);
            self.states.push(State::FlowMappingValue);
            self.emit_node(event, false, true, false);
        }
    }

    fn flow_mapping_value(&mut self, event: &Event, simple: bool) {
        self.write_indicator(":", !simple, false, false);
        self.states.push(if self.comments_pending() {
            State::FlowMappingTrailKey
        } else {
            State::FlowMappingKey
        });
        self.emit_node(event, false, true, false);
        if self.comments_pending() {
            self.write_indicator(",", false, false, false);
        }
        self.process_line_comment(false);
        self.process_foot_comment();
    }

    fn block_sequence_item(&mut self, event: &Event, first: bool) {
        if first {
            let compact = self.mapping_context && (self.column == 0 || !self.indention);
            self.increase_indent(false, false, compact);
        }
        if *event == Event::SequenceEnd {
            self.pop_indent();
            self.pop_state();
            return;
        }
        self.process_head_comment();
        self.write_indent();
        self.write_indicator("-", true, false, true);
        self.states.push(State::BlockSequenceItem);
        self.emit_node(event, false, false, false);
        self.process_line_comment(false);
        self.process_foot_comment();
    }

    fn block_mapping_key(&mut self, event: &Event, first: bool) {
        if first {
            self.increase_indent(false, false, false);
        }
        self.process_head_comment();
        if *event == Event::MappingEnd {
            self.pop_indent();
            self.pop_state();
            return;
        }
        self.write_indent();
        if !self.line_comment.is_empty() {
            self.key_line_comment = std::mem::take(&mut self.line_comment);
        }
        if self.check_simple_key() {
            self.states.push(State::BlockMappingSimpleValue);
            self.emit_node(event, false, true, true);
        } else {
            self.write_indicator("?", true, false, true);
            self.states.push(State::BlockMappingValue);
            self.emit_node(event, false, true, false);
        }
    }

    fn block_mapping_value(&mut self, event: &Event, simple: bool) {
        if simple {
            self.write_indicator(":", false, false, false);
        } else {
            self.write_indent();
            self.write_indicator(":", true, false, true);
        }
        if !self.key_line_comment.is_empty() {
            match event {
                Event::Scalar { .. } if self.line_comment.is_empty() => {
                    self.line_comment = std::mem::take(&mut self.key_line_comment);
                }
                Event::Scalar { .. } => {}
                Event::MappingStart { flow: false } | Event::SequenceStart { flow: false } => {
                    // An indented block follows: the key's comment goes now.
                    std::mem::swap(&mut self.line_comment, &mut self.key_line_comment);
                    self.process_line_comment(false);
                    std::mem::swap(&mut self.line_comment, &mut self.key_line_comment);
                }
                _ => {}
            }
        }
        self.states.push(State::BlockMappingKey);
        self.emit_node(event, false, true, false);
        self.process_line_comment(false);
        self.process_foot_comment();
    }

    fn emit_node(&mut self, event: &Event, root: bool, mapping: bool, simple_key: bool) {
        self.root_context = root;
        self.mapping_context = mapping;
        self.simple_key_context = simple_key;
        match event {
            Event::Scalar { .. } => self.emit_scalar(),
            Event::SequenceStart { flow } => {
                self.process_tag();
                self.state = Some(if self.flow_level > 0 || *flow || self.next_closes() {
                    State::FlowSequenceFirstItem
                } else {
                    State::BlockSequenceFirstItem
                });
            }
            Event::MappingStart { flow } => {
                self.process_tag();
                self.state = Some(if self.flow_level > 0 || *flow || self.next_closes() {
                    State::FlowMappingFirstKey
                } else {
                    State::BlockMappingFirstKey
                });
            }
            _ => {}
        }
    }

    /// Whether the current collection start is immediately closed
    /// (`check_empty_sequence` / `check_empty_mapping`).
    fn next_closes(&self) -> bool {
        let (Some(this), Some(next)) = (self.events.get(self.head), self.events.get(self.head + 1))
        else {
            return false;
        };
        matches!(
            (&this.event, &next.event),
            (Event::SequenceStart { .. }, Event::SequenceEnd)
                | (Event::MappingStart { .. }, Event::MappingEnd)
        )
    }

    fn check_simple_key(&self) -> bool {
        let tag_len = self.tag_suffix.map_or(0, |s| 2 + s.len());
        let len = match &self.events[self.head].event {
            Event::Scalar { .. } => {
                if self.scalar.multiline {
                    return false;
                }
                tag_len + self.scalar.value.len()
            }
            Event::SequenceStart { .. } | Event::MappingStart { .. } => {
                if !self.next_closes() {
                    return false;
                }
                tag_len
            }
            _ => return false,
        };
        len <= 128
    }

    fn emit_scalar(&mut self) {
        self.select_scalar_style();
        self.process_tag();
        self.increase_indent(true, false, false);
        let value = self.scalar.value.clone();
        let breaks = !self.simple_key_context;
        match self.scalar.style.unwrap_or(Style::Plain) {
            Style::Plain => self.write_plain(&value, breaks),
            Style::Single => self.write_single_quoted(&value),
            Style::Double => self.write_double_quoted(&value),
            Style::Literal => self.write_literal(&value),
            Style::Folded => self.write_folded(&value),
        }
        self.pop_indent();
        self.pop_state();
    }

    fn select_scalar_style(&mut self) {
        let Event::Scalar { style, .. } = &self.events[self.head].event else {
            return;
        };
        let s = &self.scalar;
        let mut style = *style;
        if self.simple_key_context && s.multiline {
            style = Style::Double;
        }
        if style == Style::Plain {
            if (self.flow_level > 0 && !s.flow_plain_allowed)
                || (self.flow_level == 0 && !s.block_plain_allowed)
            {
                style = Style::Single;
            }
            if s.value.is_empty() && (self.flow_level > 0 || self.simple_key_context) {
                style = Style::Single;
            }
        }
        if style == Style::Single && !s.single_quoted_allowed {
            style = Style::Double;
        }
        if matches!(style, Style::Literal | Style::Folded)
            && (!s.block_allowed || self.flow_level > 0 || self.simple_key_context)
        {
            style = Style::Double;
        }
        self.scalar.style = Some(style);
    }

    fn process_tag(&mut self) {
        if let Some(suffix) = self.tag_suffix {
            if !self.whitespace {
                self.put(' ');
            }
            self.write_str("!!");
            self.write_str(suffix);
            self.whitespace = false;
            self.indention = false;
        }
    }

    // -- comments ---------------------------------------------------------

    fn process_head_comment(&mut self) {
        if !self.tail_comment.is_empty() {
            self.write_indent();
            let tail = std::mem::take(&mut self.tail_comment);
            self.write_comment(&tail);
            self.foot_indent = self.indent.max(0);
        }
        if self.head_comment.is_empty() {
            return;
        }
        self.write_indent();
        let head = std::mem::take(&mut self.head_comment);
        self.write_comment(&head);
    }

    fn process_line_comment(&mut self, linebreak: bool) {
        if self.line_comment.is_empty() {
            if linebreak {
                self.put_break();
            }
            return;
        }
        if !self.whitespace {
            self.put(' ');
        }
        let line = std::mem::take(&mut self.line_comment);
        self.write_comment(&line);
    }

    fn process_foot_comment(&mut self) {
        if self.foot_comment.is_empty() {
            return;
        }
        self.write_indent();
        let foot = std::mem::take(&mut self.foot_comment);
        self.write_comment(&foot);
        self.foot_indent = self.indent.max(0);
    }

    fn write_comment(&mut self, comment: &str) {
        let mut breaks = false;
        let mut pound = false;
        for c in comment.chars() {
            if is_break(c) {
                self.write_break(c);
                breaks = true;
                pound = false;
            } else {
                if breaks {
                    self.write_indent();
                }
                if !pound {
                    if c != '#' {
                        self.put('#');
                        self.put(' ');
                    }
                    pound = true;
                }
                self.write(c);
                self.indention = false;
                breaks = false;
            }
        }
        if !breaks {
            self.put_break();
        }
        self.whitespace = true;
    }
}

pub(crate) mod writers;
