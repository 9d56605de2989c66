//! A custom kind, `Widget` (example.com/v1), and what users add so that
//! kustomize understands it: `crds:` OpenAPI definitions (a name reference
//! to a Secret), an `openapi:` schema giving its list a merge key, and
//! `configurations:` field specs (name references, labels, prefixes, vars).

use std::collections::BTreeMap;

use super::ctx::Ctx;
use crate::rng::Rng;
use crate::scalars;

/// A Widget named `name`: a list of named items, references to the
/// generated ConfigMap and Secret, a selector, a var reference.
pub fn widget(rng: &mut Rng, name: &str) -> String {
    let mut out = super::resources::header("example.com/v1", "Widget", rng, name);
    out.push_str("spec:\n");
    if rng.chance(50) {
        out.push_str("  configName: settings\n");
    }
    if rng.chance(40) {
        out.push_str("  secretRef:\n    name: credentials\n");
    }
    if rng.chance(30) {
        out.push_str(&format!(
            "  selector:\n    matchLabels:\n      app: {name}\n"
        ));
    }
    if rng.chance(25) {
        out.push_str(&format!("  command: {}\n", super::vars::reference(rng)));
    }
    out.push_str("  items:\n  - name: first\n");
    out.push_str(&scalars::entry(rng, 4, "value", false));
    out.push_str("  - name: second\n    value: \"2\"\n");
    if rng.chance(30) {
        out.push_str("  tags: [blue, green]\n");
    }
    if rng.chance(30) {
        out.push_str("  empty: {}\n  none: []\n");
    }
    out
}

/// The CRD-related fields of a kustomization over Widgets (empty when the
/// tree has none, and usually otherwise: most repositories never tell
/// kustomize about their custom kinds).
pub fn fields(rng: &mut Rng, ctx: &Ctx, files: &mut BTreeMap<String, String>) -> String {
    if ctx.of_kind("Widget").is_empty() {
        return String::new();
    }
    let mut out = String::new();
    let dir = &ctx.dir;
    if rng.chance(30) {
        files.insert(format!("{dir}/widget-definitions.json"), DEFINITIONS.into());
        out.push_str("crds:\n- widget-definitions.json\n");
    }
    if !ctx.overlay && rng.chance(15) {
        files.insert(format!("{dir}/widget-schema.json"), SCHEMA.into());
        out.push_str("openapi:\n  path: widget-schema.json\n");
    }
    if rng.chance(35) {
        files.insert(format!("{dir}/widget-config.yaml"), configurations(rng));
        out.push_str("configurations:\n- widget-config.yaml\n");
    }
    out
}

/// A `configurations:` file: transformer field specs for the Widget.
fn configurations(rng: &mut Rng) -> String {
    let mut out = String::new();
    if rng.chance(70) {
        out.push_str("nameReference:\n- kind: ConfigMap\n  version: v1\n  fieldSpecs:\n  - path: spec/configName\n    kind: Widget\n");
        if rng.chance(50) {
            out.push_str(
                "- kind: Secret\n  fieldSpecs:\n  - path: spec/secretRef/name\n    kind: Widget\n",
            );
        }
    }
    if rng.chance(50) {
        out.push_str(
            "commonLabels:\n- path: spec/selector/matchLabels\n  kind: Widget\n  create: true\n",
        );
    }
    if rng.chance(40) {
        out.push_str("varReference:\n- path: spec/command\n  kind: Widget\n- path: spec/items/value\n  kind: Widget\n");
    }
    if rng.chance(25) {
        out.push_str("namePrefix:\n- path: spec/items/name\n  kind: Widget\n");
    }
    if rng.chance(20) {
        out.push_str("commonAnnotations:\n- path: spec/template/metadata/annotations\n  kind: Widget\n  create: true\n");
    }
    if out.is_empty() {
        out.push_str("nameReference:\n- kind: ConfigMap\n  fieldSpecs:\n  - path: spec/configName\n    kind: Widget\n");
    }
    out
}

/// `crds:` definitions: the Widget's spec names a Secret by reference.
const DEFINITIONS: &str = r#"{
  "example.com/v1.Widget": {
    "Schema": {
      "properties": {
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "metadata": {"type": "object"},
        "spec": {"$ref": "example.com/v1.WidgetSpec"}
      }
    }
  },
  "example.com/v1.WidgetSpec": {
    "Schema": {
      "properties": {
        "secretRef": {
          "x-kubernetes-object-ref-api-version": "v1",
          "x-kubernetes-object-ref-kind": "Secret"
        }
      }
    }
  }
}
"#;

/// An `openapi:` schema: the Widget's items merge by name, its tags are a
/// set.
const SCHEMA: &str = r##"{
  "definitions": {
    "com.example.v1.Widget": {
      "type": "object",
      "x-kubernetes-group-version-kind": [{"group": "example.com", "kind": "Widget", "version": "v1"}],
      "properties": {
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "metadata": {"type": "object"},
        "spec": {"$ref": "#/definitions/com.example.v1.WidgetSpec"}
      }
    },
    "com.example.v1.WidgetSpec": {
      "type": "object",
      "properties": {
        "items": {
          "type": "array",
          "items": {"$ref": "#/definitions/com.example.v1.WidgetItem"},
          "x-kubernetes-patch-merge-key": "name",
          "x-kubernetes-patch-strategy": "merge"
        },
        "tags": {
          "type": "array",
          "items": {"type": "string"},
          "x-kubernetes-patch-strategy": "merge"
        }
      }
    },
    "com.example.v1.WidgetItem": {
      "type": "object",
      "properties": {
        "name": {"type": "string"},
        "value": {"type": "string"}
      }
    }
  }
}
"##;
