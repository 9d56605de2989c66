//! One-line scalars: plain (block context) and quoted.

use super::super::super::scalar::{resolve, Tag};
use super::super::doc::{Node, Style};
use super::{unsupported, Result};

/// A plain scalar value from byte `col` to the end of its line (or to a
/// ` #` comment); returns the node and the byte where it ends.
pub(super) fn plain(text: &str, col: usize) -> Result<(Node, usize)> {
    let rest = &text[col..];
    let mut end = rest.len();
    if let Some(i) = rest.find(" #") {
        end = i;
    }
    let value = rest[..end].trim_end_matches(' ');
    if value.contains(": ") || value.ends_with(':') {
        return unsupported("a `: ` inside a plain value");
    }
    if value.contains('\t') {
        return unsupported("a tab in a plain scalar");
    }
    if value.starts_with([':', '-', '?']) && (value.len() == 1 || value[1..].starts_with(' ')) {
        return unsupported("an indicator starting a plain scalar");
    }
    let node = Node::scalar(resolve(value).0, Style::Plain, value);
    Ok((node, col + value.len()))
}

/// A plain mapping key at byte `col`: the node and the byte where the key
/// text ends (before the `:`), or `None` when no `: ` follows on the line.
pub(super) fn plain_key(text: &str, col: usize) -> Option<(Node, usize)> {
    let rest = &text[col..];
    let comment = rest.find(" #").unwrap_or(rest.len());
    let colon = rest[..comment]
        .match_indices(':')
        .map(|(i, _)| i)
        .find(|&i| rest[i + 1..].is_empty() || rest[i + 1..].starts_with(' '))?;
    let key = rest[..colon].trim_end_matches(' ');
    if key.is_empty() || key.contains('\t') {
        return None;
    }
    let node = Node::scalar(resolve(key).0, Style::Plain, key);
    Some((node, col + key.len()))
}

/// A single- or double-quoted scalar starting at byte `col` and closed on
/// the same line; returns the node and the byte after the closing quote.
pub(super) fn quoted(text: &str, col: usize) -> Result<(Node, usize)> {
    let rest = &text[col..];
    let (value, len, style) = if let Some(body) = rest.strip_prefix('\'') {
        let (value, len) = single(body)?;
        (value, len, Style::Single)
    } else {
        let (value, len) = double(&rest[1..])?;
        (value, len, Style::Double)
    };
    Ok((Node::scalar(Tag::Str, style, value), col + 1 + len))
}

/// The body of a single-quoted scalar (after the opening quote): its value
/// and the length including the closing quote.
fn single(body: &str) -> Result<(String, usize)> {
    let mut out = String::new();
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\'' {
            if chars.peek().map(|&(_, n)| n) == Some('\'') {
                chars.next();
                out.push('\'');
                continue;
            }
            return Ok((out, i + 1));
        }
        out.push(c);
    }
    unsupported("a quoted scalar over several lines")
}

/// The body of a double-quoted scalar (after the opening quote): its value
/// and the length including the closing quote.
fn double(body: &str) -> Result<(String, usize)> {
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((out, i + 1)),
            '\\' => {
                let Some((_, e)) = chars.next() else {
                    return unsupported("a quoted scalar over several lines");
                };
                let hex = match e {
                    'x' => 2,
                    'u' => 4,
                    'U' => 8,
                    _ => 0,
                };
                if hex > 0 {
                    let digits: String = chars.by_ref().take(hex).map(|(_, d)| d).collect();
                    let code = u32::from_str_radix(&digits, 16)
                        .ok()
                        .filter(|_| digits.len() == hex);
                    match code.and_then(char::from_u32) {
                        Some(ch) => out.push(ch),
                        None => return unsupported("an invalid escape"),
                    }
                    continue;
                }
                out.push(match e {
                    '0' => '\0',
                    'a' => '\u{7}',
                    'b' => '\u{8}',
                    't' | '\t' => '\t',
                    'n' => '\n',
                    'v' => '\u{b}',
                    'f' => '\u{c}',
                    'r' => '\r',
                    'e' => '\u{1b}',
                    ' ' => ' ',
                    '"' => '"',
                    '/' => '/',
                    '\\' => '\\',
                    'N' => '\u{85}',
                    '_' => '\u{a0}',
                    'L' => '\u{2028}',
                    'P' => '\u{2029}',
                    _ => return unsupported("an invalid escape"),
                });
            }
            other => out.push(other),
        }
    }
    unsupported("a quoted scalar over several lines")
}

/// A standard scalar tag (`!!int`) at byte `col`: the tag and the byte
/// where what it tags starts.
pub(super) fn tag(text: &str, col: usize) -> Result<(Tag, usize)> {
    let rest = &text[col..];
    let name_len = rest.find(' ').unwrap_or(rest.len());
    let tag = match &rest[..name_len] {
        "!!str" => Tag::Str,
        "!!int" => Tag::Int,
        "!!float" => Tag::Float,
        "!!bool" => Tag::Bool,
        "!!null" => Tag::Null,
        "!!timestamp" => Tag::Timestamp,
        _ => return unsupported("a tag other than the standard scalar ones"),
    };
    let after = &rest[name_len..];
    Ok((
        tag,
        col + name_len + after.len() - after.trim_start_matches(' ').len(),
    ))
}
