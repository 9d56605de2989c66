//! YAML for krust: a JSON-shaped value model, a loader that resolves input the
//! way go-yaml v3 does (as kustomize reads files), and an emitter that prints
//! exactly what kustomize v5.5.0 prints (go-yaml v2 after a JSON round trip).
//!
//! ```
//! let docs = krust_yaml::load_documents("a: 1.50\nb: 'yes'\n").unwrap();
//! assert_eq!(krust_yaml::to_yaml_string(&docs[0]).unwrap(), "a: 1.5\nb: \"yes\"\n");
//! ```

#![warn(missing_docs)]

mod emit;
mod load;
mod mapping;
pub mod number;
pub mod strconv;
mod value;

pub use emit::{after_json_step, emit_document, to_yaml_string, write_go_json_string, EmitError};
pub use load::{
    decode_base64, is_json, load_detailed, load_documents, load_documents_with,
    plain_scalar_is_string, plain_scalar_is_timestamp, yaml11_reads_as_non_string, Document,
    LoadError, LoadOptions,
};
pub use value::{key_index, Mapping, PathSeg, Value};
