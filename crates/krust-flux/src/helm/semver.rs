//! Chart version ranges as helm reads them (Masterminds semver v3), for
//! picking a cached chart offline: `6.x`, `~1.2`, `^0.3.1`, `>=1.0 <2.0`,
//! `1.2 - 1.4`, alternatives joined by `||`. As there, a pre-release
//! version matches only a range that names a pre-release.

use std::cmp::Ordering;

/// A version: numbers, and the pre-release text (build metadata dropped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    numbers: [u64; 3],
    pre: String,
}

impl Version {
    /// Parses `1.2.3`, `v1.2.3-rc.1+build`, or a shorter `1.2` (zeros after).
    pub fn parse(text: &str) -> Option<Version> {
        let text = text.trim().trim_start_matches(['v', 'V']);
        let text = text.split('+').next()?;
        let (core, pre) = text.split_once('-').unwrap_or((text, ""));
        let mut numbers = [0; 3];
        let parts: Vec<&str> = core.split('.').collect();
        if parts.is_empty() || parts.len() > 3 {
            return None;
        }
        for (slot, part) in numbers.iter_mut().zip(&parts) {
            *slot = part.parse().ok()?;
        }
        Some(Version {
            numbers,
            pre: pre.to_owned(),
        })
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.numbers.cmp(&other.numbers).then_with(|| {
            match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => compare_pre(&self.pre, &other.pre),
            }
        })
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Pre-release identifiers compared as semver says: numbers numerically and
/// below words, words by bytes, a shorter list first.
fn compare_pre(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.split('.'), b.split('.'));
    loop {
        match (a.next(), b.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let order = match (x.parse::<u64>(), y.parse::<u64>()) {
                    (Ok(x), Ok(y)) => x.cmp(&y),
                    (Ok(_), Err(_)) => Ordering::Less,
                    (Err(_), Ok(_)) => Ordering::Greater,
                    (Err(_), Err(_)) => x.cmp(y),
                };
                if order != Ordering::Equal {
                    return order;
                }
            }
        }
    }
}

/// How a bound compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

/// One bound: a version compared by an operator.
#[derive(Debug, Clone)]
struct Bound(Op, Version);

impl Bound {
    fn matches(&self, v: &Version) -> bool {
        let order = v.cmp(&self.1);
        match self.0 {
            Op::Eq => order == Ordering::Equal,
            Op::Ne => order != Ordering::Equal,
            Op::Gt => order == Ordering::Greater,
            Op::Ge => order != Ordering::Less,
            Op::Lt => order == Ordering::Less,
            Op::Le => order != Ordering::Greater,
        }
    }
}

/// A range: alternatives, each a list of bounds that must all hold.
#[derive(Debug, Clone)]
pub struct Range {
    alternatives: Vec<(Vec<Bound>, bool)>,
}

impl Range {
    /// Parses a range; `None` for text helm would refuse.
    pub fn parse(text: &str) -> Option<Range> {
        let mut alternatives = Vec::new();
        for alternative in text.split("||") {
            let glued = glue_operators(alternative);
            let tokens: Vec<&str> = glued.split([' ', ',']).filter(|t| !t.is_empty()).collect();
            let mut bounds = Vec::new();
            let mut names_pre = false;
            let mut i = 0;
            while i < tokens.len() {
                names_pre |= tokens[i].contains('-') && tokens[i] != "-";
                if tokens.get(i + 1) == Some(&"-") {
                    let (low, high) = (tokens[i], tokens.get(i + 2)?);
                    bounds.extend(expand(">=", low)?);
                    bounds.extend(expand("<=", high)?);
                    i += 3;
                } else {
                    let (op, version) = split_op(tokens[i]);
                    bounds.extend(expand(op, version)?);
                    i += 1;
                }
            }
            alternatives.push((bounds, names_pre));
        }
        Some(Range { alternatives })
    }

    /// Whether `version` is in the range.
    pub fn matches(&self, version: &Version) -> bool {
        self.alternatives.iter().any(|(bounds, names_pre)| {
            (version.pre.is_empty() || *names_pre) && bounds.iter().all(|b| b.matches(version))
        })
    }
}

/// The range with each operator glued to its version (`>= 1.2` is `>=1.2`).
fn glue_operators(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut after_op = false;
    for c in text.chars() {
        if after_op && c == ' ' {
            continue;
        }
        after_op = "<>=!~^".contains(c);
        out.push(c);
    }
    out
}

fn split_op(token: &str) -> (&str, &str) {
    let cut = token
        .find(|c: char| !"<>=!~^".contains(c))
        .unwrap_or(token.len());
    let (op, version) = token.split_at(cut);
    (op, version.trim())
}

/// The bounds one `op version` stands for, wildcards (`x`, `X`, `*`,
/// missing parts) widening it.
fn expand(op: &str, version: &str) -> Option<Vec<Bound>> {
    let version = version.trim().trim_start_matches(['v', 'V']);
    let core = version.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<&str> = core.split('.').collect();
    let wild = |p: &str| matches!(p, "x" | "X" | "*");
    let fixed = parts.iter().take_while(|p| !wild(p)).count().min(3);
    let fixed = if version.is_empty() { 0 } else { fixed };
    let base = if fixed == 0 {
        Version::parse("0.0.0")?
    } else {
        Version::parse(&parts[..fixed].join(".")).map(|v| Version {
            pre: pre_of(version, fixed == parts.len()),
            ..v
        })?
    };
    let bump = |at: usize| {
        let mut numbers = base.numbers;
        numbers[at] += 1;
        for n in numbers.iter_mut().skip(at + 1) {
            *n = 0;
        }
        Version {
            numbers,
            pre: String::new(),
        }
    };
    let at_least = |v: Version| Bound(Op::Ge, v);
    let below = |v: Version| Bound(Op::Lt, v);
    // The versions a partial version covers: `1.2` is `>=1.2.0 <1.3.0`.
    let span = |fixed: usize| -> Vec<Bound> {
        match fixed {
            0 => vec![at_least(base.clone())],
            1 | 2 => vec![at_least(base.clone()), below(bump(fixed - 1))],
            _ => vec![Bound(Op::Eq, base.clone())],
        }
    };
    let partial = fixed > 0 && fixed < 3;
    Some(match op {
        "" | "=" | "==" => span(fixed),
        "!=" => vec![Bound(Op::Ne, base.clone())],
        ">" if partial => vec![at_least(bump(fixed - 1))],
        ">" => vec![Bound(Op::Gt, base.clone())],
        ">=" | "=>" => vec![at_least(base.clone())],
        "<" => vec![below(base.clone())],
        "<=" | "=<" if partial => vec![below(bump(fixed - 1))],
        "<=" | "=<" => vec![Bound(Op::Le, base.clone())],
        "~" | "~>" => match fixed {
            0 => vec![at_least(base.clone())],
            1 => vec![at_least(base.clone()), below(bump(0))],
            _ => vec![at_least(base.clone()), below(bump(1))],
        },
        "^" if fixed == 0 => vec![at_least(base.clone())],
        "^" => {
            // The first non-zero part is the one that may not change.
            let first = base.numbers.iter().position(|n| *n != 0);
            let at = first.unwrap_or(fixed - 1).min(fixed - 1);
            vec![at_least(base.clone()), below(bump(at))]
        }
        _ => return None,
    })
}

/// The pre-release of `version` when it is complete (`1.2.3-rc.1`).
fn pre_of(version: &str, complete: bool) -> String {
    let without_build = version.split('+').next().unwrap_or_default();
    match without_build.split_once('-') {
        Some((_, pre)) if complete => pre.to_owned(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(range: &str, version: &str) -> bool {
        Range::parse(range)
            .unwrap()
            .matches(&Version::parse(version).unwrap())
    }

    #[test]
    fn ranges_match_as_helm_reads_them() {
        assert!(ok("6.x", "6.5.0") && !ok("6.x", "7.0.0") && !ok("6.x", "5.9.9"));
        assert!(ok("*", "1.2.3") && ok("", "0.1.0"));
        assert!(ok("~1.2.3", "1.2.9") && !ok("~1.2.3", "1.3.0") && !ok("~1.2.3", "1.2.2"));
        assert!(ok("~1", "1.9.0") && !ok("~1", "2.0.0"));
        assert!(ok("^1.2.3", "1.9.0") && !ok("^1.2.3", "2.0.0"));
        assert!(ok("^0.2.3", "0.2.9") && !ok("^0.2.3", "0.3.0"));
        assert!(ok(">=1.0.0 <2.0.0", "1.5.0") && !ok(">=1.0.0, <2.0.0", "2.0.0"));
        assert!(ok(">= 1.0", "1.0.0") && !ok(">= 1.0", "0.9.0"));
        assert!(ok("1.2 - 1.4", "1.4.9") && !ok("1.2 - 1.4", "1.5.0"));
        assert!(ok("<1.0.0 || >=3.0.0", "3.1.0") && !ok("<1.0.0 || >=3.0.0", "2.0.0"));
        assert!(ok("1.2.3", "1.2.3") && !ok("1.2.3", "1.2.4") && ok("=1.2", "1.2.7"));
        assert!(ok(">1.2", "1.3.0") && !ok(">1.2", "1.2.9"));
        assert!(ok("!=1.2.3", "1.2.4") && !ok("!=1.2.3", "1.2.3"));
    }

    #[test]
    fn pre_releases_need_a_range_that_names_one() {
        assert!(!ok(">=1.0.0", "1.1.0-rc.1"));
        assert!(ok(">=1.1.0-rc.0", "1.1.0-rc.1"));
        assert!(Version::parse("1.0.0-rc.2").unwrap() < Version::parse("1.0.0-rc.10").unwrap());
        assert!(Version::parse("1.0.0").unwrap() > Version::parse("1.0.0-rc.1").unwrap());
    }
}
