//! Unified diffs of one resource's YAML, as people read them in review.
//!
//! The texts are the resource printed by krust-yaml's emitter (see
//! [`crate::Render`]), so keys are sorted the way `kubectl kustomize` sorts
//! them and formatting noise of the inputs is gone. The diff is line based
//! (Myers, no time limit: the same input always gives the same output) with
//! `diff -u` headers: `old/<key>` and `new/<key>`, `/dev/null` for a side
//! without the resource.

use similar::TextDiff;

/// Context lines around each change, as `diff -u` uses by default.
pub const DEFAULT_CONTEXT: usize = 3;

/// One side of a diff: the header label and the text.
pub(crate) type Side<'a> = Option<(&'a str, &'a str)>;

/// The unified diff from `old` to `new` (`None`: the resource is absent on
/// that side); empty when the texts are equal.
pub(crate) fn unified_diff(old: Side<'_>, new: Side<'_>, context: usize) -> String {
    let label = |side: Side<'_>, prefix: &str| match side {
        Some((key, _)) => format!("{prefix}/{key}"),
        None => "/dev/null".to_owned(),
    };
    let (old_label, new_label) = (label(old, "old"), label(new, "new"));
    let (old_text, new_text) = (text_of(old), text_of(new));
    TextDiff::from_lines(old_text, new_text)
        .unified_diff()
        .context_radius(context)
        .header(&old_label, &new_label)
        .to_string()
}

/// The text of a side; nothing for an absent one.
fn text_of(side: Side<'_>) -> &str {
    side.map_or("", |(_, text)| text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_text() {
        let old = "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\n";
        let new = "a: 1\nb: 2\nc: 30\nd: 4\ne: 5\n";
        let diff = unified_diff(Some(("K", old)), Some(("K", new)), 1);
        assert_eq!(
            diff,
            "--- old/K\n+++ new/K\n@@ -2,3 +2,3 @@\n b: 2\n-c: 3\n+c: 30\n d: 4\n"
        );
    }

    #[test]
    fn added_and_removed_documents() {
        assert_eq!(
            unified_diff(None, Some(("K", "a: 1\n")), 3),
            "--- /dev/null\n+++ new/K\n@@ -0,0 +1 @@\n+a: 1\n"
        );
        assert_eq!(
            unified_diff(Some(("K", "a: 1\n")), None, 3),
            "--- old/K\n+++ /dev/null\n@@ -1 +0,0 @@\n-a: 1\n"
        );
    }

    #[test]
    fn equal_texts_have_no_diff() {
        assert_eq!(
            unified_diff(Some(("K", "a: 1\n")), Some(("K", "a: 1\n")), 3),
            ""
        );
    }
}
