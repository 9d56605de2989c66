//! Two environments compared as a pair: the renaming an overlay applies to
//! everything it renders (its namespace, `namePrefix`, `nameSuffix`) is
//! guessed from the two renders, reported once, and undone before the
//! resources are paired and compared, so that staging against production
//! shows what really differs (an image tag, replicas, a value), not every
//! resource removed and added again.
//!
//! The guess is a vote: every resource present on one side only proposes
//! the renaming that would make it a resource of the other side (same group,
//! kind and name in another namespace; a name that differs only at its
//! start or end). A proposal is taken when at least two resources make it
//! and no other proposal for the same thing has as many votes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::suffix::hash_suffix_base;
use crate::ResourceKey;

/// How resources of two renders are paired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pairing {
    /// By group, kind, namespace and name (and generated names by their
    /// base): revisions of one root.
    #[default]
    Exact,
    /// Also by kind and name across the renaming the two sides apply
    /// consistently (namespace, name prefix and suffix): two environments.
    Name,
}

/// The renaming that takes one environment's resources to another's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Renaming {
    /// Namespaces renamed, old to new, with how many resources each moved.
    pub namespaces: Vec<NamespaceRename>,
    /// A name prefix replaced (`staging-` → `prod-`), if any.
    pub prefix: Option<AffixRename>,
    /// A name suffix replaced (`-staging` → `-prod`), if any.
    pub suffix: Option<AffixRename>,
}

/// One namespace renamed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespaceRename {
    /// The old side's namespace.
    pub old: String,
    /// The new side's namespace.
    pub new: String,
    /// Resources paired across it.
    pub resources: usize,
}

/// One name prefix or suffix replaced by another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AffixRename {
    /// On the old side.
    pub old: String,
    /// On the new side.
    pub new: String,
    /// Resources paired across it.
    pub resources: usize,
}

impl Renaming {
    /// Whether nothing is renamed.
    pub fn is_empty(&self) -> bool {
        self.namespaces.is_empty() && self.prefix.is_none() && self.suffix.is_none()
    }

    /// The name `name` takes on the new side.
    fn rename(&self, name: &str) -> String {
        let mut name = name.to_owned();
        if let Some(p) = &self.prefix {
            if let Some(rest) = name.strip_prefix(p.old.as_str()) {
                name = format!("{}{rest}", p.new);
            }
        }
        if let Some(s) = &self.suffix {
            // A hashed name keeps its hash last: the suffix comes before it.
            let (base, hash) = match hash_suffix_base(&name) {
                Some(base) => (base.to_owned(), name[base.len()..].to_owned()),
                None => (name.clone(), String::new()),
            };
            if let Some(rest) = base.strip_suffix(s.old.as_str()) {
                name = format!("{rest}{}{hash}", s.new);
            }
        }
        name
    }

    /// The namespace `namespace` becomes on the new side.
    fn namespace(&self, namespace: &str) -> Option<&str> {
        self.namespaces
            .iter()
            .find(|n| n.old == namespace)
            .map(|n| n.new.as_str())
    }

    /// The key `key` (of the old side) has on the new side.
    pub fn apply(&self, key: &ResourceKey) -> ResourceKey {
        let mut out = key.clone();
        if let Some(ns) = self.namespace(&key.namespace) {
            out.namespace = ns.to_owned();
        }
        // A Namespace object is named for its namespace.
        if key.group.is_empty() && key.kind == "Namespace" && key.namespace.is_empty() {
            if let Some(ns) = self.namespace(&key.name) {
                out.name = ns.to_owned();
                return out;
            }
        }
        out.name = self.rename(&key.name);
        out
    }

    /// Counts, for the report, the resources each rule moved among `pairs`
    /// (a Namespace object counts for its namespace).
    pub(crate) fn count(&mut self, pairs: &[(ResourceKey, ResourceKey)]) {
        let is_namespace = |k: &ResourceKey| k.group.is_empty() && k.kind == "Namespace";
        for ns in &mut self.namespaces {
            ns.resources = pairs
                .iter()
                .filter(|(o, n)| {
                    (o.namespace == ns.old && n.namespace == ns.new)
                        || (is_namespace(o) && o.name == ns.old && n.name == ns.new)
                })
                .count();
        }
        for affix in [&mut self.prefix, &mut self.suffix].into_iter().flatten() {
            affix.resources = pairs.iter().filter(|(o, n)| o.name != n.name).count();
        }
    }
}

impl fmt::Display for Renaming {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        for ns in &self.namespaces {
            parts.push(format!(
                "namespace {} → {} on {} resources",
                ns.old, ns.new, ns.resources
            ));
        }
        if let Some(p) = &self.prefix {
            parts.push(format!(
                "name prefix {:?} → {:?} on {} resources",
                p.old, p.new, p.resources
            ));
        }
        if let Some(s) = &self.suffix {
            parts.push(format!(
                "name suffix {:?} → {:?} on {} resources",
                s.old, s.new, s.resources
            ));
        }
        f.write_str(&parts.join("; "))
    }
}

/// The pairs, on top of those with equal keys, that the renaming between
/// the sides explains, and the renaming. `removed` and `added` are the keys
/// on one side only.
pub(crate) fn pair_environments(
    removed: &[ResourceKey],
    added: &[ResourceKey],
) -> (Renaming, Vec<(ResourceKey, ResourceKey)>) {
    let mut renaming = Renaming {
        prefix: vote_affix(removed, added, Affix::Prefix),
        suffix: vote_affix(removed, added, Affix::Suffix),
        namespaces: Vec::new(),
    };
    renaming.namespaces = vote_namespaces(removed, added, &renaming);
    let wanted: BTreeSet<&ResourceKey> = added.iter().collect();
    let mut pairs: Vec<(ResourceKey, ResourceKey)> = removed
        .iter()
        .filter_map(|old| {
            let new = renaming.apply(old);
            wanted.contains(&new).then(|| (old.clone(), new))
        })
        .collect();
    pairs.sort();
    renaming.count(&pairs);
    renaming.namespaces.retain(|n| n.resources > 0);
    for affix in [&mut renaming.prefix, &mut renaming.suffix] {
        if affix.as_ref().is_some_and(|a| a.resources == 0) {
            *affix = None;
        }
    }
    (renaming, pairs)
}

/// Which end of a name an environment changes.
#[derive(Clone, Copy)]
enum Affix {
    Prefix,
    Suffix,
}

/// Above this many candidate pairs in one kind, names are not voted on (the
/// vote compares every removed name with every added one).
const MAX_COMPARISONS: usize = 250_000;

/// The prefix (or suffix) most resources of one kind would share if the
/// other side's were replaced by it; `None` without a clear winner.
fn vote_affix(removed: &[ResourceKey], added: &[ResourceKey], affix: Affix) -> Option<AffixRename> {
    // Names found on both sides (in other namespaces) need no renaming and
    // would only vote for coincidences between different resources.
    let names = |keys: &[ResourceKey]| -> BTreeSet<(String, String, String)> {
        keys.iter()
            .map(|k| (k.group.clone(), k.kind.clone(), k.name.clone()))
            .collect()
    };
    let (old_names, new_names) = (names(removed), names(added));
    fn by_kind<'k>(
        keys: &'k [ResourceKey],
        other: &BTreeSet<(String, String, String)>,
    ) -> BTreeMap<(&'k str, &'k str), Vec<&'k str>> {
        let mut map: BTreeMap<(&str, &str), Vec<&str>> = BTreeMap::new();
        for key in keys {
            if other.contains(&(key.group.clone(), key.kind.clone(), key.name.clone())) {
                continue;
            }
            let name = hash_suffix_base(&key.name).unwrap_or(&key.name);
            map.entry((&key.group, &key.kind)).or_default().push(name);
        }
        map
    }
    let (old, new) = (by_kind(removed, &new_names), by_kind(added, &old_names));
    let mut votes: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (kind, old_names) in &old {
        let Some(new_names) = new.get(kind) else {
            continue;
        };
        if old_names.len() * new_names.len() > MAX_COMPARISONS {
            continue;
        }
        for o in old_names {
            for n in new_names {
                if let Some(candidate) = differing_end(o, n, affix) {
                    *votes.entry(candidate).or_default() += 1;
                }
            }
        }
    }
    winner(votes).map(|((old, new), _)| AffixRename {
        old,
        new,
        resources: 0,
    })
}

/// The ends of `a` and `b` that differ when the rest is shared: for a
/// prefix, what precedes their longest common suffix (which must be a
/// name's worth, at least three characters, on a character boundary).
fn differing_end(a: &str, b: &str, affix: Affix) -> Option<(String, String)> {
    if a == b {
        return None;
    }
    let shared = match affix {
        Affix::Prefix => common_len(a.chars().rev(), b.chars().rev()),
        Affix::Suffix => common_len(a.chars(), b.chars()),
    };
    let (ca, cb) = (a.chars().count(), b.chars().count());
    if shared < 3 || shared == ca.max(cb) {
        return None;
    }
    let cut = |s: &str, n: usize| -> String {
        match affix {
            Affix::Prefix => s.chars().take(n).collect(),
            Affix::Suffix => s.chars().skip(n).collect(),
        }
    };
    Some(match affix {
        Affix::Prefix => (cut(a, ca - shared), cut(b, cb - shared)),
        Affix::Suffix => (cut(a, shared), cut(b, shared)),
    })
}

/// How many leading items two sequences share.
fn common_len(a: impl Iterator<Item = char>, b: impl Iterator<Item = char>) -> usize {
    a.zip(b).take_while(|(x, y)| x == y).count()
}

/// The candidate with the most votes, if it has at least two and no other
/// has as many.
fn winner<K: Ord>(votes: BTreeMap<K, usize>) -> Option<(K, usize)> {
    let mut ranked: Vec<(K, usize)> = votes.into_iter().collect();
    ranked.sort_by_key(|r| std::cmp::Reverse(r.1));
    let mut it = ranked.into_iter();
    let first = it.next()?;
    let tied = it.next().is_some_and(|second| second.1 == first.1);
    (first.1 >= 2 && !tied).then_some(first)
}

/// For each namespace of the removed resources, the namespace of the added
/// ones that most of its resources (renamed by `names`) are found in.
fn vote_namespaces(
    removed: &[ResourceKey],
    added: &[ResourceKey],
    names: &Renaming,
) -> Vec<NamespaceRename> {
    let mut at: BTreeMap<(&str, &str, &str), Vec<&str>> = BTreeMap::new();
    for key in added {
        at.entry((&key.group, &key.kind, &key.name))
            .or_default()
            .push(&key.namespace);
    }
    let mut votes: BTreeMap<&str, BTreeMap<String, usize>> = BTreeMap::new();
    for key in removed.iter().filter(|k| !k.namespace.is_empty()) {
        let name = names.rename(&key.name);
        for ns in at
            .get(&(key.group.as_str(), key.kind.as_str(), name.as_str()))
            .into_iter()
            .flatten()
        {
            if !ns.is_empty() && *ns != key.namespace {
                *votes
                    .entry(&key.namespace)
                    .or_default()
                    .entry((*ns).to_owned())
                    .or_default() += 1;
            }
        }
    }
    votes
        .into_iter()
        .filter_map(|(old, candidates)| {
            winner(candidates).map(|(new, _)| NamespaceRename {
                old: old.to_owned(),
                new,
                resources: 0,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(kind: &str, namespace: &str, name: &str) -> ResourceKey {
        ResourceKey::core(kind, namespace, name)
    }

    #[test]
    fn a_namespace_moved_is_one_rule() {
        let removed = [
            key("Service", "shop-staging", "api"),
            key("ConfigMap", "shop-staging", "api-config"),
            key("Namespace", "", "shop-staging"),
            key("Service", "shop-staging", "worker"),
        ];
        let added = [
            key("Service", "shop-production", "api"),
            key("ConfigMap", "shop-production", "api-config"),
            key("Namespace", "", "shop-production"),
        ];
        let (renaming, pairs) = pair_environments(&removed, &added);
        assert_eq!(pairs.len(), 3, "{pairs:?}");
        assert_eq!(
            renaming.to_string(),
            "namespace shop-staging → shop-production on 3 resources"
        );
    }

    #[test]
    fn prefixes_and_hashed_names_pair_too() {
        let removed = [
            key("Service", "dev", "dev-api"),
            key("Deployment", "dev", "dev-api"),
            key("ConfigMap", "dev", "dev-settings-7h5mtk8b2c"),
        ];
        let added = [
            key("Service", "prod", "prod-api"),
            key("Deployment", "prod", "prod-api"),
            key("ConfigMap", "prod", "prod-settings-7h5mtk8b2c"),
        ];
        let (renaming, pairs) = pair_environments(&removed, &added);
        assert_eq!(pairs.len(), 3, "{renaming:?} {pairs:?}");
        let prefix = renaming.prefix.as_ref().expect("a prefix");
        assert_eq!((prefix.old.as_str(), prefix.new.as_str()), ("dev", "prod"));
        assert_eq!(renaming.namespaces[0].new, "prod");
    }

    #[test]
    fn suffixes_keep_the_hash_last() {
        let r = Renaming {
            suffix: Some(AffixRename {
                old: "-a".into(),
                new: "-b".into(),
                resources: 0,
            }),
            ..Renaming::default()
        };
        assert_eq!(r.rename("cfg-a-7h5mtk8b2c"), "cfg-b-7h5mtk8b2c");
        assert_eq!(r.rename("web-a"), "web-b");
    }

    #[test]
    fn one_coincidence_is_no_rule() {
        let removed = [key("Service", "a", "x-one")];
        let added = [key("Service", "b", "y-one")];
        let (renaming, pairs) = pair_environments(&removed, &added);
        assert!(renaming.is_empty() && pairs.is_empty(), "{renaming:?}");
    }
}
