//! Strategic merge as kustomize v5.5.0 applies a patch: kyaml's
//! `merge2.Merge(patch, target, {ListIncreaseDirection: Prepend})` without
//! list inference.
//!
//! The walk visits the target and the patch together, field by field:
//! - maps merge key by key (every target field is visited, so the target is
//!   normalised even where the patch says nothing); a patch `null` removes a
//!   field; an explicit `null` in the target stays when the patch is silent;
//! - scalars, and lists without a `merge` strategy in the schema, are
//!   replaced by the patch's as written (nothing inside them is interpreted);
//! - lists with a `merge` strategy merge element by element on their merge
//!   keys, patch elements first (see `list.rs`);
//! - `$patch: replace | delete | merge` directives apply to maps, lists and
//!   list elements.
//!
//! When kyaml adopts a node from the patch (a field the target lacks, or a
//! `replace`), it goes on walking that node *against itself*; the walk keeps
//! that case explicit ([`Origin::Dest`]) because directives inside the
//! adopted node then act on it, and list elements collapse by key.

mod directive;
mod elements;
mod list;
mod map;

use krust_yaml::Value;

use super::schema::{Schema, SchemaNode};

/// What became of the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The patch was merged into the target.
    Merged,
    /// The patch deleted the whole target (`$patch: delete` at the top).
    Deleted,
}

/// Merges `patch` into `target` as kustomize's strategic merge does.
///
/// `schema` supplies list merge keys, looked up by the `apiVersion` and
/// `kind` of the target (or, failing that, of the patch), and again for any
/// embedded object that has both. With `None`, every list is replaced. The
/// caller handles what kustomize does around the merge (restoring the name
/// and kind unless changes are allowed, deleting the resource on
/// [`Outcome::Deleted`]).
///
/// A `$patch: replace` on the whole patch changes nothing: kyaml returns the
/// patch as the result, but kustomize keeps the node it merged into.
pub fn merge(
    target: &mut Value,
    patch: &Value,
    schema: Option<&Schema>,
) -> Result<Outcome, String> {
    merge_written(target, patch, schema, &Written::default())
}

/// The texts some of a patch's scalars were written as, where the value
/// model spells them otherwise (`0o644`, `1e21`), by node.
#[derive(Debug, Default)]
pub(crate) struct Written<'p> {
    nodes: Vec<(*const Value, &'p str)>,
}

impl<'p> Written<'p> {
    /// The texts of the scalars at `texts`' paths in `patch`.
    pub(crate) fn new<'t: 'p>(
        patch: &'p Value,
        texts: impl Iterator<Item = (&'t [krust_yaml::PathSeg], &'t str)>,
    ) -> Written<'p> {
        let nodes = texts
            .filter_map(|(path, text)| Some((patch.at(path)? as *const Value, text)))
            .collect();
        Written { nodes }
    }

    fn text(&self, node: &Value) -> Option<&'p str> {
        let node: *const Value = node;
        self.nodes.iter().find(|(n, _)| *n == node).map(|(_, t)| *t)
    }
}

/// [`merge`], knowing the texts of the patch's scalars: a scalar that takes
/// the target's quoted style is re-read from its text.
pub(crate) fn merge_written(
    target: &mut Value,
    patch: &Value,
    schema: Option<&Schema>,
    written: &Written<'_>,
) -> Result<Outcome, String> {
    let walker = Walker { schema, written };
    match walker.walk(Some(target), Origin::Node(patch), None)? {
        Step::Clear => Ok(Outcome::Deleted),
        Step::Keep | Step::KeepNull | Step::Adopt(_) => Ok(Outcome::Merged),
    }
}

/// What the patch holds at the place being walked.
#[derive(Clone, Copy, Debug)]
enum Origin<'p> {
    /// Nothing.
    Missing,
    /// This node.
    Node(&'p Value),
    /// The target's node itself: the target took this node from the patch,
    /// and kyaml walks a node it adopted against itself.
    Dest,
}

/// The result of walking one place, applied by the caller.
#[derive(Debug)]
enum Step {
    /// The target's node, as changed in place, stays (removed if it is null).
    Keep,
    /// The target's explicit null stays (kyaml's persistent null).
    KeepNull,
    /// The node goes.
    Clear,
    /// This node, taken from the patch, replaces the target's (removed if null).
    Adopt(Value),
}

/// The three kinds of YAML node kyaml dispatches on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NodeKind {
    Map,
    Seq,
    Scalar,
}

impl NodeKind {
    /// The kind of a node; `None` for null, which fits any kind.
    fn of(v: &Value) -> Option<NodeKind> {
        match v {
            Value::Null => None,
            Value::Map(_) => Some(NodeKind::Map),
            Value::Seq(_) => Some(NodeKind::Seq),
            _ => Some(NodeKind::Scalar),
        }
    }

    fn name(self) -> &'static str {
        match self {
            NodeKind::Map => "MappingNode",
            NodeKind::Seq => "SequenceNode",
            NodeKind::Scalar => "ScalarNode",
        }
    }
}

/// kyaml's error for a node of the wrong kind.
fn kind_error(expected: NodeKind, node: &Value) -> String {
    let got = NodeKind::of(node).map_or("ScalarNode", NodeKind::name);
    let contents = krust_yaml::to_yaml_string(node).unwrap_or_default();
    format!(
        "wrong node kind: expected {} but got {got}: node contents:\n{contents}",
        expected.name()
    )
}

/// The walk's fixed context.
struct Walker<'s, 'w> {
    schema: Option<&'s Schema>,
    written: &'w Written<'w>,
}

impl<'s> Walker<'s, '_> {
    /// kyaml's `Walker.Walk`: finds the schema, checks that target and patch
    /// are the same kind of node, and dispatches.
    fn walk(
        &self,
        dest: Option<&mut Value>,
        origin: Origin<'_>,
        schema: Option<SchemaNode<'s>>,
    ) -> Result<Step, String> {
        let (schema, kind) = {
            let dest = dest.as_deref();
            let patch = match origin {
                Origin::Node(v) => Some(v),
                Origin::Missing | Origin::Dest => None,
            };
            let schema = schema.or_else(|| self.schema_of(dest).or_else(|| self.schema_of(patch)));
            (schema, node_kind(dest, patch)?)
        };
        match kind {
            None | Some(NodeKind::Map) => self.walk_map(dest, origin, schema),
            Some(NodeKind::Seq) => match schema.filter(|s| s.merges_lists()) {
                Some(schema) => self.walk_merged_list(dest, origin, schema),
                None => Ok(replace(origin)),
            },
            Some(NodeKind::Scalar) => Ok(self.replace_scalar(dest.as_deref(), origin)),
        }
    }

    /// kyaml's `GetSchema` fallback: the schema of an object that names its
    /// `apiVersion` and `kind`, at any depth.
    fn schema_of(&self, node: Option<&Value>) -> Option<SchemaNode<'s>> {
        let map = node?.as_map()?;
        let text = |key: &str| map.get(key).map(elements::meta_text).unwrap_or_default();
        let (kind, api_version) = (text("kind"), text("apiVersion"));
        if kind.is_empty() || api_version.is_empty() {
            return None;
        }
        self.schema?.for_kind(&api_version, &kind)
    }
}

/// The kind of the first non-null source; an error if the other differs.
fn node_kind(dest: Option<&Value>, patch: Option<&Value>) -> Result<Option<NodeKind>, String> {
    let dest_kind = dest.and_then(NodeKind::of);
    let patch_kind = patch.and_then(NodeKind::of);
    match (dest_kind, patch_kind) {
        (Some(d), Some(p)) if d != p => Err(kind_error(d, patch.unwrap_or(&Value::Null))),
        (Some(d), _) => Ok(Some(d)),
        (None, p) => Ok(p),
    }
}

/// kyaml's scalar and non-merging list visit: the patch's node as written,
/// or the target's when the patch has none.
fn replace(origin: Origin<'_>) -> Step {
    match origin {
        Origin::Node(v) => Step::Adopt(v.clone()),
        Origin::Missing | Origin::Dest => Step::Keep,
    }
}

/// A scalar replaced by the patch's keeps the target's *style* (kyaml's
/// `FieldSetter`), and kustomize writes and re-reads the result: a number or
/// boolean put where the target had a quoted string comes out as a string.
/// The value model has no styles; a string is known to have been quoted when
/// it could not have been written plain.
impl Walker<'_, '_> {
    fn replace_scalar(&self, dest: Option<&Value>, origin: Origin<'_>) -> Step {
        match (dest, origin) {
            (
                Some(Value::String(old)),
                Origin::Node(
                    new @ (Value::Bool(_) | Value::Int(_) | Value::UInt(_) | Value::Float(_)),
                ),
            ) if !could_be_plain(old) => {
                let text = self
                    .written
                    .text(new)
                    .map_or_else(|| elements::raw_text(new), Into::into);
                Step::Adopt(Value::String(text.into_owned()))
            }
            _ => replace(origin),
        }
    }
}

/// Whether `text`, written as a plain scalar, reads back as this string.
pub(crate) fn could_be_plain(text: &str) -> bool {
    if text.is_empty() || text.contains('\n') || text.trim() != text {
        return false;
    }
    // Most names and values: a letter, then letters, digits and `-_./`,
    // which only `true`, `false` and `null` spellings read otherwise.
    let word = text.starts_with(|c: char| c.is_ascii_alphabetic())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b));
    if word {
        let lower = text.to_ascii_lowercase();
        let special = matches!(lower.as_str(), "true" | "false" | "null");
        let odd_case = text != lower && text != text.to_ascii_uppercase() && !is_title(text);
        return !special || odd_case;
    }
    matches!(
        krust_yaml::load_documents(text).as_deref(),
        Ok([Value::String(read)]) if read == text
    )
}

/// `True`: a capital, then lower case (the one mixed spelling YAML's
/// `true`, `false` and `null` have).
fn is_title(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase()) && chars.all(|c| !c.is_ascii_uppercase())
}

#[cfg(test)]
mod tests;
