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
    /// The most characters the document may have (a pull-request comment's
    /// limit): past it, diffs are shortened, then resources left out, and a
    /// note says what was cut. The summary always stays.
    pub max_chars: usize,
}

/// GitHub's limit on a comment's body, less room for a caller's own header.
pub const GITHUB_COMMENT_LIMIT: usize = 65_536 - 1_536;

impl Default for MarkdownOptions {
    /// 200 diff lines, 5 paths, GitHub's comment limit.
    fn default() -> Self {
        MarkdownOptions {
            max_diff_lines: 200,
            max_summary_paths: 5,
            max_chars: GITHUB_COMMENT_LIMIT,
        }
    }
}

/// Shorter diffs tried, in turn, when a document is over its limit.
const SHORTER_DIFFS: [usize; 4] = [50, 10, 3, 0];

/// The repository diff as Markdown, within [`MarkdownOptions::max_chars`].
pub fn markdown(diff: &RepoDiff, options: &MarkdownOptions) -> String {
    let full = document(diff, options, usize::MAX);
    if full.len() <= options.max_chars {
        return full;
    }
    for lines in SHORTER_DIFFS
        .into_iter()
        .filter(|&l| l < options.max_diff_lines)
    {
        let shorter = MarkdownOptions {
            max_diff_lines: lines,
            ..*options
        };
        let note = format!("diffs shortened to {lines} lines each");
        let out = document(diff, &shorter, usize::MAX);
        if out.len() + note.len() + 200 <= options.max_chars {
            return with_cut_note(out, &note);
        }
    }
    // Still too long: resources left out from the end, each whole.
    let bare = MarkdownOptions {
        max_diff_lines: 0,
        ..*options
    };
    let budget = options.max_chars.saturating_sub(400);
    let out = document(diff, &bare, budget);
    let shown = out.matches("\n<details>").count();
    let total: usize = diff
        .roots
        .iter()
        .map(|r| match &r.outcome {
            RootOutcome::Changed(d) | RootOutcome::Added(d) | RootOutcome::Removed(d) => d.len(),
            _ => 0,
        })
        .sum();
    let note = format!(
        "diffs left out, and {} of {total} differing resources not listed",
        total.saturating_sub(shown)
    );
    with_cut_note(out, &note)
}

/// `out` with a closing note of what was cut to fit the size limit.
fn with_cut_note(mut out: String, cut: &str) -> String {
    out.push_str(&format!(
        "\n> [!NOTE]\n> Cut to fit a pull-request comment: {cut}. `render diff` prints everything.\n"
    ));
    out
}

/// The document, its resources listed while it is under `budget` characters.
fn document(diff: &RepoDiff, options: &MarkdownOptions, budget: usize) -> String {
    let mut out = format!("**krust diff:** {}\n", summary_line(diff));
    summary_table(&mut out, diff);
    for root in &diff.roots {
        if out.len() >= budget {
            break;
        }
        let name = code_span(&root.root);
        match &root.outcome {
            RootOutcome::Same { .. } => {}
            RootOutcome::Changed(d) => {
                render(&mut out, &format!("{name} changed"), d, options, budget)
            }
            RootOutcome::Added(d) => render(
                &mut out,
                &format!("{name} added (new root)"),
                d,
                options,
                budget,
            ),
            RootOutcome::Removed(d) => render(
                &mut out,
                &format!("{name} removed (root gone)"),
                d,
                options,
                budget,
            ),
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

/// A table of the roots that differ, with their counts: kept whatever is cut.
fn summary_table(out: &mut String, diff: &RepoDiff) {
    let rows: Vec<String> = diff
        .roots
        .iter()
        .filter_map(|root| {
            let (outcome, d) = match &root.outcome {
                RootOutcome::Same { .. } => return None,
                RootOutcome::Changed(d) => ("changed", Some(d)),
                RootOutcome::Added(d) => ("added", Some(d)),
                RootOutcome::Removed(d) => ("removed", Some(d)),
                RootOutcome::Failed { .. } => ("failed", None),
            };
            let counts = d.map_or("– | – | –".to_owned(), |d| {
                format!(
                    "{} | {} | {}",
                    d.added.len(),
                    d.removed.len(),
                    d.changed.len()
                )
            });
            Some(format!(
                "| {} | {outcome} | {counts} |\n",
                code_span(&root.root)
            ))
        })
        .collect();
    if rows.len() > 1 {
        out.push_str(
            "\n| root | outcome | added | removed | changed |\n|---|---|---:|---:|---:|\n",
        );
        rows.iter().for_each(|row| out.push_str(row));
    }
}

/// A root's heading, counts and resources.
fn render(
    out: &mut String,
    heading: &str,
    diff: &RenderDiff,
    options: &MarkdownOptions,
    budget: usize,
) {
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
            if out.len() >= budget {
                return;
            }
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
    if options.max_diff_lines == 0 {
        out.push_str("Diff left out to fit the size limit.\n");
    } else if lines.is_empty() {
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

    /// A repository diff of `roots` roots with `per_root` changed resources,
    /// each with a 40-line diff.
    fn big(roots: usize, per_root: usize) -> RepoDiff {
        let roots = (0..roots)
            .map(|r| RootDiff {
                root: format!("apps/overlays/env{r}"),
                outcome: RootOutcome::Changed(RenderDiff {
                    changed: (0..per_root).map(|_| resource(40, 3)).collect(),
                    ..RenderDiff::default()
                }),
            })
            .collect();
        RepoDiff::new(roots)
    }

    #[test]
    fn five_hundred_changed_resources_fit_a_comment_and_say_what_was_cut() {
        let out = markdown(&big(5, 100), &MarkdownOptions::default());
        assert!(out.len() <= 65_536, "{}", out.len());
        assert!(
            out.starts_with("**krust diff:** 5 of 5 roots differ"),
            "{out}"
        );
        // The summary table keeps every root.
        for r in 0..5 {
            assert!(out.contains(&format!(
                "| `apps/overlays/env{r}` | changed | 0 | 0 | 100 |"
            )));
        }
        assert!(out.contains("Cut to fit a pull-request comment"), "{out}");
        // Shorter diffs first: each resource still listed.
        let small = markdown(&big(2, 100), &MarkdownOptions::default());
        assert!(small.len() <= 65_536);
        assert_eq!(small.matches("\n<details>").count(), 200);
        assert!(small.contains("diffs shortened to"), "{small}");
        // A diff that fits is not cut.
        let fits = markdown(&big(1, 3), &MarkdownOptions::default());
        assert!(!fits.contains("Cut to fit"), "{fits}");
    }

    #[test]
    fn past_every_shortening_resources_are_left_out_and_counted() {
        let out = markdown(&big(5, 300), &MarkdownOptions::default());
        assert!(out.len() <= 65_536, "{}", out.len());
        let shown = out.matches("\n<details>").count();
        assert!(shown > 0 && shown < 1500, "{shown}");
        assert!(
            out.contains(&format!(
                "{} of 1500 differing resources not listed",
                1500 - shown
            )),
            "{}",
            &out[out.len() - 300..]
        );
    }

    #[test]
    fn long_diffs_are_cut_with_a_count() {
        let options = MarkdownOptions {
            max_diff_lines: 3,
            max_summary_paths: 2,
            ..MarkdownOptions::default()
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
