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

    /// Positions of the resources whose current or any previous id equals
    /// `id` (kustomize's `GetMatchingResourcesByAnyId`), in order. The current
    /// id is a hash probe; only resources renamed before are scanned.
    pub fn find_by_any_id(&self, id: &ResId) -> Vec<usize> {
        let current = self.index.get(&id.key()).copied();
        let mut hits: Vec<usize> = self
            .resources
            .iter()
            .enumerate()
            .filter(|(i, r)| Some(*i) != current && r.previous_ids().iter().any(|p| p.equals(id)))
            .map(|(i, _)| i)
            .collect();
        if let Some(i) = current {
            let at = hits.partition_point(|&h| h < i);
            hits.insert(at, i);
        }
        hits
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

    /// Changes resources in place, then re-reads their ids and updates the
    /// index for those that changed; two resources ending up with the same id
    /// is an error.
    pub fn transform<F>(&mut self, mut f: F) -> Result<()>
    where
        F: FnMut(&mut Resource) -> Result<()>,
    {
        let mut changed = Vec::new();
        for (i, res) in self.resources.iter_mut().enumerate() {
            f(res)?;
            if let Some(old) = res.update_id() {
                changed.push((i, old));
            }
        }
        if changed.is_empty() {
            return Ok(());
        }
        // Remove every old key first, so that swapped names do not collide.
        for (i, old) in &changed {
            let key = old.key();
            if self.index.get(&key) == Some(i) {
                self.index.remove(&key);
            }
        }
        for (i, _) in &changed {
            let res = &self.resources[*i];
            if res.is_empty() {
                continue;
            }
            if let Some(other) = self.index.insert(res.id().key(), *i) {
                if other != *i {
                    return Err(Error::msg(format!(
                        "transformation produces ID conflict: two resources are now {}",
                        res.id()
                    )));
                }
            }
        }
        Ok(())
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
        if res.is_empty() {
            // Deleted by `$patch: delete`: no id until it is dropped.
            if self.index.get(&old) == Some(&index) {
                self.index.remove(&old);
            }
            return Ok(());
        }
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
    pub fn retain(&mut self, mut keep: impl FnMut(&Resource) -> bool) {
        if self.resources.iter().all(&mut keep) {
            return;
        }
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
