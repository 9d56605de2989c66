//! Where kustomize's scanner (go-yaml v3, a port of libyaml) and saphyr
//! disagree on what is valid, each case checked with `kubectl kustomize`.
//!
//! go-yaml is stricter about tabs between tokens in block context and about
//! anchor names; saphyr is stricter about a few tabs go-yaml accepts. The
//! first kind is checked here on the text between parser events; the second
//! is handled by replacing the offending tabs with spaces and parsing again
//! (the tabs are separation whitespace there, so no value changes, and every
//! position stays the same).

/// A problem at a character offset within a checked piece of text.
#[derive(Debug, PartialEq)]
pub(crate) struct Found {
    /// Byte offset within the text given to the check.
    pub offset: usize,
    pub message: &'static str,
}

/// Checks the text between two tokens in block context, as go-yaml scans
/// it: a tab in a line's leading whitespace (even on a blank or comment-only
/// line) is an error, and so is a tab right after a `-` or `?` indicator or
/// after the `:` of an explicit key (a simple key's `:` may take a tab).
/// `at_line_start` says whether `gap` begins at the start of a line.
pub(crate) fn check_block_gap(gap: &str, at_line_start: bool) -> Result<(), Found> {
    let bytes = gap.as_bytes();
    let mut line_start = at_line_start;
    let mut in_comment = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\n' => {
                line_start = true;
                in_comment = false;
                continue;
            }
            b'\t' if line_start && !in_comment => {
                return Err(Found {
                    offset: i,
                    message: "found a tab character that violates indentation",
                });
            }
            b' ' | b'\t' | b'\r' => continue,
            b'#' => in_comment = true,
            // After `-`, `?`, or a `:` that starts its line (the value of an
            // explicit `?` key), go-yaml allows a new simple key and so no tab.
            b'-' | b'?' | b':' if !in_comment && (b != b':' || line_start) => {
                let mut blanks = bytes[i + 1..]
                    .iter()
                    .take_while(|&&c| c == b' ' || c == b'\t');
                if let Some(tab) = blanks.position(|&c| c == b'\t') {
                    return Err(Found {
                        offset: i + 1 + tab,
                        message: "found character that cannot start any token",
                    });
                }
            }
            _ => {}
        }
        line_start = false;
    }
    Ok(())
}

/// Whether the text between two tokens holds a `?` key indicator (outside
/// comments).
pub(crate) fn has_key_indicator(gap: &str) -> bool {
    gap.lines().any(|line| {
        let code = line.split('#').next().unwrap_or("");
        code.contains('?')
    })
}

/// go-yaml's anchor and alias names: ASCII letters, digits, `_` and `-`.
/// `written` is the node's text from its first character (`&name ...`,
/// `!tag &name ...` or `*name`); returns the problem, if any.
pub(crate) fn check_anchor_name(written: &str) -> Result<(), &'static str> {
    let after_tag = if written.starts_with('!') {
        written
            .trim_start_matches(|c: char| !c.is_whitespace())
            .trim_start()
    } else {
        written
    };
    let Some(rest) = after_tag
        .strip_prefix('&')
        .or_else(|| after_tag.strip_prefix('*'))
    else {
        return Ok(());
    };
    // saphyr's name runs to whitespace or a flow indicator.
    let end = rest
        .find(|c: char| c.is_whitespace() || matches!(c, ',' | '[' | ']' | '{' | '}'))
        .unwrap_or(rest.len());
    let (name, next) = rest.split_at(end);
    let valid_name = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    // go-yaml also wants the name followed by a blank, a break, the end or
    // one of `?:,]}%@` and a backquote.
    let valid_end = next.chars().next().is_none_or(|c| {
        c.is_whitespace() || matches!(c, '?' | ':' | ',' | ']' | '}' | '%' | '@' | '`')
    });
    if valid_name && valid_end {
        Ok(())
    } else {
        Err("did not find expected alphabetic or numeric character")
    }
}

/// The saphyr errors that go-yaml does not raise: tabs used as separation
/// (after a simple key's `:`, as indentation inside a flow collection or of
/// a quoted scalar's continuation line), and continuation lines of flow
/// collections and quoted scalars indented less than their block parent
/// (YAML 1.2 requires more; go-yaml does not check). Returns the text with
/// those tabs made spaces, or spaces added in front of those lines, when
/// `message` is one of them. Only separation whitespace changes, so values
/// stay the same; columns on a lengthened line shift. `flow_start_col` is
/// the column where the outermost open flow collection starts, if any.
pub(crate) fn patch_false_rejection(
    text: &str,
    message: &str,
    char_index: usize,
    flow_start_col: Option<usize>,
) -> Option<String> {
    let byte = text
        .char_indices()
        .nth(char_index)
        .map_or(text.len(), |(b, _)| b);
    // A lone `\r` (`\r\n` is already `\n`) breaks lines for both parsers.
    let line_start = text[..byte].rfind(['\n', '\r']).map_or(0, |p| p + 1);
    match message {
        // The error points just past the whitespace after the `:`; go-yaml
        // agrees with saphyr when that `:` starts its line (explicit key).
        "':' must be followed by a valid YAML whitespace" => {
            let start = text[..byte].trim_end_matches([' ', '\t']).len();
            let colon_starts_line = text[line_start..start]
                .strip_suffix(':')
                .is_some_and(|before| before.trim().is_empty());
            (!colon_starts_line)
                .then(|| detab(text, start..byte))
                .flatten()
        }
        "tabs disallowed within this context (block indentation)" if flow_start_col.is_some() => {
            detab(text, line_start..leading_blank_end(text, line_start))
        }
        "tab cannot be used as indentation" => {
            detab(text, line_start..leading_blank_end(text, line_start))
        }
        "invalid indentation" => {
            let required = flow_start_col? + 1;
            indent_lines(text, &[line_start], required)
        }
        // go-yaml also knows `\'`; spell it `\x27` for saphyr. The error
        // points at the opening quote.
        "while parsing a quoted scalar, found unknown escape character" => {
            replace_quote_escapes(text, byte)
        }
        // The error points at the opening quote.
        "invalid indentation in quoted scalar" => {
            let quote_col = text[line_start..byte].chars().count();
            let lines = quoted_continuation_lines(text, byte)?;
            indent_lines(text, &lines, quote_col + 1)
        }
        _ => None,
    }
}

/// `text` with the tabs in `range` made spaces, if there are any.
fn detab(text: &str, range: std::ops::Range<usize>) -> Option<String> {
    if !text[range.clone()].contains('\t') {
        return None;
    }
    let mut patched = String::with_capacity(text.len());
    patched.push_str(&text[..range.start]);
    patched.push_str(&text[range.clone()].replace('\t', " "));
    patched.push_str(&text[range.end..]);
    Some(patched)
}

/// `text` with spaces added at each of `line_starts` (byte offsets, in
/// order) whose leading blanks are narrower than `required` columns.
fn indent_lines(text: &str, line_starts: &[usize], required: usize) -> Option<String> {
    let mut patched = String::with_capacity(text.len() + line_starts.len() * required);
    let mut copied = 0;
    for &start in line_starts {
        let width = leading_blank_end(text, start) - start;
        if width < required {
            patched.push_str(&text[copied..start]);
            patched.extend(std::iter::repeat_n(' ', required - width));
            copied = start;
        }
    }
    if copied == 0 {
        return None;
    }
    patched.push_str(&text[copied..]);
    Some(patched)
}

/// `text` with each `\'` escape in the double-quoted scalar opening at
/// byte `open` written as `\x27`, if it has any.
fn replace_quote_escapes(text: &str, open: usize) -> Option<String> {
    let bytes = text.as_bytes();
    if bytes.get(open) != Some(&b'"') {
        return None;
    }
    let mut escapes = Vec::new();
    let mut i = open + 1;
    while i < bytes.len() && bytes[i] != b'"' {
        if bytes[i] == b'\\' {
            if bytes.get(i + 1) == Some(&b'\'') {
                escapes.push(i);
            }
            i += 1;
        }
        i += 1;
    }
    if escapes.is_empty() {
        return None;
    }
    let mut patched = String::with_capacity(text.len() + 2 * escapes.len());
    let mut copied = 0;
    for at in escapes {
        patched.push_str(&text[copied..at]);
        patched.push_str("\\x27");
        copied = at + 2;
    }
    patched.push_str(&text[copied..]);
    Some(patched)
}

/// go-yaml rejects the `\/` escape that saphyr (and YAML 1.2) accept.
/// `written` is a double-quoted scalar's source text.
pub(crate) fn check_escapes(written: &str) -> Result<(), usize> {
    let bytes = written.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            if bytes.get(i + 1) == Some(&b'/') {
                return Err(i);
            }
            i += 1;
        }
        i += 1;
    }
    Ok(())
}

/// The starts of the lines after the first of the quoted scalar opening at
/// byte `open` (`'` doubles itself to escape, `"` escapes with `\`).
fn quoted_continuation_lines(text: &str, open: usize) -> Option<Vec<usize>> {
    let bytes = text.as_bytes();
    let quote = *bytes.get(open).filter(|b| matches!(b, b'"' | b'\''))?;
    let mut lines = Vec::new();
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 1,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 1,
            b if b == quote => return Some(lines),
            b'\n' | b'\r' => lines.push(i + 1),
            _ => {}
        }
        i += 1;
    }
    Some(lines)
}

fn leading_blank_end(text: &str, line_start: usize) -> usize {
    text[line_start..]
        .find(|c: char| c != ' ' && c != '\t')
        .map_or(text.len(), |p| line_start + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_in_block_indentation_are_errors() {
        assert!(check_block_gap("\n  \t\n  ", false).is_err());
        assert!(check_block_gap("\t# comment\n", true).is_err());
        assert!(check_block_gap("\n\t", false).is_err());
        assert_eq!(
            check_block_gap("-\t", false),
            Err(Found {
                offset: 1,
                message: "found character that cannot start any token"
            })
        );
    }

    #[test]
    fn other_tabs_in_gaps_are_fine() {
        assert!(check_block_gap(":\t", false).is_ok());
        assert!(check_block_gap("\n  :\t", false).is_err());
        assert!(check_block_gap("?\t", false).is_err());
        assert!(check_block_gap("- \t", false).is_err());
        assert!(check_block_gap("\t# after a value\n  ", false).is_ok());
        assert!(check_block_gap(" # a -\tb\n  ", false).is_ok());
        assert!(check_block_gap("\n  ", true).is_ok());
    }

    #[test]
    fn key_indicators() {
        assert!(has_key_indicator("? \n  "));
        assert!(has_key_indicator("\n  ? # c\n"));
        assert!(!has_key_indicator("\n  # why?\n  "));
        assert!(!has_key_indicator(":\n  "));
    }

    #[test]
    fn anchor_names() {
        for ok in ["&a-b_1 v", "*x", "&x", "!!str &x v", "&x,", "&x\n  a: 1"] {
            assert_eq!(check_anchor_name(ok), Ok(()), "{ok}");
        }
        for bad in [
            "&a.b v",
            "&é v",
            "*x!",
            "&x[",
            "!foo &a/b v",
            "& v",
            "&x: v",
        ] {
            assert!(check_anchor_name(bad).is_err(), "{bad}");
        }
        assert_eq!(check_anchor_name("plain"), Ok(()));
    }

    #[test]
    fn patches_only_the_known_false_rejections() {
        let text = "k:\t-1\n";
        assert_eq!(
            patch_false_rejection(
                text,
                "':' must be followed by a valid YAML whitespace",
                3,
                None
            )
            .as_deref(),
            Some("k: -1\n")
        );
        let explicit = "? k\n:\t-1\n";
        let message = "':' must be followed by a valid YAML whitespace";
        assert_eq!(patch_false_rejection(explicit, message, 7, None), None);
        let text = "k: {\n\ta: 1}\n";
        let message = "tabs disallowed within this context (block indentation)";
        assert_eq!(
            patch_false_rejection(text, message, 6, Some(3)).as_deref(),
            Some("k: {\n a: 1}\n")
        );
        assert_eq!(patch_false_rejection(text, message, 6, None), None);
        let text = "k: 'a\n\tb'\n";
        let message = "tab cannot be used as indentation";
        assert_eq!(
            patch_false_rejection(text, message, 6, None).as_deref(),
            Some("k: 'a\n b'\n")
        );
        assert_eq!(
            patch_false_rejection(text, "something else", 6, Some(0)),
            None
        );
    }

    #[test]
    fn escapes() {
        let message = "while parsing a quoted scalar, found unknown escape character";
        assert_eq!(
            patch_false_rejection("k: \"a\\'b\\\\'\"\n", message, 3, None).as_deref(),
            Some("k: \"a\\x27b\\\\'\"\n")
        );
        assert_eq!(
            patch_false_rejection("k: \"a\\qb\"\n", message, 3, None),
            None
        );
        assert_eq!(check_escapes("\"a\\/b\""), Err(2));
        assert_eq!(check_escapes("\"a\\\\/b\""), Ok(()));
        assert_eq!(check_escapes("\"a/b\""), Ok(()));
    }

    #[test]
    fn under_indented_continuations_are_indented() {
        let text = "k: 'a\nb ''c''\n d'\nj: 1\n";
        let message = "invalid indentation in quoted scalar";
        assert_eq!(
            patch_false_rejection(text, message, 3, None).as_deref(),
            Some("k: 'a\n    b ''c''\n    d'\nj: 1\n")
        );
        let text = "k: [a,\nb]\n";
        assert_eq!(
            patch_false_rejection(text, "invalid indentation", 7, Some(3)).as_deref(),
            Some("k: [a,\n    b]\n")
        );
        assert_eq!(
            patch_false_rejection(text, "invalid indentation", 7, None),
            None
        );
    }
}
