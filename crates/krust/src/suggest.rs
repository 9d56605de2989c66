//! "Did you mean": the ids closest to one that matched nothing, so that a
//! message about a patch with no target can point at the likely typo.

use crate::resid::ResId;

/// Up to `limit` of `ids` that look like `wanted`, closest first: the same
/// name in another kind or namespace, or a name a few edits away.
pub fn closest<'a>(
    wanted: &ResId,
    ids: impl IntoIterator<Item = &'a ResId>,
    limit: usize,
) -> Vec<&'a ResId> {
    let tolerance = (wanted.name.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &ResId)> = ids
        .into_iter()
        .filter_map(|id| {
            let name = edit_distance(&wanted.name, &id.name);
            (name <= tolerance).then(|| {
                let kind = usize::from(id.gvk.kind != wanted.gvk.kind) * 2;
                let group = usize::from(id.gvk.group != wanted.gvk.group);
                let namespace =
                    usize::from(id.effective_namespace() != wanted.effective_namespace());
                (name + kind + group + namespace, id)
            })
        })
        .collect();
    // Stable, so ties keep the order of the resources.
    scored.sort_by_key(|(score, _)| *score);
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(limit).map(|(_, id)| id).collect()
}

/// " (closest: A, B)" for a message, or nothing when no id is close.
pub fn closest_note<'a>(wanted: &ResId, ids: impl IntoIterator<Item = &'a ResId>) -> String {
    let near = closest(wanted, ids, 3);
    if near.is_empty() {
        return String::new();
    }
    let names: Vec<String> = near.iter().map(|id| id.to_string()).collect();
    format!(" (closest: {})", names.join(", "))
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == cb {
                diagonal
            } else {
                1 + diagonal.min(above).min(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resid::Gvk;

    fn id(kind: &str, ns: &str, name: &str) -> ResId {
        ResId {
            gvk: Gvk::from_api_version("apps/v1", kind),
            namespace: ns.into(),
            name: name.into(),
        }
    }

    #[test]
    fn distances() {
        assert_eq!(edit_distance("web", "webb"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn typo_and_kind_and_namespace_are_suggested_closest_first() {
        let ids = [
            id("Deployment", "", "database"),
            id("StatefulSet", "", "web"),
            id("Deployment", "", "web"),
            id("Deployment", "prod", "web"),
        ];
        let near = closest(&id("Deployment", "", "webb"), &ids, 3);
        let names: Vec<String> = near.iter().map(|i| i.to_string()).collect();
        assert_eq!(
            names,
            [
                "Deployment.v1.apps/web.[noNs]",
                "Deployment.v1.apps/web.prod",
                "StatefulSet.v1.apps/web.[noNs]"
            ]
        );
        assert_eq!(closest_note(&id("Deployment", "", "zzzzzz"), &ids), "");
    }
}
