//! `images:`: rewrite container image names, tags and digests.
//!
//! kustomize runs two passes per `images` entry: a legacy one over every
//! `containers`/`initContainers` list at any depth, then one over the image
//! table's field specs. Both are kept, because their combination is visible
//! (a `tagSuffix` lands twice where both passes reach).

use krust_yaml::{PathSeg, Value};
use regex::Regex;

use crate::error::{Error, Result};
use crate::fieldspec::{self, Create, FieldSpec};
use crate::resmap::ResMap;

/// One `images:` entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageSpec {
    /// The image name to match (a regular expression, as kustomize compiles it).
    pub name: String,
    /// Replacement name.
    pub new_name: String,
    /// Replacement tag.
    pub new_tag: String,
    /// Replacement digest.
    pub digest: String,
    /// Appended to the current tag.
    pub tag_suffix: String,
}

/// Applies one `images:` entry to every resource.
pub fn apply(map: &mut ResMap, image: &ImageSpec, specs: &[FieldSpec]) -> Result<()> {
    // kustomize builds the pattern from the name unescaped; an invalid one matches nothing.
    let pattern = Regex::new(&format!(
        "^{}(:[a-zA-Z0-9_.{{}}-]*)?(@sha256:[a-zA-Z0-9_.{{}}-]*)?$",
        image.name
    ))
    .ok();
    // kyaml sets a matching image as a new node with no tag (even to the
    // same text): a replacement writing there later reads its text as YAML.
    let update =
        |node: &mut Value, set: &mut Vec<*const Value>| -> std::result::Result<(), String> {
            match node {
                Value::String(s) => {
                    if let Some(new) = pattern.as_ref().and_then(|p| rewrite(p, s, image)) {
                        *s = new;
                        set.push(node as *const Value);
                    }
                    Ok(())
                }
                Value::Null => Ok(()),
                Value::Map(_) | Value::Seq(_) => Err(format!(
                    "wrong node kind: expected a scalar image, found {}",
                    node.type_name()
                )),
                _ => Ok(()),
            }
        };
    map.transform(|res| {
        if res.id().gvk.kind == "CustomResourceDefinition" {
            return Ok(());
        }
        let id = res.id().to_string();
        let fail = |e: String| Error::transform(format!("{id}: images: {e}"));
        let mut set = Vec::new();
        legacy_walk(res.obj_mut(), &mut |node| update(node, &mut set)).map_err(fail)?;
        let gvk = res.id().gvk.clone();
        for spec in specs {
            fieldspec::apply(res.obj_mut(), &gvk, spec, Create::Never, &mut |node| {
                update(node, &mut set)
            })
            .map_err(fail)?;
        }
        if !set.is_empty() {
            let mut paths = Vec::new();
            paths_of(res.obj(), &set, &mut Vec::new(), &mut paths);
            for path in paths {
                res.mark_untagged(&path);
            }
        }
        Ok(())
    })
}

/// The paths of the nodes of `obj` at the addresses `nodes`.
fn paths_of(
    obj: &Value,
    nodes: &[*const Value],
    at: &mut Vec<PathSeg>,
    out: &mut Vec<Vec<PathSeg>>,
) {
    if nodes.iter().any(|&n| std::ptr::eq(n, obj)) {
        out.push(at.clone());
    }
    match obj {
        Value::Map(map) => {
            for (key, value) in map.iter() {
                at.push(PathSeg::Key(key.clone()));
                paths_of(value, nodes, at, out);
                at.pop();
            }
        }
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                at.push(PathSeg::Index(i));
                paths_of(item, nodes, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

/// The new image string, if `current` matches the entry's name.
fn rewrite(pattern: &Regex, current: &str, image: &ImageSpec) -> Option<String> {
    if !pattern.is_match(current) {
        return None;
    }
    let (name, tag, digest) = split(current);
    let mut name = name.to_owned();
    let (mut tag, mut digest) = (tag.to_owned(), digest.to_owned());
    if !image.new_name.is_empty() {
        name = image.new_name.clone();
    }
    if !image.new_tag.is_empty() && !image.digest.is_empty() {
        tag = image.new_tag.clone();
        digest = image.digest.clone();
    } else if !image.new_tag.is_empty() {
        tag = image.new_tag.clone();
        digest.clear();
    } else if !image.digest.is_empty() {
        tag.clear();
        digest = image.digest.clone();
    } else if !image.tag_suffix.is_empty() {
        tag.push_str(&image.tag_suffix);
        digest.clear();
    }
    if !tag.is_empty() {
        name = format!("{name}:{tag}");
    }
    if !digest.is_empty() {
        name = format!("{name}@{digest}");
    }
    Some(name)
}

/// Splits `registry/name:tag@digest`; a `:` before the first `/` is a port.
fn split(image: &str) -> (&str, &str, &str) {
    let offset = match image.find('/') {
        Some(i) if i > 0 => i,
        _ => 0,
    };
    let rest = &image[offset..];
    let at = rest.find('@').map(|i| i + offset);
    let colon = rest.find(':').map(|i| i + offset);
    match (colon, at) {
        (None, None) => (image, "", ""),
        (c, Some(a)) if c.is_none_or(|c| a < c) => (&image[..a], "", &image[a + 1..]),
        (Some(c), Some(a)) => (&image[..c], &image[c + 1..a], &image[a + 1..]),
        (Some(c), None) => (&image[..c], &image[c + 1..], ""),
        (None, Some(_)) => unreachable!("covered above"),
    }
}

/// Visits the `image` of every element of every `containers` or
/// `initContainers` list, at any depth (children before the list itself).
fn legacy_walk<F>(node: &mut Value, update: &mut F) -> std::result::Result<(), String>
where
    F: FnMut(&mut Value) -> std::result::Result<(), String>,
{
    match node {
        Value::Map(map) => {
            for (key, value) in map.iter_mut() {
                legacy_walk(value, update)?;
                if key == "containers" || key == "initContainers" {
                    if let Value::Seq(items) = value {
                        for item in items {
                            if let Some(image) = item.get_mut("image") {
                                update(image)?;
                            }
                        }
                    }
                }
            }
            Ok(())
        }
        Value::Seq(items) => items
            .iter_mut()
            .try_for_each(|item| legacy_walk(item, update)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_kustomize() {
        assert_eq!(split("nginx"), ("nginx", "", ""));
        assert_eq!(split("nginx:1.2"), ("nginx", "1.2", ""));
        assert_eq!(split("reg:5000/nginx:1.2"), ("reg:5000/nginx", "1.2", ""));
        assert_eq!(split("nginx@sha256:abc"), ("nginx", "", "sha256:abc"));
        assert_eq!(
            split("nginx:1.2@sha256:abc"),
            ("nginx", "1.2", "sha256:abc")
        );
    }

    fn spec(f: impl FnOnce(&mut ImageSpec)) -> ImageSpec {
        let mut s = ImageSpec {
            name: "nginx".into(),
            ..ImageSpec::default()
        };
        f(&mut s);
        s
    }

    fn re(s: &ImageSpec) -> Regex {
        Regex::new(&format!(
            "^{}(:[a-zA-Z0-9_.{{}}-]*)?(@sha256:[a-zA-Z0-9_.{{}}-]*)?$",
            s.name
        ))
        .unwrap()
    }

    #[test]
    fn rewrites_name_tag_digest() {
        let s = spec(|s| s.new_tag = "2".into());
        assert_eq!(
            rewrite(&re(&s), "nginx:1@sha256:x", &s).as_deref(),
            Some("nginx:2")
        );
        let s = spec(|s| s.digest = "sha256:y".into());
        assert_eq!(
            rewrite(&re(&s), "nginx:1", &s).as_deref(),
            Some("nginx@sha256:y")
        );
        let s = spec(|s| s.new_name = "my/nginx".into());
        assert_eq!(
            rewrite(&re(&s), "nginx:1", &s).as_deref(),
            Some("my/nginx:1")
        );
        let s = spec(|s| s.tag_suffix = "-x".into());
        assert_eq!(
            rewrite(&re(&s), "nginx:1", &s).as_deref(),
            Some("nginx:1-x")
        );
        assert_eq!(rewrite(&re(&s), "nginx-other:1", &s), None);
    }
}
