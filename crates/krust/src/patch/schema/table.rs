//! The schema table: a line format small enough to embed, holding only what
//! strategic merge reads from an OpenAPI schema.
//!
//! ```text
//! # comment
//! prefix a io.k8s.api.                        names `a/x` mean `io.k8s.api.x`
//! kind apps/v1 Deployment a/apps.v1.Deployment  the definition of a kind
//! scope apps/v1 Deployment n                  n: namespaced, c: cluster-scoped
//! def a/core.v1.PodSpec                       a definition (an object) ...
//!  containers [a/core.v1.Container] merge name  ... and its non-scalar fields
//!  nodeSelector {*}
//!  +additional TYPE                           the definition's own additionalProperties,
//!  +items TYPE                                items,
//!  +strategy STRATEGY [KEYS]                  and patch strategy, when it has them
//! alias NAME TARGET                           a definition that is only a `$ref`
//! ```
//!
//! A field line is `NAME TYPE [STRATEGY [KEYS]]`, where STRATEGY is the
//! `x-kubernetes-patch-strategy` and KEYS the comma-separated merge keys.
//! TYPE is `*` (a schema without structure, e.g. a list of scalars), a
//! definition name, `[TYPE]` (a list whose elements have that schema), or
//! `{TYPE}` (a map whose values have that schema). Fields with scalar schemas
//! are left out.

use std::fmt::Write as _;

use super::{DefId, Schema, Shape, Ty, OPAQUE};

/// Name prefixes the writer abbreviates, longest first.
const PREFIXES: &[(&str, &str)] = &[
    ("m", "io.k8s.apimachinery.pkg.apis.meta.v1."),
    (
        "x",
        "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.",
    ),
    ("g", "io.k8s.kube-aggregator.pkg.apis.apiregistration."),
    ("p", "io.k8s.apimachinery.pkg."),
    ("a", "io.k8s.api."),
];

/// Parses a table; errors name the line.
pub(super) fn parse(text: &str) -> Result<Schema, String> {
    let mut parser = Parser::default();
    for (index, line) in text.lines().enumerate() {
        parser
            .line(line)
            .map_err(|e| format!("schema table line {}: {e}", index + 1))?;
    }
    parser.finish_def();
    Ok(parser.schema)
}

#[derive(Default)]
struct Parser {
    schema: Schema,
    prefixes: Vec<(String, String)>,
    /// The definition whose field lines are being read.
    current: Option<(DefId, Shape)>,
}

impl Parser {
    fn line(&mut self, line: &str) -> Result<(), String> {
        if line.trim().is_empty() || line.starts_with('#') {
            return Ok(());
        }
        if line.starts_with(' ') {
            return self.field_line(line.trim_start());
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["prefix", short, long] => {
                self.prefixes.push(((*short).into(), (*long).into()));
            }
            ["kind", api_version, kind, def] => {
                let id = self.def_id(def);
                self.schema.set_kind(api_version, kind, id);
            }
            ["scope", api_version, kind, scope] => {
                let namespaced = match *scope {
                    "n" => true,
                    "c" => false,
                    other => return Err(format!("unknown scope {other:?}")),
                };
                self.schema.set_scope(api_version, kind, namespaced);
            }
            ["def", name] => {
                self.finish_def();
                let id = self.def_id(name);
                self.current = Some((id, Shape::default()));
            }
            ["alias", name, target] => {
                self.finish_def();
                let id = self.def_id(name);
                let target = self.def_id(target);
                self.schema.defs[id as usize].body = Some(Ty::Def(target));
            }
            _ => return Err(format!("cannot read {line:?}")),
        }
        Ok(())
    }

    /// A line inside a `def`: a field, or one of the definition's own facts.
    fn field_line(&mut self, line: &str) -> Result<(), String> {
        let mut words = line.split_whitespace();
        let name = words.next().unwrap_or_default();
        let rest: Vec<&str> = words.collect();
        if name == "+strategy" {
            let (strategy, keys) = strategy_words(&rest)?;
            let shape = self.current_shape()?;
            shape.strategy = strategy;
            shape.keys = keys;
            return Ok(());
        }
        let Some((ty_text, strategy)) = rest.split_first() else {
            return Err(format!("field {name:?} has no type"));
        };
        let mut ty = self.parse_type(ty_text)?;
        let (strategy, keys) = strategy_words(strategy)?;
        if strategy.is_some() {
            ty = self.with_strategy(ty, strategy, keys)?;
        }
        let shape = self.current_shape()?;
        match name {
            "+additional" => shape.additional = Some(ty),
            "+items" => shape.items = Some(ty),
            _ => shape.properties.push((name.into(), ty)),
        }
        Ok(())
    }

    /// Attaches a strategy to an inline type (a reference cannot carry one:
    /// kyaml drops everything beside a `$ref`).
    fn with_strategy(
        &mut self,
        ty: Ty,
        strategy: Option<Box<str>>,
        keys: Vec<Box<str>>,
    ) -> Result<Ty, String> {
        let Ty::Shape(id) = ty else {
            return Err("a strategy needs an inline type".into());
        };
        let shape = Shape {
            strategy,
            keys,
            ..self.schema.shapes[id as usize].clone()
        };
        Ok(self.schema.add_shape(shape))
    }

    fn current_shape(&mut self) -> Result<&mut Shape, String> {
        match &mut self.current {
            Some((_, shape)) => Ok(shape),
            None => Err("field line outside a def".into()),
        }
    }

    fn finish_def(&mut self) {
        if let Some((id, mut shape)) = self.current.take() {
            shape.properties.sort_by(|a, b| a.0.cmp(&b.0));
            let body = self.schema.add_shape(shape);
            self.schema.defs[id as usize].body = Some(body);
        }
    }

    fn def_id(&mut self, name: &str) -> DefId {
        let expanded = self.expand(name);
        self.schema.def_id(&expanded)
    }

    /// Expands a `p/rest` abbreviation.
    fn expand(&self, name: &str) -> String {
        if let Some((short, rest)) = name.split_once('/') {
            if let Some((_, long)) = self.prefixes.iter().find(|(s, _)| s == short) {
                return format!("{long}{rest}");
            }
        }
        name.to_owned()
    }

    fn parse_type(&mut self, text: &str) -> Result<Ty, String> {
        let (ty, rest) = self.parse_type_prefix(text)?;
        if !rest.is_empty() {
            return Err(format!("trailing {rest:?} in type {text:?}"));
        }
        Ok(ty)
    }

    /// Reads one type from the front of `text`; returns it and what follows.
    fn parse_type_prefix<'t>(&mut self, text: &'t str) -> Result<(Ty, &'t str), String> {
        if let Some(rest) = text.strip_prefix('*') {
            return Ok((Ty::Shape(OPAQUE), rest));
        }
        if let Some(rest) = text.strip_prefix('[') {
            let (items, rest) = self.parse_type_prefix(rest)?;
            let rest = rest.strip_prefix(']').ok_or("missing `]`")?;
            let ty = self.schema.add_shape(Shape {
                items: Some(items),
                ..Shape::default()
            });
            return Ok((ty, rest));
        }
        if let Some(rest) = text.strip_prefix('{') {
            let (values, rest) = self.parse_type_prefix(rest)?;
            let rest = rest.strip_prefix('}').ok_or("missing `}`")?;
            let ty = self.schema.add_shape(Shape {
                additional: Some(values),
                ..Shape::default()
            });
            return Ok((ty, rest));
        }
        let end = text.find([']', '}']).unwrap_or(text.len());
        if end == 0 {
            return Err(format!("expected a type at {text:?}"));
        }
        Ok((Ty::Def(self.def_id(&text[..end])), &text[end..]))
    }
}

/// A patch strategy and its merge keys.
type Strategy = (Option<Box<str>>, Vec<Box<str>>);

/// `[STRATEGY [KEYS]]`.
fn strategy_words(words: &[&str]) -> Result<Strategy, String> {
    match words {
        [] => Ok((None, Vec::new())),
        [strategy] => Ok((Some((*strategy).into()), Vec::new())),
        [strategy, keys] => Ok((
            Some((*strategy).into()),
            keys.split(',').map(Into::into).collect(),
        )),
        _ => Err(format!("unexpected words {words:?}")),
    }
}

/// Writes a schema as a table: prefixes, kinds, scopes, then definitions,
/// each list sorted so that equal schemas give equal text.
pub(super) fn write(schema: &Schema) -> String {
    let mut writer = Writer {
        schema,
        out: String::new(),
        pending: Vec::new(),
    };
    writer.header();
    let mut defs: Vec<(&str, Ty)> = schema
        .defs
        .iter()
        .filter_map(|d| Some((&*d.name, d.body?)))
        .collect();
    defs.sort_by(|a, b| a.0.cmp(b.0));
    for (name, body) in defs {
        writer.def(name.to_owned(), body);
    }
    while let Some((name, id)) = writer.pending.pop() {
        writer.def(name, Ty::Shape(id));
    }
    writer.out
}

struct Writer<'s> {
    schema: &'s Schema,
    out: String,
    /// Inline shapes too rich for a type expression, written as their own definitions.
    pending: Vec<(String, super::ShapeId)>,
}

impl Writer<'_> {
    fn header(&mut self) {
        for (short, long) in PREFIXES {
            let _ = writeln!(self.out, "prefix {short} {long}");
        }
        let mut kinds: Vec<(&str, &str, DefId)> = Vec::new();
        for (kind, versions) in &self.schema.kinds {
            for (api_version, def) in versions {
                kinds.push((api_version, kind, *def));
            }
        }
        kinds.sort();
        for (api_version, kind, def) in kinds {
            let name = abbreviate(&self.schema.defs[def as usize].name);
            let _ = writeln!(self.out, "kind {api_version} {kind} {name}");
        }
        let mut scopes: Vec<(&str, &str, bool)> = Vec::new();
        for (kind, versions) in &self.schema.scopes {
            for (api_version, namespaced) in versions {
                scopes.push((api_version, kind, *namespaced));
            }
        }
        scopes.sort();
        for (api_version, kind, namespaced) in scopes {
            let scope = if namespaced { 'n' } else { 'c' };
            let _ = writeln!(self.out, "scope {api_version} {kind} {scope}");
        }
    }

    fn def(&mut self, name: String, body: Ty) {
        let shape = match body {
            Ty::Def(target) => {
                let target = abbreviate(&self.schema.defs[target as usize].name);
                let _ = writeln!(self.out, "alias {} {target}", abbreviate(&name));
                return;
            }
            Ty::Shape(id) => &self.schema.shapes[id as usize],
        };
        let _ = writeln!(self.out, "def {}", abbreviate(&name));
        for (field, ty) in &shape.properties {
            let owner = format!("{name}#{field}");
            if let Some(text) = self.field_type(&owner, *ty) {
                let _ = writeln!(self.out, " {field} {text}");
            }
        }
        if let Some(text) = shape.additional.and_then(|ty| self.type_text(&name, ty)) {
            let _ = writeln!(self.out, " +additional {text}");
        }
        if let Some(text) = shape.items.and_then(|ty| self.type_text(&name, ty)) {
            let _ = writeln!(self.out, " +items {text}");
        }
        if let Some(strategy) = &shape.strategy {
            let _ = writeln!(
                self.out,
                " +strategy {}",
                strategy_text(strategy, &shape.keys)
            );
        }
    }

    /// A field's type with its strategy words; `None` for a reference that
    /// resolves to nothing (a scalar), which the table leaves out.
    fn field_type(&mut self, owner: &str, ty: Ty) -> Option<String> {
        let Ty::Shape(id) = ty else {
            return self.type_text(owner, ty);
        };
        let shape = &self.schema.shapes[id as usize];
        let Some(strategy) = &shape.strategy else {
            return self.type_text(owner, ty);
        };
        if !shape.properties.is_empty() || shape.additional.is_some() {
            return self.type_text(owner, ty);
        }
        let base = match shape.items {
            Some(items) => format!("[{}]", self.type_text(owner, items)?),
            None => "*".to_owned(),
        };
        Some(format!("{base} {}", strategy_text(strategy, &shape.keys)))
    }

    /// A type expression, or a reference to a pending definition for shapes
    /// that do not fit one.
    fn type_text(&mut self, owner: &str, ty: Ty) -> Option<String> {
        let id = match ty {
            Ty::Def(def) => {
                let def = &self.schema.defs[def as usize];
                def.body?;
                return Some(abbreviate(&def.name));
            }
            Ty::Shape(id) => id,
        };
        let shape = &self.schema.shapes[id as usize];
        if shape.is_opaque() {
            return Some("*".to_owned());
        }
        if shape.strategy.is_none() && shape.properties.is_empty() {
            match (shape.items, shape.additional) {
                (Some(items), None) => {
                    return Some(format!("[{}]", self.type_text(owner, items)?));
                }
                (None, Some(values)) => {
                    return Some(format!("{{{}}}", self.type_text(owner, values)?));
                }
                _ => {}
            }
        }
        let name = format!("{owner}#");
        self.pending.push((name.clone(), id));
        Some(abbreviate(&name))
    }
}

fn strategy_text(strategy: &str, keys: &[Box<str>]) -> String {
    if keys.is_empty() {
        strategy.to_owned()
    } else {
        format!("{strategy} {}", keys.join(","))
    }
}

/// Shortens a definition name with the first matching prefix.
fn abbreviate(name: &str) -> String {
    for (short, long) in PREFIXES {
        if let Some(rest) = name.strip_prefix(long) {
            return format!("{short}/{rest}");
        }
    }
    name.to_owned()
}
