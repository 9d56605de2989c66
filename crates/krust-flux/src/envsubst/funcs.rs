//! The operators of Flux's envsubst fork (`fluxcd/pkg/envsubst/funcs.go`,
//! `template.go`'s `lookupFunc`) and its glob matcher (`path/match.go`).
//!
//! Go works on bytes: lengths, offsets and trims count bytes, not characters.
//! Where that cuts a multi-byte character, Go would emit invalid UTF-8; here
//! the broken bytes become U+FFFD (the only intended divergence).

use super::SubstError;
use crate::glob::glob_match;

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Applies operator `name` (as parsed) to the value `s` with the evaluated
/// arguments `args`.
pub(crate) fn apply(name: &str, s: &str, args: &[String]) -> Result<String, SubstError> {
    Ok(match name {
        "," => map_first(s, lower_char),
        ",," => s.chars().map(lower_char).collect(),
        "^" => map_first(s, upper_char),
        "^^" => s.chars().map(upper_char).collect(),
        "#" if args.is_empty() => s.len().to_string(),
        "#" => trim_shortest_prefix(s, &args[0]),
        "##" => trim_longest_prefix(s, args.first().map_or("", String::as_str)),
        "%" => trim_suffix(s, args, trim_shortest),
        "%%" => trim_suffix(s, args, trim_longest),
        ":" => substr(s, args)?,
        "/#" => replace_prefix(s, args),
        "/%" => replace_suffix(s, args),
        "/" => replace(s, args, Some(1)),
        "//" => replace(s, args, None),
        // Plain `${v}`, every default operator (`=`, `:=`, `:-`, `:?`, `:+`)
        // and unknown casing combinations such as `,^`: the value, or the
        // joined arguments when the value is empty.
        _ => {
            if s.is_empty() && !args.is_empty() {
                args.concat()
            } else {
                s.to_string()
            }
        }
    })
}

/// Go's `unicode.ToLower` is a one-to-one mapping; Rust's full mapping may
/// yield several characters, in which case the character is kept.
fn lower_char(c: char) -> char {
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

fn upper_char(c: char) -> char {
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

fn map_first(s: &str, f: fn(char) -> char) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => {
            let mut out = String::with_capacity(s.len());
            out.push(f(c));
            out.push_str(chars.as_str());
            out
        }
        None => String::new(),
    }
}

/// Go's `strconv.Atoi`: optional sign, decimal digits, 64-bit range.
fn atoi(s: &str) -> Option<i64> {
    s.parse::<i64>().ok()
}

/// `${v:pos}` / `${v:pos:len}`, in bytes. Unparsable numbers return the value
/// unchanged (as bash does, per the Go comments). A negative length that ends
/// before the start makes Go slice out of range and panic; that is an error
/// here.
fn substr(s: &str, args: &[String]) -> Result<String, SubstError> {
    let b = s.as_bytes();
    let n = b.len() as i64;
    let Some(first) = args.first() else {
        return Ok(s.to_string());
    };
    let Some(mut pos) = atoi(first) else {
        return Ok(s.to_string());
    };
    if pos < 0 {
        pos = (n + pos).max(0);
    }
    let rest = |pos: i64| {
        if pos < n {
            lossy(&b[pos as usize..])
        } else {
            String::new()
        }
    };
    let Some(len_arg) = args.get(1) else {
        return Ok(rest(pos));
    };
    let Some(length) = atoi(len_arg) else {
        return Ok(s.to_string());
    };
    let end = pos.saturating_add(length);
    if end >= n {
        return Ok(rest(pos));
    }
    if end < pos {
        return Err(SubstError::SubstringOutOfRange {
            pos: first.clone(),
            length: len_arg.clone(),
        });
    }
    Ok(lossy(&b[pos as usize..end as usize]))
}

/// Go's `strings.Replace(s, old, new, n)`; an empty `old` inserts `new`
/// before every character and at the end (Rust's `replace` agrees).
fn replace(s: &str, args: &[String], n: Option<usize>) -> String {
    let Some(old) = args.first() else {
        return s.to_string();
    };
    let new = args.get(1).map_or("", String::as_str);
    match n {
        Some(n) => s.replacen(old.as_str(), new, n),
        None => s.replace(old.as_str(), new),
    }
}

/// `${v/#p/r}`: needs both arguments, so `${v/#p/}` leaves the value alone.
fn replace_prefix(s: &str, args: &[String]) -> String {
    match args {
        [p, r] if s.starts_with(p.as_str()) => s.replacen(p.as_str(), r, 1),
        _ => s.to_string(),
    }
}

/// `${v/%p/r}`: needs both arguments, like `/#`.
fn replace_suffix(s: &str, args: &[String]) -> String {
    match args {
        [p, r] => match s.strip_suffix(p.as_str()) {
            Some(head) => format!("{head}{r}"),
            None => s.to_string(),
        },
        _ => s.to_string(),
    }
}

fn trim_shortest_prefix(s: &str, pattern: &str) -> String {
    lossy(&trim_shortest(s.as_bytes(), pattern.as_bytes()))
}

fn trim_longest_prefix(s: &str, pattern: &str) -> String {
    lossy(&trim_longest(s.as_bytes(), pattern.as_bytes()))
}

/// Suffix trims reverse the value and the pattern (by characters) and trim a
/// prefix, as Go does; so a bracket expression in the pattern comes out
/// reversed and malformed, exactly as in Flux.
fn trim_suffix(s: &str, args: &[String], trim: fn(&[u8], &[u8]) -> Vec<u8>) -> String {
    let Some(pattern) = args.first() else {
        return s.to_string();
    };
    let rs: String = s.chars().rev().collect();
    let rp: String = pattern.chars().rev().collect();
    let trimmed = lossy(&trim(rs.as_bytes(), rp.as_bytes()));
    trimmed.chars().rev().collect()
}

/// Removes the shortest non-empty prefix matching `pattern`; a bad pattern
/// leaves the value alone.
fn trim_shortest(s: &[u8], pattern: &[u8]) -> Vec<u8> {
    let mut shortest = 0;
    for end in (1..=s.len()).rev() {
        match glob_match(pattern, &s[..end]) {
            Err(()) => return s.to_vec(),
            Ok(true) => shortest = end,
            Ok(false) => {}
        }
    }
    s[shortest..].to_vec()
}

/// Removes the longest non-empty prefix matching `pattern`.
fn trim_longest(s: &[u8], pattern: &[u8]) -> Vec<u8> {
    for end in (1..=s.len()).rev() {
        match glob_match(pattern, &s[..end]) {
            Err(()) => return s.to_vec(),
            Ok(true) => return s[end..].to_vec(),
            Ok(false) => {}
        }
    }
    s.to_vec()
}
