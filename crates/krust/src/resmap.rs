//! An ordered set of resources, indexed by id.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::error::{Error, ErrorKind, Result};
use crate::resid::{IdKey, ResId};
use crate::resource::Resource;

/// Resources in accumulation order, with hash indexes on their current and
/// previous ids so that appends and lookups never scan the whole list.
#[derive(Debug, Clone, Default)]
pub struct ResMap {
    resources: Vec<Resource>,
    index: HashMap<IdKey, usize, foldhash::fast::RandomState>,
    /// Positions of the resources that once had each id (kustomize looks
    /// patch and generator targets up by any id a resource has had).
    previous: HashMap<IdKey, Vec<usize>, foldhash::fast::RandomState>,
    /// Whether some resource was emptied (`$patch: delete`) since the last
    /// [`ResMap::drop_emptied`].
    emptied: bool,
}

impl ResMap {
    /// An empty map.
    pub(crate) fn new() -> ResMap {
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
    /// `id` (kustomize's `GetMatchingResourcesByAnyId`), in order: two hash
    /// probes, never a scan.
    pub(crate) fn find_by_any_id(&self, id: &ResId) -> Vec<usize> {
        let key = id.key();
        let mut hits: Vec<usize> = self.previous.get(&key).cloned().unwrap_or_default();
        hits.extend(self.index.get(&key).copied());
        hits.sort_unstable();
        hits.dedup();
        // A transformer may replace a resource wholesale; trust only what it holds now.
        hits.retain(|&i| {
            let res = &self.resources[i];
            res.id().equals(id) || res.previous_ids().iter().any(|p| p.equals(id))
        });
        hits
    }

    /// Records the previous ids of the resource at `i` from the `from`th on.
    fn index_previous(&mut self, i: usize, from: usize) {
        for id in &self.resources[i].previous_ids()[from..] {
            let at = self.previous.entry(id.key()).or_default();
            if at.last() != Some(&i) {
                at.push(i);
            }
        }
    }

    /// Appends a resource; an id already present is an error, as in kustomize.
    pub(crate) fn append(&mut self, res: Resource) -> Result<()> {
        let key = res.id().key();
        if self.index.contains_key(&key) {
            return Err(Error::new(
                ErrorKind::DuplicateId,
                format!(
                    "may not add resource with an already registered id: {}",
                    res.id()
                ),
            ));
        }
        self.index.insert(key, self.resources.len());
        self.resources.push(res);
        self.index_previous(self.resources.len() - 1, 0);
        Ok(())
    }

    /// Appends every resource of `other`, in order.
    pub(crate) fn append_all(&mut self, other: ResMap) -> Result<()> {
        self.resources.reserve(other.len());
        other.resources.into_iter().try_for_each(|r| self.append(r))
    }

    /// Changes resources in place, then re-reads their ids and updates the
    /// index for those that changed; two resources ending up with the same id
    /// is an error.
    pub(crate) fn transform<F>(&mut self, mut f: F) -> Result<()>
    where
        F: FnMut(&mut Resource) -> Result<()>,
    {
        let mut changed = Vec::new();
        let mut renamed = Vec::new();
        for (i, res) in self.resources.iter_mut().enumerate() {
            let known = res.previous_ids().len();
            f(res)?;
            if res.previous_ids().len() != known {
                renamed.push((i, known));
            }
            self.emptied |= res.is_empty();
            if let Some(old) = res.update_id() {
                changed.push((i, old));
            }
        }
        for (i, known) in renamed {
            self.index_previous(i, known);
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
                    return Err(Error::new(
                        ErrorKind::DuplicateId,
                        format!(
                            "transformation produces ID conflict: two resources are now {}",
                            res.id()
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Changes the resource at `index` in place and re-indexes its id; an id
    /// that another resource already has is an error.
    pub(crate) fn modify<F>(&mut self, index: usize, f: F) -> Result<()>
    where
        F: FnOnce(&mut Resource) -> Result<()>,
    {
        let res = &mut self.resources[index];
        let old = res.id().key();
        let known = res.previous_ids().len();
        f(res)?;
        res.refresh_id();
        if res.previous_ids().len() != known {
            self.index_previous(index, known);
        }
        let res = &self.resources[index];
        if res.is_empty() {
            self.emptied = true;
            // Deleted by `$patch: delete`: no id until it is dropped.
            if self.index.get(&old) == Some(&index) {
                self.index.remove(&old);
            }
            return Ok(());
        }
        let new = res.id().key();
        if new != old {
            if self.index.contains_key(&new) {
                return Err(Error::new(
                    ErrorKind::DuplicateId,
                    format!(
                        "may not add resource with an already registered id: {}",
                        self.resources[index].id()
                    ),
                ));
            }
            self.index.remove(&old);
            self.index.insert(new, index);
        }
        Ok(())
    }

    /// Replaces the order of resources (e.g. after sorting) and rebuilds the index.
    pub(crate) fn reorder(&mut self, f: impl FnOnce(&mut Vec<Resource>)) -> Result<()> {
        f(&mut self.resources);
        self.reindex()
    }

    /// Drops the resources emptied by `$patch: delete`, if any were.
    pub(crate) fn drop_emptied(&mut self) {
        if std::mem::take(&mut self.emptied) {
            self.retain(|r| !r.is_empty());
        }
    }

    /// Keeps only resources for which `keep` holds.
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&Resource) -> bool) {
        if self.resources.iter().all(&mut keep) {
            return;
        }
        self.resources.retain(keep);
        // Removing entries cannot create conflicts.
        let _ = self.reindex();
    }

    fn reindex(&mut self) -> Result<()> {
        self.previous.clear();
        for i in 0..self.resources.len() {
            self.index_previous(i, 0);
        }
        self.index.clear();
        self.index.reserve(self.resources.len());
        for (i, res) in self.resources.iter().enumerate() {
            // Objects emptied by `$patch: delete` have no id; they are dropped
            // right after the transformer that emptied them.
            if res.is_empty() {
                continue;
            }
            if self.index.insert(res.id().key(), i).is_some() {
                return Err(Error::new(
                    ErrorKind::DuplicateId,
                    format!(
                        "transformation produces ID conflict: two resources are now {}",
                        res.id()
                    ),
                ));
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
        let chunks = self.to_yaml_chunks()?;
        let mut out = String::with_capacity(chunks.iter().map(String::len).sum());
        chunks.iter().for_each(|chunk| out.push_str(chunk));
        Ok(out)
    }

    /// The build output in consecutive pieces (emitted in parallel), for
    /// writers that need not join them: their concatenation is
    /// [`ResMap::to_yaml`].
    pub fn to_yaml_chunks(&self) -> Result<Vec<String>> {
        /// Resources per piece: enough to outweigh scheduling.
        const CHUNK: usize = 32;
        self.resources
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(n, chunk)| {
                let mut out = String::new();
                for (i, res) in chunk.iter().enumerate() {
                    if n > 0 || i > 0 {
                        out.push_str("---\n");
                    }
                    krust_yaml::emit_document(res.obj(), &mut out)
                        .map_err(|e| Error::transform(format!("{}: {e}", res.id())))?;
                }
                Ok(out)
            })
            .collect::<Vec<Result<String>>>()
            .into_iter()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use krust_yaml::Value;

    fn config_map(name: &str) -> Resource {
        let text = format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n");
        Resource::new(krust_yaml::load_documents(&text).unwrap().remove(0))
    }

    fn rename(res: &mut Resource, name: &str) {
        res.store_previous_id();
        let meta = res.obj_mut().get_mut("metadata").unwrap();
        meta.as_map_mut()
            .unwrap()
            .insert("name".into(), Value::String(name.into()));
    }

    #[test]
    fn resources_are_found_by_every_id_they_have_had() {
        let mut map = ResMap::new();
        for name in ["a", "b", "c"] {
            map.append(config_map(name)).unwrap();
        }
        let template = map.resources()[0].id().clone();
        let id = |name: &str| ResId {
            name: name.into(),
            ..template.clone()
        };
        let (old_a, old_c) = (id("a"), id("c"));
        map.transform(|r| {
            let name = format!("x-{}", r.id().name);
            rename(r, &name);
            Ok(())
        })
        .unwrap();
        map.modify(2, |r| {
            rename(r, "y-c");
            Ok(())
        })
        .unwrap();
        assert_eq!(map.find_by_any_id(&old_a), vec![0]);
        assert_eq!(map.find_by_any_id(&old_c), vec![2]);
        assert_eq!(map.find_by_any_id(&id("x-c")), vec![2]);
        assert_eq!(map.find_by_any_id(&id("y-c")), vec![2]);
        map.reorder(|rs| rs.reverse()).unwrap();
        assert_eq!(map.find_by_any_id(&old_a), vec![2]);
        assert_eq!(map.find_by_any_id(&old_c), vec![0]);
        map.retain(|r| r.id().name != "y-c");
        assert_eq!(map.find_by_any_id(&old_c), Vec::<usize>::new());
        assert_eq!(map.find_by_any_id(&old_a), vec![1]);
    }
}
