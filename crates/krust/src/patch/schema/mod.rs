//! The OpenAPI facts strategic merge needs: which lists merge by key, and the
//! field tree that leads to them.
//!
//! kustomize (kyaml) walks a resource together with the OpenAPI schema of its
//! kind. At every field it asks the schema three questions — the schema of a
//! field (a property, else the `additionalProperties` schema), the schema of a
//! list's elements, and a list's `x-kubernetes-patch-strategy` with its merge
//! keys — and nothing else. [`Schema`] answers exactly those, from a compact
//! table derived from the Kubernetes v1.21.2 schema kustomize v5.5.0 embeds
//! ([`Schema::builtin`]), or from an OpenAPI document given at run time
//! ([`Schema::from_openapi`]), as kustomize's `openapi: {path: ...}` does.
//!
//! Leaves are pruned: a field whose schema is a scalar (`string`, `integer`,
//! `number`, `boolean`, or a reference to one such as `Quantity`) is left out,
//! because the merge treats a scalar the same with or without a schema. Any
//! other field keeps a node, even an "opaque" one without structure, because a
//! field with *no* schema makes kyaml look the schema up again from the
//! `apiVersion`/`kind` found inside the value.

mod openapi;
mod table;

use std::collections::HashMap;
use std::sync::OnceLock;

/// The built-in Kubernetes schema facts (see `table.rs` for the format).
const K8S_TABLE: &str = include_str!("k8s-v1.21.2.txt");

/// The definitions kustomize adds from its own `kustomizationapi/swagger.json`
/// on top of whichever Kubernetes schema is in use.
const KUSTOMIZATION_TABLE: &str = include_str!("kustomization-api.txt");

/// Index of a definition slot in [`Schema::defs`].
type DefId = u32;
/// Index of a shape in [`Schema::shapes`].
type ShapeId = u32;

/// A schema reference as stored: a shape, or a named definition that is
/// resolved when used (kyaml resolves `$ref` lazily, so a definition added
/// later replaces what earlier references see).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ty {
    Shape(ShapeId),
    Def(DefId),
}

/// One schema node, reduced to what strategic merge reads.
#[derive(Clone, Debug, Default, PartialEq)]
struct Shape {
    /// `properties`, sorted by name; scalar leaves left out.
    properties: Vec<(Box<str>, Ty)>,
    /// `additionalProperties`, when it is a schema with structure.
    additional: Option<Ty>,
    /// `items`, when `type` is exactly `array` and the items have structure.
    items: Option<Ty>,
    /// `x-kubernetes-patch-strategy`, verbatim (`merge`, `merge,retainKeys`, ...).
    strategy: Option<Box<str>>,
    /// The merge keys kyaml uses: `x-kubernetes-list-map-keys` if given, else
    /// `x-kubernetes-patch-merge-key`; only meaningful with a strategy.
    keys: Vec<Box<str>>,
}

impl Shape {
    /// Whether the node carries nothing but its own presence.
    fn is_opaque(&self) -> bool {
        self.properties.is_empty()
            && self.additional.is_none()
            && self.items.is_none()
            && self.strategy.is_none()
    }
}

/// A named definition; `body` is `None` for a name that is only referenced
/// (or whose schema is a scalar), which resolves to no schema at all.
#[derive(Clone, Debug)]
struct Def {
    name: Box<str>,
    body: Option<Ty>,
}

/// Schema facts for strategic merge: definitions, and the index from
/// `apiVersion` + `kind` to a resource's definition.
#[derive(Clone, Debug)]
pub struct Schema {
    shapes: Vec<Shape>,
    defs: Vec<Def>,
    def_ids: HashMap<Box<str>, DefId>,
    /// kind → [(apiVersion, definition)]: looked up by borrowed strings.
    kinds: HashMap<Box<str>, Vec<(Box<str>, DefId)>>,
    /// kind → [(apiVersion, namespaced)], from the API paths.
    scopes: HashMap<Box<str>, Vec<(Box<str>, bool)>>,
}

/// The opaque shape every schema starts with, shared by all structureless nodes.
const OPAQUE: ShapeId = 0;

impl Default for Schema {
    fn default() -> Self {
        Schema {
            shapes: vec![Shape::default()],
            defs: Vec::new(),
            def_ids: HashMap::new(),
            kinds: HashMap::new(),
            scopes: HashMap::new(),
        }
    }
}

impl Schema {
    /// An empty schema: no kind is known, so every list is replaced wholesale.
    pub fn empty() -> Schema {
        Schema::default()
    }

    /// The schema kustomize v5.5.0 uses by default: Kubernetes v1.21.2 plus
    /// kustomize's own Kustomization definitions. Parsed once.
    pub fn builtin() -> &'static Schema {
        static BUILTIN: OnceLock<Schema> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            let mut schema = Schema::parse_table(K8S_TABLE).expect("built-in schema table");
            schema.merge_from(kustomization_api());
            schema
        })
    }

    /// The schema kustomize uses when a kustomization names `openapi: {path: ...}`:
    /// the document's definitions, then kustomize's Kustomization definitions.
    pub fn from_custom_openapi(doc: &krust_yaml::Value) -> Result<Schema, String> {
        let mut schema = Schema::from_openapi(doc)?;
        schema.merge_from(kustomization_api());
        Ok(schema)
    }

    /// Reads a swagger 2 document: `definitions` (indexed by their
    /// `x-kubernetes-group-version-kind`) and the scope facts in `paths`.
    pub fn from_openapi(doc: &krust_yaml::Value) -> Result<Schema, String> {
        let mut schema = Schema::default();
        schema.add_openapi(doc)?;
        Ok(schema)
    }

    /// Adds a swagger 2 document's definitions the way kyaml's
    /// `AddDefinitions` does: a definition replaces one of the same name
    /// (references to it see the new one), and a kind maps to the last
    /// definition that claims it.
    pub fn add_openapi(&mut self, doc: &krust_yaml::Value) -> Result<(), String> {
        openapi::add_document(self, doc)
    }

    /// Adds every definition, kind and scope of `other`, with
    /// [`Schema::add_openapi`]'s replacement rules.
    pub fn merge_from(&mut self, other: &Schema) {
        let mut def_map = Vec::with_capacity(other.defs.len());
        for def in &other.defs {
            def_map.push(self.def_id(&def.name));
        }
        let shape_base = self.shapes.len() as ShapeId;
        let remap = |ty: Ty| match ty {
            Ty::Shape(OPAQUE) => Ty::Shape(OPAQUE),
            Ty::Shape(id) => Ty::Shape(shape_base + id - 1),
            Ty::Def(id) => Ty::Def(def_map[id as usize]),
        };
        for shape in &other.shapes[1..] {
            self.shapes.push(Shape {
                properties: shape
                    .properties
                    .iter()
                    .map(|(name, ty)| (name.clone(), remap(*ty)))
                    .collect(),
                additional: shape.additional.map(remap),
                items: shape.items.map(remap),
                strategy: shape.strategy.clone(),
                keys: shape.keys.clone(),
            });
        }
        for (def, &id) in other.defs.iter().zip(&def_map) {
            if let Some(body) = def.body {
                self.defs[id as usize].body = Some(remap(body));
            }
        }
        for (kind, versions) in &other.kinds {
            for (api_version, def) in versions {
                self.set_kind(api_version, kind, def_map[*def as usize]);
            }
        }
        for (kind, versions) in &other.scopes {
            for (api_version, namespaced) in versions {
                self.set_scope(api_version, kind, *namespaced);
            }
        }
    }

    /// The schema of resources of this `apiVersion` and `kind` (kyaml's
    /// `SchemaForResourceType`), if the schema knows them.
    pub fn for_kind(&self, api_version: &str, kind: &str) -> Option<SchemaNode<'_>> {
        let versions = self.kinds.get(kind)?;
        let (_, def) = versions.iter().find(|(v, _)| &**v == api_version)?;
        self.node(Ty::Def(*def))
    }

    /// Whether the API paths put this kind in a namespace (`Some(true)`),
    /// at cluster scope (`Some(false)`), or do not mention it (`None`).
    pub fn is_namespaced(&self, api_version: &str, kind: &str) -> Option<bool> {
        let versions = self.scopes.get(kind)?;
        versions
            .iter()
            .find(|(v, _)| &**v == api_version)
            .map(|(_, namespaced)| *namespaced)
    }

    /// Resolves a reference to the node it names, following definition
    /// aliases; `None` for a dangling or scalar definition.
    fn node(&self, mut ty: Ty) -> Option<SchemaNode<'_>> {
        // A chain of aliases longer than the number of definitions is a cycle.
        for _ in 0..=self.defs.len() {
            match ty {
                Ty::Shape(id) => {
                    return Some(SchemaNode {
                        schema: self,
                        shape: &self.shapes[id as usize],
                    })
                }
                Ty::Def(id) => ty = self.defs[id as usize].body?,
            }
        }
        None
    }

    /// The slot of a definition name, created empty if new.
    fn def_id(&mut self, name: &str) -> DefId {
        if let Some(&id) = self.def_ids.get(name) {
            return id;
        }
        let id = self.defs.len() as DefId;
        self.defs.push(Def {
            name: name.into(),
            body: None,
        });
        self.def_ids.insert(name.into(), id);
        id
    }

    /// Stores a shape, sharing the opaque one.
    fn add_shape(&mut self, shape: Shape) -> Ty {
        if shape.is_opaque() {
            return Ty::Shape(OPAQUE);
        }
        self.shapes.push(shape);
        Ty::Shape(self.shapes.len() as ShapeId - 1)
    }

    fn set_kind(&mut self, api_version: &str, kind: &str, def: DefId) {
        let versions = self.kinds.entry(kind.into()).or_default();
        match versions.iter_mut().find(|(v, _)| &**v == api_version) {
            Some(entry) => entry.1 = def,
            None => versions.push((api_version.into(), def)),
        }
    }

    /// Records a scope fact; like kyaml, "namespaced" wins over "cluster".
    fn set_scope(&mut self, api_version: &str, kind: &str, namespaced: bool) {
        let versions = self.scopes.entry(kind.into()).or_default();
        match versions.iter_mut().find(|(v, _)| &**v == api_version) {
            Some(entry) => entry.1 |= namespaced,
            None => versions.push((api_version.into(), namespaced)),
        }
    }

    /// Renders the schema in the table format (see `table.rs`); parsing the
    /// result gives back an equivalent schema.
    pub fn to_table(&self) -> String {
        table::write(self)
    }

    /// Parses the table format.
    pub fn parse_table(text: &str) -> Result<Schema, String> {
        table::parse(text)
    }
}

/// kustomize's own definitions, parsed once.
fn kustomization_api() -> &'static Schema {
    static API: OnceLock<Schema> = OnceLock::new();
    API.get_or_init(|| Schema::parse_table(KUSTOMIZATION_TABLE).expect("kustomization table"))
}

/// A position in a schema: what kyaml's `ResourceSchema` is during a walk.
#[derive(Clone, Copy, Debug)]
pub struct SchemaNode<'s> {
    schema: &'s Schema,
    shape: &'s Shape,
}

impl<'s> SchemaNode<'s> {
    /// The schema of a field: the property of that name, else the
    /// `additionalProperties` schema (kyaml's `ResourceSchema.Field`).
    pub fn field(self, name: &str) -> Option<SchemaNode<'s>> {
        let props = &self.shape.properties;
        let ty = match props.binary_search_by(|(n, _)| (**n).cmp(name)) {
            Ok(i) => props[i].1,
            Err(_) => self.shape.additional?,
        };
        self.schema.node(ty)
    }

    /// The schema of a list's elements (kyaml's `ResourceSchema.Elements`).
    pub fn elements(self) -> Option<SchemaNode<'s>> {
        self.schema.node(self.shape.items?)
    }

    /// `x-kubernetes-patch-strategy`, if any.
    pub fn patch_strategy(self) -> Option<&'s str> {
        self.shape.strategy.as_deref()
    }

    /// The keys that identify a list element (kyaml's
    /// `PatchStrategyAndKeyList`): empty without a strategy, and for lists of
    /// scalars such as `finalizers`.
    pub fn merge_keys(self) -> &'s [Box<str>] {
        if self.shape.strategy.is_some() {
            &self.shape.keys
        } else {
            &[]
        }
    }

    /// Whether a list here merges element by element: its strategy, split on
    /// commas, includes `merge` (kyaml's `schemaHasMergeStrategy`).
    pub fn merges_lists(self) -> bool {
        self.patch_strategy()
            .is_some_and(|s| s.split(',').any(|part| part == "merge"))
    }
}

#[cfg(test)]
mod tests;
