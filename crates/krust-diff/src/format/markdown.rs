//! Markdown for CI job summaries and pull-request comments (GitHub-flavoured).
//!
//! Reviewers first want the size of the change, then where it is, then the
//! lines. So: one summary line; a heading per root that differs, with its
//! counts; one collapsed `<details>` block per resource whose `<summary>`
//! names the resource and its changed paths, holding the unified diff in a
//! `diff` fence. Long diffs are cut after [`MarkdownOptions::max_diff_lines`]
//! lines with a count of what was left out, so that one huge ConfigMap does
//! not push a comment past the host's size limit. Unchanged roots get one
//! line in all. Text inside HTML tags is HTML-escaped; fences are longer than
//! any run of backticks in their content, so rendered YAML cannot close them.

use super::{change_word, render_counts, summary_line, unchanged_line};
use crate::{RenderDiff, RepoDiff, ResourceDiff, RootOutcome};

/// Options of the Markdown format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarkdownOptions {
    /// Lines of a resource's diff shown before it is cut.
    pub max_diff_lines: usize,
    /// Changed paths named in a resource's summary line before "and N more".
    pub max_summary_paths: usize,
}

impl Default for MarkdownOptions {
    /// 200 diff lines, 5 paths.
    fn default() -> Self {
        MarkdownOptions {
            max_diff_lines: 200,
            max_summary_paths: 5,
        }
    }
}

/// The repository diff as Markdown.
pub fn markdown(diff: &RepoDiff, options: &MarkdownOptions) -> String {
    let mut out = format!("**krust diff:** {}\n", summary_line(diff));
    for root in &diff.roots {
        let name = code_span(&root.root);
        match &root.outcome {
            RootOutcome::Same { .. } => {}
            RootOutcome::Changed(d) => render(&mut out, &format!("{name} changed"), d, options),
            RootOutcome::Added(d) => {
                render(&mut out, &format!("{name} added (new root)"), d, options)
            }
            RootOutcome::Removed(d) => {
                render(&mut out, &format!("{name} removed (root gone)"), d, options)
            }
            RootOutcome::Failed { old, new } => {
                out.push_str(&format!("\n## {name} failed\n"));
                for (side, message) in [("Old", old), ("New", new)] {
                    if let Some(message) = message {
                        out.push_str(&format!("\n{side} side:\n\n"));
                        fenced(&mut out, "text", message);
                    }
                }
            }
        }
    }
    if let Some(line) = unchanged_line(diff) {
        out.push_str(&format!("\n{line}.\n"));
    }
    out
}

/// A root's heading, counts and resources.
fn render(out: &mut String, heading: &str, diff: &RenderDiff, options: &MarkdownOptions) {
    out.push_str(&format!("\n## {heading}\n\n{}.\n", render_counts(diff)));
    if !diff.renaming.is_empty() {
        out.push_str(&format!("\nRenamed: {}.\n", diff.renaming));
    }
    for (verb, list) in [
        ("added", &diff.added),
        ("removed", &diff.removed),
        ("changed", &diff.changed),
    ] {
        for resource in list {
            details(out, verb, resource, options);
        }
    }
}

/// One resource in a collapsed block.
fn details(out: &mut String, verb: &str, resource: &ResourceDiff, options: &MarkdownOptions) {
    let mut summary = format!("{verb} <code>{}</code>", html(&resource.key.to_string()));
    if let Some(old) = &resource.old_name {
        summary.push_str(&format!(" (was <code>{}</code>)", html(old)));
    }
    let shown: Vec<String> = resource
        .fields
        .iter()
        .take(options.max_summary_paths)
        .map(|change| {
            let word = change_word(change);
            let path = format!("<code>{}</code>", html(&change.path.to_string()));
            if word == "modified" {
                path
            } else {
                format!("{path} {}", html(&word))
            }
        })
        .collect();
    if !shown.is_empty() {
        summary.push_str(": ");
        summary.push_str(&shown.join(", "));
        let rest = resource.fields.len() - shown.len();
        if rest > 0 {
            summary.push_str(&format!(" and {rest} more"));
        }
    }
    out.push_str(&format!("\n<details><summary>{summary}</summary>\n\n"));
    let lines: Vec<&str> = resource.diff.lines().collect();
    if lines.is_empty() {
        out.push_str("No difference in the printed YAML.\n");
    } else {
        let kept = lines.len().min(options.max_diff_lines);
        let mut body = lines[..kept].join("\n");
        body.push('\n');
        fenced(out, "diff", &body);
        if kept < lines.len() {
            let more = lines.len() - kept;
            let word = if more == 1 { "line" } else { "lines" };
            out.push_str(&format!("\n… {more} more {word}\n"));
        }
    }
    out.push_str("\n</details>\n");
}

/// A fenced code block, its fence longer than any backtick run inside.
fn fenced(out: &mut String, info: &str, body: &str) {
    let fence = "`".repeat(longest_backtick_run(body).max(2) + 1);
    out.push_str(&format!("{fence}{info}\n{body}"));
    if !body.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&fence);
    out.push('\n');
}

/// An inline code span that holds `text` whatever backticks it contains.
fn code_span(text: &str) -> String {
    let ticks = "`".repeat(longest_backtick_run(text) + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{text}{pad}{ticks}")
}

fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// Escapes text for HTML element content.
fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ChangeKind, FieldChange, FieldPath, ResourceKey, RootDiff};

    fn resource(diff_lines: usize, fields: usize) -> ResourceDiff {
        ResourceDiff {
            key: ResourceKey {
                kind: "ConfigMap".into(),
                name: "c".into(),
                ..ResourceKey::default()
            },
            old_name: None,
            old_namespace: None,
            fields: (0..fields)
                .map(|i| FieldChange {
                    path: FieldPath::of_fields(&["data", &format!("k{i}")]),
                    kind: if i == 0 {
                        ChangeKind::Moved { from: 0, to: 1 }
                    } else {
                        ChangeKind::Modified
                    },
                })
                .collect(),
            diff: (0..diff_lines).map(|i| format!("+line {i}\n")).collect(),
        }
    }

    #[test]
    fn long_diffs_are_cut_with_a_count() {
        let options = MarkdownOptions {
            max_diff_lines: 3,
            max_summary_paths: 2,
        };
        let mut out = String::new();
        details(&mut out, "changed", &resource(5, 4), &options);
        assert_eq!(
            out,
            "\n<details><summary>changed <code>ConfigMap/c</code>: <code>data.k0</code> moved 0 -&gt; 1, <code>data.k1</code> and 2 more</summary>\n\n```diff\n+line 0\n+line 1\n+line 2\n```\n\n… 2 more lines\n\n</details>\n"
        );
        let mut out = String::new();
        details(&mut out, "added", &resource(4, 0), &options);
        assert!(out.contains("<summary>added <code>ConfigMap/c</code></summary>"));
        assert!(
            out.ends_with("+line 2\n```\n\n… 1 more line\n\n</details>\n"),
            "{out}"
        );
        let mut out = String::new();
        details(&mut out, "changed", &resource(3, 1), &options);
        assert!(!out.contains("more"), "{out}");
    }

    #[test]
    fn fences_and_spans_outgrow_backticks() {
        let mut out = String::new();
        fenced(&mut out, "diff", "+```yaml\n+x\n");
        assert_eq!(out, "````diff\n+```yaml\n+x\n````\n");
        assert_eq!(code_span("apps/prod"), "`apps/prod`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`a"), "`` `a ``");
        assert_eq!(html("<a & b>"), "&lt;a &amp; b&gt;");
    }

    #[test]
    fn failures_and_unchanged_roots() {
        let repo = RepoDiff::new(vec![
            RootDiff {
                root: "b".into(),
                outcome: RootOutcome::Same { resources: 2 },
            },
            RootDiff {
                root: "c".into(),
                outcome: RootOutcome::Same { resources: 3 },
            },
            RootDiff {
                root: "a".into(),
                outcome: RootOutcome::Failed {
                    old: Some("bad ``` thing".into()),
                    new: None,
                },
            },
        ]);
        assert_eq!(
            markdown(&repo, &MarkdownOptions::default()),
            "**krust diff:** 1 of 3 roots differ (1 failed); resources: 0 added, 0 removed, 0 changed, 5 identical\n\n## `a` failed\n\nOld side:\n\n````text\nbad ``` thing\n````\n\n2 roots unchanged (5 resources identical).\n"
        );
    }
}
