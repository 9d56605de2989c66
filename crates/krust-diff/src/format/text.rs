//! Plain text for terminals.
//!
//! A summary line, then each root that differs with its resources (`+`
//! added, `-` removed, `~` changed), the changed field paths under each
//! changed resource, and optionally the unified diffs; the unchanged roots
//! close in one line. Colour is opt-in (the caller knows whether the output
//! is a terminal): ANSI green and red for added and removed lines, cyan for
//! hunk headers, bold for file headers.

use super::{change_word, render_counts, summary_line, unchanged_line};
use crate::{RenderDiff, RepoDiff, ResourceDiff, RootOutcome};

/// Options of the text format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextOptions {
    /// Colour with ANSI escape sequences.
    pub color: bool,
    /// Print each resource's unified diff after its field paths.
    pub diffs: bool,
}

impl Default for TextOptions {
    /// No colour, with diffs.
    fn default() -> Self {
        TextOptions {
            color: false,
            diffs: true,
        }
    }
}

const GREEN: &str = "\x1b[32m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const CYAN: &str = "\x1b[36m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// The repository diff as text.
pub fn text(diff: &RepoDiff, options: &TextOptions) -> String {
    let mut w = Writer {
        out: String::new(),
        options: *options,
    };
    w.line(&format!("krust diff: {}", summary_line(diff)), Some(BOLD));
    for root in &diff.roots {
        let name = &root.root;
        match &root.outcome {
            RootOutcome::Same { .. } => {}
            RootOutcome::Changed(d) => w.render(&format!("{name}: changed"), d),
            RootOutcome::Added(d) => w.render(&format!("{name}: new root"), d),
            RootOutcome::Removed(d) => w.render(&format!("{name}: root removed"), d),
            RootOutcome::Failed { old, new } => {
                w.out.push('\n');
                w.line(&format!("{name}: failed"), Some(BOLD));
                for (side, message) in [("old", old), ("new", new)] {
                    if let Some(message) = message {
                        w.line(&format!("  {side} side:"), None);
                        for line in message.lines() {
                            w.line(&format!("    {line}"), Some(RED));
                        }
                    }
                }
            }
        }
    }
    if let Some(line) = unchanged_line(diff) {
        w.out.push('\n');
        w.line(&format!("{line}."), None);
    }
    w.out
}

struct Writer {
    out: String,
    options: TextOptions,
}

impl Writer {
    /// Appends a line, coloured if colour is on and `color` is given.
    fn line(&mut self, text: &str, color: Option<&str>) {
        match color.filter(|_| self.options.color) {
            Some(code) => {
                self.out.push_str(code);
                self.out.push_str(text);
                self.out.push_str(RESET);
            }
            None => self.out.push_str(text),
        }
        self.out.push('\n');
    }

    /// A root's heading and its resources.
    fn render(&mut self, heading: &str, diff: &RenderDiff) {
        self.out.push('\n');
        self.line(&format!("{heading} ({})", render_counts(diff)), Some(BOLD));
        if !diff.renaming.is_empty() {
            self.line(&format!("  renamed: {}", diff.renaming), None);
        }
        for (mark, color, list) in [
            ("+", GREEN, &diff.added),
            ("-", RED, &diff.removed),
            ("~", YELLOW, &diff.changed),
        ] {
            for resource in list {
                self.resource(mark, color, resource);
            }
        }
    }

    fn resource(&mut self, mark: &str, color: &str, resource: &ResourceDiff) {
        let renamed = match &resource.old_name {
            Some(old) => format!(" (was {old})"),
            None => String::new(),
        };
        self.line(&format!("  {mark} {}{renamed}", resource.key), Some(color));
        for change in &resource.fields {
            self.line(
                &format!("      {} {}", change.path, change_word(change)),
                None,
            );
        }
        if self.options.diffs {
            self.diff(&resource.diff);
        }
    }

    /// A unified diff, line by line, coloured by its markers.
    fn diff(&mut self, diff: &str) {
        for line in diff.lines() {
            let color = if line.starts_with("+++") || line.starts_with("---") {
                Some(BOLD)
            } else if line.starts_with('+') {
                Some(GREEN)
            } else if line.starts_with('-') {
                Some(RED)
            } else if line.starts_with("@@") {
                Some(CYAN)
            } else {
                None
            };
            self.line(line, color);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{diff_root, DiffOptions, Render};

    fn repo() -> RepoDiff {
        let cm = |v: &str| {
            format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c}}\ndata: {{k: '{v}'}}\n")
        };
        let ok = |v: &str| Some(Ok(Render::from_yaml("t", &cm(v)).unwrap()));
        let options = DiffOptions::default();
        RepoDiff::new(vec![
            diff_root("apps/a", ok("1"), ok("2"), &options),
            diff_root("apps/b", ok("1"), ok("1"), &options),
            diff_root(
                "apps/c",
                ok("1"),
                Some(Err("line 1: bad\nmore".into())),
                &options,
            ),
        ])
    }

    #[test]
    fn plain_text() {
        let expected = "\
krust diff: 2 of 3 roots differ (1 changed, 1 failed); resources: 0 added, 0 removed, 1 changed, 1 identical

apps/a: changed (0 added, 0 removed, 1 changed, 0 identical)
  ~ ConfigMap/c
      data.k modified
--- old/ConfigMap/c
+++ new/ConfigMap/c
@@ -1,6 +1,6 @@
 apiVersion: v1
 data:
-  k: \"1\"
+  k: \"2\"
 kind: ConfigMap
 metadata:
   name: c

apps/c: failed
  new side:
    line 1: bad
    more

1 root unchanged (1 resource identical).
";
        assert_eq!(text(&repo(), &TextOptions::default()), expected);
    }

    #[test]
    fn without_diffs_and_with_colour() {
        let plain = text(
            &repo(),
            &TextOptions {
                color: false,
                diffs: false,
            },
        );
        assert!(!plain.contains("@@"));
        assert!(plain.contains("  ~ ConfigMap/c\n      data.k modified\n\napps/c"));
        let coloured = text(
            &repo(),
            &TextOptions {
                color: true,
                diffs: true,
            },
        );
        assert!(coloured.contains("\x1b[31m-  k: \"1\"\x1b[0m\n\x1b[32m+  k: \"2\"\x1b[0m\n"));
        assert!(coloured.contains("\x1b[33m  ~ ConfigMap/c\x1b[0m\n"));
        assert!(coloured.contains("\x1b[36m@@ -1,6 +1,6 @@\x1b[0m\n"));
        assert!(!plain.contains('\x1b'));
    }
}
