//! Shrinking a diverging tree to the smallest one that still diverges:
//! drop files, then documents, then mapping entries and list items (a line
//! and the lines indented below it), for as long as the divergence stays.
//! Generic over YAML text, so it needs no model of what was generated.

use crate::gen::Tree;

/// The smallest tree reachable from `tree` by removals for which
/// `diverges` still holds. `diverges(tree)` must hold on entry.
pub fn shrink(tree: &Tree, diverges: &mut dyn FnMut(&Tree) -> bool) -> Tree {
    let mut best = tree.clone();
    loop {
        let before = size(&best);
        for candidate in candidates(&best) {
            if size(&candidate) < size(&best) && diverges(&candidate) {
                best = candidate;
            }
        }
        if size(&best) == before {
            return best;
        }
    }
}

fn size(tree: &Tree) -> usize {
    tree.files.values().map(|t| t.lines().count() + 1).sum()
}

/// Every tree one removal away from `tree`, largest removals first.
fn candidates(tree: &Tree) -> Vec<Tree> {
    let mut out = Vec::new();
    let root_kust = format!("{}/kustomization.yaml", tree.root);
    for path in tree.files.keys().filter(|p| **p != root_kust) {
        let mut t = tree.clone();
        t.files.remove(path);
        out.push(t);
    }
    for (path, text) in &tree.files {
        let docs: Vec<&str> = text.split("\n---\n").collect();
        for i in (0..docs.len()).filter(|_| docs.len() > 1) {
            let kept: Vec<&str> = docs
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, d)| *d)
                .collect();
            out.push(with_file(tree, path, kept.join("\n---\n")));
        }
        let lines: Vec<&str> = text.lines().collect();
        for start in (0..lines.len()).filter(|&i| !is_identity(lines[i])) {
            let end = block_end(&lines, start);
            let mut kept: Vec<&str> = lines[..start].to_vec();
            kept.extend_from_slice(&lines[end..]);
            out.push(with_file(tree, path, kept.join("\n") + "\n"));
        }
    }
    out
}

/// A document's own `apiVersion` or `kind`: kept, because an object
/// without them diverges in ways of its own (`apiVersion: null`), and a
/// shrink that drops them drifts away from the divergence it started with.
fn is_identity(line: &str) -> bool {
    line.starts_with("apiVersion:") || line.starts_with("kind:")
}

fn with_file(tree: &Tree, path: &str, text: String) -> Tree {
    let mut t = tree.clone();
    t.files.insert(path.to_owned(), text);
    t
}

/// The end (exclusive) of the block that starts at `start`: the line and
/// every following line indented deeper (or a list item's own fields).
fn block_end(lines: &[&str], start: usize) -> usize {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let own = indent(lines[start]);
    let item = lines[start].trim_start().starts_with("- ");
    let mut end = start + 1;
    while end < lines.len() {
        let line = lines[end];
        let deeper = indent(line) > own || line.trim().is_empty();
        let same_item_field = item && indent(line) == own + 2;
        if !(deeper || same_item_field) || line.trim() == "---" {
            break;
        }
        end += 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn shrinks_to_the_lines_that_matter() {
        let mut files = BTreeMap::new();
        files.insert(
            "app/kustomization.yaml".to_owned(),
            "resources:\n- a.yaml\nnamePrefix: x-\ncommonLabels:\n  bad: here\n  good: there\n"
                .to_owned(),
        );
        files.insert(
            "app/a.yaml".to_owned(),
            "kind: A\n---\nkind: B\n".to_owned(),
        );
        let tree = Tree {
            files,
            root: "app".to_owned(),
        };
        let small = shrink(&tree, &mut |t| {
            t.files.values().any(|f| f.contains("bad: here"))
        });
        assert_eq!(small.files.len(), 1);
        assert_eq!(
            small.files["app/kustomization.yaml"],
            "commonLabels:\n  bad: here\n"
        );
    }

    #[test]
    fn keeps_each_document_s_api_version_and_kind() {
        let mut files = BTreeMap::new();
        files.insert(
            "app/kustomization.yaml".to_owned(),
            "apiVersion: v1\nkind: A\nx: 1\ny: 2\n".to_owned(),
        );
        let tree = Tree {
            files,
            root: "app".to_owned(),
        };
        let small = shrink(&tree, &mut |t| t.files.values().any(|f| f.contains("x: 1")));
        assert_eq!(
            small.files["app/kustomization.yaml"],
            "apiVersion: v1\nkind: A\nx: 1\n"
        );
    }
}
