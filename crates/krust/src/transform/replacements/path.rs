//! kyaml's dotted field paths, as replacements (and vars) walk them.
//!
//! A path such as `spec.template.spec.containers.[name=app].image` is split
//! with kyaml's `SmarterPathSplitter`: `\.` escapes a dot, and a bracketed
//! part keeps its dots (`[a.b/c]` is the key `a.b/c`; `[name=a.b]` stays a
//! list selector). Two walks use the parts:
//!
//! * [`lookup`] is kyaml's `PathGetter` (replacement sources, var fields):
//!   numbers index lists, `-` is the last element, `[k=v]` picks the first
//!   element whose field `k` is exactly `v`, `*` is an error.
//! * [`Walker`] is kyaml's `PathMatcher` (replacement targets): `[k=v]`
//!   matches every element whose field `k`, printed as YAML, contains a
//!   match of the regular expression `v` (unanchored); `*` enters every
//!   element; missing parts may be created. Creating below a `null` node
//!   happens in kyaml inside a node that is never printed, so the walk goes
//!   on in a scratch node and the document is left unchanged.

use krust_yaml::{Mapping, PathSeg, Value};
use regex::Regex;

/// kyaml's `SmarterPathSplitter(path, ".")`.
pub(crate) fn split(path: &str) -> Vec<String> {
    let pieces = split_escaped(path, '.');
    let mut out = Vec::with_capacity(pieces.len());
    let mut i = 0;
    while i < pieces.len() {
        let piece = &pieces[i];
        if piece.starts_with('[') && !piece.ends_with(']') {
            let mut bracketed = vec![piece.as_str()];
            while i + 1 < pieces.len() {
                i += 1;
                bracketed.push(&pieces[i]);
                if pieces[i].ends_with(']') {
                    break;
                }
            }
            let joined = bracketed.join(".");
            if joined.contains('=') {
                out.push(joined);
            } else {
                out.push(joined.trim_matches(['[', ']']).to_owned());
            }
        } else {
            out.push(piece.clone());
        }
        i += 1;
    }
    out
}

/// kyaml's `PathSplitter`: splits on `delimiter`, where a piece ending in a
/// backslash joins the next one; a leading delimiter is ignored.
fn split_escaped(path: &str, delimiter: char) -> Vec<String> {
    let mut pieces: Vec<&str> = path.split(delimiter).collect();
    if pieces.len() > 1 && pieces[0].is_empty() {
        pieces.remove(0);
    }
    let mut out: Vec<String> = Vec::with_capacity(pieces.len());
    for piece in pieces {
        match out.last_mut() {
            Some(last) if last.ends_with('\\') => {
                last.pop();
                last.push(delimiter);
                last.push_str(piece);
            }
            _ => out.push(piece.to_owned()),
        }
    }
    out
}

/// Whether a part is a list selector (`[name=value]`).
fn is_list_index(part: &str) -> bool {
    part.starts_with('[') && part.ends_with(']')
}

/// Whether a part is a non-negative list index (Go's `strconv.Atoi` syntax).
fn index_number(part: &str) -> Option<usize> {
    part.parse::<i64>()
        .ok()
        .and_then(|i| usize::try_from(i).ok())
}

/// Splits `[name=value]` into `name` and `value`.
fn split_index(part: &str) -> Result<(&str, &str), String> {
    let inner = part.strip_suffix(']').unwrap_or(part);
    let inner = inner.strip_prefix('[').unwrap_or(inner);
    inner.split_once('=').ok_or_else(|| {
        "list path element must contain fieldName=fieldValue for element to match".to_owned()
    })
}

/// kyaml's name for the kind of a node.
fn kind_name(node: &Value) -> &'static str {
    match node {
        Value::Seq(_) => "SequenceNode",
        Value::Map(_) => "MappingNode",
        _ => "ScalarNode",
    }
}

/// kyaml's `wrong node kind` error, with the node printed as YAML.
pub(crate) fn wrong_kind(expected: &str, node: &Value) -> String {
    let contents = krust_yaml::to_yaml_string(node).unwrap_or_default();
    format!(
        "wrong node kind: expected {expected} but got {}: node contents:\n{contents}",
        kind_name(node)
    )
}

/// The raw text of a scalar node (`""` for collections), as kyaml's
/// `node.Value` holds it. Null reads as `null`: the spelling it was written
/// with is not kept.
pub(crate) fn node_text(node: &Value) -> String {
    match node {
        Value::Null => "null".to_owned(),
        Value::Map(_) | Value::Seq(_) => String::new(),
        other => other.scalar_string().unwrap_or_default(),
    }
}

/// The elements of a list; `null` is an empty list.
fn elements(node: &Value) -> Result<&[Value], String> {
    match node {
        Value::Seq(items) => Ok(items),
        Value::Null => Ok(&[]),
        other => Err(wrong_kind("SequenceNode", other)),
    }
}

/// The node at `parts` (see [`locate`]).
#[cfg(test)]
fn lookup<'v>(root: &'v Value, parts: &[String]) -> Result<Option<&'v Value>, String> {
    Ok(locate(root, parts)?.map(|segs| at(root, &segs)))
}

/// kyaml's `PathGetter` without creation: the map keys and list indexes
/// that lead to the node at `parts`, `None` when some part is missing.
pub(crate) fn locate(root: &Value, parts: &[String]) -> Result<Option<Vec<PathSeg>>, String> {
    let mut node = root;
    let mut segs = Vec::new();
    for part in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        let next = if let Ok(index) = part.parse::<i64>() {
            let index = usize::try_from(index)
                .map_err(|_| format!("array index {index} cannot be negative"))?;
            elements(node)?
                .get(index)
                .map(|v| (PathSeg::Index(index), v))
        } else if part == "-" {
            let items = elements(node)?;
            items.last().map(|v| (PathSeg::Index(items.len() - 1), v))
        } else if part == "*" {
            return Err("wildcard is not supported in PathGetter".into());
        } else if is_list_index(part) {
            let (key, value) = split_index(part)?;
            first_element(node, key, value)?.map(|(i, v)| (PathSeg::Index(i), v))
        } else {
            match node {
                Value::Null => None,
                Value::Map(map) => map.get(part).map(|v| (PathSeg::Key(part.to_owned()), v)),
                other => return Err(wrong_kind("MappingNode", other)),
            }
        };
        match next {
            Some((seg, n)) => {
                segs.push(seg);
                node = n;
            }
            None => return Ok(None),
        }
    }
    Ok(Some(segs))
}

/// The node at `segs`, which [`locate`] found in `root`.
pub(crate) fn at<'v>(root: &'v Value, segs: &[PathSeg]) -> &'v Value {
    segs.iter().fold(root, |node, seg| match (seg, node) {
        (PathSeg::Key(k), Value::Map(m)) => &m[k.as_str()],
        (PathSeg::Index(i), Value::Seq(items)) => &items[*i],
        _ => unreachable!("located path"),
    })
}

/// The node at `segs`, which [`locate`] found in `root`, for changing.
pub(crate) fn at_mut<'v>(root: &'v mut Value, segs: &[PathSeg]) -> &'v mut Value {
    segs.iter().fold(root, |node, seg| match (seg, node) {
        (PathSeg::Key(k), Value::Map(m)) => &mut m[k.as_str()],
        (PathSeg::Index(i), Value::Seq(items)) => &mut items[*i],
        _ => unreachable!("located path"),
    })
}

/// kyaml's `ElementMatcher`: the first element equal to `value` (no key), or
/// the first map element whose field `key` holds exactly `value`.
fn first_element<'v>(
    node: &'v Value,
    key: &str,
    value: &str,
) -> Result<Option<(usize, &'v Value)>, String> {
    let items = elements(node)?;
    Ok(items.iter().enumerate().find(|(_, item)| {
        if key.is_empty() {
            node_text(item) == value
        } else {
            item.get(key).is_some_and(|field| node_text(field) == value)
        }
    }))
}

/// The kind of node to create for a missing path part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A scalar without a tag: what it becomes is decided when it is printed.
    Scalar,
    /// A list.
    Seq,
    /// A map.
    Map,
}

impl Kind {
    /// The kind of a value.
    pub(crate) fn of(value: &Value) -> Kind {
        match value {
            Value::Seq(_) => Kind::Seq,
            Value::Map(_) => Kind::Map,
            _ => Kind::Scalar,
        }
    }

    /// A fresh node of this kind (a scalar starts as a null placeholder).
    fn fresh(self) -> Value {
        match self {
            Kind::Scalar => Value::Null,
            Kind::Seq => Value::Seq(Vec::new()),
            Kind::Map => Value::from_map(Mapping::default()),
        }
    }
}

/// A failure while walking a target path: either the path itself (kustomize
/// prefixes those with the field path), or the setter.
#[derive(Debug)]
pub(crate) enum WalkError {
    /// The path could not be followed.
    Path(String),
    /// The setter refused the value.
    Set(String),
}

impl From<String> for WalkError {
    fn from(e: String) -> Self {
        WalkError::Path(e)
    }
}

/// Counts the matches of the rest of a path inside a scalar's text.
pub(crate) type Inside<'s> = dyn FnMut(&Value, &[String]) -> Result<usize, WalkError> + 's;

/// kyaml's `PathMatcher`, calling a setter on every node the path matches.
pub(crate) struct Walker<'s, F> {
    /// Create missing parts; the leaf gets this kind.
    pub(crate) create: Option<Kind>,
    /// Called with each matched node and whether the walk just created it.
    pub(crate) set: &'s mut F,
    /// kyaml 0.21 (kustomize 5.8): a scalar field with path left is parsed
    /// and the rest walked in a throw-away copy; this does that walk.
    pub(crate) inside: Option<&'s mut Inside<'s>>,
}

impl<F> Walker<'_, F>
where
    F: FnMut(&mut Value, bool) -> Result<(), String>,
{
    /// Walks `path` from `node`; returns how many nodes matched.
    pub(crate) fn walk(
        &mut self,
        node: &mut Value,
        path: &[String],
        created: bool,
    ) -> Result<usize, WalkError> {
        let Some((part, rest)) = path.split_first() else {
            (self.set)(node, created).map_err(WalkError::Set)?;
            return Ok(1);
        };
        if let Some(index) = index_number(part) {
            self.index(node, index, rest)
        } else if is_list_index(part) {
            self.select(node, part, rest)
        } else if part == "*" {
            match node {
                Value::Seq(items) => self.each(items, rest),
                Value::Null => Ok(0),
                other => Err(wrong_kind("SequenceNode", other).into()),
            }
        } else {
            self.field(node, part, rest)
        }
    }

    /// The kind a missing part is created with, given the part after it.
    fn kind_for(&self, rest: &[String]) -> Kind {
        match rest.first() {
            Some(next) if is_list_index(next) || index_number(next).is_some() => Kind::Seq,
            Some(_) => Kind::Map,
            None => self.create.unwrap_or(Kind::Scalar),
        }
    }

    fn each(&mut self, items: &mut [Value], rest: &[String]) -> Result<usize, WalkError> {
        let mut found = 0;
        for item in items {
            found += self.walk(item, rest, false)?;
        }
        Ok(found)
    }

    fn field(&mut self, node: &mut Value, name: &str, rest: &[String]) -> Result<usize, WalkError> {
        match node {
            Value::Map(map) => {
                if let Some(field) = map.get_mut(name) {
                    let scalar = !matches!(field, Value::Map(_) | Value::Seq(_));
                    if let Some(inside) =
                        self.inside.as_mut().filter(|_| scalar && !rest.is_empty())
                    {
                        return inside(field, rest);
                    }
                    return self.walk(field, rest, false);
                }
                if self.create.is_none() {
                    return Ok(0);
                }
                let kind = self.kind_for(rest);
                let field = map.get_or_insert_with(name, || kind.fresh());
                self.walk(field, rest, true)
            }
            Value::Null if self.create.is_some() => {
                let mut scratch = self.kind_for(rest).fresh();
                self.walk(&mut scratch, rest, true)
            }
            Value::Null => Ok(0),
            other => Err(wrong_kind("MappingNode", other).into()),
        }
    }

    fn index(
        &mut self,
        node: &mut Value,
        index: usize,
        rest: &[String],
    ) -> Result<usize, WalkError> {
        let mut scratch = Vec::new();
        let items = match node {
            Value::Seq(items) => items,
            Value::Null => &mut scratch,
            other => return Err(wrong_kind("SequenceNode", other).into()),
        };
        let mut created = false;
        if items.len() == index && self.create.is_some() {
            items.push(self.kind_for(rest).fresh());
            created = true;
        }
        let len = items.len();
        match items.get_mut(index) {
            Some(item) => self.walk(item, rest, created),
            None => Err(format!("index {index} specified but only {len} elements found").into()),
        }
    }

    fn select(
        &mut self,
        node: &mut Value,
        part: &str,
        rest: &[String],
    ) -> Result<usize, WalkError> {
        let (key, pattern) = split_index(part)?;
        let mut scratch = Vec::new();
        let items = match node {
            Value::Seq(items) => items,
            Value::Null if self.create.is_some() => &mut scratch,
            Value::Null => return Ok(0),
            other => return Err(wrong_kind("SequenceNode", other).into()),
        };
        let found = self.select_in(items, key, pattern, rest)?;
        if found > 0 || self.create.is_none() {
            return Ok(found);
        }
        let value = Value::from(pattern);
        items.push(if key.is_empty() {
            value
        } else {
            Value::from_map(Mapping::from_iter([(key.to_owned(), value)]))
        });
        match self.select_in(items, key, pattern, rest)? {
            // kyaml would append elements forever; stop instead.
            0 => Err(format!(
                "failed to create element for {}: it does not match itself",
                krust_yaml::strconv::quote(part)
            )
            .into()),
            found => Ok(found),
        }
    }

    fn select_in(
        &mut self,
        items: &mut [Value],
        key: &str,
        pattern: &str,
        rest: &[String],
    ) -> Result<usize, WalkError> {
        let mut regex: Option<Regex> = None;
        let mut found = 0;
        for item in items {
            let re = match &regex {
                Some(re) => re,
                None => regex
                    .insert(Regex::new(pattern).map_err(|e| format!("error parsing regexp: {e}"))?),
            };
            if key.is_empty() {
                // A primitive element is itself the match; the rest of the path is ignored.
                if re.is_match(&yaml_text(item)) {
                    (self.set)(item, false).map_err(WalkError::Set)?;
                    found += 1;
                }
                continue;
            }
            let matches = match item {
                Value::Map(map) => map.get(key).is_some_and(|v| re.is_match(&yaml_text(v))),
                _ => false,
            };
            if matches {
                found += self.walk(item, rest, false)?;
            }
        }
        Ok(found)
    }
}

/// A node printed as kyaml prints it (trimmed), which is what list
/// selectors match against: strings that would read back as another type,
/// or that cannot be written plain, are quoted.
fn yaml_text(node: &Value) -> String {
    match node {
        Value::String(s) => {
            if s.is_empty() || super::scalar::resolve(s).0 != super::scalar::Tag::Str {
                format!("\"{s}\"")
            } else if plain_safe(s) {
                s.clone()
            } else {
                format!("'{}'", s.replace('\'', "''"))
            }
        }
        Value::Map(_) | Value::Seq(_) => krust_yaml::to_yaml_string(node)
            .unwrap_or_default()
            .trim()
            .to_owned(),
        other => node_text(other),
    }
}

/// Whether a string can be written as a plain scalar (a conservative test).
fn plain_safe(s: &str) -> bool {
    let first = s.chars().next().unwrap_or(' ');
    !s.contains(['\n', '\t'])
        && !s.starts_with(char::is_whitespace)
        && !s.ends_with(char::is_whitespace)
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with(':')
        && !"!&*?|>'\"%@`#,[]{}".contains(first)
        && !(matches!(first, '-' | ':') && (s.len() == 1 || s[1..].starts_with(' ')))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(s: &str) -> Value {
        krust_yaml::load_documents(s).unwrap().remove(0)
    }

    fn parts(p: &[&str]) -> Vec<String> {
        p.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn splits_like_kyaml() {
        assert_eq!(split("a.b.c"), parts(&["a", "b", "c"]));
        assert_eq!(split(r"a.b\.c.d"), parts(&["a", "b.c", "d"]));
        assert_eq!(
            split("spec.containers.[name=a.b].image"),
            parts(&["spec", "containers", "[name=a.b]", "image"])
        );
        assert_eq!(
            split("metadata.annotations.[a.b/c]"),
            parts(&["metadata", "annotations", "a.b/c"])
        );
        // A single-piece bracket keeps its brackets (and then fails as a selector).
        assert_eq!(split("a.[b]"), parts(&["a", "[b]"]));
        assert_eq!(split(".a.b"), parts(&["a", "b"]));
        assert_eq!(split("a..b"), parts(&["a", "", "b"]));
    }

    #[test]
    fn lookup_follows_indexes_and_exact_selectors() {
        let doc = yaml("l: [{name: app, v: 1}, {name: app2, v: 2}]\ns: [x, y]\nn: ~\n");
        let get = |p: &str| lookup(&doc, &split(p)).map(|v| v.cloned());
        assert_eq!(get("l.1.v"), Ok(Some(Value::Int(2))));
        assert_eq!(get("l.[name=app2].v"), Ok(Some(Value::Int(2))));
        // Exact, not a regex.
        assert_eq!(get("l.[name=app.].v"), Ok(None));
        assert_eq!(get("s.[=y]"), Ok(Some(Value::from("y"))));
        assert_eq!(get("s.-"), Ok(Some(Value::from("y"))));
        assert_eq!(get("l.5.v"), Ok(None));
        assert_eq!(get("n.x"), Ok(None));
        assert_eq!(get("l.-1"), Err("array index -1 cannot be negative".into()));
        assert_eq!(
            get("l.*.v"),
            Err("wildcard is not supported in PathGetter".into())
        );
        assert!(get("s.0.x")
            .unwrap_err()
            .starts_with("wrong node kind: expected MappingNode but got ScalarNode"));
        assert_eq!(
            get("l.[x]"),
            Err("list path element must contain fieldName=fieldValue for element to match".into())
        );
    }

    fn walk(doc: &mut Value, path: &str, create: Option<Kind>) -> Result<usize, WalkError> {
        let mut set = |v: &mut Value, created: bool| {
            *v = Value::from(if created { "new" } else { "set" });
            Ok(())
        };
        Walker {
            create,
            set: &mut set,
            inside: None,
        }
        .walk(doc, &split(path), false)
    }

    #[test]
    fn matcher_selectors_are_unanchored_regexes() {
        let mut doc = yaml("c: [{name: app, i: a}, {name: myapp-x, i: b}, {name: db, i: c}]\n");
        assert_eq!(walk(&mut doc, "c.[name=app].i", None).unwrap(), 2);
        assert_eq!(
            doc,
            yaml("c: [{name: app, i: set}, {name: myapp-x, i: set}, {name: db, i: c}]\n")
        );
        assert_eq!(walk(&mut doc, "c.*.i", None).unwrap(), 3);
        assert_eq!(walk(&mut doc, "c.[name=zz].i", None).unwrap(), 0);
        assert_eq!(walk(&mut doc, "c.0.nope", None).unwrap(), 0);
    }

    #[test]
    fn matcher_creates_missing_parts() {
        let mut doc = yaml("c: [{name: app}]\n");
        walk(&mut doc, "c.[name=new].image", Some(Kind::Scalar)).unwrap();
        walk(&mut doc, "c.0.ports.0.port", Some(Kind::Scalar)).unwrap();
        walk(&mut doc, "a.b", Some(Kind::Scalar)).unwrap();
        assert_eq!(
            doc,
            yaml("c: [{name: app, ports: [{port: new}]}, {name: new, image: new}]\na: {b: new}\n")
        );
        // Only appending is allowed.
        let err = walk(&mut doc, "c.5.x", Some(Kind::Scalar)).unwrap_err();
        assert!(
            matches!(err, WalkError::Path(e) if e == "index 5 specified but only 2 elements found")
        );
    }

    #[test]
    fn creating_below_null_changes_nothing() {
        let mut doc = yaml("a: ~\nl: ~\n");
        assert_eq!(walk(&mut doc, "a.b.c", Some(Kind::Scalar)).unwrap(), 1);
        assert_eq!(walk(&mut doc, "l.0.name", Some(Kind::Scalar)).unwrap(), 1);
        assert_eq!(doc, yaml("a: ~\nl: ~\n"));
        assert_eq!(walk(&mut doc, "a.b", None).unwrap(), 0);
    }

    #[test]
    fn primitive_selector_matches_the_element() {
        let mut doc = yaml("args: [--a, --b=1, x]\n");
        assert_eq!(walk(&mut doc, "args.[=--b]", None).unwrap(), 1);
        assert_eq!(doc, yaml("args: [--a, set, x]\n"));
    }
}
