//! Go's glob matching (`path.Match` / `filepath.Match`), the one copy in
//! krust-flux.
//!
//! Two Flux rules use it: envsubst's `${v#pattern}`-style trims (drone's
//! envsubst forks Go's `path.Match` so that `*` also matches `/`), and
//! `.sourceignore` patterns, which go-git matches one path component at a
//! time with `filepath.Match`. On a single component (no `/`) the fork and
//! `filepath.Match` agree, so both call [`glob_match`].

use crate::envsubst::parse::decode;

/// Glob match of the whole `name` (Go's `path.Match` as forked: `*` also
/// matches `/`), with `?`, `[...]`, `[^...]` and `\` escapes. `Err` is a
/// malformed pattern.
pub(crate) fn glob_match(mut pattern: &[u8], mut name: &[u8]) -> Result<bool, ()> {
    'pattern: while !pattern.is_empty() {
        let (star, chunk, rest) = scan_chunk(pattern);
        pattern = rest;
        if star && chunk.is_empty() {
            return Ok(true);
        }
        let (t, ok, err) = match_chunk(chunk, name);
        if ok && (t.is_empty() || !pattern.is_empty()) {
            name = t;
            continue;
        }
        if err {
            return Err(());
        }
        if star {
            for i in 0..name.len() {
                let (t, ok, err) = match_chunk(chunk, &name[i + 1..]);
                if ok {
                    if pattern.is_empty() && !t.is_empty() {
                        continue;
                    }
                    name = t;
                    continue 'pattern;
                }
                if err {
                    return Err(());
                }
            }
        }
        return Ok(false);
    }
    Ok(name.is_empty())
}

fn scan_chunk(mut pattern: &[u8]) -> (bool, &[u8], &[u8]) {
    let mut star = false;
    while let [b'*', rest @ ..] = pattern {
        pattern = rest;
        star = true;
    }
    let mut in_range = false;
    let mut i = 0;
    while i < pattern.len() {
        match pattern[i] {
            b'\\' if i + 1 < pattern.len() => i += 1,
            b'[' => in_range = true,
            b']' => in_range = false,
            b'*' if !in_range => break,
            _ => {}
        }
        i += 1;
    }
    (star, &pattern[..i], &pattern[i..])
}

/// Returns (rest of `s`, matched, pattern error).
fn match_chunk<'a>(mut chunk: &[u8], mut s: &'a [u8]) -> (&'a [u8], bool, bool) {
    while let Some(&c) = chunk.first() {
        if s.is_empty() {
            return (s, false, false);
        }
        match c {
            b'[' => {
                let (r, n) = decode(s);
                s = &s[n..];
                chunk = &chunk[1..];
                let mut negated = false;
                if chunk.first() == Some(&b'^') {
                    negated = true;
                    chunk = &chunk[1..];
                }
                let mut matched = false;
                let mut nrange = 0;
                loop {
                    if chunk.first() == Some(&b']') && nrange > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let Some((lo, rest)) = get_esc(chunk) else {
                        return (s, false, true);
                    };
                    chunk = rest;
                    let mut hi = lo;
                    if chunk.first() == Some(&b'-') {
                        let Some((h, rest)) = get_esc(&chunk[1..]) else {
                            return (s, false, true);
                        };
                        hi = h;
                        chunk = rest;
                    }
                    if lo <= r && r <= hi {
                        matched = true;
                    }
                    nrange += 1;
                }
                if matched == negated {
                    return (s, false, false);
                }
            }
            b'?' => {
                let (_, n) = decode(s);
                s = &s[n..];
                chunk = &chunk[1..];
            }
            _ => {
                if c == b'\\' {
                    chunk = &chunk[1..];
                    if chunk.is_empty() {
                        return (s, false, true);
                    }
                }
                if chunk[0] != s[0] {
                    return (s, false, false);
                }
                s = &s[1..];
                chunk = &chunk[1..];
            }
        }
    }
    (s, true, false)
}

/// One (possibly escaped) character of a bracket expression; `None` is a
/// malformed pattern, including a character that ends the pattern.
fn get_esc(mut chunk: &[u8]) -> Option<(char, &[u8])> {
    match chunk.first() {
        None | Some(b'-') | Some(b']') => return None,
        Some(b'\\') => {
            chunk = &chunk[1..];
            if chunk.is_empty() {
                return None;
            }
        }
        _ => {}
    }
    let (r, n) = decode(chunk);
    if r == '\u{FFFD}' && n == 1 {
        return None;
    }
    let rest = &chunk[n..];
    if rest.is_empty() {
        return None;
    }
    Some((r, rest))
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    fn go(pattern: &str, name: &str) -> Result<bool, ()> {
        glob_match(pattern.as_bytes(), name.as_bytes())
    }

    /// Expected results printed by Go's `filepath.Match`.
    #[test]
    fn matches_like_go() {
        assert_eq!(go("*.go", "x.go"), Ok(true));
        assert_eq!(go("[a-c]x", "bx"), Ok(true));
        assert_eq!(go("[^a]", "b"), Ok(true));
        assert_eq!(go("\\*", "*"), Ok(true));
        assert_eq!(go("[\\]]", "]"), Ok(true));
        assert_eq!(go("[a-]", "a"), Err(()));
        assert_eq!(go("[]a]", "a"), Err(()));
        // The envsubst fork: `*` crosses `/` (filepath.Match's does not).
        assert_eq!(go("a*", "a/b"), Ok(true));
    }
}
