//! The content hash kustomize appends to generated names (`api/hasher`).
//!
//! kustomize encodes a few fields of the object as JSON (Go's
//! `encoding/json`: sorted keys, HTML-safe escaping), takes the SHA-256 of
//! that text and keeps the first ten hex digits, with `0 1 3 a e` replaced by
//! `g h k m t` so that the suffix never reads as a number or a word.
//!
//! Which fields: for a ConfigMap, `kind`, `data` and, when it is a map,
//! `binaryData`; for a Secret, `kind`, `type`, `data` and, when it is a map,
//! `stringData`. A `name` entry is always present but always empty: kustomize
//! looks the name up under the single field name `metadata/name`, which never
//! exists. Labels, annotations, `immutable`, the namespace and the name do not
//! enter the hash.

use std::fmt::Write as _;

use krust_yaml::Value;

/// kustomize's content hash of a ConfigMap or Secret: ten characters from
/// `[2-9bcdfghkmt]`. Other kinds are refused: kustomize would hash the
/// internal representation of its YAML node, which cannot be reproduced.
pub fn content_hash(obj: &Value) -> Result<String, String> {
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or_default();
    let mut fields: Vec<(&str, Json)> = vec![("kind", Json::Str(kind.to_owned()))];
    fields.push(("name", Json::Str(String::new())));
    match kind {
        "ConfigMap" => {
            fields.push(("data", lookup(obj, "data")?));
            if let Some(binary) = lookup_map(obj, "binaryData")? {
                fields.push(("binaryData", binary));
            }
        }
        "Secret" => {
            fields.push(("type", lookup(obj, "type")?));
            fields.push(("data", lookup(obj, "data")?));
            if let Some(string_data) = lookup_map(obj, "stringData")? {
                fields.push(("stringData", string_data));
            }
        }
        other => {
            return Err(format!(
                "cannot compute a name suffix hash for kind '{other}': only ConfigMaps and Secrets are supported"
            ))
        }
    }
    let mut text = String::new();
    Json::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()).write(&mut text)?;
    Ok(encode(&sha256_hex(text.as_bytes())))
}

/// The characters of a kustomize name hash: the hex digits that its encoding
/// keeps, and those it writes for `0 1 3 a e`. Public because krust-diff
/// recognises hashed names (`settings-7h5mtk8b2c`) by them.
pub const HASH_ALPHABET: &str = "bcdfghkmt2456789";

/// How many characters a kustomize name hash has.
pub const HASH_LEN: usize = 10;

/// kustomize's `encode`: the first ten hex digits with its substitutions.
fn encode(hex: &str) -> String {
    hex.chars()
        .take(HASH_LEN)
        .map(|c| match c {
            '0' => 'g',
            '1' => 'h',
            '3' => 'k',
            'a' => 'm',
            'e' => 't',
            other => other,
        })
        .collect()
}

/// A JSON value as Go's `json.Unmarshal` into `interface{}` yields it:
/// numbers are `float64`.
#[derive(Debug, Clone, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

/// kustomize's `getNodeValues` for one field: `""` when absent, the scalar's
/// text for a scalar, and for a collection the map it unmarshals to (`null`
/// when it is not a map, as unmarshalling a list into a map fails silently).
fn lookup(obj: &Value, field: &str) -> Result<Json, String> {
    Ok(match obj.get(field) {
        None => Json::Str(String::new()),
        Some(Value::Map(_)) | Some(Value::Seq(_)) => lookup_map(obj, field)?.unwrap_or(Json::Null),
        Some(Value::Null) => Json::Str("null".into()),
        Some(scalar) => Json::Str(scalar.scalar_string().unwrap_or_default()),
    })
}

/// The field when it is a collection: `Some(map)` for a map, `Some(null)` for
/// a list (Go keeps a typed nil map), `None` otherwise.
fn lookup_map(obj: &Value, field: &str) -> Result<Option<Json>, String> {
    Ok(match obj.get(field) {
        Some(v @ Value::Map(_)) => Some(to_json(v)?),
        Some(Value::Seq(_)) => Some(Json::Null),
        _ => None,
    })
}

/// The value after kustomize's YAML → JSON → `interface{}` round trip.
fn to_json(v: &Value) -> Result<Json, String> {
    Ok(match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::Num(*i as f64),
        Value::UInt(u) => Json::Num(*u as f64),
        Value::Float(f) if f.is_finite() => Json::Num(*f),
        Value::Float(f) => return Err(krust_yaml::number::json_unsupported(*f).unwrap_or_default()),
        Value::String(s) => Json::Str(s.clone()),
        Value::Seq(items) => Json::Array(items.iter().map(to_json).collect::<Result<_, _>>()?),
        Value::Map(m) => Json::Object(
            m.iter()
                .map(|(k, v)| Ok((k.clone(), to_json(v)?)))
                .collect::<Result<_, String>>()?,
        ),
    })
}

impl Json {
    /// Go's `json.Marshal`: object keys sorted, strings HTML-escaped.
    fn write(&self, out: &mut String) -> Result<(), String> {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Num(f) => write_go_float(*f, out),
            Json::Str(s) => krust_yaml::write_go_json_string(s, out),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out)?;
                }
                out.push(']');
            }
            Json::Object(fields) => {
                let mut sorted: Vec<&(String, Json)> = fields.iter().collect();
                sorted.sort_by(|a, b| a.0.cmp(&b.0));
                out.push('{');
                for (i, (k, v)) in sorted.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    krust_yaml::write_go_json_string(k, out);
                    out.push(':');
                    v.write(out)?;
                }
                out.push('}');
            }
        }
        Ok(())
    }
}

/// A finite `float64` as Go's `encoding/json` writes it (`to_json` refuses
/// the others).
fn write_go_float(f: f64, out: &mut String) {
    out.push_str(&krust_yaml::number::go_json_float(f).unwrap_or_default());
}

/// SHA-256 of `data`, as lowercase hex (the hash under kustomize's name
/// suffixes, and helm-controller's shortened release names).
pub fn sha256_hex(data: &[u8]) -> String {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut message = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&bit_len.to_be_bytes());
    for block in message.chunks_exact(64) {
        let mut w = [0u32; 64];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (state, v) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *state = state.wrapping_add(v);
        }
    }
    let mut out = String::with_capacity(64);
    for word in h {
        let _ = write!(out, "{word:08x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(src: &str) -> Value {
        krust_yaml::load_documents(src).unwrap().remove(0)
    }

    #[test]
    fn encoding_writes_the_hash_alphabet() {
        let all: String = encode("0123456789")
            .chars()
            .chain(encode("abcdef").chars())
            .collect();
        let mut chars: Vec<char> = all.chars().collect();
        chars.sort_unstable();
        let mut alphabet: Vec<char> = HASH_ALPHABET.chars().collect();
        alphabet.sort_unstable();
        assert_eq!(chars, alphabet);
    }

    #[test]
    fn sha256_matches_known_vectors() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            sha256_hex(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        let million = vec![b'a'; 1_000_000];
        assert_eq!(
            sha256_hex(&million),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        );
        // Lengths around the padding boundary.
        for len in 50..70 {
            assert_eq!(sha256_hex(&vec![b'x'; len]).len(), 64);
        }
    }

    /// The cases of kustomize's own `hasher_test.go`.
    #[test]
    fn kustomize_hasher_test_cases() {
        let cases = [
            ("apiVersion: v1\nkind: ConfigMap\n", "6ct58987ht"),
            ("apiVersion: v1\nkind: ConfigMap\ndata:\n  one: \"\"\n", "9g67k2htb6"),
            (
                "apiVersion: v1\nkind: ConfigMap\ndata:\n  two: 2\n  one: \"\"\n  three: 3\n",
                "7757f9kkct",
            ),
            ("apiVersion: v1\nkind: ConfigMap\nbinaryData:\n  one: \"\"\n", "6mtk2m274t"),
            (
                "apiVersion: v1\nkind: ConfigMap\nbinaryData:\n  two: 2\n  one: \"\"\n  three: 3\n",
                "9th7kc28dg",
            ),
            (
                "apiVersion: v1\nkind: ConfigMap\ndata:\n  one: \"\"\nbinaryData:\n  two: \"\"\n",
                "698h7c7t9m",
            ),
            ("apiVersion: v1\nkind: Secret\ntype: my-type\n", "5gmgkf8578"),
            (
                "apiVersion: v1\nkind: Secret\ntype: my-type\ndata:\n  one: \"\"\n",
                "74bd68bm66",
            ),
            (
                "apiVersion: v1\nkind: Secret\ntype: my-type\ndata:\n  two: 2\n  one: \"\"\n  three: 3\n",
                "4gf75c7476",
            ),
            (
                "apiVersion: v1\nkind: Secret\ntype: my-type\ndata:\n  one: \"\"\nstringData:\n  two: 2\n",
                "c4h4264gdb",
            ),
        ];
        for (src, want) in cases {
            assert_eq!(content_hash(&yaml(src)).unwrap(), want, "{src}");
        }
    }

    /// Hashes `kubectl kustomize` printed for generated objects.
    #[test]
    fn matches_kubectl_for_generated_objects() {
        let cases = [
            // literals a=b; the name does not enter the hash
            ("kind: ConfigMap\nmetadata: {name: bar}\ndata: {a: b}\n", "4h2mbtbbt6"),
            ("kind: ConfigMap\nmetadata: {name: other}\ndata: {a: b}\n", "4h2mbtbbt6"),
            // labels, annotations and immutable do not enter it either
            (
                "kind: ConfigMap\nmetadata: {name: x, labels: {a: b}, annotations: {c: d}}\nimmutable: true\ndata: {a: b}\n",
                "4h2mbtbbt6",
            ),
            ("kind: Secret\nmetadata: {name: empty}\ndata: {}\ntype: Opaque\n", "46f8b28mk5"),
            ("kind: Secret\ndata: {a: Yg==}\ntype: Opaque\n", "k695gkmbtk"),
            (
                "kind: Secret\ndata: {tls.crt: eA==, tls.key: eQ==}\ntype: kubernetes.io/tls\nimmutable: true\n",
                "f4c6k54dt5",
            ),
            // literal "k=\b", "k=\f", "k=\u2028"
            ("kind: ConfigMap\ndata: {k: \"\\b\"}\n", "2fhh784dfk"),
            ("kind: ConfigMap\ndata: {k: \"\\f\"}\n", "9578bdg65k"),
            ("kind: ConfigMap\ndata: {k: \"\\u2028\"}\n", "gc2m9bctfh"),
            ("kind: ConfigMap\ndata: {k: \"<>&\"}\n", "6ghhmcbdd4"),
            ("kind: ConfigMap\ndata: {k: \"\\x01\"}\n", "fhcm6bfft6"),
            ("kind: ConfigMap\ndata: {k: \"\\x1b\"}\n", "hb5748d4bc"),
            // literal "k=\x85": the configuration round trip folds NEL to a space
            ("kind: ConfigMap\ndata: {k: \" \"}\n", "2b9g555t7k"),
            ("kind: ConfigMap\ndata: {k: \"\\ufeff\"}\n", "g76btgbm49"),
            ("kind: ConfigMap\ndata: {k: \"\\U0010FFFF\"}\n", "8mg8tkk2fg"),
            // only binaryData: data is absent and hashes as ""
            (
                "kind: ConfigMap\nbinaryData:\n  bin120: \"//////////////////////////////////////////////////////////////////////\\n//////////////////////////////////////////////////////////////////////\\n////////////////////\\n\"\n",
                "t784t754hm",
            ),
        ];
        for (src, want) in cases {
            assert_eq!(content_hash(&yaml(src)).unwrap(), want, "{src}");
        }
    }

    /// A generated ConfigMap whose data a JSON patch filled with non-strings
    /// (numbers pass through Go's float64, as kustomize reads them back).
    #[test]
    fn patched_data_with_other_types() {
        let obj = yaml(
            "kind: ConfigMap\ndata:\n  b: true\n  big: 12345678901234567890\n  f: 1.5\n  k: v\n  n: 5\n  z: null\n",
        );
        assert_eq!(content_hash(&obj).unwrap(), "6hkfkffdc2");
    }

    /// Go's `json.Marshal(math.Inf(1))` fails with "json: unsupported value:
    /// +Inf" (Rust's `{}` would print `inf`).
    #[test]
    fn non_finite_floats_fail_as_go_json_does() {
        let err = |f: f64| to_json(&Value::Float(f)).err();
        assert_eq!(
            err(f64::INFINITY).as_deref(),
            Some("json: unsupported value: +Inf")
        );
        assert_eq!(
            err(f64::NEG_INFINITY).as_deref(),
            Some("json: unsupported value: -Inf")
        );
        assert_eq!(
            err(f64::NAN).as_deref(),
            Some("json: unsupported value: NaN")
        );
    }

    #[test]
    fn go_json_encoding_details() {
        let mut out = String::new();
        for f in [
            0.0,
            -0.0,
            1.0,
            1.5,
            1e20,
            1e21,
            1e-6,
            1e-7,
            123456789.0,
            1.2e-10,
            1e100,
        ] {
            write_go_float(f, &mut out);
            out.push(' ');
        }
        assert_eq!(
            out,
            "0 -0 1 1.5 100000000000000000000 1e+21 0.000001 1e-7 123456789 1.2e-10 1e+100 "
        );
        let mut s = String::new();
        krust_yaml::write_go_json_string("a\"\\\u{7f}\u{1}\u{2029}é", &mut s);
        assert_eq!(s, "\"a\\\"\\\\\u{7f}\\u0001\\u2029é\"");
    }

    #[test]
    fn other_kinds_are_refused() {
        assert!(content_hash(&yaml("kind: Deployment\n")).is_err());
    }
}
