//! Strategic-merge patch bodies with the directives users reach for on
//! lists and maps: `$patch: replace|delete|merge` items, `$setElementOrder`,
//! `$deleteFromPrimitiveList`, `$retainKeys`. Each is the part below the
//! patch's `metadata:` block, shaped for the object it patches.

use super::Made;
use crate::rng::Rng;

/// A directive patch body for `m`: what follows its `metadata.name` line
/// (labels directives continue `metadata:`, the rest start a top field).
pub fn body(rng: &mut Rng, m: &Made) -> String {
    if m.workload {
        let pod = "spec:\n  template:\n    spec:\n";
        return format!("{pod}{}", pod_directive(rng, m));
    }
    match m.kind {
        "ConfigMap" => map_directive(rng, "data"),
        "Service" => service_directive(rng),
        "Widget" => widget_directive(rng),
        _ => labels_directive(rng),
    }
}

/// Directives on the containers of a pod spec, at indent 6.
fn pod_directive(rng: &mut Rng, m: &Made) -> String {
    let other = if m.has("- name: sidecar") {
        "sidecar"
    } else {
        "main"
    };
    match rng.below(9) {
        0 => "      containers:\n      - name: main\n        image: replaced:1\n      - $patch: replace\n".to_owned(),
        1 => "      containers:\n      - name: sidecar\n        $patch: delete\n".to_owned(),
        2 => "      containers:\n      - name: main\n        env:\n        - name: MODE\n          $patch: delete\n        - name: ADDED\n          value: \"1\"\n".to_owned(),
        3 => "      containers:\n      - name: main\n        ports:\n        - containerPort: 8080\n          $patch: delete\n        - containerPort: 8443\n          name: https\n".to_owned(),
        4 => format!(
            "      $setElementOrder/containers:\n      - name: {other}\n      - name: main\n      containers:\n      - name: main\n        image: ordered:1\n"
        ),
        5 => "      containers:\n      - name: main\n        $deleteFromPrimitiveList/args:\n        - --verbose\n".to_owned(),
        6 => "      containers:\n      - name: main\n        env:\n        - $patch: replace\n        - name: ONLY\n          value: this\n".to_owned(),
        7 => "      containers:\n      - name: main\n        $patch: merge\n        imagePullPolicy: Always\n".to_owned(),
        _ => "      $retainKeys:\n      - containers\n      containers:\n      - name: main\n        image: retained:1\n".to_owned(),
    }
}

/// `$patch: replace` or `$patch: delete` on a map field (`data`, labels).
fn map_directive(rng: &mut Rng, field: &str) -> String {
    match rng.below(5) {
        0 | 1 => format!("{field}:\n  $patch: replace\n  only: kept\n"),
        2 => format!("{field}:\n  $patch: delete\n"),
        _ => format!("{field}:\n  $patch: merge\n  merged: \"yes\"\n"),
    }
}

/// The same on the patch's own `metadata.labels` (it follows the name).
fn labels_directive(rng: &mut Rng) -> String {
    map_directive(rng, "labels")
        .lines()
        .map(|l| format!("  {l}\n"))
        .collect()
}

/// Service ports: by their merge key `port`.
fn service_directive(rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => "spec:\n  ports:\n  - port: 80\n    $patch: delete\n".to_owned(),
        1 => "spec:\n  ports:\n  - name: only\n    port: 8081\n  - $patch: replace\n".to_owned(),
        2 => "spec:\n  $setElementOrder/ports:\n  - port: 9090\n  - port: 80\n  ports:\n  - port: 80\n    targetPort: 8081\n".to_owned(),
        _ => "spec:\n  ports:\n  - port: 443\n    name: https\n    targetPort: 8443\n".to_owned(),
    }
}

/// Widget items: merged by name only when the schema says so.
fn widget_directive(rng: &mut Rng) -> String {
    match rng.below(5) {
        0 => "spec:\n  items:\n  - name: second\n    $patch: delete\n".to_owned(),
        1 => "spec:\n  items:\n  - name: third\n    value: \"3\"\n".to_owned(),
        2 => {
            "spec:\n  items:\n  - name: first\n    value: patched\n  - $patch: replace\n".to_owned()
        }
        3 => "spec:\n  $deleteFromPrimitiveList/tags:\n  - blue\n".to_owned(),
        _ => "spec:\n  $patch: replace\n  items: []\n".to_owned(),
    }
}
