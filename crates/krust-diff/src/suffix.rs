//! Generated ConfigMaps and Secrets, whose names change with their content.
//!
//! kustomize names a generated ConfigMap or Secret `<name>-<hash>`, the hash
//! being ten characters of its content's SHA-256 written with kustomize's
//! alphabet (hex digits with `0 1 3 a e` replaced by `g h k m t`, see
//! kustomize's `api/hasher`). Any change to the data renames the object, and
//! every reference to it. Compared by key, that reads as one resource removed
//! and another added; this module pairs them back so that the diff shows the
//! data that changed. A pair is made only when it is unambiguous: within one
//! kind and namespace, exactly one removed and exactly one added resource
//! with that base name.

use std::collections::BTreeMap;

use crate::ResourceKey;

/// The characters of a kustomize name hash (kustomize's rule, kept in krust).
pub use krust::HASH_ALPHABET;
use krust::HASH_LEN;

/// The base of a name that ends in `-` and a kustomize hash
/// (`settings-7h5mtk8b2c` → `settings`), or `None`.
pub fn hash_suffix_base(name: &str) -> Option<&str> {
    let split = name.len().checked_sub(HASH_LEN + 1)?;
    // The hash is ASCII, so a valid suffix starts on a char boundary.
    let (base, suffix) = (name.get(..split)?, name.get(split..)?);
    let hash = suffix.strip_prefix('-')?;
    let is_hash = hash.bytes().all(|b| HASH_ALPHABET.as_bytes().contains(&b));
    (is_hash && !base.is_empty()).then_some(base)
}

/// Whether kustomize may have hashed this resource's name.
fn is_generated_kind(key: &ResourceKey) -> bool {
    key.group.is_empty() && matches!(key.kind.as_str(), "ConfigMap" | "Secret")
}

/// Pairs resources renamed by a new hash: `(old key, new key)` in old-key
/// order. `removed` and `added` are the keys present on only one side.
pub(crate) fn pair_renamed(
    removed: &[ResourceKey],
    added: &[ResourceKey],
) -> Vec<(ResourceKey, ResourceKey)> {
    /// The removed and the added candidates of one (kind, namespace, base).
    type Candidates<'k> = [Vec<&'k ResourceKey>; 2];
    let mut by_base: BTreeMap<(&str, &str, &str), Candidates<'_>> = BTreeMap::new();
    for (side, keys) in [removed, added].into_iter().enumerate() {
        for key in keys.iter().filter(|k| is_generated_kind(k)) {
            if let Some(base) = hash_suffix_base(&key.name) {
                by_base
                    .entry((&key.kind, &key.namespace, base))
                    .or_default()[side]
                    .push(key);
            }
        }
    }
    let mut pairs: Vec<(ResourceKey, ResourceKey)> = by_base
        .into_values()
        .filter_map(|[old, new]| match (old.as_slice(), new.as_slice()) {
            ([old], [new]) => Some(((*old).clone(), (*new).clone())),
            _ => None,
        })
        .collect();
    pairs.sort();
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(kind: &str, namespace: &str, name: &str) -> ResourceKey {
        ResourceKey::core(kind, namespace, name)
    }

    #[test]
    fn recognises_kustomize_hashes() {
        assert_eq!(hash_suffix_base("settings-7h5mtk8b2c"), Some("settings"));
        assert_eq!(hash_suffix_base("a-b-7h5mtk8b2c"), Some("a-b"));
        assert_eq!(hash_suffix_base("-7h5mtk8b2c"), None);
        assert_eq!(hash_suffix_base("settings-7h5mtk8b2"), None);
        assert_eq!(
            hash_suffix_base("settings-7h5mtk8b2a"),
            None,
            "a is not in the alphabet"
        );
        assert_eq!(hash_suffix_base("settings_7h5mtk8b2c"), None);
        assert_eq!(hash_suffix_base("é-7h5mtk8b2c"), Some("é"));
        assert_eq!(hash_suffix_base("ééééééé"), None);
    }

    #[test]
    fn the_alphabet_is_the_one_krust_hashes_with() {
        // Hashes of many contents cover every character of the alphabet and no other.
        let mut seen = std::collections::BTreeSet::new();
        for n in 0..200 {
            let cm = krust_yaml::load_documents(&format!("kind: ConfigMap\ndata: {{k: v{n}}}"))
                .unwrap()
                .remove(0);
            let hash = krust::content_hash(&cm).unwrap();
            assert_eq!(hash_suffix_base(&format!("x-{hash}")), Some("x"), "{hash}");
            seen.extend(hash.chars());
        }
        assert_eq!(seen, HASH_ALPHABET.chars().collect());
    }

    #[test]
    fn pairs_one_to_one_only() {
        let removed = [
            key("ConfigMap", "a", "s-7h5mtk8b2c"),
            key("ConfigMap", "a", "t-7h5mtk8b2c"),
            key("ConfigMap", "a", "t-8b2c7h5mtk"),
            key("Secret", "a", "s-7h5mtk8b2c"),
            key("Service", "a", "s-7h5mtk8b2c"),
        ];
        let added = [
            key("ConfigMap", "a", "s-9g9g9g9g9g"),
            key("ConfigMap", "a", "t-9g9g9g9g9g"),
            key("Secret", "b", "s-9g9g9g9g9g"),
            key("Service", "a", "s-9g9g9g9g9g"),
        ];
        let pairs = pair_renamed(&removed, &added);
        // t has two candidates on the old side; the Secret moved namespace;
        // a Service is never generated.
        assert_eq!(pairs, [(removed[0].clone(), added[0].clone())]);
    }

    #[test]
    fn other_groups_are_not_generated() {
        let mut old = key("ConfigMap", "a", "s-7h5mtk8b2c");
        let mut new = key("ConfigMap", "a", "s-9g9g9g9g9g");
        old.group = "example.com".into();
        new.group = "example.com".into();
        assert!(pair_renamed(&[old], &[new]).is_empty());
    }
}
