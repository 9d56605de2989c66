//! Line numbers in a kustomization file, found from its text.
//!
//! The YAML loader keeps no positions, and a finding without a line sends the
//! user hunting through the file. Kustomization files are flat block mappings
//! written by hand, so a line scan is enough: top-level keys start at column 0
//! (`key:` or a quoted key), comments and document markers are skipped, and a
//! list entry is found as a whole token inside its key's block. When the scan
//! cannot place an entry (an escaped or oddly quoted value), the line of its
//! key is the answer, which is still where the user has to look.

/// The top-level keys of a kustomization file's first document, with the
/// lines each key's block spans.
#[derive(Debug, Clone, Default)]
pub(crate) struct Outline {
    lines: Vec<String>,
    keys: Vec<KeySpan>,
}

#[derive(Debug, Clone)]
struct KeySpan {
    /// The key as written.
    name: String,
    /// 0-based index of the key's line.
    start: usize,
    /// 0-based index of the first line after the key's block.
    end: usize,
}

impl Outline {
    /// Scans `text`; never fails (a line that is not a key is simply not one).
    pub(crate) fn new(text: &str) -> Outline {
        let lines: Vec<String> = text.lines().map(str::to_owned).collect();
        let mut keys: Vec<KeySpan> = Vec::new();
        let mut seen_content = false;
        let mut doc_end = lines.len();
        for (index, line) in lines.iter().enumerate() {
            if is_document_marker(line) {
                if seen_content || line.starts_with("...") {
                    doc_end = index;
                    break;
                }
                continue;
            }
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            seen_content = true;
            if let Some(name) = top_level_key(line) {
                if let Some(last) = keys.last_mut() {
                    last.end = index;
                }
                keys.push(KeySpan {
                    name,
                    start: index,
                    end: lines.len(),
                });
            }
        }
        if let Some(last) = keys.last_mut() {
            last.end = last.end.min(doc_end);
        }
        Outline { lines, keys }
    }

    /// The key spelling and 1-based line of the top-level field `field`,
    /// matched exactly first and then ignoring ASCII case, as the
    /// kustomization parser matches field names.
    pub(crate) fn key(&self, field: &str) -> Option<(&str, usize)> {
        self.span(field).map(|k| (k.name.as_str(), k.start + 1))
    }

    /// The 1-based line holding `entry` as a whole token inside the block of
    /// the first of `fields` that contains it, with that key's spelling;
    /// failing that, the line of the first of `fields` present.
    pub(crate) fn entry(&self, fields: &[&str], entry: &str) -> Option<(&str, usize)> {
        let spans: Vec<&KeySpan> = fields.iter().filter_map(|f| self.span(f)).collect();
        for span in &spans {
            for index in span.start..span.end {
                let content = without_comment(&self.lines[index]);
                if contains_token(content, entry) {
                    return Some((span.name.as_str(), index + 1));
                }
            }
        }
        spans.first().map(|k| (k.name.as_str(), k.start + 1))
    }

    fn span(&self, field: &str) -> Option<&KeySpan> {
        self.keys.iter().find(|k| k.name == field).or_else(|| {
            self.keys
                .iter()
                .find(|k| k.name.eq_ignore_ascii_case(field))
        })
    }
}

/// `---` or `...` at column 0, alone or followed by a space.
fn is_document_marker(line: &str) -> bool {
    ["---", "..."].iter().any(|marker| {
        line.strip_prefix(marker)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
    })
}

/// The key a column-0 line opens, if it opens one.
fn top_level_key(line: &str) -> Option<String> {
    let first = line.chars().next()?;
    if first.is_whitespace() || matches!(first, '#' | '-' | '[' | ']' | '{' | '}' | '%' | '?') {
        return None;
    }
    if first == '"' || first == '\'' {
        let close = line[1..].find(first)? + 1;
        let rest = line[close + 1..].trim_start();
        return rest.starts_with(':').then(|| line[1..close].to_owned());
    }
    let bytes = line.as_bytes();
    for (index, &byte) in bytes.iter().enumerate() {
        match byte {
            b'#' if index > 0 && bytes[index - 1].is_ascii_whitespace() => return None,
            b':' if bytes.get(index + 1).is_none_or(u8::is_ascii_whitespace) => {
                let key = line[..index].trim_end();
                return (!key.is_empty()).then(|| key.to_owned());
            }
            _ => {}
        }
    }
    None
}

/// The line up to a comment (`#` at the start or after whitespace).
fn without_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    for (index, &byte) in bytes.iter().enumerate() {
        if byte == b'#' && (index == 0 || bytes[index - 1].is_ascii_whitespace()) {
            return &line[..index];
        }
    }
    line
}

/// Whether `needle` occurs in `haystack` delimited as a YAML scalar would be
/// (so `version.yaml` does not match inside `api/version.yaml`).
fn contains_token(haystack: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    let before_ok = |c: Option<char>| {
        c.is_none_or(|c| c.is_whitespace() || matches!(c, '[' | ',' | '{' | '"' | '\'' | '='))
    };
    let after_ok = |c: Option<char>| {
        c.is_none_or(|c| c.is_whitespace() || matches!(c, ']' | ',' | '}' | '"' | '\''))
    };
    haystack.match_indices(needle).any(|(at, _)| {
        before_ok(haystack[..at].chars().next_back())
            && after_ok(haystack[at + needle.len()..].chars().next())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
# bases: not a key, a comment
---
apiVersion: kustomize.config.k8s.io/v1beta1
\"bases\":
  - ../../base/api   # bases: also a comment
Resources: [ns.yaml, ../../base/web]
patches:
  - path: api/version.yaml
  - path: version.yaml
    target: {kind: Deployment}
configMapGenerator:
  - name: flags
    files: [key=api/flags.yaml]
---
vars: []
";

    #[test]
    fn keys_at_column_zero_are_found_and_comments_are_not() {
        let outline = Outline::new(TEXT);
        assert_eq!(outline.key("bases"), Some(("bases", 4)));
        assert_eq!(outline.key("apiVersion"), Some(("apiVersion", 3)));
        assert_eq!(outline.key("resources"), Some(("Resources", 6)));
        assert_eq!(outline.key("kind"), None);
    }

    #[test]
    fn only_the_first_document_counts() {
        assert_eq!(Outline::new(TEXT).key("vars"), None);
    }

    #[test]
    fn entries_match_whole_tokens_within_their_key() {
        let outline = Outline::new(TEXT);
        let at = |fields: &[&str], entry: &str| outline.entry(fields, entry).map(|(_, l)| l);
        assert_eq!(at(&["resources", "bases"], "../../base/api"), Some(5));
        assert_eq!(at(&["resources", "bases"], "../../base/web"), Some(6));
        assert_eq!(at(&["patches"], "api/version.yaml"), Some(8));
        assert_eq!(at(&["patches"], "version.yaml"), Some(9));
        assert_eq!(at(&["configMapGenerator"], "api/flags.yaml"), Some(13));
        // Not in the block: the key's own line.
        assert_eq!(at(&["patches"], "missing.yaml"), Some(7));
        assert_eq!(at(&["components"], "x"), None);
    }

    #[test]
    fn odd_lines_are_not_keys() {
        for line in [
            "- a: b",
            "  a: b",
            "{a: b}",
            "url: http://x",
            "a:b",
            "# a: b",
            "x #: y",
        ] {
            let expected = (line == "url: http://x").then(|| "url".to_owned());
            assert_eq!(top_level_key(line), expected, "{line}");
        }
        assert_eq!(top_level_key("'quoted key' : v"), Some("quoted key".into()));
        assert_eq!(top_level_key("\"unterminated: v"), None);
    }
}
