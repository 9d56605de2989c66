//! Properties of the comparison over generated values.

use krust_diff::{diff_renders, ChangeKind, DiffOptions, Render};
use krust_yaml::{Mapping, Value};
use proptest::prelude::*;

/// Values without floats (so that equality of the model is exactly
/// semantic equality) and with few distinct keys and scalars (so that
/// generated pairs often share structure).
fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-3i64..3).prop_map(Value::Int),
        "[ab.]{0,2}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 40, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Seq),
            prop::collection::vec(("[kxy.]{1,2}", inner), 0..4).prop_map(|entries| {
                let mut map = Mapping::default();
                map.extend(entries);
                Value::from_map(map)
            }),
        ]
    })
}

/// A resource holding `body` under `data`.
fn resource(body: Value) -> Render {
    let mut map = Mapping::default();
    map.insert("apiVersion".into(), "example.com/v1".into());
    map.insert("kind".into(), "Example".into());
    let mut meta = Mapping::default();
    meta.insert("name".into(), "x".into());
    map.insert("metadata".into(), Value::from_map(meta));
    map.insert("data".into(), body);
    Render::from_values("generated", [Value::from_map(map)]).unwrap()
}

/// The same value with every map's keys in reverse order.
fn reversed(v: &Value) -> Value {
    match v {
        Value::Map(map) => {
            let mut out = Mapping::default();
            for (k, v) in map.iter().rev() {
                out.insert(k.clone(), reversed(v));
            }
            Value::from_map(out)
        }
        Value::Seq(items) => Value::Seq(items.iter().map(reversed).collect()),
        other => other.clone(),
    }
}

proptest! {
    #[test]
    fn key_order_never_counts(v in value()) {
        let d = diff_renders(&resource(v.clone()), &resource(reversed(&v)), &DiffOptions::default());
        prop_assert!(d.is_empty());
        prop_assert_eq!(d.identical, 1);
    }

    #[test]
    fn changed_exactly_when_values_differ(a in value(), b in value()) {
        let d = diff_renders(&resource(a.clone()), &resource(b.clone()), &DiffOptions::default());
        prop_assert_eq!(d.changed.is_empty(), a == b);
        if let Some(change) = d.changed.first() {
            prop_assert!(!change.fields.is_empty());
            prop_assert!(!change.diff.is_empty());
            for field in &change.fields {
                prop_assert!(field.path.to_string().starts_with("data"));
            }
        }
    }

    #[test]
    fn permuted_containers_are_only_moves(perm in Just((0..6).collect::<Vec<usize>>()).prop_shuffle()) {
        let pod = |order: &[usize]| {
            let containers: Vec<String> = order.iter().map(|i| format!("{{name: c{i}, image: i{i}}}")).collect();
            let text = format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec: {{containers: [{}]}}\n", containers.join(", "));
            Render::from_yaml("pod", &text).unwrap()
        };
        let identity: Vec<usize> = (0..6).collect();
        let d = diff_renders(&pod(&identity), &pod(&perm), &DiffOptions::default());
        prop_assert_eq!(d.changed.is_empty(), perm == identity);
        if let Some(change) = d.changed.first() {
            prop_assert!(change.fields.len() < perm.len());
            for field in &change.fields {
                let moved_to = match field.kind {
                    ChangeKind::Moved { from, to } => { prop_assert_eq!(perm[to], from); to }
                    other => return Err(TestCaseError::fail(format!("{other:?}"))),
                };
                let expected_path = format!("spec.containers[name=c{}]", perm[moved_to]);
                prop_assert_eq!(field.path.to_string(), expected_path);
            }
        }
    }
}
