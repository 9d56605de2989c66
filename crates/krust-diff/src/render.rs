//! The resources of one render, keyed for comparison.
//!
//! A render comes either as the text `kubectl kustomize` prints (several
//! YAML documents) or as the [`krust::ResMap`] a build returns. Either way it
//! becomes a sorted map from [`ResourceKey`] to the resource, and each
//! resource is printed once, here, with krust-yaml's emitter (the exact
//! format of `kubectl kustomize`): the unified diffs are diffs of that text,
//! whatever the input's formatting, and a value that cannot be printed is
//! refused here, with the input's name, instead of failing a diff later.

use std::collections::BTreeMap;

use krust_yaml::Value;
use rayon::prelude::*;

use crate::{DiffError, DiffErrorKind, ResourceKey};

/// One resource of a render: its value and its YAML as kustomize prints it.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedResource {
    /// The object.
    pub value: Value,
    /// The object printed by krust-yaml's emitter (one document, no `---`).
    pub yaml: String,
}

/// The resources of one render, by key.
#[derive(Debug, Clone, Default)]
pub struct Render {
    input: String,
    resources: BTreeMap<ResourceKey, RenderedResource>,
}

impl Render {
    /// Reads the multi-document YAML text of a render. `input` names the
    /// text in errors (e.g. `apps/prod@base`). Empty documents are skipped.
    pub fn from_yaml(input: impl Into<String>, text: &str) -> Result<Render, DiffError> {
        let input = input.into();
        match krust_yaml::load_documents(text) {
            Ok(values) => Render::from_values(input, values),
            Err(e) => Err(DiffError::new(DiffErrorKind::Yaml, input, e.to_string())),
        }
    }

    /// Takes the resources of a build's result.
    pub fn from_resmap(input: impl Into<String>, map: &krust::ResMap) -> Result<Render, DiffError> {
        let values = map.resources().iter().map(|r| r.obj().clone());
        Render::from_values(input, values.collect::<Vec<_>>())
    }

    /// Takes resources as values, in render order (which only matters for
    /// the numbers in error messages: "resource 3" is the third).
    pub fn from_values(
        input: impl Into<String>,
        values: impl IntoIterator<Item = Value>,
    ) -> Result<Render, DiffError> {
        let input = input.into();
        let values: Vec<Value> = values.into_iter().collect();
        // Printing is most of the work; resources print independently.
        let read: Vec<Result<(ResourceKey, RenderedResource), Unread>> = values
            .into_par_iter()
            .enumerate()
            .map(|(i, value)| read_resource(i + 1, value))
            .collect();
        let mut resources = BTreeMap::new();
        let mut positions: BTreeMap<ResourceKey, usize> = BTreeMap::new();
        for (i, item) in read.into_iter().enumerate() {
            let (key, resource) =
                item.map_err(|(kind, m)| DiffError::new(kind, input.clone(), m))?;
            if let Some(first) = positions.insert(key.clone(), i + 1) {
                return Err(DiffError::new(
                    DiffErrorKind::Duplicate,
                    input,
                    format!("resources {first} and {} are both {key}", i + 1),
                ));
            }
            resources.insert(key, resource);
        }
        Ok(Render { input, resources })
    }

    /// The name given to the input.
    pub fn input(&self) -> &str {
        &self.input
    }

    /// Number of resources.
    pub fn len(&self) -> usize {
        self.resources.len()
    }

    /// Whether the render has no resources.
    pub fn is_empty(&self) -> bool {
        self.resources.is_empty()
    }

    /// The resource with this key.
    pub fn get(&self, key: &ResourceKey) -> Option<&RenderedResource> {
        self.resources.get(key)
    }

    /// The resources in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&ResourceKey, &RenderedResource)> {
        self.resources.iter()
    }
}

/// Why one resource could not be read, before the input is known.
type Unread = (DiffErrorKind, String);

/// Keys and prints the `number`th resource; errors name it.
fn read_resource(number: usize, value: Value) -> Result<(ResourceKey, RenderedResource), Unread> {
    let key = ResourceKey::of(&value).map_err(|e| {
        (
            DiffErrorKind::NotAResource,
            format!("resource {number}: {e}"),
        )
    })?;
    let yaml = krust_yaml::to_yaml_string(&value)
        .map_err(|e| (DiffErrorKind::Unprintable, format!("{key}: {e}")))?;
    Ok((key, RenderedResource { value, yaml }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a, namespace: x}\nspec: {replicas: 1}\n";

    #[test]
    fn reads_documents_by_key_in_order() {
        let render = Render::from_yaml("t", TWO).unwrap();
        assert_eq!(render.len(), 2);
        let keys: Vec<String> = render.iter().map(|(k, _)| k.to_string()).collect();
        assert_eq!(keys, ["ConfigMap/b", "Deployment.apps/x/a"]);
        let (_, deployment) = render.iter().nth(1).unwrap();
        // Printed in kustomize's format, whatever the input's style.
        assert_eq!(
            deployment.yaml,
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\n  namespace: x\nspec:\n  replicas: 1\n"
        );
    }

    #[test]
    fn empty_documents_are_skipped() {
        let render = Render::from_yaml("t", "---\n# nothing\n---\n").unwrap();
        assert!(render.is_empty());
    }

    #[test]
    fn errors_name_the_input_and_resource() {
        let e = Render::from_yaml("prod@head", "a: [").unwrap_err();
        assert_eq!(e.kind(), DiffErrorKind::Yaml);
        assert_eq!(e.input, "prod@head");
        assert!(e.message.contains("line"), "{e}");
        let e = Render::from_yaml("prod@head", "kind: A\nmetadata: {name: x}\n---\nkind: B\n")
            .unwrap_err();
        assert_eq!(e.kind(), DiffErrorKind::NotAResource);
        assert_eq!(
            e.to_string(),
            "prod@head: resource 2: the B has no metadata.name"
        );
        let e = Render::from_yaml(
            "r",
            "kind: A\nmetadata: {name: x}\n---\nkind: A\nmetadata: {name: x}\n",
        )
        .unwrap_err();
        assert_eq!(e.kind(), DiffErrorKind::Duplicate);
        assert_eq!(e.message, "resources 1 and 2 are both A/x");
        let nan = krust_yaml::load_documents("kind: A\nmetadata: {name: x}\nv: .nan\n").unwrap();
        let e = Render::from_values("r", nan).unwrap_err();
        assert_eq!(e.kind(), DiffErrorKind::Unprintable);
        assert!(e.message.starts_with("A/x: "), "{e}");
    }

    #[test]
    fn a_resmap_reads_like_its_yaml() {
        let mut fs = krust::MemFs::new();
        fs.add_file(
            "/app/kustomization.yaml",
            "namePrefix: p-\nresources: [r.yaml]\n",
        );
        fs.add_file("/app/r.yaml", TWO);
        let map = krust::build(&fs, "/app".as_ref(), &krust::BuildOptions::default()).unwrap();
        let from_map = Render::from_resmap("m", &map).unwrap();
        let from_text = Render::from_yaml("t", &map.to_yaml().unwrap()).unwrap();
        assert_eq!(from_map.resources, from_text.resources);
        assert!(from_map
            .get(&ResourceKey {
                kind: "ConfigMap".into(),
                name: "p-b".into(),
                ..Default::default()
            })
            .is_some());
    }
}
