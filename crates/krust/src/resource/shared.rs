//! Scalars kyaml holds as one node at several places of an object.
//!
//! kustomize's label and annotation transformers (`SetEntry`) make one node
//! per key and object and put that same node at every field they create: a
//! Deployment's `metadata.labels.app`, `spec.selector.matchLabels.app` and
//! its template's label are then one value. Writing one of them in place
//! later (a `labels:` entry without selectors, a strategic-merge patch, a
//! replacement) changes them all; a JSON patch (a round trip through JSON)
//! or kustomize rewriting a map from strings separates them again. The value
//! model has no shared nodes, so these groups of paths stand in for them.

use krust_yaml::{PathSeg, Value};

/// The groups of paths that hold one node.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct SharedScalars {
    groups: Vec<Vec<Vec<PathSeg>>>,
}

impl SharedScalars {
    /// The fields at `paths` now hold one node (fresh: they leave any group
    /// they were in).
    pub(crate) fn share(&mut self, paths: Vec<Vec<PathSeg>>) {
        if !self.groups.is_empty() {
            for path in &paths {
                self.retain(|member| member != path.as_slice());
            }
        }
        if paths.len() >= 2 {
            self.groups.push(paths);
        }
    }

    /// The fields below `prefix` got nodes of their own.
    pub(crate) fn detach_under(&mut self, prefix: &[PathSeg]) {
        if !self.groups.is_empty() {
            self.retain(|member| !member.starts_with(prefix));
        }
    }

    /// Fields `obj` no longer has were deleted with their node: one made
    /// there later is a new node.
    pub(crate) fn prune(&mut self, obj: &Value) {
        if !self.groups.is_empty() {
            self.retain(|member| obj.at(member).is_some());
        }
    }

    /// Every field got a node of its own (the object came back from JSON).
    pub(crate) fn clear(&mut self) {
        self.groups.clear();
    }

    /// The field at `path` was written in place: the other places holding
    /// its node show the new value too.
    pub(crate) fn written(&self, obj: &mut Value, path: &[PathSeg]) {
        let Some(group) = self
            .groups
            .iter()
            .find(|g| g.iter().any(|m| m.as_slice() == path))
        else {
            return;
        };
        let Some(value) = obj.at(path).cloned() else {
            return;
        };
        for member in group.iter().filter(|m| m.as_slice() != path) {
            if let Some(slot) = obj.at_mut(member) {
                *slot = value.clone();
            }
        }
    }

    /// After a strategic merge of `patch` into `obj`: kyaml writes each
    /// scalar the patch sets into the existing node, in its walk order
    /// (sorted keys), so the last member a patch sets decides the group.
    /// Fields under a `$patch: replace` map or in lists are new nodes.
    pub(crate) fn merged(&self, obj: &mut Value, patch: &Value) {
        for group in &self.groups {
            let last = group
                .iter()
                .filter(|m| sets_in_place(patch, m))
                .max_by(|a, b| walk_order(a, b));
            if let Some(path) = last {
                let path = path.clone();
                self.written(obj, &path);
            }
        }
    }

    fn retain(&mut self, mut keep: impl FnMut(&[PathSeg]) -> bool) {
        for group in &mut self.groups {
            group.retain(|m| keep(m));
        }
        self.groups.retain(|g| g.len() >= 2);
    }
}

/// Whether `patch` sets the scalar at `path` by writing into the node
/// that is there: a scalar at a path of map keys, no map on the way
/// replaced whole.
fn sets_in_place(patch: &Value, path: &[PathSeg]) -> bool {
    let mut node = patch;
    for seg in path {
        let PathSeg::Key(key) = seg else {
            return false;
        };
        let Value::Map(map) = node else {
            return false;
        };
        if map.get("$patch").and_then(Value::as_str) == Some("replace") {
            return false;
        }
        let Some(next) = map.get(key) else {
            return false;
        };
        node = next;
    }
    !matches!(node, Value::Null | Value::Map(_) | Value::Seq(_))
}

/// kyaml's walk order: keys sorted (bytewise, as Go sorts strings), items
/// in order.
fn walk_order(a: &[PathSeg], b: &[PathSeg]) -> std::cmp::Ordering {
    fn rank(seg: &PathSeg) -> (u8, &str, usize) {
        match seg {
            PathSeg::Key(k) => (0, k.as_str(), 0),
            PathSeg::Index(i) => (1, "", *i),
        }
    }
    a.iter().map(rank).cmp(b.iter().map(rank))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::testing::{path, yaml};

    #[test]
    fn a_write_in_place_reaches_every_member() {
        let mut obj = yaml("a: {x: 1}\nb: {x: 1}\nc: {x: 1}\n");
        let mut shared = SharedScalars::default();
        shared.share(vec![path("a.x"), path("b.x")]);
        obj.get_mut("a").unwrap().as_map_mut().unwrap()["x"] = Value::Int(2);
        shared.written(&mut obj, &path("a.x"));
        assert_eq!(obj, yaml("a: {x: 2}\nb: {x: 2}\nc: {x: 1}\n"));
    }

    #[test]
    fn a_field_created_again_leaves_its_group() {
        let mut obj = yaml("a: {x: 1}\nb: {x: 1}\n");
        let mut shared = SharedScalars::default();
        shared.share(vec![path("a.x"), path("b.x")]);
        shared.share(vec![path("a.x")]);
        obj.get_mut("a").unwrap().as_map_mut().unwrap()["x"] = Value::Int(2);
        shared.written(&mut obj, &path("a.x"));
        assert_eq!(obj, yaml("a: {x: 2}\nb: {x: 1}\n"));
    }

    #[test]
    fn detached_members_keep_their_value() {
        let mut obj = yaml("a: {x: 1}\nb: {x: 1}\n");
        let mut shared = SharedScalars::default();
        shared.share(vec![path("a.x"), path("b.x")]);
        shared.detach_under(&path("b"));
        obj.get_mut("a").unwrap().as_map_mut().unwrap()["x"] = Value::Int(2);
        shared.written(&mut obj, &path("a.x"));
        assert_eq!(obj, yaml("a: {x: 2}\nb: {x: 1}\n"));
    }

    #[test]
    fn a_merge_writes_in_place_unless_a_map_is_replaced() {
        let mut shared = SharedScalars::default();
        shared.share(vec![path("a.x"), path("b.x")]);
        let mut obj = yaml("a: {x: 2}\nb: {x: 1}\n");
        shared.merged(&mut obj, &yaml("a: {x: 2}\n"));
        assert_eq!(obj, yaml("a: {x: 2}\nb: {x: 2}\n"));
        let mut obj = yaml("a: {x: 2}\nb: {x: 1}\n");
        shared.merged(&mut obj, &yaml("a: {$patch: replace, x: 2}\n"));
        assert_eq!(obj, yaml("a: {x: 2}\nb: {x: 1}\n"));
    }
}
