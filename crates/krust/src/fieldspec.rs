//! Field specs: "this path, in objects of this kind" — the unit every
//! built-in transformer is configured with — and the walk that applies a
//! setter at each place a spec names.
//!
//! The walk is kustomize's `fieldspec.Filter`: a path segment ending in `[]`
//! names a list; a list met on the way is entered element by element with the
//! same remaining path, whether or not the path says `[]`; missing fields are
//! created only when the spec says `create` (and never for `[]` segments).

use krust_yaml::{Mapping, PathSeg, Value};

use crate::resid::Gvk;

/// A table of field specs, shared: transformers hold the configuration's
/// tables without copying them (a configuration is consulted by every
/// kustomization of a build).
pub type FieldSpecs = std::sync::Arc<Vec<FieldSpec>>;

/// One path, for objects whose group/version/kind match the selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSpec {
    /// Which objects: empty parts match anything.
    pub gvk: Gvk,
    /// The path as written (`spec/template/metadata/labels`).
    pub path: String,
    /// The path split into segments, with `\/` unescaped.
    pub segments: Vec<String>,
    /// Create missing fields on the way.
    pub create: bool,
}

impl FieldSpec {
    /// Builds a spec from its parts.
    pub fn new(group: &str, version: &str, kind: &str, path: &str, create: bool) -> FieldSpec {
        FieldSpec {
            gvk: Gvk {
                group: group.into(),
                version: version.into(),
                kind: kind.into(),
            },
            path: path.into(),
            segments: split_path(path),
            create,
        }
    }

    /// Whether the spec applies to objects of `gvk`.
    pub fn applies_to(&self, gvk: &Gvk) -> bool {
        self.gvk.selects(gvk)
    }

    /// kustomize's `effectivelyEquals`: same path, and the other spec's
    /// selector covers this one's kind (a general spec is covered by nothing
    /// narrower, a narrow one by the general one).
    fn effectively_equals(&self, other: &FieldSpec) -> bool {
        other.gvk.selects(&self.gvk) && self.path == other.path
    }
}

/// Splits a path on `/`, where `\/` is a slash inside a key.
pub fn split_path(path: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in path.split('/') {
        match out.last_mut() {
            Some(last) if last.ends_with('\\') => {
                last.pop();
                last.push('/');
                last.push_str(part);
            }
            _ => out.push(part.to_owned()),
        }
    }
    out
}

/// Adds `incoming` to `specs` unless an effectively equal spec is there;
/// kustomize refuses two such specs that disagree on `create`.
pub fn merge_specs(specs: &mut Vec<FieldSpec>, incoming: &[FieldSpec]) -> Result<(), String> {
    for spec in incoming {
        match specs
            .iter()
            .find(|existing| existing.effectively_equals(spec))
        {
            Some(existing) if existing.create != spec.create => {
                return Err(format!("conflicting fieldspecs for path '{}'", spec.path))
            }
            Some(_) => {}
            None => specs.push(spec.clone()),
        }
    }
    Ok(())
}

/// What to create when the last segment of a path is missing. Transformers
/// that give kustomize no node kind to create never create anything, even for
/// specs marked `create`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Create {
    /// Nothing (images, name references).
    Never,
    /// A map (labels, annotations).
    Map,
    /// A string (names, namespaces).
    Scalar,
}

/// Applies `set` at every place `spec` names in `obj`, if the spec applies to `gvk`.
pub fn apply<F>(
    obj: &mut Value,
    gvk: &Gvk,
    spec: &FieldSpec,
    leaf: Create,
    set: &mut F,
) -> Result<(), String>
where
    F: FnMut(&mut Value) -> Result<(), String>,
{
    walk(obj, gvk, spec, leaf, false, &mut |node, _| set(node))
}

/// [`apply`], telling `set` the path of each place.
pub fn apply_at_paths<F>(
    obj: &mut Value,
    gvk: &Gvk,
    spec: &FieldSpec,
    leaf: Create,
    set: &mut F,
) -> Result<(), String>
where
    F: FnMut(&mut Value, &[PathSeg]) -> Result<(), String>,
{
    walk(obj, gvk, spec, leaf, true, set)
}

fn walk<F>(
    obj: &mut Value,
    gvk: &Gvk,
    spec: &FieldSpec,
    leaf: Create,
    track: bool,
    set: &mut F,
) -> Result<(), String>
where
    F: FnMut(&mut Value, &[PathSeg]) -> Result<(), String>,
{
    if !spec.applies_to(gvk) {
        return Ok(());
    }
    let walk = Walk {
        create: spec.create && leaf != Create::Never,
        leaf,
        track,
    };
    walk.node(obj, &spec.segments, &mut Vec::new(), set)
        .map_err(|e| format!("at path '{}': {e}", spec.path))
}

struct Walk {
    create: bool,
    leaf: Create,
    /// Whether to keep the path walked (only callers that ask pay for it).
    track: bool,
}

impl Walk {
    fn node<F>(
        &self,
        node: &mut Value,
        path: &[String],
        at: &mut Vec<PathSeg>,
        set: &mut F,
    ) -> Result<(), String>
    where
        F: FnMut(&mut Value, &[PathSeg]) -> Result<(), String>,
    {
        let Some((first, rest)) = path.split_first() else {
            return set(node, at);
        };
        match node {
            Value::Seq(items) => items.iter_mut().enumerate().try_for_each(|(i, item)| {
                self.enter(
                    at,
                    || PathSeg::Index(i),
                    |at| self.node(item, path, at, set),
                )
            }),
            Value::Map(map) => self.field(map, first, rest, at, set),
            _ => Err("expected sequence or mapping node".into()),
        }
    }

    /// Runs `f` with `seg` on the path, when paths are kept.
    fn enter<T>(
        &self,
        at: &mut Vec<PathSeg>,
        seg: impl FnOnce() -> PathSeg,
        f: impl FnOnce(&mut Vec<PathSeg>) -> T,
    ) -> T {
        if !self.track {
            return f(at);
        }
        at.push(seg());
        let out = f(at);
        at.pop();
        out
    }

    fn field<F>(
        &self,
        map: &mut Mapping,
        segment: &str,
        rest: &[String],
        at: &mut Vec<PathSeg>,
        set: &mut F,
    ) -> Result<(), String>
    where
        F: FnMut(&mut Value, &[PathSeg]) -> Result<(), String>,
    {
        let (name, is_seq) = match segment.strip_suffix("[]") {
            Some(name) => (name, true),
            None => (segment, false),
        };
        // A missing (or null) field is created only when asked, never as a list.
        let creatable = self.create && !is_seq;
        let fresh = || match (rest.is_empty(), self.leaf) {
            (true, Create::Scalar | Create::Never) => Value::String(String::new()),
            _ => Value::from_map(Mapping::default()),
        };
        let index = match krust_yaml::key_index(map, name) {
            Some(index) => index,
            None if creatable => map.insert_full(name.to_owned(), fresh()).0,
            None => return Ok(()),
        };
        let Some((key, field)) = map.get_index_mut(index) else {
            return Ok(());
        };
        if field.is_null() {
            match (creatable, is_seq) {
                (true, _) => *field = fresh(),
                (false, true) => *field = Value::Seq(Vec::new()),
                // A null on the way, not to be created: nothing to walk into
                // (kubectl leaves `env: null` alone rather than failing).
                (false, false) if !rest.is_empty() => return Ok(()),
                (false, false) => {}
            }
        }
        self.enter(
            at,
            || PathSeg::Key(key.clone()),
            |at| self.node(field, rest, at, set),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(s: &str) -> Value {
        krust_yaml::load_documents(s).unwrap().remove(0)
    }

    fn set_x(v: &mut Value) -> Result<(), String> {
        *v = Value::from("x");
        Ok(())
    }

    #[test]
    fn splits_escaped_slashes() {
        assert_eq!(
            split_path(r"metadata/annotations/a.io\/b/c"),
            ["metadata", "annotations", "a.io/b", "c"]
        );
    }

    #[test]
    fn creates_only_when_asked() {
        let gvk = Gvk::from_api_version("v1", "Pod");
        let mut obj = yaml("kind: Pod\n");
        let spec = FieldSpec::new("", "", "", "metadata/namespace", false);
        apply(&mut obj, &gvk, &spec, Create::Scalar, &mut set_x).unwrap();
        assert_eq!(obj, yaml("kind: Pod\n"));
        let spec = FieldSpec::new("", "", "", "metadata/namespace", true);
        apply(&mut obj, &gvk, &spec, Create::Scalar, &mut set_x).unwrap();
        assert_eq!(obj, yaml("kind: Pod\nmetadata: {namespace: x}\n"));
    }

    #[test]
    fn enters_lists_without_brackets() {
        let gvk = Gvk::from_api_version("v1", "X");
        let mut obj = yaml("a: [{b: 1}, {b: 2}, {c: 3}]\n");
        let spec = FieldSpec::new("", "", "", "a/b", false);
        apply(&mut obj, &gvk, &spec, Create::Scalar, &mut set_x).unwrap();
        assert_eq!(obj, yaml("a: [{b: x}, {b: x}, {c: 3}]\n"));
    }

    #[test]
    fn skips_other_kinds_and_rejects_scalars_midway() {
        let mut obj = yaml("a: 1\n");
        let spec = FieldSpec::new("", "", "Deployment", "a/b", true);
        apply(
            &mut obj,
            &Gvk::from_api_version("v1", "Pod"),
            &spec,
            Create::Scalar,
            &mut set_x,
        )
        .unwrap();
        assert_eq!(obj, yaml("a: 1\n"));
        let spec = FieldSpec::new("", "", "", "a/b", true);
        assert!(apply(&mut obj, &Gvk::default(), &spec, Create::Scalar, &mut set_x).is_err());
    }

    #[test]
    fn merge_rejects_conflicting_create() {
        let mut specs = vec![FieldSpec::new("", "", "", "metadata/labels", true)];
        merge_specs(
            &mut specs,
            &[FieldSpec::new("", "", "", "metadata/labels", true)],
        )
        .unwrap();
        assert_eq!(specs.len(), 1);
        assert!(merge_specs(
            &mut specs,
            &[FieldSpec::new("", "", "", "metadata/labels", false)]
        )
        .is_err());
    }
}
