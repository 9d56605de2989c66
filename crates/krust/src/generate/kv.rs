//! Key/value pairs from literals, env files and files (kustomize's `api/kv`).

use crate::error::{Error, Result};
use crate::loader::Loader;

use super::GeneratorArgs;

/// One key and its value's bytes (file contents need not be UTF-8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pair {
    pub key: String,
    pub value: Vec<u8>,
}

/// kustomize's `Load`: pairs from env files, then literals, then files, each
/// failure wrapped with the list it came from (Go's `%v` of a `[]string`).
pub(crate) fn load_pairs(loader: &Loader, args: &GeneratorArgs) -> Result<Vec<Pair>> {
    let mut all = Vec::new();
    for path in &args.envs {
        let wrap = |e: Error| prefixed(e, &format!("env source files: {}: ", go_list(&args.envs)));
        let (file, bytes) = loader.load(path).map_err(wrap)?;
        let pairs = env_pairs(&bytes).map_err(|m| wrap(Error::invalid(&file, m)))?;
        all.extend(pairs);
    }
    for source in &args.literals {
        let (key, value) = parse_literal(source).map_err(|m| {
            Error::setting(format!("literal sources {}: {m}", go_list(&args.literals)))
        })?;
        all.push(Pair {
            key,
            value: value.into_bytes(),
        });
    }
    for source in &args.files {
        let wrap = |e: Error| prefixed(e, &format!("file sources: {}: ", go_list(&args.files)));
        let (key, path) = parse_file_source(source).map_err(|m| wrap(Error::setting(m)))?;
        let (_, bytes) = loader.load(&path).map_err(wrap)?;
        all.push(Pair { key, value: bytes });
    }
    Ok(all)
}

fn prefixed(e: Error, prefix: &str) -> Error {
    e.reworded(|m| format!("{prefix}{m}"))
}

/// Go's `fmt` `%v` of a `[]string`: `[a b c]`.
pub(crate) fn go_list(items: &[String]) -> String {
    format!("[{}]", items.join(" "))
}

/// kustomize's `parseLiteralSource`: `key=value` split at the first `=`, with
/// one pair of matching surrounding quotes removed from the value.
pub(crate) fn parse_literal(source: &str) -> Result<(String, String), String> {
    match source.split_once('=') {
        Some((key, value)) if !key.is_empty() => {
            Ok((key.to_owned(), remove_quotes(value).to_owned()))
        }
        _ => Err(format!(
            "invalid literal source {source}, expected key=value"
        )),
    }
}

fn remove_quotes(s: &str) -> &str {
    let b = s.as_bytes();
    if b.len() >= 2 && b[0] == b[b.len() - 1] && (b[0] == b'"' || b[0] == b'\'') {
        &s[1..s.len() - 1]
    } else {
        s
    }
}

/// kustomize's `ParseFileSource`: `path` (key: the path's base name) or
/// `key=path`.
pub(crate) fn parse_file_source(source: &str) -> Result<(String, String), String> {
    match source.matches('=').count() {
        0 => Ok((go_path_base(source), source.to_owned())),
        1 if source.starts_with('=') => Err(format!(
            "missing key name for file path \"{}\" in source \"{source}\"",
            &source[1..]
        )),
        1 if source.ends_with('=') => Err(format!(
            "missing file path for key name \"{}\" in source \"{source}\"",
            &source[..source.len() - 1]
        )),
        1 => {
            let (key, path) = source.split_once('=').unwrap_or_default();
            Ok((key.to_owned(), path.to_owned()))
        }
        _ => Err(format!(
            "source \"{source}\" key name or file path contains '='"
        )),
    }
}

/// Go's `path.Base`.
fn go_path_base(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".into();
    }
    match trimmed.rfind('/') {
        Some(i) => trimmed[i + 1..].to_owned(),
        None => trimmed.to_owned(),
    }
}

/// The longest line `bufio.Scanner` accepts (its default `MaxScanTokenSize`
/// buffer must hold the line and its newline).
const MAX_LINE: usize = 64 * 1024 - 1;

/// kustomize's `keyValuesFromLines`: one `KEY=value` per line. Lines are
/// split as `bufio.ScanLines` does (a `\r` before the newline dropped); a
/// UTF-8 byte-order mark is dropped from the first line; leading white space
/// is trimmed, trailing is kept; empty lines and `#` comments are skipped;
/// a line without `=` gives an empty value; quotes are kept; a line with an
/// empty key is skipped. A line too long for Go's scanner silently ends the
/// file (kustomize ignores the scanner's error).
pub(crate) fn env_pairs(content: &[u8]) -> Result<Vec<Pair>, String> {
    let mut pairs = Vec::new();
    let mut rest = content;
    let mut index = 0usize;
    while !rest.is_empty() {
        let (mut line, next) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        if line.len() > MAX_LINE {
            break;
        }
        rest = next;
        if let Some(stripped) = line.strip_suffix(b"\r") {
            line = stripped;
        }
        let text = std::str::from_utf8(line).map_err(|_| {
            let bytes: Vec<String> = line.iter().map(u8::to_string).collect();
            format!(
                "line [{}] has invalid utf8 bytes : {}",
                bytes.join(" "),
                String::from_utf8_lossy(line)
            )
        })?;
        let text = if index == 0 {
            text.strip_prefix('\u{feff}').unwrap_or(text)
        } else {
            text
        };
        index += 1;
        let text = text.trim_start_matches(char::is_whitespace);
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        let (key, value) = text.split_once('=').unwrap_or((text, ""));
        if key.is_empty() {
            continue;
        }
        pairs.push(Pair {
            key: key.to_owned(),
            value: value.as_bytes().to_vec(),
        });
    }
    Ok(pairs)
}

/// kyaml's `encodeBase64`: standard base64; once the encoding reaches 70
/// characters it is cut into 70-character lines, each ended by a newline.
pub(crate) fn encode_base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut enc = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                enc.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                enc.push('=');
            }
        }
    }
    const LINE: usize = 70;
    if enc.len() < LINE {
        return enc;
    }
    let mut out = String::with_capacity(enc.len() + enc.len() / LINE + 1);
    for line in enc.as_bytes().chunks(LINE) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(content: &[u8]) -> Vec<(String, String)> {
        env_pairs(content)
            .unwrap()
            .into_iter()
            .map(|p| (p.key, String::from_utf8(p.value).unwrap()))
            .collect()
    }

    fn kv(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn literals() {
        let ok = |s: &str| parse_literal(s).unwrap();
        assert_eq!(ok("a=b"), ("a".into(), "b".into()));
        assert_eq!(ok("c='quoted'"), ("c".into(), "quoted".into()));
        assert_eq!(ok("d=\"dq\""), ("d".into(), "dq".into()));
        assert_eq!(ok("e="), ("e".into(), "".into()));
        assert_eq!(ok("f=\"mis'"), ("f".into(), "\"mis'".into()));
        assert_eq!(ok("g='"), ("g".into(), "'".into()));
        assert_eq!(ok("h=a=b"), ("h".into(), "a=b".into()));
        assert_eq!(ok(" a b =  c "), (" a b ".into(), "  c ".into()));
        assert_eq!(ok("weird key!=x"), ("weird key!".into(), "x".into()));
        assert_eq!(
            parse_literal("=x").unwrap_err(),
            "invalid literal source =x, expected key=value"
        );
        assert_eq!(
            parse_literal("nox").unwrap_err(),
            "invalid literal source nox, expected key=value"
        );
        assert!(parse_literal("").is_err());
    }

    #[test]
    fn file_sources() {
        let ok = |s: &str| parse_file_source(s).unwrap();
        assert_eq!(ok("text.txt"), ("text.txt".into(), "text.txt".into()));
        assert_eq!(ok("a/b/c.txt"), ("c.txt".into(), "a/b/c.txt".into()));
        assert_eq!(ok("dir/"), ("dir".into(), "dir/".into()));
        assert_eq!(ok("k2=text.txt"), ("k2".into(), "text.txt".into()));
        let err = |s: &str| parse_file_source(s).unwrap_err();
        assert_eq!(
            err("=x"),
            "missing key name for file path \"x\" in source \"=x\""
        );
        assert_eq!(
            err("k="),
            "missing file path for key name \"k\" in source \"k=\""
        );
        assert_eq!(
            err("a=b=c"),
            "source \"a=b=c\" key name or file path contains '='"
        );
    }

    /// The env file kubectl rendered as KEY1..KEY5, `export X`.
    #[test]
    fn env_files() {
        let content =
            b"\xef\xbb\xbf# comment\n\n  KEY1=val1  \nexport X=1\nKEY2=\"quoted\"\nKEY3\n\tKEY4=a=b\r\nKEY5=\n=skipped\n";
        assert_eq!(
            env(content),
            kv(&[
                ("KEY1", "val1  "),
                ("export X", "1"),
                ("KEY2", "\"quoted\""),
                ("KEY3", ""),
                ("KEY4", "a=b"),
                ("KEY5", ""),
            ])
        );
        // Only one `\r` before a newline goes; a lone `\r` stays.
        assert_eq!(
            env(b"A=1\r\r\nB=2\rC=3\r\n\r\nD=4\r"),
            kv(&[("A", "1\r"), ("B", "2\rC=3"), ("D", "4")])
        );
        // Unicode white space is trimmed on the left.
        assert_eq!(
            env("\u{a0}\u{2003}X=1\n\u{b}\u{c}Y=2 \n #c\n\u{85}Z=3\n".as_bytes()),
            kv(&[("X", "1"), ("Y", "2 "), ("Z", "3")])
        );
        // The BOM is dropped from the first line only.
        assert_eq!(
            env(b"A=1\n\xef\xbb\xbfB=2"),
            kv(&[("A", "1"), ("\u{feff}B", "2")])
        );
        assert_eq!(
            env_pairs(b"bin\xff\xfe\x00data").unwrap_err(),
            "line [98 105 110 255 254 0 100 97 116 97] has invalid utf8 bytes : bin\u{fffd}\u{fffd}\u{0}data"
        );
    }

    /// kubectl: a 65535-byte line is read, a 65536-byte one ends the file.
    #[test]
    fn env_line_length_limit() {
        let file = |len: usize, newline: bool| {
            let mut s = b"A=1\nB=".to_vec();
            s.extend(std::iter::repeat_n(b'x', len - 2));
            if newline {
                s.extend_from_slice(b"\nC=3\n");
            }
            env(&s).into_iter().map(|(k, _)| k).collect::<Vec<_>>()
        };
        assert_eq!(file(65535, true), ["A", "B", "C"]);
        assert_eq!(file(65536, true), ["A"]);
        assert_eq!(file(65535, false), ["A", "B"]);
        assert_eq!(file(65536, false), ["A"]);
    }

    #[test]
    fn base64_lines() {
        assert_eq!(encode_base64(b""), "");
        assert_eq!(encode_base64(b"b"), "Yg==");
        assert_eq!(encode_base64(b"ab"), "YWI=");
        assert_eq!(encode_base64(b"bin\xff\xfe\x00data"), "Ymlu//4AZGF0YQ==");
        // 51 bytes → 68 characters: one line, no newline.
        assert!(!encode_base64(&[b'b'; 51]).contains('\n'));
        assert_eq!(
            encode_base64(&[b'b'; 52]),
            "YmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYg\n==\n"
        );
        assert_eq!(
            encode_base64(&[b'a'; 60]),
            "YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYW\nFhYWFhYWFh\n"
        );
        assert_eq!(
            encode_base64(&[0xff; 105]),
            format!("{}\n{}\n", "/".repeat(70), "/".repeat(70))
        );
    }
}
