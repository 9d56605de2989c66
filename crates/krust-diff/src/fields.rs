//! Field-by-field comparison of two versions of one resource.
//!
//! The walk visits both values together, with the strategic-merge schema of
//! the resource's kind alongside (krust's [`Schema`], the table kustomize's
//! patches use, so that what a patch treats as "the same element" is what
//! the diff treats as the same element):
//! - maps are compared key by key, so key order never counts;
//! - lists the schema merges by key are matched by key ([`crate::lists`]);
//! - every other list is compared position by position;
//! - scalars are compared by value, numbers by numeric value (`1` and `1.0`
//!   print alike and are the same to Kubernetes).
//!
//! Like kyaml, where the schema has nothing to say about a field, an object
//! inside it that names its own `apiVersion` and `kind` is looked up afresh.

use krust::patches::{Schema, SchemaNode};
use krust_yaml::Value;

use crate::lists::{identities, match_elements};
use crate::path::{ChangeKind, FieldChange, FieldPath, Segment};

/// Every difference between `old` and `new`, in a deterministic order: map
/// keys sorted by bytes, list elements removed first, then in new order.
/// `schema` supplies merge keys; with `None`, every list is compared by
/// position.
pub(crate) fn diff_values(old: &Value, new: &Value, schema: Option<&Schema>) -> Vec<FieldChange> {
    let mut walk = Walk {
        schema,
        path: Vec::new(),
        out: Vec::new(),
    };
    walk.value(old, new, None);
    walk.out
}

struct Walk<'s> {
    schema: Option<&'s Schema>,
    /// The segments leading to the values being compared.
    path: Vec<Segment>,
    out: Vec<FieldChange>,
}

impl<'s> Walk<'s> {
    fn record(&mut self, kind: ChangeKind) {
        self.out.push(FieldChange {
            path: FieldPath {
                segments: self.path.clone(),
            },
            kind,
        });
    }

    /// Records `kind` one segment below the current path.
    fn record_at(&mut self, segment: Segment, kind: ChangeKind) {
        self.path.push(segment);
        self.record(kind);
        self.path.pop();
    }

    fn value(&mut self, old: &Value, new: &Value, node: Option<SchemaNode<'s>>) {
        if old == new {
            return;
        }
        let node = node.or_else(|| self.schema_of(new).or_else(|| self.schema_of(old)));
        match (old, new) {
            (Value::Map(old), Value::Map(new)) => self.map(old, new, node),
            (Value::Seq(old), Value::Seq(new)) => self.list(old, new, node),
            (old, new) if same_number(old, new) => {}
            _ => self.record(ChangeKind::Modified),
        }
    }

    /// The schema of an object that names its `apiVersion` and `kind`.
    fn schema_of(&self, value: &Value) -> Option<SchemaNode<'s>> {
        let api_version = value.get("apiVersion")?.as_str()?;
        let kind = value.get("kind")?.as_str()?;
        self.schema?.for_kind(api_version, kind)
    }

    fn map(
        &mut self,
        old: &krust_yaml::Mapping,
        new: &krust_yaml::Mapping,
        node: Option<SchemaNode<'s>>,
    ) {
        let mut keys: Vec<&str> = old.keys().chain(new.keys()).map(String::as_str).collect();
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            let segment = Segment::Field(key.to_owned());
            match (old.get(key), new.get(key)) {
                (Some(o), Some(n)) => {
                    self.path.push(segment);
                    self.value(o, n, node.and_then(|s| s.field(key)));
                    self.path.pop();
                }
                (Some(_), None) => self.record_at(segment, ChangeKind::Removed),
                (None, Some(_)) => self.record_at(segment, ChangeKind::Added),
                (None, None) => {}
            }
        }
    }

    fn list(&mut self, old: &[Value], new: &[Value], node: Option<SchemaNode<'s>>) {
        let elements = node.and_then(SchemaNode::elements);
        if let Some(keys) = node
            .filter(|s| s.merges_lists())
            .map(SchemaNode::merge_keys)
        {
            if let (Some(old_ids), Some(new_ids)) = (identities(old, keys), identities(new, keys)) {
                let matching = match_elements(&old_ids, &new_ids);
                for i in matching.removed {
                    self.record_at(old_ids[i].clone(), ChangeKind::Removed);
                }
                for (to, pair) in matching.new.into_iter().enumerate() {
                    self.path.push(new_ids[to].clone());
                    match pair {
                        None => self.record(ChangeKind::Added),
                        Some((from, moved)) => {
                            if moved {
                                self.record(ChangeKind::Moved { from, to });
                            }
                            self.value(&old[from], &new[to], elements);
                        }
                    }
                    self.path.pop();
                }
                return;
            }
        }
        for i in 0..old.len().max(new.len()) {
            match (old.get(i), new.get(i)) {
                (Some(o), Some(n)) => {
                    self.path.push(Segment::Index(i));
                    self.value(o, n, elements);
                    self.path.pop();
                }
                (Some(_), None) => self.record_at(Segment::Index(i), ChangeKind::Removed),
                (None, Some(_)) => self.record_at(Segment::Index(i), ChangeKind::Added),
                (None, None) => {}
            }
        }
    }
}

/// Whether two scalars are numbers with the same value (an `Int` and a
/// whole `Float` print alike: kustomize's JSON step makes them one number).
fn same_number(a: &Value, b: &Value) -> bool {
    let int_float = |i: i64, f: f64| {
        // 2^63 as f64 is exact; the range check keeps the cast lossless.
        f.fract() == 0.0 && f >= -(2f64.powi(63)) && f < 2f64.powi(63) && f as i64 == i
    };
    let uint_float =
        |u: u64, f: f64| f.fract() == 0.0 && f >= 0.0 && f < 2f64.powi(64) && f as u64 == u;
    match (a, b) {
        (Value::Int(i), Value::Float(f)) | (Value::Float(f), Value::Int(i)) => int_float(*i, *f),
        (Value::UInt(u), Value::Float(f)) | (Value::Float(f), Value::UInt(u)) => uint_float(*u, *f),
        (Value::Int(i), Value::UInt(u)) | (Value::UInt(u), Value::Int(i)) => {
            u64::try_from(*i) == Ok(*u)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Value {
        krust_yaml::load_documents(text).unwrap().remove(0)
    }

    /// The changes between two documents, as `path kind` strings.
    fn changes(old: &str, new: &str) -> Vec<String> {
        diff_values(&load(old), &load(new), Some(Schema::builtin()))
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n";

    #[test]
    fn key_order_never_counts() {
        assert!(changes("{a: 1, b: {c: 2, d: 3}}", "{b: {d: 3, c: 2}, a: 1}").is_empty());
    }

    #[test]
    fn maps_report_added_removed_and_modified_keys() {
        assert_eq!(
            changes("{a: 1, b: 2, c: {x: 1}}", "{a: 1, b: 3, d: 4, c: {}}"),
            ["b modified", "c.x removed", "d added"]
        );
        assert_eq!(changes("{a: 1}", "{a: [1]}"), ["a modified"]);
        assert_eq!(changes("{a: null}", "{a: 0}"), ["a modified"]);
    }

    #[test]
    fn numbers_compare_by_value() {
        let (int, float) = (Value::Int(2), Value::Float(2.0));
        assert!(diff_values(&int, &float, None).is_empty());
        assert_eq!(diff_values(&int, &Value::Float(2.5), None).len(), 1);
        assert_eq!(diff_values(&int, &Value::String("2".into()), None).len(), 1);
        assert!(same_number(
            &Value::UInt(1 << 63),
            &Value::Float(2f64.powi(63))
        ));
        assert!(!same_number(
            &Value::UInt(1 << 63),
            &Value::Float(2f64.powi(64))
        ));
        assert!(same_number(&Value::Int(7), &Value::UInt(7)));
        assert!(!same_number(
            &Value::Int(i64::MAX),
            &Value::Float(2f64.powi(63))
        ));
    }

    #[test]
    fn containers_are_matched_by_name() {
        let old = format!("{POD}  containers: [{{name: a, image: a:1}}, {{name: b, image: b:1}}]");
        let new = format!("{POD}  containers: [{{name: b, image: b:2}}, {{name: a, image: a:1}}]");
        assert_eq!(
            changes(&old, &new),
            [
                "spec.containers[name=b] moved 1 -> 0",
                "spec.containers[name=b].image modified"
            ]
        );
    }

    #[test]
    fn keyed_elements_added_and_removed() {
        let old = format!(
            "{POD}  containers: [{{name: a, env: [{{name: X, value: '1'}}, {{name: Y}}]}}]"
        );
        let new = format!("{POD}  containers: [{{name: a, env: [{{name: Z}}, {{name: X, value: '2'}}]}}, {{name: c}}]");
        assert_eq!(
            changes(&old, &new),
            [
                "spec.containers[name=a].env[name=Y] removed",
                "spec.containers[name=a].env[name=Z] added",
                "spec.containers[name=a].env[name=X].value modified",
                "spec.containers[name=c] added",
            ]
        );
    }

    #[test]
    fn lists_without_merge_keys_compare_by_position() {
        let old = format!("{POD}  containers: [{{name: a, args: [x, y]}}]");
        let new = format!("{POD}  containers: [{{name: a, args: [y, x, z]}}]");
        assert_eq!(
            changes(&old, &new),
            [
                "spec.containers[name=a].args[0] modified",
                "spec.containers[name=a].args[1] modified",
                "spec.containers[name=a].args[2] added",
            ]
        );
        // No schema for the kind: no merge keys either.
        assert_eq!(
            changes(
                "{kind: X, l: [{name: a}, {name: b}]}",
                "{kind: X, l: [{name: b}]}"
            ),
            ["l[0].name modified", "l[1] removed"]
        );
    }

    #[test]
    fn multiple_merge_keys_and_sets_of_scalars() {
        let old = format!("{POD}  containers: [{{name: a, ports: [{{containerPort: 80}}, {{containerPort: 53, protocol: UDP}}]}}]");
        let new = format!("{POD}  containers: [{{name: a, ports: [{{containerPort: 53, protocol: UDP}}, {{containerPort: 80, name: http}}]}}]");
        assert_eq!(
            changes(&old, &new),
            [
                "spec.containers[name=a].ports[containerPort=53,protocol=UDP] moved 1 -> 0",
                "spec.containers[name=a].ports[containerPort=80].name added",
            ]
        );
        let old = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, finalizers: [a, b]}";
        let new = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, finalizers: [c, b, a]}";
        assert_eq!(
            changes(old, new),
            [
                "metadata.finalizers[=c] added",
                "metadata.finalizers[=b] moved 1 -> 1"
            ]
        );
    }

    #[test]
    fn ambiguous_keyed_lists_fall_back_to_positions() {
        let old = format!("{POD}  containers: [{{name: a}}, {{name: a, image: x}}]");
        let new = format!("{POD}  containers: [{{name: a, image: x}}, {{name: a}}]");
        assert_eq!(
            changes(&old, &new),
            [
                "spec.containers[0].image added",
                "spec.containers[1].image removed"
            ]
        );
    }

    #[test]
    fn embedded_objects_find_their_own_schema() {
        // A List's items have no schema of their own; each names its kind.
        let item = |containers: &str| {
            format!("{{apiVersion: v1, kind: List, items: [{{apiVersion: v1, kind: Pod, spec: {{containers: {containers}}}}}]}}")
        };
        assert_eq!(
            changes(
                &item("[{name: a}, {name: b}]"),
                &item("[{name: b}, {name: a}]")
            ),
            ["items[0].spec.containers[name=b] moved 1 -> 0"]
        );
    }

    #[test]
    fn deployment_paths() {
        let dep = |replicas: u32, image: &str| {
            format!("apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web, labels: {{app.kubernetes.io/name: web}}}}\nspec:\n  replicas: {replicas}\n  template:\n    spec:\n      containers: [{{name: app, image: {image}}}]\n")
        };
        assert_eq!(
            changes(&dep(1, "a:1"), &dep(3, "a:2")),
            [
                "spec.replicas modified",
                "spec.template.spec.containers[name=app].image modified"
            ]
        );
        let relabel = dep(1, "a:1").replace("name: web}}", "name: api}}");
        assert_eq!(
            changes(&dep(1, "a:1"), &relabel),
            [r#"metadata.labels["app.kubernetes.io/name"] modified"#]
        );
    }
}
