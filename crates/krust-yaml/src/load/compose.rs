//! Composing parser events into values, one document per chunk.
//!
//! The composer keeps an explicit stack of open collections instead of
//! recursing, so nesting depth costs heap, not stack, and is checked against
//! [`LoadOptions::max_depth`] before each collection opens. Aliases are
//! expanded as kyaml's `DeAnchor` does (a copy of the anchored value); every
//! expansion is charged its node count against
//! [`LoadOptions::max_alias_nodes`], so a "billion laughs" document fails at
//! the first alias that would exceed the budget, before copying it.

use std::borrow::Cow;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, ScanError, Span, Tag};

use super::folded;
use super::keys::{collection_key_error, scalar_key, scalar_key_v2, At, Key, KeyContext, Role};
use super::kyaml;
use super::libyaml;
use super::merge::{check_merge_element, check_merge_value, OrderedMap, Origin, PendingMap};
use super::resolve::{resolve_scalar, resolve_scalar_v2, Resolved, TagKind};
use super::source::Source;
use super::{Document, LoadOptions, PosError};
use crate::{PathSeg, Value};

/// How many more nodes alias expansion may create in this stream.
#[derive(Debug)]
pub(crate) struct AliasBudget {
    limit: usize,
    remaining: usize,
}

impl AliasBudget {
    pub(crate) fn new(limit: usize) -> AliasBudget {
        AliasBudget {
            limit,
            remaining: limit,
        }
    }

    fn spend(&mut self, nodes: usize) -> Result<(), String> {
        self.remaining = self.remaining.checked_sub(nodes).ok_or_else(|| {
            format!(
                "alias expansion would create more than {} nodes (the document aliases too much)",
                self.limit
            )
        })?;
        Ok(())
    }
}

/// How much text (in bytes, summed over attempts) one chunk may be re-parsed
/// after patching whitespace that saphyr rejects and go-yaml accepts (see
/// [`libyaml`]): each patch fixes one spot and parses again, so a document
/// with many such spots is bounded by work, not by a count.
const MAX_PATCH_WORK: usize = 64 << 20;

/// Parses `text` and returns its first document's value, or `None` when the
/// chunk holds no document or a null one (kustomize skips those). Later
/// documents in the chunk are not read, as kustomize does not read them.
/// `line_offset` (lines of the stream before this chunk) makes every
/// reported line, including those inside messages, stream-relative.
pub(crate) fn first_document(
    text: &str,
    line_offset: usize,
    opts: LoadOptions,
    budget: &mut AliasBudget,
) -> Result<Option<Document>, PosError> {
    let mut patched: Option<String> = None;
    let mut work = 0usize;
    loop {
        let current = patched.as_deref().unwrap_or(text);
        let before = budget.remaining;
        let failure = match compose_once(current, line_offset, opts, budget) {
            Ok((Some(document), true)) if !opts.go_yaml_v2 => {
                // kyaml's merge expansion can differ once merged mappings
                // have merges of their own; recompute the kyaml way (empty
                // values and texts are not tracked through merge keys).
                let limit = opts.max_alias_nodes.saturating_mul(4).max(1 << 20);
                return Ok(Some(Document {
                    value: kyaml::document(current, limit).unwrap_or(document.value),
                    empty_values: Vec::new(),
                    scalar_texts: Vec::new(),
                    styled_strings: Vec::new(),
                }));
            }
            Ok((document, _)) => return Ok(document),
            Err(Failure::Invalid(e)) => return Err(e),
            Err(Failure::Scan { error, flow_start }) => (error, flow_start),
        };
        let (error, flow_start) = failure;
        let index = error.marker().index();
        work = work.saturating_add(current.len());
        let retry = (work < MAX_PATCH_WORK)
            .then(|| libyaml::patch_false_rejection(current, error.info(), index, flow_start))
            .flatten();
        match retry {
            Some(text) => {
                budget.remaining = before;
                patched = Some(text);
            }
            None => return Err(scan_error(&error, line_offset)),
        }
    }
}

/// Why one parse of a chunk stopped.
enum Failure {
    /// saphyr rejected the text; `flow_start` is the column where the
    /// outermost flow collection open at the time starts.
    Scan {
        error: ScanError,
        flow_start: Option<usize>,
    },
    /// The text is not acceptable to kustomize.
    Invalid(PosError),
}

impl From<PosError> for Failure {
    fn from(e: PosError) -> Failure {
        Failure::Invalid(e)
    }
}

/// One parse of a chunk: its first document (if any) and whether it used a
/// merge key.
fn compose_once(
    text: &str,
    line_offset: usize,
    opts: LoadOptions,
    budget: &mut AliasBudget,
) -> Result<(Option<Document>, bool), Failure> {
    let mut parser = Parser::new_from_str(text);
    let mut composer = Composer {
        source: Source::new(text),
        line_offset,
        opts,
        budget,
        frames: Vec::new(),
        anchors: Vec::new(),
        root: None,
        gap_start: Marker::new(0, 1, 0),
        explicit_key_in_gap: false,
        saw_merge: false,
        empty_values: Vec::new(),
        scalar_texts: Vec::new(),
        styled_strings: Vec::new(),
    };
    while let Some(next) = parser.next_event() {
        let (event, span) = match next {
            Ok(x) => x,
            Err(error) => {
                let flow_start = composer.frames.iter().find(|f| f.flow).map(|f| f.at.col);
                return Err(Failure::Scan { error, flow_start });
            }
        };
        composer.check_gap(span)?;
        match event {
            Event::StreamEnd => return Ok((None, false)),
            Event::DocumentEnd => {
                let document = composer.finish_document().map(|value| Document {
                    value,
                    empty_values: std::mem::take(&mut composer.empty_values),
                    scalar_texts: std::mem::take(&mut composer.scalar_texts),
                    styled_strings: std::mem::take(&mut composer.styled_strings),
                });
                return Ok((document, composer.saw_merge));
            }
            Event::Nothing | Event::StreamStart | Event::DocumentStart(_) => {}
            event => composer.event(event, span)?,
        }
    }
    Ok((None, false))
}

fn scan_error(e: &ScanError, line_offset: usize) -> PosError {
    // saphyr-parser's own bound on nested flow collections.
    let info = match e.info() {
        "recursion limit exceeded" => {
            "flow collections ([...] and {...}) are nested too deeply (recursion limit exceeded)"
        }
        info => info,
    };
    PosError::new(info, e.marker().line() + line_offset, e.marker().col())
}

/// What an anchor refers to, by saphyr's anchor id.
#[derive(Debug, Clone)]
enum Anchor {
    /// The anchored collection is still being composed: an alias to it
    /// would be infinite (kustomize itself overflows its stack).
    Open,
    /// A scalar, kept as written so an alias can also serve as a key.
    Scalar {
        text: String,
        plain: bool,
        tag: TagKind,
    },
    /// A finished collection with its node count and nesting height.
    Collection {
        value: Value,
        size: usize,
        height: usize,
    },
}

/// An open collection.
#[derive(Debug)]
struct Frame {
    body: Body,
    anchor: usize,
    tag: TagKind,
    at: At,
    /// Nodes in this collection so far, itself and its keys included.
    size: usize,
    /// Greatest height among the children (scalars have height 0).
    child_height: usize,
    /// Written in flow style (`[...]`, `{...}`), or inside such a collection.
    flow: bool,
}

#[derive(Debug)]
enum Body {
    Seq {
        items: Vec<Value>,
        /// This sequence is a merge key's value: every item must be a map.
        merge_source: bool,
    },
    Map {
        entries: Entries,
        key: Option<Key>,
        context: KeyContext,
    },
}

/// A mapping's entries so far, kept for the rules in force.
#[derive(Debug)]
enum Entries {
    /// kyaml's (go-yaml v3 after `DeAnchor`).
    Kyaml(PendingMap),
    /// go-yaml v2's ([`LoadOptions::go_yaml_v2`]).
    V2(OrderedMap),
}

/// A finished node on its way into its parent.
struct Node {
    value: Value,
    size: usize,
    height: usize,
    origin: Origin,
    tag: TagKind,
    at: At,
}

struct Composer<'t, 'b> {
    /// The chunk's text, to tell flow collections from block ones and to
    /// name anchors in error messages.
    source: Source<'t>,
    line_offset: usize,
    opts: LoadOptions,
    budget: &'b mut AliasBudget,
    frames: Vec<Frame>,
    anchors: Vec<Option<Anchor>>,
    root: Option<(Value, TagKind)>,
    /// Where the text not yet checked by [`Composer::check_gap`] begins.
    gap_start: Marker,
    /// The text before the current event held a `?` key indicator.
    explicit_key_in_gap: bool,
    /// A merge key was used (see [`kyaml`]).
    saw_merge: bool,
    /// Paths of map entries written with no value at all (`key:`).
    empty_values: Vec<Vec<PathSeg>>,
    /// Non-string scalars not written in their canonical spelling.
    scalar_texts: Vec<(Vec<PathSeg>, String)>,
    /// Strings written quoted or as blocks though plain would read the same.
    styled_strings: Vec<Vec<PathSeg>>,
}

impl Composer<'_, '_> {
    /// Applies go-yaml's stricter tab rules to the text between the previous
    /// event and this one (in block context only: flow context allows tabs).
    fn check_gap(&mut self, span: Span) -> Result<(), PosError> {
        let start = self.gap_start;
        if span.end.index() > start.index() {
            self.gap_start = span.end;
        }
        self.explicit_key_in_gap = false;
        if span.start.index() <= start.index() {
            return Ok(());
        }
        let at_line_start =
            start.index() == 0 || self.source.char_before(start.index()) == Some('\n');
        let gap = self.source.slice(start.index(), span.start.index());
        self.explicit_key_in_gap = libyaml::has_key_indicator(gap);
        if self.in_flow() {
            return Ok(());
        }
        let Err(found) = libyaml::check_block_gap(gap, at_line_start) else {
            return Ok(());
        };
        let before = &gap[..found.offset];
        let newlines = before.matches('\n').count();
        let col = match before.rfind('\n') {
            Some(p) => before[p + 1..].chars().count(),
            None => start.col() + before.chars().count(),
        };
        Err(PosError::new(
            found.message,
            start.line() + newlines + self.line_offset,
            col,
        ))
    }

    /// An empty key with neither `?` nor any text before its `:` (`: x` on
    /// its own line, `{: x}`) is valid YAML 1.2 that saphyr accepts, but
    /// go-yaml, like libyaml, rejects.
    fn check_implicit_empty_key(&self, at: At) -> Result<(), PosError> {
        if self.awaiting_key().is_none() || self.explicit_key_in_gap {
            return Ok(());
        }
        let message = if self.in_flow() {
            "did not find expected node content"
        } else {
            "did not find expected key"
        };
        Err(PosError::new(message, at.line, at.col))
    }

    /// go-yaml's escapes for a double-quoted scalar written at `span`.
    fn check_escapes(&mut self, span: Span, at: At) -> Result<(), PosError> {
        let written = self.source.slice(span.start.index(), span.end.index());
        libyaml::check_escapes(written).map_err(|_| {
            let message = "while parsing a quoted scalar, found unknown escape character";
            PosError::new(message, at.line, at.col)
        })
    }

    /// go-yaml's anchor-name rules for a node or alias written at `span`.
    fn check_anchor(&mut self, span: Span, at: At) -> Result<(), PosError> {
        let written = self.source.slice(span.start.index(), span.end.index());
        libyaml::check_anchor_name(written).map_err(|m| PosError::new(m, at.line, at.col))
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), PosError> {
        let at = At {
            line: span.start.line() + self.line_offset,
            col: span.start.col(),
        };
        let anchored = match &event {
            Event::Scalar(_, _, anchor, _)
            | Event::SequenceStart(anchor, _)
            | Event::MappingStart(anchor, _) => *anchor != 0,
            Event::Alias(_) => true,
            _ => false,
        };
        if anchored {
            self.check_anchor(span, at)?;
        }
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                if style == ScalarStyle::DoubleQuoted && text.contains('/') {
                    self.check_escapes(span, at)?;
                }
                let zero_width = span.start.index() == span.end.index();
                // Only a plain scalar can be an empty implicit key; saphyr gives
                // block scalars (`? |2+` keys) zero-width spans too.
                if zero_width && style == ScalarStyle::Plain && tag.is_none() && anchor == 0 {
                    self.check_implicit_empty_key(at)?;
                }
                let block = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded);
                let text = if block
                    && text.ends_with('\n')
                    && self.source.ends_unterminated_after(span.end.index())
                {
                    // A block scalar on the last line of a file with no final
                    // line break has no final line break either (go-yaml);
                    // saphyr adds one.
                    let mut text = text.into_owned();
                    text.pop();
                    std::borrow::Cow::Owned(text)
                } else {
                    text
                };
                self.scalar(text, style, anchor, tag.as_deref(), at)
            }
            Event::SequenceStart(anchor, tag) => self.open(true, anchor, tag.as_deref(), span, at),
            Event::MappingStart(anchor, tag) => self.open(false, anchor, tag.as_deref(), span, at),
            Event::SequenceEnd | Event::MappingEnd => self.close(),
            Event::Alias(id) => self.alias(id, span, at),
            _ => Ok(()),
        }
    }

    /// The document's value, unless it is null (by value or by `!!null` tag).
    fn finish_document(&mut self) -> Option<Value> {
        match self.root.take() {
            Some((value, tag)) if !value.is_null() && tag != TagKind::Null => Some(value),
            _ => None,
        }
    }

    /// The innermost mapping, when the next node is one of its keys.
    fn awaiting_key(&self) -> Option<KeyContext> {
        match self.frames.last() {
            Some(Frame {
                body: Body::Map {
                    key: None, context, ..
                },
                ..
            }) => Some(*context),
            _ => None,
        }
    }

    fn scalar(
        &mut self,
        mut text: Cow<'_, str>,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        at: At,
    ) -> Result<(), PosError> {
        let tag = self.tag_kind(tag);
        let plain = style == ScalarStyle::Plain;
        if let Cow::Owned(owned) = &mut text {
            // The scanner reserves generously while it reads a scalar; values
            // live for the whole build, so they keep only what they use.
            owned.shrink_to_fit();
        }
        if style == ScalarStyle::Folded && self.awaiting_key().is_none() && !self.opts.go_yaml_v2 {
            if let Some(changed) = folded::round_trip(&text) {
                text = Cow::Owned(changed);
            }
        }
        if anchor != 0 {
            let stored = Anchor::Scalar {
                text: text.clone().into_owned(),
                plain,
                tag,
            };
            self.set_anchor(anchor, stored);
        }
        self.place_scalar(text, plain, tag, Origin::Node, at)
    }

    /// Uses a scalar as the pending key, or resolves it and attaches it.
    fn place_scalar(
        &mut self,
        text: Cow<'_, str>,
        plain: bool,
        tag: TagKind,
        origin: Origin,
        at: At,
    ) -> Result<(), PosError> {
        if let Some(context) = self.awaiting_key() {
            let key = if self.opts.go_yaml_v2 {
                scalar_key_v2(text, plain, tag, at)?
            } else {
                scalar_key(text, plain, tag, context, at)?
            };
            return self.set_key(key);
        }
        let error = |message: String| PosError::new(message, at.line, at.col);
        if plain && tag == TagKind::None && text.is_empty() && !self.in_flow() {
            self.record_empty_value();
        }
        let value = if self.opts.go_yaml_v2 {
            let (_, resolved) = resolve_scalar_v2(&text, plain, tag).map_err(error)?;
            resolved.into_value(text).map_err(error)?
        } else if plain && tag == TagKind::None && text.is_empty() && self.in_flow() {
            // kyaml writes an empty null back as `''` inside a flow
            // collection, so `{a: }` reaches JSON as `a: ""`.
            Value::String(String::new())
        } else {
            let (_, resolved) = resolve_scalar(&text, plain, tag).map_err(error)?;
            let typed = !matches!(resolved, Resolved::Text | Resolved::Decoded(_));
            let value = resolved.into_value(Cow::Borrowed(&text)).map_err(error)?;
            if typed && origin == Origin::Node && !is_canonical(&value, &text) {
                if let Some(path) = self.current_path() {
                    self.scalar_texts.push((path, text.into_owned()));
                }
            } else if !plain && !typed && tag == TagKind::None && origin == Origin::Node {
                self.record_styled_string(&text);
            }
            value
        };
        self.attach(Node {
            value,
            size: 1,
            height: 0,
            origin,
            tag,
            at,
        })
    }

    /// Records the path of a string written quoted or as a block where a
    /// plain scalar would read the same: kyaml keeps the node's style, and a
    /// patch that writes a number there writes it in that style, as a
    /// string. Only map entries are kept (what a merge reaches by key).
    fn record_styled_string(&mut self, text: &str) {
        if text.is_empty() || text.contains('\n') || text.trim() != text {
            return;
        }
        if !super::plain_scalar_is_string(text) {
            return;
        }
        if let Some(path) = self.current_path() {
            if path.iter().all(|seg| matches!(seg, PathSeg::Key(_))) {
                self.styled_strings.push(path);
            }
        }
    }

    /// Records the path of a map entry about to get an empty value. kyaml
    /// keeps such a field apart from an explicit `null`: a strategic merge
    /// drops it, while `key: null` stays.
    fn record_empty_value(&mut self) {
        if let Some(path) = self.current_path() {
            if matches!(path.last(), Some(PathSeg::Key(_))) {
                self.empty_values.push(path);
            }
        }
    }

    /// The path of the node about to be attached; `None` below a complex
    /// or merge key, which no path names.
    fn current_path(&self) -> Option<Vec<PathSeg>> {
        let mut path = Vec::with_capacity(self.frames.len());
        for frame in &self.frames {
            match &frame.body {
                Body::Seq { items, .. } => path.push(PathSeg::Index(items.len())),
                Body::Map { key: Some(key), .. } if key.role == Role::Entry => {
                    path.push(PathSeg::Key(key.name.clone()))
                }
                Body::Map { .. } => return None,
            }
        }
        Some(path)
    }

    fn set_key(&mut self, key: Key) -> Result<(), PosError> {
        if let Some(Frame {
            body: Body::Map {
                entries, key: slot, ..
            },
            size,
            ..
        }) = self.frames.last_mut()
        {
            if key.role == Role::Merge && matches!(entries, Entries::Kyaml(e) if e.has_merge()) {
                return Err(PosError::new(
                    "duplicate merge key",
                    key.at.line,
                    key.at.col,
                ));
            }
            *size = size.saturating_add(1);
            self.saw_merge |= key.role == Role::Merge;
            *slot = Some(key);
        }
        Ok(())
    }

    /// A node's tag under the rules in force.
    fn tag_kind(&self, tag: Option<&Tag>) -> TagKind {
        if self.opts.go_yaml_v2 {
            TagKind::of_v2(tag)
        } else {
            TagKind::of(tag)
        }
    }

    /// Whether the innermost open collection is in flow style.
    fn in_flow(&self) -> bool {
        self.frames.last().is_some_and(|f| f.flow)
    }

    fn open(
        &mut self,
        seq: bool,
        anchor: usize,
        tag: Option<&Tag>,
        span: Span,
        at: At,
    ) -> Result<(), PosError> {
        let what = if seq { "sequence" } else { "mapping" };
        if self.awaiting_key().is_some() {
            return Err(collection_key_error(what, at));
        }
        if self.frames.len() >= self.opts.max_depth {
            return Err(self.too_deep(at));
        }
        if anchor != 0 {
            self.set_anchor(anchor, Anchor::Open);
        }
        // A flow collection's start event ends just after its `[` or `{`;
        // a block collection's start event is zero-width at its first entry.
        let flow =
            self.in_flow() || matches!(self.source.char_before(span.end.index()), Some('[' | '{'));
        let body = if seq {
            Body::Seq {
                items: Vec::new(),
                merge_source: self.value_is_merge_source(),
            }
        } else {
            let context = if self.frames.is_empty() {
                KeyContext::Root
            } else {
                KeyContext::Nested
            };
            let entries = if self.opts.go_yaml_v2 {
                Entries::V2(OrderedMap::default())
            } else {
                Entries::Kyaml(PendingMap::default())
            };
            Body::Map {
                entries,
                key: None,
                context,
            }
        };
        self.frames.push(Frame {
            body,
            anchor,
            tag: self.tag_kind(tag),
            at,
            size: 1,
            child_height: 0,
            flow,
        });
        Ok(())
    }

    /// Whether the node about to open is the value of a merge key.
    fn value_is_merge_source(&self) -> bool {
        matches!(
            self.frames.last(),
            Some(Frame {
                body: Body::Map { key: Some(key), .. },
                ..
            }) if key.role == Role::Merge
        )
    }

    fn close(&mut self) -> Result<(), PosError> {
        let Some(frame) = self.frames.pop() else {
            return Ok(());
        };
        let value = match frame.body {
            Body::Seq { items, .. } => Value::Seq(items),
            Body::Map { entries, .. } => {
                let last_wins = self.opts.duplicate_keys_last_wins;
                Value::from_map(match entries {
                    Entries::Kyaml(entries) => entries.finish(last_wins)?,
                    Entries::V2(entries) => entries.finish(last_wins)?,
                })
            }
        };
        let height = frame.child_height + 1;
        if frame.anchor != 0 {
            let stored = Anchor::Collection {
                value: value.clone(),
                size: frame.size,
                height,
            };
            self.set_anchor(frame.anchor, stored);
        }
        self.attach(Node {
            value,
            size: frame.size,
            height,
            origin: Origin::Node,
            tag: frame.tag,
            at: frame.at,
        })
    }

    fn alias(&mut self, id: usize, span: Span, at: At) -> Result<(), PosError> {
        let error = |message: String| PosError::new(message, at.line, at.col);
        let anchor = self.anchors.get(id).cloned().flatten();
        match anchor {
            None => Err(error(format!(
                "unknown anchor '{}' referenced",
                self.alias_name(span)
            ))),
            Some(Anchor::Open) => Err(error(format!(
                "anchor '{}' value contains itself",
                self.alias_name(span)
            ))),
            Some(Anchor::Scalar { text, plain, tag }) => {
                self.budget.spend(1).map_err(error)?;
                self.place_scalar(Cow::Owned(text), plain, tag, Origin::Alias, at)
            }
            Some(Anchor::Collection {
                value,
                size,
                height,
            }) => {
                if self.awaiting_key().is_some() {
                    let what = if matches!(value, Value::Seq(_)) {
                        "sequence"
                    } else {
                        "mapping"
                    };
                    return Err(collection_key_error(what, at));
                }
                if self.frames.len().saturating_add(height) > self.opts.max_depth {
                    return Err(self.too_deep(at));
                }
                self.budget.spend(size).map_err(error)?;
                self.attach(Node {
                    value,
                    size,
                    height,
                    origin: Origin::Alias,
                    tag: TagKind::None,
                    at,
                })
            }
        }
    }

    /// Hands a finished node to the innermost open collection, or makes it
    /// the document's root.
    fn attach(&mut self, node: Node) -> Result<(), PosError> {
        let Some(frame) = self.frames.last_mut() else {
            self.root = Some((node.value, node.tag));
            return Ok(());
        };
        frame.size = frame.size.saturating_add(node.size);
        frame.child_height = frame.child_height.max(node.height);
        let error = |message: String| PosError::new(message, node.at.line, node.at.col);
        match &mut frame.body {
            Body::Seq {
                items,
                merge_source,
            } => {
                if *merge_source {
                    check_merge_element(&node.value, node.origin).map_err(error)?;
                }
                items.push(node.value);
            }
            Body::Map { entries, key, .. } => {
                let Some(key) = key.take() else {
                    return Err(error(
                        "internal error: mapping value without a key".to_owned(),
                    ));
                };
                if key.role == Role::Merge {
                    check_merge_value(&node.value, node.origin).map_err(error)?;
                }
                match entries {
                    Entries::Kyaml(entries) => entries.push(key, node.value),
                    Entries::V2(entries) => entries.push(key, node.value),
                }
            }
        }
        Ok(())
    }

    fn set_anchor(&mut self, id: usize, anchor: Anchor) {
        if self.anchors.len() <= id {
            self.anchors.resize(id + 1, None);
        }
        self.anchors[id] = Some(anchor);
    }

    fn too_deep(&self, at: At) -> PosError {
        PosError::new(
            format!(
                "document nesting exceeds the maximum depth of {}",
                self.opts.max_depth
            ),
            at.line,
            at.col,
        )
    }

    /// The anchor name of an alias, read back from the source (error paths only).
    fn alias_name(&mut self, span: Span) -> String {
        let written = self.source.slice(span.start.index(), span.end.index());
        written.trim_start_matches('*').to_owned()
    }
}

/// Whether `text` is how the value model would spell `value` itself, so that
/// keeping the text would add nothing (`null`, `true`, `42`, `1.5`).
fn is_canonical(value: &Value, text: &str) -> bool {
    match value {
        Value::Null => text == "null",
        other => other.scalar_string().is_some_and(|s| s == text),
    }
}
