//! What counts as a change, through the public API, on renders as
//! `kubectl kustomize` prints them.

use krust_diff::{diff_renders, ChangeKind, DiffOptions, Render, RenderDiff};

fn diff(old: &str, new: &str) -> RenderDiff {
    let old = Render::from_yaml("old", old).unwrap();
    let new = Render::from_yaml("new", new).unwrap();
    diff_renders(&old, &new, &DiffOptions::default())
}

/// The changed fields of the only changed resource, as `path kind` strings.
fn fields(old: &str, new: &str) -> Vec<String> {
    let d = diff(old, new);
    assert!(d.added.is_empty() && d.removed.is_empty(), "{d:?}");
    assert_eq!(d.changed.len(), 1, "{d:?}");
    d.changed[0]
        .fields
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn deployment(replicas: u32, containers: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: prod\nspec:\n  replicas: {replicas}\n  template:\n    spec:\n      containers:\n{containers}"
    )
}

const APP_AND_PROXY: &str = "      - name: app\n        image: web:1\n        args: [--port=8080, --verbose]\n      - name: proxy\n        image: envoy:1\n";
const PROXY_AND_APP: &str = "      - name: proxy\n        image: envoy:1\n      - name: app\n        image: web:1\n        args: [--port=8080, --verbose]\n";

#[test]
fn key_order_is_ignored() {
    let old = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, labels: {a: '1', b: '2'}}\ndata: {x: '1', y: '2'}\n";
    let new = "data: {y: '2', x: '1'}\nmetadata: {labels: {b: '2', a: '1'}, name: c}\nkind: ConfigMap\napiVersion: v1\n";
    let d = diff(old, new);
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(d.identical, 1);
}

#[test]
fn reordered_containers_are_a_move() {
    let d = diff(&deployment(1, APP_AND_PROXY), &deployment(1, PROXY_AND_APP));
    let change = &d.changed[0];
    assert_eq!(change.fields.len(), 1, "{:?}", change.fields);
    assert_eq!(
        change.fields[0].path.to_string(),
        "spec.template.spec.containers[name=proxy]"
    );
    assert_eq!(change.fields[0].kind, ChangeKind::Moved { from: 1, to: 0 });
    assert!(
        change.diff.contains("+      - image: envoy:1\n"),
        "{}",
        change.diff
    );
}

#[test]
fn reordered_args_are_a_change() {
    let swapped = APP_AND_PROXY.replace("[--port=8080, --verbose]", "[--verbose, --port=8080]");
    assert_eq!(
        fields(&deployment(1, APP_AND_PROXY), &deployment(1, &swapped)),
        [
            "spec.template.spec.containers[name=app].args[0] modified",
            "spec.template.spec.containers[name=app].args[1] modified",
        ]
    );
}

#[test]
fn replica_count() {
    assert_eq!(
        fields(&deployment(2, APP_AND_PROXY), &deployment(3, APP_AND_PROXY)),
        ["spec.replicas modified"]
    );
}

#[test]
fn a_container_added_removed_and_changed() {
    let new = "      - name: app\n        image: web:2\n        args: [--port=8080, --verbose]\n      - name: metrics\n        image: exporter:1\n";
    assert_eq!(
        fields(&deployment(1, APP_AND_PROXY), &deployment(1, new)),
        [
            "spec.template.spec.containers[name=proxy] removed",
            "spec.template.spec.containers[name=app].image modified",
            "spec.template.spec.containers[name=metrics] added",
        ]
    );
}

#[test]
fn labels_with_dots_are_quoted() {
    let cm = |v: &str| {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    app.kubernetes.io/name: {v}\n")
    };
    assert_eq!(
        fields(&cm("a"), &cm("b")),
        [r#"metadata.labels["app.kubernetes.io/name"] modified"#]
    );
}

#[test]
fn generated_config_map_renamed_by_its_hash_is_one_change() {
    let cm = |name: &str, level: &str| {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: prod\ndata:\n  LEVEL: {level}\n")
    };
    let d = diff(
        &cm("settings-7h5mtk8b2c", "info"),
        &cm("settings-9d2b4f6g8h", "debug"),
    );
    assert!(d.added.is_empty() && d.removed.is_empty(), "{d:?}");
    let change = &d.changed[0];
    assert_eq!(change.key.name, "settings-9d2b4f6g8h");
    assert_eq!(change.old_name.as_deref(), Some("settings-7h5mtk8b2c"));
    assert_eq!(change.old_key().name, "settings-7h5mtk8b2c");
    let fields: Vec<String> = change.fields.iter().map(ToString::to_string).collect();
    assert_eq!(fields, ["data.LEVEL modified", "metadata.name modified"]);
}

#[test]
fn ambiguous_hash_renames_stay_added_and_removed() {
    let cm = |name: &str| format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n");
    let old = [cm("s-7h5mtk8b2c"), cm("s-8b2c7h5mtk")].join("---\n");
    let d = diff(&old, &cm("s-9d2b4f6g8h"));
    assert_eq!(d.removed.len(), 2);
    assert_eq!(d.added.len(), 1);
    assert!(d.changed.is_empty());
    // A name without a hash is never paired either.
    let d = diff(&cm("settings"), &cm("settings-9d2b4f6g8h"));
    assert_eq!((d.removed.len(), d.added.len()), (1, 1));
}

#[test]
fn added_and_removed_resources() {
    let cm = |name: &str| format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n");
    let svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n";
    let d = diff(
        &[cm("a"), cm("b")].join("---\n"),
        &[cm("b"), svc.to_owned(), cm("c")].join("---\n"),
    );
    let names = |list: &[krust_diff::ResourceDiff]| {
        list.iter().map(|r| r.key.to_string()).collect::<Vec<_>>()
    };
    assert_eq!(names(&d.added), ["ConfigMap/c", "Service/web"]);
    assert_eq!(names(&d.removed), ["ConfigMap/a"]);
    assert_eq!(d.identical, 1);
    assert_eq!(d.added[1].diff, "--- /dev/null\n+++ new/Service/web\n@@ -0,0 +1,4 @@\n+apiVersion: v1\n+kind: Service\n+metadata:\n+  name: web\n");
}

#[test]
fn namespaces_and_groups_are_part_of_the_key() {
    let cm = |ns: &str| {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: {ns}\n")
    };
    let d = diff(&cm("a"), &cm("b"));
    assert_eq!((d.removed.len(), d.added.len()), (1, 1));
    let role = |api: &str| format!("apiVersion: {api}\nkind: Role\nmetadata:\n  name: r\n");
    let d = diff(
        &role("rbac.authorization.k8s.io/v1"),
        &role("example.com/v1"),
    );
    assert_eq!((d.removed.len(), d.added.len()), (1, 1));
    let d = diff(
        &role("rbac.authorization.k8s.io/v1beta1"),
        &role("rbac.authorization.k8s.io/v1"),
    );
    assert_eq!(d.changed[0].fields[0].to_string(), "apiVersion modified");
}

#[test]
fn bad_input_is_an_error_naming_it() {
    let e =
        Render::from_yaml("prod at HEAD", "kind: ConfigMap\nmetadata: {name: [x]}\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "prod at HEAD: resource 1: metadata.name must be a string, not a sequence"
    );
    let e = Render::from_yaml("prod at HEAD", "\t- x").unwrap_err();
    assert!(e.to_string().starts_with("prod at HEAD: line 1"), "{e}");
}

#[test]
fn deeply_nested_resources_compare_on_a_worker_thread() {
    // As deep as the loader allows (1000 levels), compared on a thread with
    // the 2 MiB stack rayon's workers have.
    let depth = 995;
    let cm = |leaf: &str| {
        let mut data = krust_yaml::Value::from(leaf);
        for _ in 0..depth {
            data = krust_yaml::Value::Seq(vec![data]);
        }
        let mut obj =
            krust_yaml::load_documents("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
                .unwrap()
                .remove(0);
        obj.as_map_mut().unwrap().insert("data".into(), data);
        obj
    };
    let (old, new) = (cm("a"), cm("b"));
    let d = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let old = Render::from_values("old", [old]).unwrap();
            let new = Render::from_values("new", [new]).unwrap();
            diff_renders(&old, &new, &DiffOptions::default())
        })
        .unwrap()
        .join()
        .unwrap();
    let path = d.changed[0].fields[0].path.to_string();
    assert_eq!(path, format!("data{}", "[0]".repeat(depth)));
}
