//! Splitting a stream into documents the way kustomize's reader does.
//!
//! kustomize (kyaml `ByteReader`) does not hand the whole stream to the YAML
//! parser: it replaces `\r\n` with `\n`, cuts the text at every line that
//! starts with `---` (regex `\n---.*\n`, so never the very first line), and
//! decodes only the *first* document of each piece. Consequences kubectl
//! shows, and this module reproduces:
//!
//! * `--- !tag` or `--- {a: 1}` on a later line is an error ("invalid
//!   document separator"), though plain YAML allows content after `---`;
//! * anything after a `...` end marker, up to the next `---` line, is
//!   ignored, even if it is not valid YAML.

use std::borrow::Cow;

use super::LoadError;

/// One piece of the stream, parsed on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Chunk<'a> {
    pub text: &'a str,
    /// Lines of the stream before this chunk (add to chunk-relative lines).
    pub line_offset: usize,
}

/// kustomize's line-ending normalisation; borrows when there is nothing to do.
pub(crate) fn normalize_newlines(src: &str) -> Cow<'_, str> {
    if src.contains("\r\n") {
        Cow::Owned(src.replace("\r\n", "\n"))
    } else {
        Cow::Borrowed(src)
    }
}

/// Cuts `src` (already normalised) at kustomize's document separators.
///
/// Each chunk but the last keeps the newline before its separator, as
/// kustomize re-appends it (it matters for a trailing literal block scalar).
pub(crate) fn split_documents(src: &str) -> Result<Vec<Chunk<'_>>, LoadError> {
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut start_line = 0;
    let mut search = 0;
    // Lines counted so far run up to byte `counted`.
    let mut counted = 0;
    let mut line = 0;
    while let Some(found) = src[search..].find("\n---") {
        let newline = search + found;
        let content_start = newline + 4;
        let Some(len) = src[content_start..].find('\n') else {
            break;
        };
        let separator_end = content_start + len;
        line += count_newlines(&src[counted..=newline]);
        counted = newline + 1;
        check_separator(&src[content_start..separator_end], line)?;
        chunks.push(Chunk {
            text: &src[start..=newline],
            line_offset: start_line,
        });
        start = separator_end + 1;
        start_line = line + 1;
        search = start;
    }
    chunks.push(Chunk {
        text: &src[start..],
        line_offset: start_line,
    });
    Ok(chunks)
}

/// Only whitespace or a comment may follow `---` on a separator line.
/// `line` is the 0-based line of the separator.
fn check_separator(rest: &str, line: usize) -> Result<(), LoadError> {
    let trimmed = rest.trim();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return Ok(());
    }
    Err(LoadError {
        message: format!("invalid document separator: ---{}", rest.trim_end()),
        line: line + 1,
        column: 1,
    })
}

fn count_newlines(s: &str) -> usize {
    s.bytes().filter(|&b| b == b'\n').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<(&str, usize)> {
        split_documents(src)
            .unwrap()
            .into_iter()
            .map(|c| (c.text, c.line_offset))
            .collect()
    }

    #[test]
    fn splits_on_separator_lines_only() {
        assert_eq!(texts("a: 1\n"), vec![("a: 1\n", 0)]);
        assert_eq!(
            texts("a: 1\n---\nb: 2\n"),
            vec![("a: 1\n", 0), ("b: 2\n", 2)]
        );
        assert_eq!(
            texts("---\na: 1\n--- # c\nb: 2"),
            vec![("---\na: 1\n", 0), ("b: 2", 3)]
        );
        // A separator needs a newline after it.
        assert_eq!(texts("a: 1\n---"), vec![("a: 1\n---", 0)]);
    }

    #[test]
    fn adjacent_separators_do_not_overlap() {
        assert_eq!(texts("a\n---\n---\nb\n"), vec![("a\n", 0), ("---\nb\n", 2)]);
    }

    #[test]
    fn content_after_a_separator_is_an_error() {
        let err = split_documents("a: 1\n--- !!map\nb: 2\n").unwrap_err();
        assert_eq!(err.message, "invalid document separator: --- !!map");
        assert_eq!((err.line, err.column), (2, 1));
        assert!(split_documents("a\n----\nb\n").is_err());
        assert!(split_documents("--- {a: 1}\n").is_ok());
    }

    #[test]
    fn crlf_is_normalised() {
        assert_eq!(normalize_newlines("a\r\nb\r"), "a\nb\r");
        assert!(matches!(normalize_newlines("a\nb"), Cow::Borrowed(_)));
    }
}
