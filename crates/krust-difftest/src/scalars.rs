//! Scalars as users write them, hostile but valid: each entry is the text
//! that follows `key: ` in a block mapping, so it can be dropped into any
//! generated file. Most are ordinary (what real repositories hold); the
//! rest are the YAML 1.1 forms, numbers, dates, quotes and characters where
//! kustomize's reading and printing have rules of their own.

use crate::rng::Rng;

/// Ordinary values: names, versions, ports, flags.
const ORDINARY: &[&str] = &[
    "web",
    "api-server",
    "v1.2.3",
    "8080",
    "\"8080\"",
    "true",
    "\"true\"",
    "info",
    "postgres://db:5432/app",
    "registry.example.com/team/app",
    "10m",
    "0.5",
    "3",
    "\"3\"",
    "production",
    "eu-west-1",
    "a b c",
    "'quoted text'",
    "\"double quoted\"",
];

/// YAML 1.1 and type-resolution traps.
const TYPED: &[&str] = &[
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "Yes",
    "NO",
    "On",
    "OFF",
    "True",
    "FALSE",
    "~",
    "null",
    "Null",
    "\"\"",
    "''",
    "0644",
    "0o644",
    "0x1F",
    "1_000",
    "1:20",
    "+1",
    "-0",
    "1e3",
    "1.0",
    "1.50",
    "1e21",
    ".inf",
    "-.Inf",
    ".nan",
    "2021-01-01",
    "2001-12-14T21:59:43.10-05:00",
    "9223372036854775808",
    "123456789012345678901234567890",
    "\"yes\"",
    "'no'",
    "\"0644\"",
    "\"1e3\"",
    "\"~\"",
    "\"null\"",
    "\"2021-01-01\"",
    "0.1",
    "-1",
    "007",
    "1.",
    ".5",
];

/// Strings whose printing needs quoting, escapes or folding.
const TEXTUAL: &[&str] = &[
    "'a: b'", "'#x'", "'x #y'", "'-'", "'*star'", "'&anchor'", "'!bang'", "'%pct'",
    "'@at'", "'`tick'", "'[]'", "'{}'", "'trailing  '", "' leading'", "\"tab\\there\"",
    "\"new\\nline\"", "\"bell\\a\"", "\"é accent\"", "\"\\u00e9\"", "\"\\U0001F600\"",
    "\"zero\\u200bwidth\"", "中文", "日本語のテキスト", "\"a\\\\b\"", "\"it's\"", "'say \"hi\"'",
    "'a,b'", "'a|b'", "'>x'", "'?q'", "a.b.c", "x=y", "\"$(VAR)\"", "\"${VAR}\"",
    "long words that go on and on past the eighty column mark so that the printer folds them somewhere",
    "\"a very long double quoted string with spaces that certainly exceeds the eighty column limit\"",
    "averyveryverylongsinglewordwithoutanyspacesthatgoesonwellbeyondtheeightycolumnmarkforsure",
];

/// Block scalars: (indicator, lines). Written as `key: |` and the lines
/// indented below.
const BLOCKS: &[(&str, &[&str])] = &[
    ("|", &["line one", "line two"]),
    ("|-", &["no trailing newline"]),
    ("|+", &["keep", ""]),
    (">", &["folded text", "continues here"]),
    (">-", &["folded", "", "paragraph"]),
    ("|2", &["  indented first", "second"]),
    ("|", &["key: value", "list:", "- a"]),
    ("|", &["{\"json\": true, \"n\": 1}"]),
    ("|", &["trailing space  ", "x"]),
];

/// A scalar value: mostly ordinary, sometimes a trap.
pub fn value(rng: &mut Rng) -> String {
    match rng.below(10) {
        0..=4 => rng.pick(ORDINARY).to_string(),
        5..=7 => rng.pick(TYPED).to_string(),
        _ => rng.pick(TEXTUAL).to_string(),
    }
}

/// A value that reads as a string wherever kustomize wants one (labels,
/// annotations, data): quoted when the raw form would resolve to another
/// type, most of the time; now and then left raw, as users do.
pub fn string_value(rng: &mut Rng) -> String {
    let v = value(rng);
    let plain_non_string = !(v.starts_with('"') || v.starts_with('\''))
        && (TYPED.contains(&v.as_str()) || v.parse::<f64>().is_ok() || v == "true");
    if plain_non_string && !rng.chance(10) {
        format!("\"{v}\"")
    } else {
        v
    }
}

/// A value that always reads as a string: for kustomization fields that
/// kustomize decodes as string maps (`commonLabels`, `images[].newTag`),
/// where a raw number or boolean is an error rather than a trap.
pub fn strict_string_value(rng: &mut Rng) -> String {
    let v = value(rng);
    let quoted = v.starts_with('"') || v.starts_with('\'');
    if !quoted && (TYPED.contains(&v.as_str()) || v.parse::<f64>().is_ok() || v == "true") {
        format!("\"{v}\"")
    } else {
        v
    }
}

/// Like [`entries`], each value a [`strict_string_value`] (or a block).
pub fn strict_entries(rng: &mut Rng, indent: usize, n: usize) -> String {
    let pad = " ".repeat(indent);
    let mut used: Vec<String> = Vec::new();
    let mut out = String::new();
    for _ in 0..n {
        let k = key(rng);
        if used.contains(&k) {
            continue;
        }
        if rng.chance(6) {
            out.push_str(&block(rng, &pad, &k));
        } else {
            out.push_str(&format!("{pad}{k}: {}\n", strict_string_value(rng)));
        }
        used.push(k);
    }
    out
}

/// `key: value` lines at `indent`, the value possibly a block scalar.
pub fn entry(rng: &mut Rng, indent: usize, key: &str, as_string: bool) -> String {
    let pad = " ".repeat(indent);
    if rng.chance(6) {
        return block(rng, &pad, key);
    }
    let v = if as_string {
        string_value(rng)
    } else {
        value(rng)
    };
    format!("{pad}{key}: {v}\n")
}

/// `key:` and a block scalar below it, at `pad`.
fn block(rng: &mut Rng, pad: &str, key: &str) -> String {
    let (indicator, lines) = rng.pick(BLOCKS);
    let mut out = format!("{pad}{key}: {indicator}\n");
    for line in lines.iter() {
        if line.is_empty() {
            out.push('\n');
        } else {
            out.push_str(&format!("{pad}  {line}\n"));
        }
    }
    out
}

/// A label or annotation key: mostly plain, sometimes prefixed or odd.
pub fn key(rng: &mut Rng) -> String {
    const KEYS: &[&str] = &[
        "app",
        "team",
        "tier",
        "env",
        "version",
        "app.kubernetes.io/name",
        "example.com/owner",
        "component",
        "track",
        "\"on\"",
        "\"yes\"",
        "x-1",
        "a_b",
    ];
    rng.pick(KEYS).to_string()
}

/// Up to `n` `key: value` lines with distinct generated keys (none of
/// `taken`) and string values: users rarely repeat a key in one map.
pub fn entries(rng: &mut Rng, indent: usize, n: usize, taken: &[&str]) -> String {
    let mut used: Vec<String> = taken.iter().map(|k| k.to_string()).collect();
    let mut out = String::new();
    for _ in 0..n {
        let k = key(rng);
        if used.contains(&k) {
            continue;
        }
        out.push_str(&entry(rng, indent, &k, true));
        used.push(k);
    }
    out
}
