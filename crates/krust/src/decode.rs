//! Decoding configuration values the way kustomize does: YAML turned into
//! JSON and read by Go's `encoding/json`. Field names match exactly or,
//! failing that, ignoring ASCII case; `null` leaves a field unset; a value of
//! the wrong JSON type is an error phrased as Go phrases it.

use crate::string_map::StringMap;
use krust_yaml::number::go_format_float32;
use krust_yaml::{Mapping, Value};

/// A decoding problem, as text (callers add the file).
pub(crate) type DecodeResult<T> = Result<T, String>;

/// Go's `cannot unmarshal <json type> into <expected>`.
pub(crate) fn type_error(expected: &str, got: &Value) -> String {
    let got = match got {
        Value::Int(_) | Value::UInt(_) | Value::Float(_) => "number",
        Value::Seq(_) => "array",
        Value::Map(_) => "object",
        Value::Bool(_) => "bool",
        Value::Null | Value::String(_) => "string",
    };
    format!("json: cannot unmarshal {got} into {expected}")
}

/// A string field.
pub(crate) fn string(v: &Value) -> DecodeResult<String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Null => Ok(String::new()),
        other => Err(type_error("a string", other)),
    }
}

/// A boolean field.
pub(crate) fn boolean(v: &Value) -> DecodeResult<bool> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::Null => Ok(false),
        other => Err(type_error("a bool", other)),
    }
}

/// An integer field (a float with an integral value counts, as in JSON).
pub(crate) fn integer(v: &Value) -> DecodeResult<i64> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Ok(*f as i64),
        Value::Null => Ok(0),
        other => Err(type_error("an int64", other)),
    }
}

/// What sigs.k8s.io/yaml's `Unmarshal` (and `UnmarshalStrict`) does to a
/// scalar headed for a Go `string` field before decoding JSON
/// (`convertToJSONableObject`): a number or boolean becomes its text, ints
/// in decimal, floats as `strconv.FormatFloat(f, 'g', -1, 32)` (`0.5`,
/// `0.33333334`, `1e+06`, `+Inf`), booleans as `true` or `false`. Anything
/// else is left for [`string`] to judge.
///
/// Only the target struct's own string fields get this, and map values:
/// a field promoted from an embedded struct (a field spec's `group`,
/// `version` and `kind`, from `resid.Gvk`) does not, a quirk of that
/// function. kustomization files, read with `YAMLToJSON`, never do.
pub(crate) fn coerced_string(v: &Value) -> DecodeResult<String> {
    match v {
        Value::Int(i) => Ok(i.to_string()),
        Value::UInt(u) => Ok(u.to_string()),
        Value::Float(f) => Ok(go_format_float32(*f)),
        Value::Bool(b) => Ok(b.to_string()),
        other => string(other),
    }
}

/// An object field.
pub(crate) fn map_of(v: &Value) -> DecodeResult<&Mapping> {
    v.as_map().ok_or_else(|| type_error("an object", v))
}

/// A `map[string]string` field.
pub(crate) fn string_map(v: &Value) -> DecodeResult<StringMap> {
    map_of(v)?
        .iter()
        .map(|(k, v)| Ok((k.clone(), string(v).map_err(|e| format!("{k}: {e}"))?)))
        .collect()
}

/// A list field, each item decoded by `item`.
pub(crate) fn seq_of<T>(
    v: &Value,
    item: impl Fn(&Value) -> DecodeResult<T>,
) -> DecodeResult<Vec<T>> {
    match v {
        Value::Seq(items) => items.iter().map(item).collect(),
        other => Err(type_error("a list", other)),
    }
}

/// A `[]string` field.
pub(crate) fn string_list(v: &Value) -> DecodeResult<Vec<String>> {
    seq_of(v, string)
}

/// The fields of a struct-like map, unknown ones rejected; `null` values are skipped.
pub(crate) fn fields<'a>(
    v: &'a Value,
    known: &'static [&'static str],
) -> DecodeResult<Vec<(&'static str, &'a Value)>> {
    fields_with(v, known, true)
}

/// [`fields`], optionally ignoring unknown fields (kustomize reads some
/// files, such as replacement files, without `DisallowUnknownFields`).
pub(crate) fn fields_with<'a>(
    v: &'a Value,
    known: &'static [&'static str],
    strict: bool,
) -> DecodeResult<Vec<(&'static str, &'a Value)>> {
    let map = map_of(v)?;
    let mut out = Vec::with_capacity(map.len());
    for (key, value) in map {
        let field = known
            .iter()
            .find(|f| **f == key)
            .or_else(|| known.iter().find(|f| f.eq_ignore_ascii_case(key)));
        match field {
            Some(f) if !value.is_null() => out.push((*f, value)),
            Some(_) => {}
            None if strict => return Err(format!("json: unknown field \"{key}\"")),
            None => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Value {
        krust_yaml::load_documents(s).unwrap().remove(0)
    }

    #[test]
    fn go_json_rules() {
        let doc = v("Name: x\nextra: 1\nnothing: null\n");
        assert_eq!(
            fields(&doc, &["name", "nothing"]).unwrap_err(),
            "json: unknown field \"extra\""
        );
        let got = fields_with(&doc, &["name", "nothing"], false).unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, "name");
        assert_eq!(
            string(&Value::Int(1)).unwrap_err(),
            "json: cannot unmarshal number into a string"
        );
        assert_eq!(integer(&Value::Float(3.0)).unwrap(), 3);
        assert!(integer(&Value::Float(3.5)).is_err());
    }

    /// What kustomize made of a `configurations:` field spec's `path`.
    #[test]
    fn sigs_yaml_unmarshal_coerces_scalars_into_strings() {
        let cases = [
            (Value::Int(420), "420"),
            (Value::UInt(u64::MAX), "18446744073709551615"),
            (Value::Float(1.5), "1.5"),
            (Value::Float(1000.0), "1000"),
            (Value::Float(0.3333333333333333), "0.33333334"),
            (Value::Float(12345678.0), "1.2345678e+07"),
            (Value::Float(1e-5), "1e-05"),
            (Value::Float(0.0001), "0.0001"),
            (Value::Float(-0.0), "-0"),
            (Value::Float(f64::INFINITY), "+Inf"),
            (Value::Float(f64::NAN), "NaN"),
            (Value::Bool(true), "true"),
            (Value::Null, ""),
            (Value::String("x".into()), "x"),
        ];
        for (value, want) in cases {
            assert_eq!(coerced_string(&value).as_deref(), Ok(want), "{value:?}");
        }
        assert!(coerced_string(&Value::Seq(Vec::new())).is_err());
    }
}
