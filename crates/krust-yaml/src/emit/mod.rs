//! The go-yaml v2 emitter as kustomize uses it (sigs.k8s.io/yaml JSONToYAML).
//!
//! kustomize prints a resource by encoding it as JSON, reading that JSON back with
//! go-yaml v2 and marshalling the result with go-yaml v2 (libyaml's emitter ported
//! to Go). This module produces the same bytes straight from a [`Value`]: the JSON
//! step only matters through its effects on numbers (see [`crate::number`]) and
//! on a few characters (see `json`), and the rest is libyaml's block-style writer
//! with go-yaml v2's settings: two-space indentation, sequences not indented under
//! their key, line folding at column 80 and unescaped printable Unicode.
//!
//! The writer keeps libyaml's state (column, indentation, "last written was
//! whitespace", "still in the indentation") because its folding and spacing
//! decisions depend on exactly that state.

mod json;

pub use json::{after_json_step, write_go_json_string};
mod resolve;
mod scalar;
mod sort;
#[cfg(test)]
mod tests;
mod unicode_tables;

use std::fmt::Write as _;

use crate::{Mapping, Value};
use scalar::StringScalar;

/// Why a value cannot be printed (kustomize fails on the same values).
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum EmitError {
    /// A NaN or infinite float, which Go's JSON encoder rejects.
    #[error("unsupported value: {0}")]
    UnsupportedFloat(String),
    /// A character go-yaml v2 refuses to read back from kustomize's JSON
    /// (DEL, C1 controls other than U+0085, U+FFFE, U+FFFF).
    #[error("yaml: control characters are not allowed (U+{:04X})", u32::from(*.0))]
    ControlCharacter(char),
    /// A map key go-yaml v2 cannot read back as a key of kustomize's JSON: it
    /// holds U+0085 or its JSON text is longer than 1022 characters.
    #[error("yaml: did not find expected ',' or '}}' (map key too long or holding U+0085: {:?}…)", .0.chars().take(40).collect::<String>())]
    UnreadableKey(String),
}

/// Appends one document (no `---` separator) in kustomize's exact format.
///
/// On error nothing is appended.
pub fn emit_document(value: &Value, out: &mut String) -> Result<(), EmitError> {
    let start = out.len();
    let mut emitter = Emitter::new(out);
    let result = emitter.node(value, false);
    if result.is_ok() {
        // The document end moves to a fresh line.
        emitter.write_indent();
    } else {
        out.truncate(start);
    }
    result
}

/// One document as a string in kustomize's exact format.
pub fn to_yaml_string(value: &Value) -> Result<String, EmitError> {
    let mut out = String::new();
    emit_document(value, &mut out)?;
    Ok(out)
}

/// Spaces per indentation level (go-yaml v2 keeps libyaml's default).
const BEST_INDENT: i32 = 2;

/// libyaml's emitter state, writing into the caller's string.
pub(super) struct Emitter<'o, 'v> {
    out: &'o mut String,
    /// Sorted entries of the mappings being written, innermost last (one
    /// allocation per document instead of one per mapping).
    entries: Vec<(&'v str, &'v Value)>,
    /// Characters (not bytes) written on the current line.
    column: usize,
    /// Indentation of the current block; -1 before the root node.
    indent: i32,
    /// The last character written was whitespace (no separating space needed).
    whitespace: bool,
    /// Only indentation has been written on the current line so far.
    indention: bool,
}

impl<'o, 'v> Emitter<'o, 'v> {
    fn new(out: &'o mut String) -> Self {
        Emitter {
            out,
            entries: Vec::new(),
            column: 0,
            indent: -1,
            whitespace: true,
            indention: true,
        }
    }

    /// Writes any node; `in_mapping` tells whether it is a mapping value, which
    /// lets a block sequence sit at its key's indentation.
    fn node(&mut self, value: &'v Value, in_mapping: bool) -> Result<(), EmitError> {
        match value {
            Value::Null => self.plain_token(|out| out.push_str("null")),
            Value::Bool(b) => {
                self.plain_token(|out| out.push_str(if *b { "true" } else { "false" }))
            }
            Value::Int(i) => self.plain_token(|out| {
                let _ = write!(out, "{i}");
            }),
            Value::UInt(u) => self.plain_token(|out| {
                let _ = write!(out, "{u}");
            }),
            Value::Float(f) if !f.is_finite() => {
                return Err(EmitError::UnsupportedFloat(
                    crate::number::go_non_finite(*f)
                        .unwrap_or_default()
                        .to_owned(),
                ))
            }
            Value::Float(f) => self.plain_token(|out| crate::number::write_float(*f, out)),
            Value::String(s) => {
                let text = json::round_trip_string(s)?;
                let scalar = StringScalar::new(&text);
                self.scalar(&scalar, false);
            }
            Value::Seq(items) if items.is_empty() => self.empty_flow("[", "]"),
            Value::Map(map) if map.is_empty() => self.empty_flow("{", "}"),
            Value::Seq(items) => self.block_sequence(items, in_mapping)?,
            Value::Map(map) => self.block_mapping(map)?,
        }
        Ok(())
    }

    /// A block sequence: `- item` lines, at the key's indentation under a key.
    fn block_sequence(&mut self, items: &'v [Value], in_mapping: bool) -> Result<(), EmitError> {
        let saved = self.indent;
        self.increase_block_indent(in_mapping && !self.indention);
        for item in items {
            self.write_indent();
            self.write_indicator("-", true, false, true);
            self.node(item, false)?;
        }
        self.indent = saved;
        Ok(())
    }

    /// A block mapping with keys in go-yaml v2's order.
    fn block_mapping(&mut self, map: &'v Mapping) -> Result<(), EmitError> {
        let saved = self.indent;
        self.increase_block_indent(false);
        let start = self.entries.len();
        self.entries
            .extend(map.iter().map(|(k, v)| (k.as_str(), v)));
        sort::sort_entries(&mut self.entries[start..]);
        for i in start..start + map.len() {
            let (key, value) = self.entries[i];
            let key = StringScalar::new(json::round_trip_key(key)?);
            self.write_indent();
            if key.is_simple_key() {
                self.scalar(&key, true);
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, true);
                self.scalar(&key, false);
                self.write_indent();
                self.write_indicator(":", true, false, true);
            }
            self.node(value, true)?;
        }
        self.entries.truncate(start);
        self.indent = saved;
        Ok(())
    }

    /// A string scalar, one indentation step deeper than its parent (which is
    /// where folded and block-scalar lines continue).
    fn scalar(&mut self, scalar: &StringScalar<'_>, simple_key: bool) {
        let style = scalar.style(simple_key);
        let saved = self.indent;
        self.indent = if saved < 0 {
            BEST_INDENT
        } else {
            saved + BEST_INDENT
        };
        self.write_scalar(scalar.text(), style, !simple_key);
        self.indent = saved;
    }

    /// A plain scalar known to need no quoting or folding (numbers, bools, null).
    fn plain_token(&mut self, write: impl FnOnce(&mut String)) {
        if !self.whitespace {
            self.put(' ');
        }
        let before = self.out.len();
        write(self.out);
        self.column += self.out.len() - before;
        self.whitespace = false;
        self.indention = false;
    }

    /// An empty sequence or mapping, which libyaml always writes in flow style.
    fn empty_flow(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.write_indicator(close, false, false, false);
    }

    /// libyaml's `yaml_emitter_increase_indent` for block collections.
    fn increase_block_indent(&mut self, indentless: bool) {
        if self.indent < 0 {
            self.indent = 0;
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    /// Starts a new line at the current indentation unless already there.
    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        if self.column < indent {
            const SPACES: &str = "                                                                ";
            let mut missing = indent - self.column;
            while missing > 0 {
                let n = missing.min(SPACES.len());
                self.out.push_str(&SPACES[..n]);
                missing -= n;
            }
            self.column = indent;
        }
        self.whitespace = true;
        self.indention = true;
    }

    /// Writes an indicator such as `-`, `:`, `?` or a quote.
    fn write_indicator(
        &mut self,
        indicator: &str,
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        self.out.push_str(indicator);
        self.column += indicator.len();
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    /// An ASCII character.
    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    /// Any character but a line break.
    fn write_char(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    /// A run of characters without line breaks.
    fn write_run(&mut self, run: &str) {
        self.out.push_str(run);
        self.column += run.bytes().filter(|b| b & 0xC0 != 0x80).count();
    }
}
