//! JSON for tools.
//!
//! Written by hand: the document is small and fixed, and a tiny value tree
//! with a pretty printer (two-space indentation, keys in a fixed order)
//! keeps the output deterministic without a serialization framework. String
//! escaping is the crate's shared JSON escaper.
//!
//! Shape:
//!
//! ```text
//! {
//!   "summary": {"roots": 3, "roots_same": 1, ..., "resources_identical": 40},
//!   "roots": [
//!     {"root": "apps/a", "outcome": "same", "resources": 7},
//!     {"root": "apps/b", "outcome": "changed" | "added" | "removed",
//!      "identical": 3, "added": [R...], "removed": [R...], "changed": [R...]},
//!     {"root": "apps/c", "outcome": "failed", "old_error": null, "new_error": "..."}
//!   ]
//! }
//! R = {"id": "Deployment.apps/prod/web", "group": "apps", "kind": "Deployment",
//!      "namespace": "prod", "name": "web", "old_name": null,
//!      "fields": [{"path": "spec.replicas", "change": "modified"},
//!                 {"path": "…[name=b]", "change": "moved", "from": 1, "to": 0}],
//!      "diff": "--- old/…"}
//! ```

use crate::quote::write_json_string;
use crate::{ChangeKind, RenderDiff, RepoDiff, ResourceDiff, RootOutcome};

/// A JSON value, objects with keys in writing order.
enum Json {
    Null,
    Num(usize),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(&'static str, Json)>),
}

impl Json {
    fn str(s: &str) -> Json {
        Json::Str(s.to_owned())
    }

    fn opt(s: Option<&str>) -> Json {
        s.map_or(Json::Null, Json::str)
    }

    fn write(&self, indent: usize, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Num(n) => out.push_str(&n.to_string()),
            Json::Str(s) => write_json_string(s, out),
            Json::Arr(items) if items.is_empty() => out.push_str("[]"),
            Json::Obj(fields) if fields.is_empty() => out.push_str("{}"),
            Json::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    out.push_str(if i == 0 { "\n" } else { ",\n" });
                    push_indent(indent + 1, out);
                    item.write(indent + 1, out);
                }
                out.push('\n');
                push_indent(indent, out);
                out.push(']');
            }
            Json::Obj(fields) => {
                out.push('{');
                for (i, (key, value)) in fields.iter().enumerate() {
                    out.push_str(if i == 0 { "\n" } else { ",\n" });
                    push_indent(indent + 1, out);
                    write_json_string(key, out);
                    out.push_str(": ");
                    value.write(indent + 1, out);
                }
                out.push('\n');
                push_indent(indent, out);
                out.push('}');
            }
        }
    }
}

fn push_indent(level: usize, out: &mut String) {
    (0..level).for_each(|_| out.push_str("  "));
}

/// The repository diff as a JSON document (ending with a newline).
pub fn json(diff: &RepoDiff) -> String {
    let s = diff.summary();
    let summary = Json::Obj(vec![
        ("roots", Json::Num(s.roots)),
        ("roots_same", Json::Num(s.roots_same)),
        ("roots_changed", Json::Num(s.roots_changed)),
        ("roots_added", Json::Num(s.roots_added)),
        ("roots_removed", Json::Num(s.roots_removed)),
        ("roots_failed", Json::Num(s.roots_failed)),
        ("resources_added", Json::Num(s.resources_added)),
        ("resources_removed", Json::Num(s.resources_removed)),
        ("resources_changed", Json::Num(s.resources_changed)),
        ("resources_identical", Json::Num(s.resources_identical)),
    ]);
    let roots = diff
        .roots
        .iter()
        .map(|root| {
            let mut fields = vec![
                ("root", Json::str(&root.root)),
                ("outcome", Json::str(root.outcome.name())),
            ];
            match &root.outcome {
                RootOutcome::Same { resources } => {
                    fields.push(("resources", Json::Num(*resources)))
                }
                RootOutcome::Changed(d) | RootOutcome::Added(d) | RootOutcome::Removed(d) => {
                    fields.extend(render(d));
                }
                RootOutcome::Failed { old, new } => {
                    fields.push(("old_error", Json::opt(old.as_deref())));
                    fields.push(("new_error", Json::opt(new.as_deref())));
                }
            }
            Json::Obj(fields)
        })
        .collect();
    let mut out = String::new();
    Json::Obj(vec![("summary", summary), ("roots", Json::Arr(roots))]).write(0, &mut out);
    out.push('\n');
    out
}

fn render(diff: &RenderDiff) -> Vec<(&'static str, Json)> {
    let list = |items: &[ResourceDiff]| Json::Arr(items.iter().map(resource).collect());
    let mut fields = vec![
        ("identical", Json::Num(diff.identical)),
        ("added", list(&diff.added)),
        ("removed", list(&diff.removed)),
        ("changed", list(&diff.changed)),
    ];
    if !diff.renaming.is_empty() {
        fields.insert(0, ("renamed", Json::Str(diff.renaming.to_string())));
    }
    fields
}

fn resource(r: &ResourceDiff) -> Json {
    let fields = r
        .fields
        .iter()
        .map(|change| {
            let mut entry = vec![
                ("path", Json::Str(change.path.to_string())),
                ("change", Json::str(change.kind.name())),
            ];
            if let ChangeKind::Moved { from, to } = change.kind {
                entry.push(("from", Json::Num(from)));
                entry.push(("to", Json::Num(to)));
            }
            Json::Obj(entry)
        })
        .collect();
    Json::Obj(vec![
        ("id", Json::Str(r.key.to_string())),
        ("group", Json::str(&r.key.group)),
        ("kind", Json::str(&r.key.kind)),
        ("namespace", Json::str(&r.key.namespace)),
        ("name", Json::str(&r.key.name)),
        ("old_name", Json::opt(r.old_name.as_deref())),
        ("fields", Json::Arr(fields)),
        ("diff", Json::str(&r.diff)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{diff_root, DiffOptions, Render, RootDiff};

    #[test]
    fn writes_every_outcome() {
        let pod = |a: &str, b: &str| {
            format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: p, namespace: n}}\nspec: {{containers: [{{name: {a}}}, {{name: {b}}}]}}\n")
        };
        let ok = |text: &str| Some(Ok(Render::from_yaml("t", text).unwrap()));
        let options = DiffOptions {
            context: 0,
            ..DiffOptions::default()
        };
        let repo = RepoDiff::new(vec![
            diff_root(
                "a",
                ok(&pod("app", "web")),
                ok(&pod("web", "app")),
                &options,
            ),
            RootDiff {
                root: "b".into(),
                outcome: RootOutcome::Same { resources: 2 },
            },
            RootDiff {
                root: "c\"\n".into(),
                outcome: RootOutcome::Failed {
                    old: None,
                    new: Some("bad\tthing".into()),
                },
            },
        ]);
        let expected = r#"{
  "summary": {
    "roots": 3,
    "roots_same": 1,
    "roots_changed": 1,
    "roots_added": 0,
    "roots_removed": 0,
    "roots_failed": 1,
    "resources_added": 0,
    "resources_removed": 0,
    "resources_changed": 1,
    "resources_identical": 2
  },
  "roots": [
    {
      "root": "a",
      "outcome": "changed",
      "identical": 0,
      "added": [],
      "removed": [],
      "changed": [
        {
          "id": "Pod/n/p",
          "group": "",
          "kind": "Pod",
          "namespace": "n",
          "name": "p",
          "old_name": null,
          "fields": [
            {
              "path": "spec.containers[name=web]",
              "change": "moved",
              "from": 1,
              "to": 0
            }
          ],
          "diff": "--- old/Pod/n/p\n+++ new/Pod/n/p\n@@ -7,0 +8 @@\n+  - name: web\n@@ -9 +9,0 @@\n-  - name: web\n"
        }
      ]
    },
    {
      "root": "b",
      "outcome": "same",
      "resources": 2
    },
    {
      "root": "c\"\n",
      "outcome": "failed",
      "old_error": null,
      "new_error": "bad\tthing"
    }
  ]
}
"#;
        assert_eq!(json(&repo), expected);
    }
}
