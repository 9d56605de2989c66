//! An ordered set of resources, indexed by id.

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::resid::{IdKey, ResId};
use crate::resource::Resource;

/// Resources in accumulation order, with a hash index on their current ids so
/// that appends and lookups never scan the whole list.
#[derive(Debug, Clone, Default)]
pub struct ResMap {
    resources: Vec<Resource>,
    index: HashMap<IdKey, usize>,
}

impl ResMap {
    /// An empty map.
    pub fn new() -> ResMap {
        ResMap::default()
    }

    /// The resources, in order.
    pub fn resources(&self) -> &[Resource] {
        &self.resources
    }

    /// Number of resources.
    pub fn len(&self) -> usize {
        self.resources.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.resources.is_empty()
    }

    /// The resource whose current id equals `id`.
    pub fn get(&self, id: &ResId) -> Option<&Resource> {
        self.index.get(&id.key()).map(|&i| &self.resources[i])
    }

    /// Appends a resource; an id already present is an error, as in kustomize.
    pub fn append(&mut self, res: Resource) -> Result<()> {
        let key = res.id().key();
        if self.index.contains_key(&key) {
            return Err(Error::msg(format!(
                "may not add resource with an already registered id: {}",
                res.id()
            )));
        }
        self.index.insert(key, self.resources.len());
        self.resources.push(res);
        Ok(())
    }

    /// Appends every resource of `other`, in order.
    pub fn append_all(&mut self, other: ResMap) -> Result<()> {
        self.resources.reserve(other.len());
        other.resources.into_iter().try_for_each(|r| self.append(r))
    }

    /// Changes resources in place, then re-reads their ids and rebuilds the
    /// index; two resources ending up with the same id is an error.
    pub fn transform<F>(&mut self, mut f: F) -> Result<()>
    where
        F: FnMut(&mut Resource) -> Result<()>,
    {
        for res in &mut self.resources {
            f(res)?;
            res.refresh_id();
        }
        self.reindex()
    }

    /// Changes the resource at `index` in place and re-indexes its id; an id
    /// that another resource already has is an error.
    pub fn modify<F>(&mut self, index: usize, f: F) -> Result<()>
    where
        F: FnOnce(&mut Resource) -> Result<()>,
    {
        let res = &mut self.resources[index];
        let old = res.id().key();
        f(res)?;
        res.refresh_id();
        let new = res.id().key();
        if new != old {
            if self.index.contains_key(&new) {
                return Err(Error::msg(format!(
                    "may not add resource with an already registered id: {}",
                    self.resources[index].id()
                )));
            }
            self.index.remove(&old);
            self.index.insert(new, index);
        }
        Ok(())
    }

    /// Replaces the order of resources (e.g. after sorting) and rebuilds the index.
    pub fn reorder(&mut self, f: impl FnOnce(&mut Vec<Resource>)) -> Result<()> {
        f(&mut self.resources);
        self.reindex()
    }

    /// Keeps only resources for which `keep` holds.
    pub fn retain(&mut self, keep: impl FnMut(&Resource) -> bool) {
        self.resources.retain(keep);
        // Removing entries cannot create conflicts.
        let _ = self.reindex();
    }

    fn reindex(&mut self) -> Result<()> {
        self.index.clear();
        self.index.reserve(self.resources.len());
        for (i, res) in self.resources.iter().enumerate() {
            // Objects emptied by `$patch: delete` have no id; they are dropped
            // right after the transformer that emptied them.
            if res.is_empty() {
                continue;
            }
            if self.index.insert(res.id().key(), i).is_some() {
                return Err(Error::msg(format!(
                    "transformation produces ID conflict: two resources are now {}",
                    res.id()
                )));
            }
        }
        Ok(())
    }

    /// Consumes the map, yielding its resources in order.
    pub fn into_resources(self) -> Vec<Resource> {
        self.resources
    }

    /// The build output: every resource as YAML, joined by `---`, exactly as
    /// `kubectl kustomize` prints it.
    pub fn to_yaml(&self) -> Result<String> {
        let mut out = String::new();
        for (i, res) in self.resources.iter().enumerate() {
            if i > 0 {
                out.push_str("---\n");
            }
            krust_yaml::emit_document(res.obj(), &mut out)
                .map_err(|e| Error::msg(format!("{}: {e}", res.id())))?;
        }
        Ok(out)
    }
}
