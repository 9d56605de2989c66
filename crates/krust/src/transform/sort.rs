//! Output order: kustomize's "legacy" kind-ranked order (the default) or
//! `fifo` (accumulation order).

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::kustomization::SortOptions;
use crate::resid::{Gvk, ResId};
use crate::resmap::ResMap;

/// Kinds placed first by default, in this order.
pub const DEFAULT_ORDER_FIRST: &[&str] = &[
    "Namespace",
    "ResourceQuota",
    "StorageClass",
    "CustomResourceDefinition",
    "ServiceAccount",
    "PodSecurityPolicy",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ConfigMap",
    "Secret",
    "Endpoints",
    "Service",
    "LimitRange",
    "PriorityClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "PodDisruptionBudget",
];

/// Kinds placed last by default, in this order.
pub const DEFAULT_ORDER_LAST: &[&str] = &[
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// Sorts `map` as the top-level kustomization's `sortOptions` say (legacy
/// order when absent), rejecting the option combinations kustomize rejects.
pub fn apply(map: &mut ResMap, options: Option<&SortOptions>) -> Result<()> {
    let (first, last): (Vec<&str>, Vec<&str>) = match options {
        None => (DEFAULT_ORDER_FIRST.to_vec(), DEFAULT_ORDER_LAST.to_vec()),
        Some(opts) => match (opts.order.as_str(), &opts.legacy) {
            ("fifo", None) => return Ok(()),
            ("fifo", Some(_)) => {
                return Err(Error::setting(
                    "the field 'sortOptions.legacySortOptions' is set but the selected sort order is 'fifo', not 'legacy'",
                ))
            }
            ("legacy", None) => (DEFAULT_ORDER_FIRST.to_vec(), DEFAULT_ORDER_LAST.to_vec()),
            ("legacy", Some(l)) => (
                l.order_first.iter().map(String::as_str).collect(),
                l.order_last.iter().map(String::as_str).collect(),
            ),
            _ => return Err(Error::setting("the field 'sortOptions.order' must be one of [fifo, legacy]")),
        },
    };
    let ranks = kind_ranks(&first, &last);
    map.reorder(|resources| {
        resources.sort_by_cached_key(|r| legacy_key(r.id(), &ranks));
    })
}

/// First kinds get negative ranks, last kinds positive ones, the rest zero.
fn kind_ranks<'a>(first: &[&'a str], last: &[&'a str]) -> HashMap<&'a str, i64> {
    let mut ranks = HashMap::new();
    let n = first.len() as i64;
    for (i, kind) in first.iter().enumerate() {
        ranks.insert(*kind, i as i64 - n);
    }
    for (i, kind) in last.iter().enumerate() {
        ranks.insert(*kind, i as i64 + 1);
    }
    ranks
}

/// The sort key of one id: kind rank, then the gvk string, then
/// `namespace|name` with `~X`/`~N` for empty parts.
///
/// kustomize compares two Namespace kinds in reverse when one is in the core
/// group, which puts the core `v1` Namespace before grouped ones. That rule is
/// not transitive in general, so it is kept as a total order: a grouped
/// Namespace kind sorts after everything else of its rank.
type LegacyKey = (i64, bool, String, String);

fn legacy_key(id: &ResId, ranks: &HashMap<&str, i64>) -> LegacyKey {
    let gvk: &Gvk = &id.gvk;
    let or = |s: &str, d: &str| {
        if s.is_empty() {
            d.to_owned()
        } else {
            s.to_owned()
        }
    };
    (
        ranks.get(gvk.kind.as_str()).copied().unwrap_or(0),
        gvk.kind == "Namespace" && !gvk.group.is_empty(),
        gvk.sort_string(),
        format!("{}|{}", or(&id.namespace, "~X"), or(&id.name, "~N")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::Resource;

    fn names(src: &str, options: Option<&SortOptions>) -> Vec<String> {
        let mut map = ResMap::new();
        for doc in krust_yaml::load_documents(src).unwrap() {
            map.append(Resource::new(doc)).unwrap();
        }
        apply(&mut map, options).unwrap();
        map.resources()
            .iter()
            .map(|r| r.id().name.clone())
            .collect()
    }

    const SRC: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n---\napiVersion: x/v1\nkind: Custom\nmetadata: {name: c}\n---\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata: {name: w}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n";

    #[test]
    fn legacy_ranks_kinds() {
        assert_eq!(names(SRC, None), ["n", "s", "d", "c", "w"]);
    }

    #[test]
    fn fifo_keeps_order_and_bad_options_fail() {
        let fifo = SortOptions {
            order: "fifo".into(),
            legacy: None,
        };
        assert_eq!(names(SRC, Some(&fifo)), ["d", "s", "c", "w", "n"]);
        let mut map = ResMap::new();
        assert!(apply(&mut map, Some(&SortOptions::default())).is_err());
    }
}
