//! The OpenAPI schema strategic merge uses, chosen as kustomize chooses it.
//!
//! kustomize keeps the schema in process-wide state: the top kustomization's
//! `openapi:` field sets it; otherwise the first kustomization reached (depth
//! first) that has one does, and it then holds for the rest of the build. A
//! custom schema named by the top kustomization replaces the built-in one; one
//! named later is combined with it, because by then kustomize has loaded (or
//! marked for loading) the built-in schema: definitions already consulted by
//! merges yield to the custom ones, definitions only marked win over them.

use std::sync::Arc;

use crate::error::{Error, Result};
use crate::kustomization::Kustomization;
use crate::loader::Loader;
use crate::patch::Schema;

/// The only Kubernetes schema version kustomize v5.5.0 has built in.
const BUILTIN_VERSION: &str = "v1.21.2";

/// Which schema is in force for a build.
#[derive(Debug, Default)]
pub struct SchemaState {
    /// Set by some kustomization's `openapi:` field.
    set: bool,
    /// A custom schema, when one was named.
    custom: Option<Arc<Schema>>,
    /// Whether merges have consulted the built-in schema yet.
    builtin_used: bool,
    /// Whether resources have been accumulated yet (kustomize's namespace
    /// checks then mark the built-in schema for loading).
    resources_seen: bool,
}

impl SchemaState {
    /// Applies `kust`'s `openapi:` field. `top` is the kustomization being
    /// built; others only take effect while no schema is set.
    pub fn configure(
        &mut self,
        kust: &Kustomization,
        loader: &Loader,
        file: &std::path::Path,
        top: bool,
    ) -> Result<()> {
        let path = kust.openapi.get("path").filter(|p| !p.is_empty());
        let version = kust.openapi.get("version").filter(|v| !v.is_empty());
        let custom = match path {
            Some(path) => {
                let (schema_file, bytes) = loader.load(path).map_err(|e| e.in_file(file))?;
                if version.is_some() {
                    return Err(Error::invalid(
                        file,
                        "openapi: builtin version and custom schema provided, cannot use both",
                    ));
                }
                let text = crate::error::utf8_string(&schema_file, bytes)?;
                // kyaml reads a schema file through sigs.k8s.io/yaml.
                let docs = krust_yaml::load_documents_with(
                    &text,
                    krust_yaml::LoadOptions::sigs_k8s_yaml(),
                )
                .map_err(|e| Error::yaml(&schema_file, &e))?;
                let doc = docs
                    .first()
                    .ok_or_else(|| Error::invalid(&schema_file, "empty OpenAPI schema"))?;
                Some(Schema::from_custom_openapi(doc).map_err(|e| {
                    Error::invalid(&schema_file, format!("invalid schema file: {e}"))
                })?)
            }
            None => None,
        };
        if self.set && !top {
            return Ok(());
        }
        match (custom, version) {
            (Some(schema), _) => {
                let schema = if self.builtin_used {
                    let mut union = Schema::builtin().clone();
                    union.merge_from(&schema);
                    union
                } else if self.resources_seen {
                    let mut union = schema;
                    union.merge_from(Schema::builtin());
                    union
                } else {
                    schema
                };
                self.custom = Some(Arc::new(schema));
                self.set = true;
            }
            (None, Some(version)) if version != BUILTIN_VERSION => {
                return Err(Error::invalid(
                    file,
                    format!("openapi: the specified OpenAPI version '{version}' is not built in (kustomize v5.5.0 has {BUILTIN_VERSION})"),
                ))
            }
            (None, Some(_)) => {
                self.custom = None;
                self.set = true;
            }
            (None, None) => {}
        }
        Ok(())
    }

    /// Records that resources have been accumulated.
    pub fn saw_resources(&mut self) {
        self.resources_seen = true;
    }

    /// Whether some kustomization has set the schema for the rest of the build.
    pub fn is_set(&self) -> bool {
        self.set
    }

    /// Whether a custom schema is in force.
    pub fn has_custom(&self) -> bool {
        self.custom.is_some()
    }

    /// Whether resources have been accumulated.
    pub fn saw_any_resources(&self) -> bool {
        self.resources_seen
    }

    /// Whether merges have consulted the built-in schema.
    pub fn used_builtin(&self) -> bool {
        self.builtin_used
    }

    /// Replays what building a base elsewhere did to the state (it set no schema).
    pub fn replay(&mut self, saw_resources: bool, used_builtin: bool) {
        self.resources_seen |= saw_resources;
        self.builtin_used |= used_builtin;
    }

    /// The schema for the next merge.
    pub fn current(&mut self) -> Arc<Schema> {
        match &self.custom {
            Some(custom) => Arc::clone(custom),
            None => {
                self.builtin_used = true;
                builtin()
            }
        }
    }
}

fn builtin() -> Arc<Schema> {
    static SHARED: std::sync::OnceLock<Arc<Schema>> = std::sync::OnceLock::new();
    Arc::clone(SHARED.get_or_init(|| Arc::new(Schema::builtin().clone())))
}
