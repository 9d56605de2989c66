//! Maps (kyaml's `VisitMap` and `walkMap`), and the walk of null/missing
//! places, which kyaml treats as maps.

use krust_yaml::{Mapping, Value};

use super::directive::{self, Directive};
use super::{Origin, Step, Walker};
use crate::patch::schema::SchemaNode;

/// The patch side of a map's fields.
#[derive(Clone, Copy)]
enum Fields<'p> {
    /// The patch has no map here.
    Missing,
    /// The patch's map; a recognised `$patch` is skipped (kyaml elides it).
    Node { patch: &'p Mapping, elided: bool },
    /// The target's map is walked against itself.
    Dest,
}

impl<'s> Walker<'s, '_> {
    /// Walks a place where the target has a map, nothing, or null.
    pub(super) fn walk_map(
        &self,
        dest: Option<&mut Value>,
        origin: Origin<'_>,
        schema: Option<SchemaNode<'s>>,
    ) -> Result<Step, String> {
        match dest {
            Some(Value::Map(map)) => self.merge_into_map(map, origin, schema),
            // Null: the kind check lets no other node through.
            Some(_) => self.fill_null(origin, schema),
            None => match origin {
                Origin::Missing | Origin::Dest => Ok(Step::Clear),
                Origin::Node(_) => self.fill_null(origin, schema),
            },
        }
    }

    /// The target has null (or nothing) here: a patch map is adopted, a
    /// patch null removes the field, silence keeps an explicit null.
    fn fill_null(
        &self,
        origin: Origin<'_>,
        schema: Option<SchemaNode<'s>>,
    ) -> Result<Step, String> {
        let patch = match origin {
            Origin::Missing => return Ok(Step::KeepNull),
            // The target's null walked against itself is an ordinary null.
            Origin::Dest => return Ok(Step::Keep),
            Origin::Node(Value::Map(patch)) => patch,
            Origin::Node(_) => return Ok(Step::Clear),
        };
        // kyaml ignores an unknown directive here, and keeps its key.
        match directive::of_map(patch) {
            Ok(Some(Directive::Delete)) => Ok(Step::Clear),
            Ok(found) => self.adopt_map(patch, found.is_some(), schema),
            Err(_) => self.adopt_map(patch, false, schema),
        }
    }

    /// Merges into a map the target has.
    fn merge_into_map(
        &self,
        dest: &mut Mapping,
        origin: Origin<'_>,
        schema: Option<SchemaNode<'s>>,
    ) -> Result<Step, String> {
        let fields = match origin {
            Origin::Missing => Fields::Missing,
            Origin::Node(Value::Map(patch)) => match directive::of_map(patch)? {
                Some(Directive::Delete) => return Ok(Step::Clear),
                Some(Directive::Replace) => return self.adopt_map(patch, true, schema),
                found => Fields::Node {
                    patch,
                    elided: found.is_some(),
                },
            },
            // The kind check lets only a map or null through.
            Origin::Node(_) => return Ok(Step::Clear),
            Origin::Dest => match directive::of_map(dest)? {
                Some(Directive::Delete) => return Ok(Step::Clear),
                Some(_) => {
                    dest.shift_remove(directive::KEY);
                    Fields::Dest
                }
                None => Fields::Dest,
            },
        };
        self.walk_fields(dest, fields, schema)?;
        Ok(Step::Keep)
    }

    /// Takes a patch map into the target, then walks it against itself.
    fn adopt_map(
        &self,
        patch: &Mapping,
        elide: bool,
        schema: Option<SchemaNode<'s>>,
    ) -> Result<Step, String> {
        let mut adopted = without_directive(patch, elide);
        self.walk_fields(&mut adopted, Fields::Dest, schema)?;
        Ok(Step::Adopt(Value::from_map(adopted)))
    }

    /// kyaml's field loop: every field of the target and of the patch is
    /// walked with its own schema; fields only the patch has are added in
    /// sorted order after the target's.
    fn walk_fields(
        &self,
        dest: &mut Mapping,
        fields: Fields<'_>,
        schema: Option<SchemaNode<'s>>,
    ) -> Result<(), String> {
        let added: Vec<(&str, &Value)> = match fields {
            Fields::Node { patch, elided } => {
                let mut added: Vec<(&str, &Value)> = patch
                    .iter()
                    .filter(|(k, _)| !dest.contains_key(k) && !is_elided(elided, k))
                    .map(|(k, v)| (k.as_str(), v))
                    .collect();
                added.sort_unstable_by(|a, b| a.0.cmp(b.0));
                added
            }
            Fields::Missing | Fields::Dest => Vec::new(),
        };
        let mut error = None;
        dest.retain(|key, value| {
            if error.is_some() {
                return true;
            }
            let origin = match fields {
                Fields::Missing => Origin::Missing,
                Fields::Dest => Origin::Dest,
                Fields::Node { elided, .. } if is_elided(elided, key) => Origin::Missing,
                Fields::Node { patch, .. } => patch.get(key).map_or(Origin::Missing, Origin::Node),
            };
            let field_schema = schema.and_then(|s| s.field(key));
            match self.walk(Some(value), origin, field_schema) {
                Ok(step) => keep_field(value, step),
                Err(err) => {
                    error = Some(err);
                    true
                }
            }
        });
        if let Some(err) = error {
            return Err(err);
        }
        for (key, patch_value) in added {
            let field_schema = schema.and_then(|s| s.field(key));
            if let Step::Adopt(value) = self.walk(None, Origin::Node(patch_value), field_schema)? {
                if !value.is_null() {
                    dest.insert(key.to_owned(), value);
                }
            }
        }
        Ok(())
    }
}

/// kyaml's `FieldSetter`: applies a step to a field; `false` removes it.
fn keep_field(value: &mut Value, step: Step) -> bool {
    match step {
        Step::Keep => !value.is_null(),
        Step::KeepNull => true,
        Step::Clear => false,
        Step::Adopt(new) => {
            *value = new;
            !value.is_null()
        }
    }
}

/// Whether `key` is a recognised `$patch`, which kyaml has removed from the patch.
fn is_elided(elided: bool, key: &str) -> bool {
    elided && key == directive::KEY
}

/// A copy of a patch map, without its `$patch` key when that was recognised.
fn without_directive(patch: &Mapping, elide: bool) -> Mapping {
    let mut copy = patch.clone();
    if elide {
        copy.shift_remove(directive::KEY);
    }
    copy
}
