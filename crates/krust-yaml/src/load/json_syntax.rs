//! Go's `encoding/json` grammar, for the places kustomize reads a text as
//! JSON rather than YAML (a patch or an OpenAPI file that starts with `[`
//! or `{`): the value model reads valid JSON as YAML does, so only the
//! syntax needs a check of its own.

/// Whether `text` is one JSON value with nothing but JSON whitespace
/// around it, by the grammar Go's `encoding/json` enforces (nesting up to
/// its limit of 10000).
pub fn is_json(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    // Open arrays (`[`) and objects (`{`).
    let mut open: Vec<u8> = Vec::new();
    loop {
        // A value.
        skip_json_space(b, &mut i);
        match b.get(i) {
            Some(&c @ (b'[' | b'{')) => {
                if open.len() >= 10_000 {
                    return false;
                }
                i += 1;
                skip_json_space(b, &mut i);
                let close = if c == b'[' { b']' } else { b'}' };
                if b.get(i) == Some(&close) {
                    i += 1;
                } else {
                    open.push(c);
                    if c == b'{' && !json_key(b, &mut i) {
                        return false;
                    }
                    continue;
                }
            }
            Some(b'"') => {
                if !json_string(b, &mut i) {
                    return false;
                }
            }
            Some(b'-' | b'0'..=b'9') => {
                if !json_number(b, &mut i) {
                    return false;
                }
            }
            _ => {
                let literal = ["true", "false", "null"]
                    .into_iter()
                    .find(|l| b[i..].starts_with(l.as_bytes()));
                match literal {
                    Some(l) => i += l.len(),
                    None => return false,
                }
            }
        }
        // What follows a value: closing brackets, then a comma or the end.
        loop {
            skip_json_space(b, &mut i);
            let Some(&container) = open.last() else {
                return i == b.len();
            };
            let close = if container == b'[' { b']' } else { b'}' };
            match b.get(i) {
                Some(b',') => {
                    i += 1;
                    if container == b'{' && !json_key(b, &mut i) {
                        return false;
                    }
                    break;
                }
                Some(&c) if c == close => {
                    i += 1;
                    open.pop();
                }
                _ => return false,
            }
        }
    }
}

fn skip_json_space(b: &[u8], i: &mut usize) {
    while matches!(b.get(*i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        *i += 1;
    }
}

/// An object key and its colon.
fn json_key(b: &[u8], i: &mut usize) -> bool {
    skip_json_space(b, i);
    if b.get(*i) != Some(&b'"') || !json_string(b, i) {
        return false;
    }
    skip_json_space(b, i);
    if b.get(*i) != Some(&b':') {
        return false;
    }
    *i += 1;
    true
}

/// A string, from its opening quote.
fn json_string(b: &[u8], i: &mut usize) -> bool {
    *i += 1;
    while let Some(&c) = b.get(*i) {
        *i += 1;
        match c {
            b'"' => return true,
            b'\\' => match b.get(*i) {
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => *i += 1,
                Some(b'u')
                    if b.len() > *i + 4 && b[*i + 1..*i + 5].iter().all(u8::is_ascii_hexdigit) =>
                {
                    *i += 5
                }
                _ => return false,
            },
            0..=0x1f => return false,
            _ => {}
        }
    }
    false
}

/// A number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn json_number(b: &[u8], i: &mut usize) -> bool {
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    if b.get(*i) == Some(&b'-') {
        *i += 1;
    }
    match b.get(*i) {
        Some(b'0') => *i += 1,
        Some(b'1'..=b'9') => {
            digits(i);
        }
        _ => return false,
    }
    if b.get(*i) == Some(&b'.') {
        *i += 1;
        if digits(i) == 0 {
            return false;
        }
    }
    if matches!(b.get(*i), Some(b'e' | b'E')) {
        *i += 1;
        if matches!(b.get(*i), Some(b'+' | b'-')) {
            *i += 1;
        }
        if digits(i) == 0 {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::is_json;

    #[test]
    fn json_syntax() {
        for good in [
            "[]",
            " [ ] \n",
            r#"[{"a": [1, -0.5e+3, true, false, null, "x\u00e9\n"]}, {}]"#,
            "[0]",
        ] {
            assert!(is_json(good), "{good}");
        }
        for bad in [
            "[",
            "[1,]",
            "[01]",
            "[1.]",
            "[.5]",
            "[+1]",
            "[\"a\tb\"]",
            "[\"\\x\"]",
            "[{a: 1}]",
            "[{\"a\" 1}]",
            "[] []",
            "{\n  },",
            "[nul]",
            "['a']",
        ] {
            assert!(!is_json(bad), "{bad}");
        }
        let deep = |n| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(is_json(&deep(10_000)));
        assert!(!is_json(&deep(10_001)));
    }
}
