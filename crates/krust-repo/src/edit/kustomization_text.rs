//! Edits of a kustomization's text that leave every other byte alone.

use crate::error::{Error, ErrorKind};

/// Adds `- path: <entry>` items to the top-level `patches:` block sequence
/// of a kustomization's text, after its last item and in its indentation and
/// dash style, leaving every other byte alone; without a `patches:` key the
/// list is appended at the end. A flow-style (`patches: [...]`) or scalar
/// value is refused: rewriting it would lose its layout.
pub fn add_patch_entries(text: &str, entries: &[String]) -> Result<String, Error> {
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let content = |line: &str| line.trim_end_matches(['\n', '\r']).to_owned();
    let Some(key) = lines.iter().position(|l| is_top_level_key(l, "patches")) else {
        let mut out = text.to_owned();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push_str(newline);
        }
        out.push_str("patches:");
        out.push_str(newline);
        for entry in entries {
            out.push_str(&format!("- path: {}{newline}", yaml_scalar(entry)));
        }
        return Ok(out);
    };
    let rest = strip_comment(&content(lines[key])["patches:".len()..])
        .trim()
        .to_owned();
    if !rest.is_empty() {
        return Err(Error::new(ErrorKind::Kustomization, format!(
            "`patches: {rest}` is not a block list; write it as `patches:` followed by `- path: ...` lines, then promote again"
        )));
    }
    // The sequence runs until the next line at column 0 that is neither a
    // comment nor an item of a sequence written at column 0.
    let mut last_content = key;
    let mut prefix: Option<String> = None;
    for (i, line) in lines.iter().enumerate().skip(key + 1) {
        let line = content(line);
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        let is_item = trimmed == "-" || trimmed.starts_with("- ") || trimmed.starts_with("-\t");
        if indent == 0 && !is_item {
            break;
        }
        if prefix.is_none() {
            if !is_item {
                return Err(Error::new(
                    ErrorKind::Kustomization,
                    "`patches:` is not followed by a list of `- ` items",
                ));
            }
            let after_dash = &trimmed[1..];
            let gap = &after_dash[..after_dash.len() - after_dash.trim_start().len()];
            let gap = if gap.is_empty() || after_dash.trim().is_empty() {
                " "
            } else {
                gap
            };
            prefix = Some(format!("{}-{gap}", &line[..indent]));
        }
        last_content = i;
    }
    let prefix = prefix.unwrap_or_else(|| "- ".into());
    let mut out = String::with_capacity(text.len() + entries.len() * 32);
    for (i, line) in lines.iter().enumerate() {
        out.push_str(line);
        if i == last_content {
            if !line.ends_with('\n') {
                out.push_str(newline);
            }
            for entry in entries {
                out.push_str(&format!("{prefix}path: {}{newline}", yaml_scalar(entry)));
            }
        }
    }
    Ok(out)
}

/// Removes the items of the top-level `patches:` block sequence whose `path`
/// is `entry` (`./entry` too), each with the lines that belong to it, and the
/// `patches:` key itself when no item is left; every other byte stays.
/// Finding no such item is an error: the caller expected one.
pub fn remove_patch_entry(text: &str, entry: &str) -> Result<String, Error> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let content = |line: &str| line.trim_end_matches(['\n', '\r']).to_owned();
    let key = lines
        .iter()
        .position(|l| is_top_level_key(l, "patches"))
        .ok_or_else(|| {
            Error::new(
                ErrorKind::Kustomization,
                format!("no `patches:` list names `{entry}`"),
            )
        })?;
    // Items of the list: (first line, indentation of the dash).
    let mut items: Vec<(usize, usize)> = Vec::new();
    let mut end = lines.len();
    for (i, line) in lines.iter().enumerate().skip(key + 1) {
        let line = content(line);
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        let is_item = trimmed == "-" || trimmed.starts_with("- ") || trimmed.starts_with("-\t");
        if indent == 0 && !is_item {
            end = i;
            break;
        }
        if is_item && items.first().is_none_or(|(_, dash)| *dash == indent) {
            items.push((i, indent));
        }
    }
    let wanted = |value: &str| {
        let value = strip_comment(value).trim().trim_matches(['"', '\'']);
        value == entry || value.strip_prefix("./") == Some(entry)
    };
    let mut drop = vec![false; lines.len()];
    let mut found = 0;
    for (n, &(start, _)) in items.iter().enumerate() {
        let stop = items.get(n + 1).map_or(end, |(next, _)| *next);
        // The item's `path:` line: on the dash line or among its own lines.
        let names_entry = (start..stop).any(|i| {
            let line = content(lines[i]);
            let body = line.trim_start().trim_start_matches('-').trim_start();
            body.strip_prefix("path:").is_some_and(wanted)
        });
        if names_entry {
            found += 1;
            // Trailing blank and comment lines stay with what follows.
            let mut last = stop;
            while last > start + 1 && {
                let line = content(lines[last - 1]);
                let t = line.trim_start();
                t.is_empty() || t.starts_with('#')
            } {
                last -= 1;
            }
            drop[start..last].iter_mut().for_each(|d| *d = true);
        }
    }
    if found == 0 {
        return Err(Error::new(
            ErrorKind::Kustomization,
            format!("no `patches:` item has `path: {entry}`"),
        ));
    }
    if found == items.len() {
        drop[key] = true;
    }
    Ok(lines
        .iter()
        .zip(drop)
        .filter(|(_, d)| !d)
        .map(|(l, _)| *l)
        .collect())
}

/// Whether `line` is the mapping key `key` at column 0 (plain or quoted).
fn is_top_level_key(line: &str, key: &str) -> bool {
    [key.to_owned(), format!("\"{key}\""), format!("'{key}'")]
        .iter()
        .any(|k| {
            line.strip_prefix(k.as_str())
                .and_then(|rest| rest.strip_prefix(':'))
                .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\n', '\r']))
        })
}

/// The part of a line before a ` #` comment (good enough for the value of a
/// key, which is all it is used on).
fn strip_comment(value: &str) -> &str {
    match value.find(" #").or_else(|| value.find("\t#")) {
        Some(at) => &value[..at],
        None if value.trim_start().starts_with('#') => "",
        None => value,
    }
}

/// `entry` as a YAML scalar: plain when it is made of path characters,
/// double-quoted otherwise, so an odd file name never breaks the file.
fn yaml_scalar(entry: &str) -> String {
    let plain = !entry.is_empty()
        && !entry.starts_with(['-', '.', '/'])
        && entry
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/'));
    if plain {
        entry.to_owned()
    } else {
        let escaped = entry.replace('\\', "\\\\").replace('"', "\\\"");
        format!("\"{escaped}\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add(text: &str, entries: &[&str]) -> Result<String, Error> {
        let entries: Vec<String> = entries.iter().map(|e| (*e).to_owned()).collect();
        add_patch_entries(text, &entries)
    }

    #[test]
    fn entry_appended_to_list_at_indent_zero() {
        let text = "resources:\n- ../../base/api\npatches:\n- path: api/replicas.yaml\n  target:\n    kind: Deployment\nreplicas: []\n";
        assert_eq!(
            add(text, &["api/version.yaml"]).unwrap(),
            "resources:\n- ../../base/api\npatches:\n- path: api/replicas.yaml\n  target:\n    kind: Deployment\n- path: api/version.yaml\nreplicas: []\n"
        );
    }

    #[test]
    fn entry_appended_to_list_at_indent_two_keeping_comments() {
        let text = "# the overlay\npatches:\n  # first\n  - path: a/x.yaml\n\n  -   path: b/y.yaml # why\n# next section\nnamespace: prod\n";
        assert_eq!(
            add(text, &["api/version.yaml", "api/replicas.yaml"]).unwrap(),
            "# the overlay\npatches:\n  # first\n  - path: a/x.yaml\n\n  -   path: b/y.yaml # why\n  - path: api/version.yaml\n  - path: api/replicas.yaml\n# next section\nnamespace: prod\n"
        );
    }

    #[test]
    fn dash_gap_of_first_item_is_kept() {
        let text = "patches:\n  -   path: a.yaml\n";
        assert_eq!(
            add(text, &["b/c.yaml"]).unwrap(),
            "patches:\n  -   path: a.yaml\n  -   path: b/c.yaml\n"
        );
    }

    #[test]
    fn list_at_end_without_trailing_newline() {
        assert_eq!(
            add("patches:\n- path: a.yaml", &["b/c.yaml"]).unwrap(),
            "patches:\n- path: a.yaml\n- path: b/c.yaml\n"
        );
    }

    #[test]
    fn missing_patches_key_appends_a_list() {
        assert_eq!(
            add(
                "namespace: prod\nresources: [../../base/api]",
                &["api/version.yaml"]
            )
            .unwrap(),
            "namespace: prod\nresources: [../../base/api]\npatches:\n- path: api/version.yaml\n"
        );
        assert_eq!(
            add("namespace: prod\n", &["api/version.yaml"]).unwrap(),
            "namespace: prod\npatches:\n- path: api/version.yaml\n"
        );
    }

    #[test]
    fn nested_patches_key_is_not_the_top_level_one() {
        let text = "components:\n- x\nhelm:\n  patches:\n  - path: n.yaml\n";
        assert_eq!(
            add(text, &["a/b.yaml"]).unwrap(),
            format!("{text}patches:\n- path: a/b.yaml\n")
        );
    }

    #[test]
    fn empty_patches_key_gets_the_entry_under_it() {
        assert_eq!(
            add("patches:\nnamespace: x\n", &["a/b.yaml"]).unwrap(),
            "patches:\n- path: a/b.yaml\nnamespace: x\n"
        );
    }

    #[test]
    fn flow_style_and_scalar_patches_are_refused() {
        let err = add("patches: [{path: a.yaml}]\n", &["b.yaml"]).unwrap_err();
        assert!(err.message().contains("not a block list"), "{err}");
        assert!(add("patches: []  # none yet\n", &["b.yaml"]).is_err());
        assert!(add("patches: null\n", &["b.yaml"]).is_err());
    }

    #[test]
    fn crlf_files_stay_crlf() {
        assert_eq!(
            add(
                "patches:\r\n- path: a.yaml\r\nnamespace: x\r\n",
                &["b/c.yaml"]
            )
            .unwrap(),
            "patches:\r\n- path: a.yaml\r\n- path: b/c.yaml\r\nnamespace: x\r\n"
        );
    }

    #[test]
    fn odd_file_names_are_quoted() {
        assert_eq!(yaml_scalar("api/version.yaml"), "api/version.yaml");
        assert_eq!(yaml_scalar("api/a #b.yaml"), "\"api/a #b.yaml\"");
        assert_eq!(yaml_scalar("x/\"q\".yaml"), "\"x/\\\"q\\\".yaml\"");
    }

    #[test]
    fn removing_an_entry_keeps_every_other_byte() {
        let text = "resources: [../../base/web]\npatches:\n  # versions\n  - path: web/version.yaml\n  - path: web/history.yaml\n  - path: ./web/other.yaml\n    target:\n      kind: Deployment\nimages: []\n";
        assert_eq!(
            remove_patch_entry(text, "web/history.yaml").unwrap(),
            "resources: [../../base/web]\npatches:\n  # versions\n  - path: web/version.yaml\n  - path: ./web/other.yaml\n    target:\n      kind: Deployment\nimages: []\n"
        );
        assert_eq!(
            remove_patch_entry(text, "web/other.yaml").unwrap(),
            "resources: [../../base/web]\npatches:\n  # versions\n  - path: web/version.yaml\n  - path: web/history.yaml\nimages: []\n"
        );
    }

    #[test]
    fn removing_the_last_entry_removes_the_key() {
        let text = "namespace: dev\npatches:\n- path: web/history.yaml\n";
        assert_eq!(
            remove_patch_entry(text, "web/history.yaml").unwrap(),
            "namespace: dev\n"
        );
        let text = "patches:\n- target: {kind: Deployment}\n  path: \"web/history.yaml\" # shared\nnamespace: dev\n";
        assert_eq!(
            remove_patch_entry(text, "web/history.yaml").unwrap(),
            "namespace: dev\n"
        );
    }

    #[test]
    fn removing_what_is_not_listed_is_an_error() {
        assert!(remove_patch_entry("namespace: dev\n", "a.yaml").is_err());
        assert!(remove_patch_entry("patches:\n- path: b.yaml\n", "a.yaml").is_err());
    }
}
