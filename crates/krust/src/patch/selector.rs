//! Patch targets: which resources a `target:` selects.
//!
//! As in kustomize, group, version, kind, name and namespace are regular
//! expressions anchored at both ends (empty matches anything); name and
//! namespace match the original or the current id (namespace as the effective
//! one, so `default` matches objects without a namespace); labels and
//! annotations use Kubernetes label-selector syntax.

use krust_yaml::Value;
use regex::Regex;

use crate::resource::Resource;

/// A `target:` as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selector {
    /// Group regex.
    pub group: String,
    /// Version regex.
    pub version: String,
    /// Kind regex.
    pub kind: String,
    /// Name regex.
    pub name: String,
    /// Namespace regex.
    pub namespace: String,
    /// Label selector (`app=web,tier in (a,b)`).
    pub label_selector: String,
    /// Annotation selector, same syntax.
    pub annotation_selector: String,
}

impl Selector {
    /// The fields of a `target:` selector as kustomization files spell them,
    /// in kustomize's order. The one list of them: krust's decoder, krust-flux
    /// (which reads `spec.patches[].target` and writes it back into a
    /// kustomization) and [`Selector::fields`] follow it.
    pub const FIELDS: [&'static str; 7] = [
        "group",
        "version",
        "kind",
        "name",
        "namespace",
        "labelSelector",
        "annotationSelector",
    ];

    /// Each field's name (from [`Selector::FIELDS`]) with its value.
    pub fn fields(&self) -> [(&'static str, &str); 7] {
        let values = [
            &self.group,
            &self.version,
            &self.kind,
            &self.name,
            &self.namespace,
            &self.label_selector,
            &self.annotation_selector,
        ];
        std::array::from_fn(|i| (Self::FIELDS[i], values[i].as_str()))
    }

    /// Sets the field `name` (one of [`Selector::FIELDS`]); `false` for any
    /// other name.
    pub fn set(&mut self, name: &str, value: String) -> bool {
        let field = match name {
            "group" => &mut self.group,
            "version" => &mut self.version,
            "kind" => &mut self.kind,
            "name" => &mut self.name,
            "namespace" => &mut self.namespace,
            "labelSelector" => &mut self.label_selector,
            "annotationSelector" => &mut self.annotation_selector,
            _ => return false,
        };
        *field = value;
        true
    }
}

impl std::fmt::Display for Selector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let set: Vec<String> = self
            .fields()
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        if set.is_empty() {
            write!(f, "any resource")
        } else {
            write!(f, "{}", set.join(" "))
        }
    }
}

/// A selector ready to match: regexes compiled, selectors parsed.
#[derive(Debug)]
pub struct Matcher {
    group: Option<Regex>,
    version: Option<Regex>,
    kind: Option<Regex>,
    name: Option<Regex>,
    namespace: Option<Regex>,
    labels: Vec<Requirement>,
    annotations: Vec<Requirement>,
}

/// kustomize's selector regular expression: `pattern` must match the whole
/// text (`^(?:pattern)$`); an empty pattern matches anything (`None`). The
/// error is one line, naming the pattern.
pub(crate) fn anchored(pattern: &str) -> Result<Option<Regex>, String> {
    if pattern.is_empty() {
        return Ok(None);
    }
    Regex::new(&format!("^(?:{pattern})$"))
        .map(Some)
        .map_err(|e| {
            let text = e.to_string();
            let reason = text
                .lines()
                .last()
                .unwrap_or_default()
                .trim_start_matches("error: ");
            format!("invalid regular expression '{pattern}': {reason}")
        })
}

impl Matcher {
    /// Compiles `selector`; a bad regex or selector is an error.
    pub fn new(selector: &Selector) -> Result<Matcher, String> {
        let re = |field: &str, pattern: &str| -> Result<Option<Regex>, String> {
            anchored(pattern).map_err(|e| format!("invalid {field} regex in target: {e}"))
        };
        Ok(Matcher {
            group: re("group", &selector.group)?,
            version: re("version", &selector.version)?,
            kind: re("kind", &selector.kind)?,
            name: re("name", &selector.name)?,
            namespace: re("namespace", &selector.namespace)?,
            labels: parse_requirements(&selector.label_selector)?,
            annotations: parse_requirements(&selector.annotation_selector)?,
        })
    }

    /// Whether `res` is selected.
    pub fn matches(&self, res: &Resource) -> bool {
        let (cur, org) = (res.id(), res.original_id());
        let ok = |re: &Option<Regex>, a: &str, b: &str| {
            re.as_ref()
                .is_none_or(|re| re.is_match(a) || re.is_match(b))
        };
        let gvk = &cur.gvk;
        ok(
            &self.namespace,
            org.effective_namespace(),
            cur.effective_namespace(),
        ) && ok(&self.name, &org.name, &cur.name)
            && ok(&self.group, &gvk.group, &gvk.group)
            && ok(&self.version, &gvk.version, &gvk.version)
            && ok(&self.kind, &gvk.kind, &gvk.kind)
            && matches_all(&self.labels, res.obj().get_path(&["metadata", "labels"]))
            && matches_all(
                &self.annotations,
                res.obj().get_path(&["metadata", "annotations"]),
            )
    }
}

/// One requirement of a label selector.
#[derive(Debug, Clone, PartialEq)]
enum Requirement {
    Exists(String),
    NotExists(String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Gt(String, i64),
    Lt(String, i64),
}

fn matches_all(reqs: &[Requirement], map: Option<&Value>) -> bool {
    let empty = krust_yaml::Mapping::default();
    let map = map.and_then(Value::as_map).unwrap_or(&empty);
    let get = |k: &str| map.get(k).and_then(Value::scalar_string);
    reqs.iter().all(|req| match req {
        Requirement::Exists(k) => map.contains_key(k),
        Requirement::NotExists(k) => !map.contains_key(k),
        Requirement::In(k, vs) => get(k).is_some_and(|v| vs.contains(&v)),
        Requirement::NotIn(k, vs) => get(k).is_none_or(|v| !vs.contains(&v)),
        Requirement::Gt(k, n) => get(k)
            .and_then(|v| v.parse::<i64>().ok())
            .is_some_and(|v| v > *n),
        Requirement::Lt(k, n) => get(k)
            .and_then(|v| v.parse::<i64>().ok())
            .is_some_and(|v| v < *n),
    })
}

/// Parses Kubernetes label-selector syntax.
fn parse_requirements(text: &str) -> Result<Vec<Requirement>, String> {
    split_top_level(text)
        .into_iter()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|r| {
            parse_requirement(r)
                .ok_or_else(|| format!("unable to parse requirement '{r}' in selector '{text}'"))
        })
        .collect()
}

/// Splits on commas outside parentheses.
fn split_top_level(text: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0i32, 0);
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

fn parse_requirement(r: &str) -> Option<Requirement> {
    let key = |k: &str| {
        Some(k.trim().to_owned()).filter(|k| !k.is_empty() && !k.contains(char::is_whitespace))
    };
    if let Some(k) = r.strip_prefix('!') {
        return Some(Requirement::NotExists(key(k)?));
    }
    for (word, negate) in [(" notin ", true), (" in ", false)] {
        if let Some((k, set)) = r.split_once(word) {
            let set = set.trim().strip_prefix('(')?.strip_suffix(')')?;
            let values = set.split(',').map(|v| v.trim().to_owned()).collect();
            return Some(if negate {
                Requirement::NotIn(key(k)?, values)
            } else {
                Requirement::In(key(k)?, values)
            });
        }
    }
    if let Some((k, v)) = r.split_once("!=") {
        return Some(Requirement::NotIn(key(k)?, vec![v.trim().to_owned()]));
    }
    if let Some((k, v)) = r.split_once("==").or_else(|| r.split_once('=')) {
        return Some(Requirement::In(key(k)?, vec![v.trim().to_owned()]));
    }
    if let Some((k, v)) = r.split_once('>') {
        return Some(Requirement::Gt(key(k)?, v.trim().parse().ok()?));
    }
    if let Some((k, v)) = r.split_once('<') {
        return Some(Requirement::Lt(key(k)?, v.trim().parse().ok()?));
    }
    Some(Requirement::Exists(key(r)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(src: &str) -> Resource {
        Resource::new(krust_yaml::load_documents(src).unwrap().remove(0))
    }

    const DEP: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web-1, labels: {app: web, tier: front}}\n";

    fn sel(f: impl FnOnce(&mut Selector)) -> Matcher {
        let mut s = Selector::default();
        f(&mut s);
        Matcher::new(&s).unwrap()
    }

    #[test]
    fn regexes_are_anchored() {
        let r = res(DEP);
        assert!(sel(|s| s.name = "web-.*".into()).matches(&r));
        assert!(!sel(|s| s.name = "web".into()).matches(&r));
        assert!(sel(|s| s.kind = "Deploy.*|StatefulSet".into()).matches(&r));
        assert!(sel(|s| s.namespace = "default".into()).matches(&r));
        assert!(sel(|s| s.group = "apps".into()).matches(&r));
        assert!(!sel(|s| s.version = "v2".into()).matches(&r));
    }

    #[test]
    fn label_selectors() {
        let r = res(DEP);
        for (selector, want) in [
            ("app=web", true),
            ("app==web,tier=front", true),
            ("app!=web", false),
            ("app in (web, api)", true),
            ("tier notin (front)", false),
            ("app", true),
            ("!app", false),
            ("!missing", true),
            ("missing!=x", true),
        ] {
            assert_eq!(
                sel(|s| s.label_selector = selector.into()).matches(&r),
                want,
                "{selector}"
            );
        }
        assert!(Matcher::new(&Selector {
            name: "(".into(),
            ..Selector::default()
        })
        .is_err());
    }
}
