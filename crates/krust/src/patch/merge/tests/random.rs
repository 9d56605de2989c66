//! Random Deployments and strategic merge patches (containers, env, ports,
//! volumes, with directives and nulls), for the comparison with kubectl.

use krust_yaml::{Mapping, Value};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;

/// A map from pairs, leaving out absent values.
fn obj(pairs: Vec<(&str, Option<Value>)>) -> Value {
    let map: Mapping = pairs
        .into_iter()
        .filter_map(|(k, v)| Some((k.to_owned(), v?)))
        .collect();
    Value::from_map(map)
}

fn text(pool: &'static [&'static str]) -> impl Strategy<Value = Value> {
    select(pool).prop_map(Value::from)
}

fn env_var() -> impl Strategy<Value = Value> {
    (text(&["A", "B", "C"]), option::of(text(&["1", "x", "yes"])))
        .prop_map(|(name, value)| obj(vec![("name", Some(name)), ("value", value)]))
}

fn port() -> impl Strategy<Value = Value> {
    (
        select(&[80i64, 81, 443][..]),
        option::of(text(&["TCP", "UDP"])),
        option::of(text(&["http", "alt"])),
    )
        .prop_map(|(number, protocol, name)| {
            obj(vec![
                ("containerPort", Some(Value::Int(number))),
                ("protocol", protocol),
                ("name", name),
            ])
        })
}

fn volume() -> impl Strategy<Value = Value> {
    let source = prop_oneof![
        Just(("emptyDir", Value::from_map(Mapping::default()))),
        text(&["c1", "c2"]).prop_map(|n| ("configMap", obj(vec![("name", Some(n))]))),
        text(&["s1"]).prop_map(|n| ("secret", obj(vec![("secretName", Some(n))]))),
    ];
    (text(&["v1", "v2", "v3"]), source)
        .prop_map(|(name, (kind, src))| obj(vec![("name", Some(name)), (kind, Some(src))]))
}

fn container() -> impl Strategy<Value = Value> {
    (
        text(&["a", "b", "c"]),
        option::of(text(&["nginx", "redis:7"])),
        option::of(vec(env_var(), 0..3).prop_map(Value::Seq)),
        option::of(vec(port(), 0..3).prop_map(Value::Seq)),
        option::of(vec(text(&["--x", "--y"]), 0..2).prop_map(Value::Seq)),
    )
        .prop_map(|(name, image, env, ports, args)| {
            obj(vec![
                ("name", Some(name)),
                ("image", image),
                ("env", env),
                ("ports", ports),
                ("args", args),
            ])
        })
}

/// A Deployment named `name` around a pod spec.
pub(super) fn deployment(name: &str, replicas: Option<i64>, pod: Value) -> Value {
    obj(vec![
        ("apiVersion", Some("apps/v1".into())),
        ("kind", Some("Deployment".into())),
        ("metadata", Some(obj(vec![("name", Some(name.into()))]))),
        (
            "spec",
            Some(obj(vec![
                ("replicas", replicas.map(Value::Int)),
                ("template", Some(obj(vec![("spec", Some(pod))]))),
            ])),
        ),
    ])
}

/// A target pod spec.
pub(super) fn target_pod() -> impl Strategy<Value = Value> {
    (vec(container(), 1..4), option::of(vec(volume(), 0..3))).prop_map(|(containers, volumes)| {
        obj(vec![
            ("containers", Some(Value::Seq(containers))),
            ("volumes", volumes.map(Value::Seq)),
        ])
    })
}

/// Something done to a patch element or field.
fn touch(value: Value) -> impl Strategy<Value = Value> {
    let keyed = value.clone();
    prop_oneof![
        6 => Just(value.clone()),
        1 => Just(with(value.clone(), "$patch", "delete".into())),
        1 => Just(with(value.clone(), "$patch", "replace".into())),
        1 => Just(with(value, "image", Value::Null)),
        1 => Just(without(keyed, "name")),
    ]
}

fn with(mut value: Value, key: &str, field: Value) -> Value {
    if let Value::Map(map) = &mut value {
        map.insert(key.to_owned(), field);
    }
    value
}

fn without(mut value: Value, key: &str) -> Value {
    if let Value::Map(map) = &mut value {
        map.shift_remove(key);
    }
    value
}

/// A patch list: elements, maybe led by a list directive; or null.
fn patch_list<S>(element: S) -> impl Strategy<Value = Option<Value>>
where
    S: Strategy<Value = Value> + 'static,
{
    let elements = vec(element.prop_flat_map(touch), 0..4);
    let directive = option::weighted(0.15, text(&["replace", "merge", "delete"]));
    prop_oneof![
        8 => (directive, elements).prop_map(|(directive, mut elements)| {
            if let Some(d) = directive {
                elements.insert(0, obj(vec![("$patch", Some(d))]));
            }
            Some(Value::Seq(elements))
        }),
        1 => Just(Some(Value::Null)),
        2 => Just(None),
    ]
}

/// A patch pod spec.
pub(super) fn patch_pod() -> impl Strategy<Value = Value> {
    (patch_list(container()), patch_list(volume())).prop_map(|(containers, volumes)| {
        obj(vec![("containers", containers), ("volumes", volumes)])
    })
}
