//! Flux's post-build variable substitution, as kustomize-controller runs it
//! after `kustomize build` (`spec.postBuild.substitute` / `substituteFrom`).
//!
//! Re-implemented from the Go sources in `fluxcd/pkg`:
//! `envsubst/{template,funcs}.go`, `envsubst/parse/{scan,parse}.go`,
//! `envsubst/path/match.go` (the template language) and
//! `kustomize/kustomize_varsub.go` (`SubstituteVariables`, per resource).
//!
//! The language, in short (see the tests for every case):
//! * only `${...}` substitutes; `$var`, a lone `$` and `$` before anything but
//!   `{` stay as written; `$$` outside an expression is an escaped `$`, so
//!   `$${v}` renders as the literal `${v}`;
//! * `${v}`, `${#v}` (length in bytes), `${v^}`, `${v^^}`, `${v,}`, `${v,,}`,
//!   `${v:pos}`, `${v:pos:len}` (bytes), `${v#p}`, `${v##p}`, `${v%p}`,
//!   `${v%%p}` (glob patterns), `${v/p/r}`, `${v//p/r}`, `${v/#p/r}`,
//!   `${v/%p/r}` (literal patterns; `\/` and `\\` escape inside them);
//! * defaults `${v=d}`, `${v:=d}`, `${v:-d}`, and also `${v:?d}` and
//!   `${v:+d}`, which Flux parses but evaluates exactly like `:-` (the value,
//!   or `d` when the value is empty: not bash's meaning). `${v-d}`, `${v+d}`
//!   and `${v?d}` are parse errors (`missing closing brace`);
//! * defaults nest: `${a:=${b}}`; every argument is evaluated before the
//!   operator, so in strict mode an unset `b` fails even when `a` is set;
//! * strict mode: an unset variable referenced bare, `${v}`, fails
//!   (`variable not set (strict mode): "name"`); with any operator (`${v^^}`,
//!   `${#v}`, `${v:=d}`...) it reads as the empty string, as in
//!   non-strict mode. A variable set to the empty string is not an error.
//!   Non-strict: unset is the empty string everywhere.
//!
//! Whether strict mode is on is the caller's choice: kustomize-controller's
//! `StrictPostBuildSubstitutions` feature gate (`internal/features/
//! features.go`: opt-in from v1.3 through v1.8, Flux 2.8; on by default from
//! v1.9, Flux 2.9). The strict check here is envsubst v1.5's, which
//! kustomize-controller v1.8 (Flux 2.8) uses; v1.7 (Flux 2.9) also fails on
//! the operators that read the value (`${v^^}`, `${#v}`, `${v/p/r}`...).

mod funcs;
pub(crate) mod parse;

use std::collections::BTreeMap;

use krust_yaml::{LoadOptions, Value};

use parse::Node;

/// Flux's check on variable names (keys of the variable map), an RE2 regexp
/// whose POSIX classes are ASCII-only.
pub const VAR_NAME_REGEX: &str = "^[_[:alpha:]][_[:alpha:][:digit:]]*$";

/// Label or annotation key that, set to [`DISABLED_VALUE`], exempts a
/// resource from substitution.
pub const SUBSTITUTE_KEY: &str = "kustomize.toolkit.fluxcd.io/substitute";

/// The value of [`SUBSTITUTE_KEY`] that disables substitution.
pub const DISABLED_VALUE: &str = "disabled";

/// A template syntax error. The texts are the Go sentinel errors; like Go,
/// they carry no position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Go `ErrBadSubstitution`.
    #[error("bad substitution")]
    BadSubstitution,
    /// Go `ErrMissingClosingBrace`: `${v` or an unknown operator (`${v-d}`).
    #[error("missing closing brace")]
    MissingClosingBrace,
    /// Go `ErrParseVariableName`: `${}` or `${ v}`.
    #[error("unable to parse variable name")]
    VariableName,
    /// Go `ErrParseFuncSubstitution`: an operator without its argument.
    #[error("unable to parse substitution within function")]
    FuncSubstitution,
    /// Go `ErrParseDefaultFunction`.
    #[error("unable to parse default function")]
    DefaultFunction,
    /// Nesting deeper than this implementation allows (Go has no limit).
    #[error("expressions nested too deeply")]
    TooDeep,
}

/// Why a substitution failed. Variable names are carried so the caller can
/// report them next to the resource and Kustomization (see
/// [`SubstError::flux_message`] for Flux's full wording).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubstError {
    /// The template does not parse.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// Strict mode: the variable is referenced without a default and unset.
    #[error("variable not set (strict mode): {name:?}")]
    VarNotSet {
        /// The variable.
        name: String,
    },
    /// A key of the variable map does not match [`VAR_NAME_REGEX`].
    #[error("'{name}' var name is invalid, must match '{}'", VAR_NAME_REGEX)]
    InvalidVarName {
        /// The offending key.
        name: String,
    },
    /// `${v:pos:len}` whose end falls before its start: Go panics on that
    /// slice; here it is an error.
    #[error("substring out of range: position {pos}, length {length}")]
    SubstringOutOfRange {
        /// The position argument as written.
        pos: String,
        /// The length argument as written.
        length: String,
    },
    /// The resource could not be written as YAML.
    #[error("AsYAML: {0}")]
    Emit(String),
    /// The substituted text is not a YAML mapping any more.
    #[error("YAMLToJSON: {0}")]
    Reparse(String),
}

impl SubstError {
    /// The message kustomize-controller reports, with Flux's wrapping
    /// (`envsubst error: variable substitution failed: ...`).
    pub fn flux_message(&self) -> String {
        match self {
            SubstError::Parse(_)
            | SubstError::VarNotSet { .. }
            | SubstError::SubstringOutOfRange { .. } => {
                format!("envsubst error: variable substitution failed: {self}")
            }
            SubstError::Emit(_) => self.to_string(),
            SubstError::InvalidVarName { .. } | SubstError::Reparse(_) => {
                format!("envsubst error: {self}")
            }
        }
    }

    /// The variable this error is about, if any.
    pub fn variable(&self) -> Option<&str> {
        match self {
            SubstError::VarNotSet { name } | SubstError::InvalidVarName { name } => Some(name),
            _ => None,
        }
    }
}

/// Substitutes `${...}` expressions in `text`.
///
/// `lookup` returns a variable's value, `None` when unset. With `strict`, an
/// unset variable referenced bare (`${v}`, no operator) is an error; with an
/// operator, or without `strict`, unset reads as the empty string.
pub fn substitute(
    text: &str,
    lookup: &impl Fn(&str) -> Option<String>,
    strict: bool,
) -> Result<String, SubstError> {
    let nodes = parse::parse(text)?;
    let mut out = String::with_capacity(text.len());
    for node in &nodes {
        eval(node, lookup, strict, &mut out)?;
    }
    Ok(out)
}

fn eval(
    node: &Node,
    lookup: &impl Fn(&str) -> Option<String>,
    strict: bool,
    out: &mut String,
) -> Result<(), SubstError> {
    match node {
        Node::Text(t) => out.push_str(t),
        Node::Func { param, name, args } => {
            let mut values = Vec::with_capacity(args.len());
            for arg in args {
                let mut buf = String::new();
                eval(arg, lookup, strict, &mut buf)?;
                values.push(buf);
            }
            let value = match lookup(param) {
                Some(v) => v,
                // envsubst v1.5 (`evalFunc`): only a bare `${v}` is checked.
                None if strict && name.is_empty() => {
                    return Err(SubstError::VarNotSet {
                        name: param.clone(),
                    })
                }
                None => String::new(),
            };
            out.push_str(&funcs::apply(name, &value, &values)?);
        }
    }
    Ok(())
}

/// Whether `name` may be a key of the variable map ([`VAR_NAME_REGEX`]).
pub fn is_valid_var_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b) if b == b'_' || b.is_ascii_alphabetic())
        && bytes.all(|b| b == b'_' || b.is_ascii_alphanumeric())
}

/// Checks every key of `vars`; the first invalid one (in sorted order; Go's
/// map order is random) is the error.
pub fn validate_var_names(vars: &BTreeMap<String, String>) -> Result<(), SubstError> {
    match vars.keys().find(|k| !is_valid_var_name(k)) {
        Some(name) => Err(SubstError::InvalidVarName { name: name.clone() }),
        None => Ok(()),
    }
}

/// Options of one resource's substitution (Go `SubstituteOptions`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SubstituteOptions {
    /// Fail on unset variables referenced bare (`${v}`), as Flux 2.8 does
    /// with its `StrictPostBuildSubstitutions` feature gate on (it is off by
    /// default).
    pub strict: bool,
    /// Substitute even when there are no variables at all (Go `Always`), so
    /// `${v:=d}` defaults apply; otherwise an empty variable map leaves every
    /// resource untouched, even in strict mode.
    pub always: bool,
}

/// Whether `obj` opts out with the label or annotation
/// `kustomize.toolkit.fluxcd.io/substitute: disabled`.
pub fn is_substitution_disabled(obj: &Value) -> bool {
    ["labels", "annotations"].iter().any(|field| {
        obj.get_path(&["metadata", field, SUBSTITUTE_KEY])
            .and_then(Value::as_str)
            == Some(DISABLED_VALUE)
    })
}

/// Substitutes variables in one rendered resource, as Flux does.
///
/// Returns `Ok(None)` when the resource stays as it is: substitution is
/// disabled on it, or there are no variables and `always` is off.
/// Otherwise the resource is written as YAML text (kustomize's `AsYAML`
/// format), substituted as text, and read back; so `replicas: ${n}` with
/// `n=3` becomes the integer 3 while `"${n}"` stays a string, and a value
/// can even inject YAML structure, as in Flux.
///
/// Values have every `\n` removed first, as Flux does when it loads the
/// `substitute` map and `substituteFrom` ConfigMaps and Secrets (`\r` is
/// kept); keys must match [`VAR_NAME_REGEX`].
///
/// Flux reads the text back with go-yaml v2 (`yaml.YAMLToJSON`) and stores
/// it through Go's `encoding/json` (`Resource.UnmarshalJSON`); this reads it
/// with krust-yaml's go-yaml v3 rules and then applies what differs: a
/// substituted `yes`, `on`, `n`... is a boolean, a substituted timestamp
/// keeps its text, integers beyond 2^53 lose precision as `float64`s, and an
/// infinite or NaN number is an error. (A substituted value that injects a
/// flow collection, `{a: on}`, is still read with v3's booleans.)
pub fn substitute_resource(
    obj: &Value,
    vars: &BTreeMap<String, String>,
    options: SubstituteOptions,
) -> Result<Option<Value>, SubstError> {
    if is_substitution_disabled(obj) {
        return Ok(None);
    }
    if vars.is_empty() && !options.always {
        return Ok(None);
    }
    validate_var_names(vars)?;
    let vars: BTreeMap<&str, String> = vars
        .iter()
        .map(|(k, v)| (k.as_str(), v.replace('\n', "")))
        .collect();
    let text = krust_yaml::to_yaml_string(obj).map_err(|e| SubstError::Emit(e.to_string()))?;
    let lookup = |name: &str| vars.get(name).cloned();
    let strict = options.strict;
    let output = substitute(&text, &lookup, strict)?;
    let options = LoadOptions {
        duplicate_keys_last_wins: true,
        ..LoadOptions::default()
    };
    let docs = krust_yaml::load_documents_with(&output, options)
        .map_err(|e| SubstError::Reparse(e.to_string()))?;
    match docs.into_iter().next() {
        Some(mut v @ Value::Map(_)) => {
            as_flux_reads_it(obj, &mut v, &|s| substitute(s, &lookup, strict).ok());
            through_go_json(&mut v)?;
            Ok(Some(v))
        }
        Some(_) => Err(SubstError::Reparse(
            "the substituted resource is not a mapping".to_string(),
        )),
        None => Err(SubstError::Reparse(
            "the substituted resource is empty".to_string(),
        )),
    }
}

/// What go-yaml v2 makes of a plain scalar that go-yaml v3 (krust-yaml's
/// default rules) reads as a string, when that is a boolean: the YAML 1.1
/// words (`yes`, `on`, `N`...), as krust-yaml's v2 mode resolves them.
fn yaml11_bool(text: &str) -> Option<bool> {
    match krust_yaml::load_documents_with(text, LoadOptions::sigs_k8s_yaml()).ok()?[..] {
        [Value::Bool(b)] => Some(b),
        _ => None,
    }
}

/// Corrects `read`, the substituted resource as krust-yaml loaded it, to what
/// go-yaml v2 makes of the same text, as Flux reads it (`yaml.YAMLToJSON`).
///
/// The two readers differ only on plain scalars: v2 reads the YAML 1.1
/// booleans (`yes`, `on`, `N`...) as booleans, and keeps a timestamp's text
/// where v3 turns it into a time (written back in RFC 3339). The emitter
/// quotes every string either reader would take for something else, so such
/// a plain scalar can only come from a substitution: a string of `original`
/// that the emitter writes plain and that holds an expression. Its text
/// after substitution is `subst` of it; `read` holds, at the same place, what
/// v3 made of that text. A value that injects structure (`{a: on}`), a
/// comment or a substituted map key is left as v3 reads it.
fn as_flux_reads_it(original: &Value, read: &mut Value, subst: &impl Fn(&str) -> Option<String>) {
    match (original, read) {
        (Value::Map(orig), Value::Map(read)) => {
            for (key, o) in orig.iter() {
                if let Some(r) = read.get_mut(key) {
                    as_flux_reads_it(o, r, subst);
                }
            }
        }
        (Value::Seq(orig), Value::Seq(read)) if orig.len() == read.len() => {
            for (o, r) in orig.iter().zip(read.iter_mut()) {
                as_flux_reads_it(o, r, subst);
            }
        }
        (Value::String(template), read @ Value::String(_)) if template.contains('$') => {
            // Written plain: the emitter prints the string as it is.
            let plain = krust_yaml::to_yaml_string(&Value::String(template.clone()))
                .is_ok_and(|text| text.strip_suffix('\n') == Some(template.as_str()));
            if !plain {
                return;
            }
            let Some(text) = subst(template) else {
                return;
            };
            let text = text.trim_matches([' ', '\t']);
            let Value::String(as_read) = read else {
                return;
            };
            if as_read == text {
                if let Some(b) = yaml11_bool(text) {
                    *read = Value::Bool(b);
                }
            } else if looks_like_timestamp(text)
                && krust_yaml::load_documents(text).ok().as_deref()
                    == Some(&[Value::String(as_read.clone())][..])
            {
                // A timestamp v3 rewrote; v2 leaves it as written.
                *read = Value::String(text.to_owned());
            }
        }
        _ => {}
    }
}

/// `YYYY-M-D` at the start, as every timestamp form YAML knows begins.
fn looks_like_timestamp(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 8 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-'
}

/// What Go's `encoding/json` does to the substituted resource on its way
/// back into kustomize (`json.Marshal` in `yaml.YAMLToJSON`, then
/// `json.Unmarshal` into `interface{}` in `Resource.UnmarshalJSON`): every
/// number becomes a `float64`, so integers beyond 2^53 are rounded, and an
/// infinite or NaN number is refused.
fn through_go_json(value: &mut Value) -> Result<(), SubstError> {
    const EXACT: u64 = 1 << 53;
    match value {
        Value::Int(i) if i.unsigned_abs() > EXACT => {
            *value = krust_yaml::after_json_step(&Value::Float(*i as f64));
        }
        Value::UInt(u) if *u > EXACT => {
            *value = krust_yaml::after_json_step(&Value::Float(*u as f64));
        }
        Value::Float(f) => {
            if let Some(message) = krust_yaml::number::json_unsupported(*f) {
                return Err(SubstError::Reparse(message));
            }
        }
        Value::Seq(items) => {
            for item in items {
                through_go_json(item)?;
            }
        }
        Value::Map(map) => {
            for (_, item) in map.iter_mut() {
                through_go_json(item)?;
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml11_booleans_are_go_yaml_v2s() {
        for (text, want) in [("yes", true), ("On", true), ("N", false), ("OFF", false)] {
            assert_eq!(yaml11_bool(text), Some(want), "{text}");
        }
        for text in ["maybe", "1", "yes please", "~"] {
            assert_eq!(yaml11_bool(text), None, "{text}");
        }
    }

    fn substituted(src: &str, vars: &[(&str, &str)]) -> Result<Value, SubstError> {
        let obj = krust_yaml::load_documents(src).unwrap().remove(0);
        let vars = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        substitute_resource(&obj, &vars, SubstituteOptions::default()).map(Option::unwrap)
    }

    fn at<'v>(v: &'v Value, key: &str) -> &'v Value {
        v.get_path(&["data", key]).unwrap()
    }

    /// Each expectation is what kustomize-controller v1.8.5 gives
    /// (tests/oracles/fluxbuild).
    #[test]
    fn substituted_text_is_read_as_go_yaml_v2_reads_it() {
        let v = substituted(
            "kind: ConfigMap\nmetadata: {name: c}\ndata:\n  a: ${on}\n  b: \"${on}\"\n  c: ${no}\n  \
             d: \"${on}: x\"\n  e: x-${on}\n  f: ${t}\n  g: ${dt}\n  h: \"${q}\"\n  i: |\n    ${on}\n    z\n",
            &[
                ("on", "on"),
                ("no", "No"),
                ("t", "2024-01-01"),
                ("dt", "2001-12-14t21:59:43.10-05:00"),
                ("q", "\"yes\""),
            ],
        )
        .unwrap();
        assert_eq!(at(&v, "a"), &Value::Bool(true));
        // Quoted in the source, but the emitter writes `${on}` plain.
        assert_eq!(at(&v, "b"), &Value::Bool(true));
        assert_eq!(at(&v, "c"), &Value::Bool(false));
        assert_eq!(at(&v, "d"), &Value::String("on: x".into()));
        assert_eq!(at(&v, "e"), &Value::String("x-on".into()));
        assert_eq!(at(&v, "f"), &Value::String("2024-01-01".into()));
        assert_eq!(
            at(&v, "g"),
            &Value::String("2001-12-14t21:59:43.10-05:00".into())
        );
        assert_eq!(at(&v, "h"), &Value::String("yes".into()));
        assert_eq!(at(&v, "i"), &Value::String("on\nz\n".into()));
    }

    #[test]
    fn numbers_go_through_float64() {
        let v = substituted(
            "kind: ConfigMap\nmetadata: {name: c}\ndata:\n  big: ${big}\n  small: ${small}\n  kept: 12345678901234567\n",
            &[("big", "12345678901234567890"), ("small", "9007199254740993")],
        )
        .unwrap();
        assert_eq!(at(&v, "big"), &Value::UInt(12345678901234567000));
        assert_eq!(at(&v, "small"), &Value::Int(9007199254740992));
        assert_eq!(at(&v, "kept"), &Value::Int(12345678901234568));
        let err = substituted(
            "kind: ConfigMap\nmetadata: {name: c}\ndata:\n  x: ${inf}\n",
            &[("inf", "-.inf")],
        )
        .unwrap_err();
        assert_eq!(
            err.flux_message(),
            "envsubst error: YAMLToJSON: json: unsupported value: -Inf"
        );
    }
}
