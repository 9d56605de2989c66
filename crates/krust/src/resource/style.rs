//! The style kyaml holds a string scalar in, where the value model would
//! guess it wrong.
//!
//! kyaml's `FieldSetter` gives a scalar written over an existing field that
//! field's style, and kustomize re-reads the result: a number a patch puts
//! where a quoted string was comes out as a string of the patch's text, and
//! one put where a plain string was stays a number. The value model has no
//! styles; the strategic merge guesses one from the string (quoted when it
//! could not be written plain). These records correct the guess where it
//! is known to be wrong: strings a file wrote quoted or as blocks though
//! they could be plain, strings a transformer created quoted (YAML 1.1
//! would read them as no string) and strings it created plain though plain
//! text would read as something else (timestamps, `x #y`).

use krust_yaml::{PathSeg, Value};

/// A string's style, where it differs from the guess.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// Quoted or a block, though it could be plain.
    Quoted,
    /// Plain, though plain text would not read back as this string.
    Plain,
}

impl Style {
    /// The style kyaml gives a string a transformer creates (`SetEntry`),
    /// where it differs from the guess; `could_be_plain` is the guess.
    pub(crate) fn of_created(value: &str, could_be_plain: bool) -> Option<Style> {
        if krust_yaml::yaml11_reads_as_non_string(value) {
            could_be_plain.then_some(Style::Quoted)
        } else {
            (!could_be_plain).then_some(Style::Plain)
        }
    }
}

/// The styles of an object's fields that hold strings, by path (map keys
/// only: what a merge reaches by key).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Styles {
    fields: Vec<(Vec<PathSeg>, Style)>,
    /// Between [`Styles::before_merge`] and [`Styles::merged`]: fields
    /// where the patch writes a string over one held quoted.
    carried: Vec<Vec<PathSeg>>,
}

impl Styles {
    /// Strings a document wrote quoted or as blocks.
    pub(crate) fn quoted(paths: Vec<Vec<PathSeg>>) -> Styles {
        Styles {
            fields: paths.into_iter().map(|p| (p, Style::Quoted)).collect(),
            carried: Vec::new(),
        }
    }

    pub(crate) fn mark(&mut self, path: &[PathSeg], style: Style) {
        if !path.iter().all(|seg| matches!(seg, PathSeg::Key(_))) {
            return;
        }
        self.fields.retain(|(p, _)| p.as_slice() != path);
        self.fields.push((path.to_vec(), style));
    }

    /// `metadata.<field>` was set again as a string map (kyaml's
    /// `SetLabels`, `SetAnnotations`): every value is a new node, styled as
    /// kyaml styles the strings it creates.
    pub(crate) fn set_string_map(&mut self, obj: &Value, field: &str) {
        let prefix = [PathSeg::Key("metadata".into()), PathSeg::Key(field.into())];
        self.fields.retain(|(p, _)| !p.starts_with(&prefix));
        let Some(Value::Map(entries)) = obj.at(&prefix) else {
            return;
        };
        for (key, value) in entries.iter() {
            let Value::String(text) = value else {
                continue;
            };
            let guess = crate::patch::merge::could_be_plain(text);
            if let Some(style) = Style::of_created(text, guess) {
                let mut path = prefix.to_vec();
                path.push(PathSeg::Key(key.clone()));
                self.fields.push((path, style));
            }
        }
    }

    /// Forgets the fields that no longer hold strings.
    pub(crate) fn prune(&mut self, obj: &Value) {
        self.fields
            .retain(|(p, _)| matches!(obj.at(p), Some(Value::String(_))));
    }

    /// Before `patch` merges into `obj`: forgets the fields that no longer
    /// hold strings, and notes where the patch writes a string over one
    /// held quoted (marked so, or one that cannot be plain), which keeps
    /// that style.
    pub(crate) fn before_merge(&mut self, obj: &Value, patch: &Value) {
        self.prune(obj);
        let mut carried = Vec::new();
        self.carried_under(obj, patch, &mut Vec::new(), &mut carried);
        self.carried = carried;
    }

    /// The walk of [`Styles::before_merge`]: `patch` and `dest` side by
    /// side, through the maps both have.
    fn carried_under<'v>(
        &self,
        dest: &'v Value,
        patch: &'v Value,
        path: &mut Vec<&'v str>,
        out: &mut Vec<Vec<PathSeg>>,
    ) {
        match (dest, patch) {
            (Value::Map(d), Value::Map(p)) => {
                for (key, theirs) in p.iter() {
                    if let Some(ours) = d.get(key) {
                        path.push(key);
                        self.carried_under(ours, theirs, path, out);
                        path.pop();
                    }
                }
            }
            (Value::String(old), Value::String(new)) if old != new => {
                let at: Vec<PathSeg> = path.iter().map(|k| PathSeg::Key((*k).to_owned())).collect();
                let quoted = match self.style_of(&at) {
                    Some(style) => style == Style::Quoted,
                    None => !crate::patch::merge::could_be_plain(old),
                };
                if quoted {
                    out.push(at);
                }
            }
            _ => {}
        }
    }

    fn style_of(&self, path: &[PathSeg]) -> Option<Style> {
        self.fields
            .iter()
            .find(|(p, _)| p.as_slice() == path)
            .map(|(_, s)| *s)
    }

    /// After `patch` was merged into `obj` ([`Styles::before_merge`] first):
    /// a scalar the patch wrote over a styled string takes that style, so
    /// it reads back from the patch's text as a string (quoted) or as what
    /// the text says (plain); strings the patch brought in keep the
    /// patch's style. `texts` gives the patch's written texts.
    pub(crate) fn merged(
        &mut self,
        obj: &mut Value,
        patch: &Value,
        theirs: &Styles,
        texts: impl Fn(&[PathSeg]) -> Option<String>,
    ) {
        for (path, style) in &self.fields {
            let Some(written) = patch.at(path).filter(|v| is_non_string_scalar(v)) else {
                continue;
            };
            let Some(slot) = obj.at_mut(path) else {
                continue;
            };
            let text = texts(path).or_else(|| written.scalar_string());
            match style {
                Style::Quoted if slot == written => {
                    *slot = Value::String(text.unwrap_or_default());
                }
                Style::Plain if matches!(slot, Value::String(s) if Some(&*s) == text.as_ref()) => {
                    *slot = written.clone();
                }
                _ => {}
            }
        }
        for path in std::mem::take(&mut self.carried) {
            let Some(slot @ Value::String(_)) = obj.at_mut(&path) else {
                continue;
            };
            // A time the patch wrote plain, held in the quoted node, is the
            // patch's text.
            if patch.at(&path) == Some(&*slot) {
                if let Some(text) = texts(&path) {
                    *slot = Value::String(text);
                }
            }
            self.mark(&path, Style::Quoted);
        }
        for (path, style) in &theirs.fields {
            let value = patch.at(path);
            if matches!(value, Some(Value::String(_))) && obj.at(path) == value {
                self.mark(path, *style);
            }
        }
        self.prune(obj);
    }
}

fn is_non_string_scalar(v: &Value) -> bool {
    matches!(
        v,
        Value::Bool(_) | Value::Int(_) | Value::UInt(_) | Value::Float(_)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::testing::{path, yaml};

    #[test]
    fn a_number_over_a_quoted_string_becomes_the_patch_s_text() {
        let mut styles = Styles::quoted(vec![path("a.x")]);
        let patch = yaml("a: {x: 0o17}\n");
        let mut obj = yaml("a: {x: 15}\n");
        let texts = |_: &[PathSeg]| Some("0o17".to_owned());
        styles.merged(&mut obj, &patch, &Styles::default(), texts);
        assert_eq!(obj, yaml("a: {x: '0o17'}\n"));
    }

    #[test]
    fn a_number_over_a_plain_string_stays_a_number() {
        let mut styles = Styles::default();
        styles.mark(&path("a.x"), Style::Plain);
        let patch = yaml("a: {x: 3}\n");
        let mut obj = yaml("a: {x: '3'}\n");
        styles.merged(&mut obj, &patch, &Styles::default(), |_| None);
        assert_eq!(obj, yaml("a: {x: 3}\n"));
    }

    #[test]
    fn created_strings_take_kyaml_s_style() {
        assert_eq!(Style::of_created("yes", true), Some(Style::Quoted));
        assert_eq!(Style::of_created("2021-01-01", false), Some(Style::Plain));
        assert_eq!(Style::of_created("web", true), None);
        assert_eq!(Style::of_created("1.5", false), None);
    }
}
