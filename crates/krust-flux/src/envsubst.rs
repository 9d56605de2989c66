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
//! * strict mode: an unset variable fails (`variable not set (strict mode):
//!   "name"`) unless its operator is a default one; a variable set to the
//!   empty string is not an error. Non-strict: unset is the empty string.
//!
//! Whether strict mode is on is the caller's choice: kustomize-controller's
//! `StrictPostBuildSubstitutions` feature gate (opt-in since v1.3 in
//! `internal/features/features.go`; later releases may flip the default).

mod funcs;
mod parse;

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
/// unset variable referenced without a default operator is an error; without
/// it, unset reads as the empty string (Flux's non-strict mapper).
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

/// Default-providing operators handle an unset variable themselves (Go
/// `isDefaultOp`; `-`, `+`, `?` are listed there but never parsed).
fn is_default_op(name: &str) -> bool {
    matches!(name, "-" | "+" | "=" | "?" | ":-" | ":+" | ":=" | ":?")
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
                None if strict && !is_default_op(name) => {
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
    /// Fail on unset variables without a default.
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
/// Flux reads the text back with go-yaml v2 (YAML 1.1, so a substituted
/// `yes` becomes `true` there); this reads it with krust-yaml's kustomize
/// rules, where `yes` stays a string.
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
    let output = substitute(&text, &lookup, options.strict)?;
    let options = LoadOptions {
        duplicate_keys_last_wins: true,
        ..LoadOptions::default()
    };
    let docs = krust_yaml::load_documents_with(&output, options)
        .map_err(|e| SubstError::Reparse(e.to_string()))?;
    match docs.into_iter().next() {
        Some(v @ Value::Map(_)) => Ok(Some(v)),
        Some(_) => Err(SubstError::Reparse(
            "the substituted resource is not a mapping".to_string(),
        )),
        None => Err(SubstError::Reparse(
            "the substituted resource is empty".to_string(),
        )),
    }
}
