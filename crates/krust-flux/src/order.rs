//! The order Flux applies Kustomizations in: `dependsOn` as a graph over
//! every Kustomization of a cluster, and the graph drawn for people.
//!
//! kustomize-controller reconciles a Kustomization only once those it depends
//! on are ready, so a cluster's objects arrive in dependency order; a cycle
//! or a dependency on a Kustomization that does not exist leaves the cluster
//! stuck, and both are errors here, naming the Kustomizations involved.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// A Kustomization's identity: namespace and name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KsId {
    /// The namespace (Flux Kustomizations are namespaced).
    pub namespace: String,
    /// The name.
    pub name: String,
}

impl KsId {
    /// An id from its parts.
    pub fn new(namespace: impl Into<String>, name: impl Into<String>) -> KsId {
        KsId {
            namespace: namespace.into(),
            name: name.into(),
        }
    }
}

impl fmt::Display for KsId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.namespace, self.name)
    }
}

/// One Kustomization as the graph sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// Which Kustomization.
    pub id: KsId,
    /// The path it builds, as written in its spec.
    pub path: String,
    /// Its source, as `Kind/namespace/name`.
    pub source: String,
    /// The Kustomizations it waits for.
    pub depends_on: Vec<KsId>,
}

/// Why the Kustomizations cannot be ordered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrderError {
    /// A `dependsOn` names a Kustomization that is not in the cluster.
    #[error("Kustomization {from} depends on {missing}, which this cluster does not have")]
    Missing {
        /// The Kustomization whose `dependsOn` is wrong.
        from: KsId,
        /// The one it names.
        missing: KsId,
    },
    /// Kustomizations depend on each other in a circle.
    #[error("dependsOn cycle: {}", cycle.iter().map(ToString::to_string).collect::<Vec<_>>().join(" -> "))]
    Cycle {
        /// The circle, its first element repeated at the end.
        cycle: Vec<KsId>,
    },
    /// Two Kustomizations have the same namespace and name.
    #[error("two Kustomizations are named {0}")]
    Duplicate(KsId),
}

/// The nodes in an order where every Kustomization comes after those it
/// depends on; among those free to go, by namespace and name, so the order
/// is the same on every run.
pub fn dependency_order(nodes: &[Node]) -> Result<Vec<&Node>, OrderError> {
    let mut by_id: BTreeMap<&KsId, &Node> = BTreeMap::new();
    for node in nodes {
        if by_id.insert(&node.id, node).is_some() {
            return Err(OrderError::Duplicate(node.id.clone()));
        }
    }
    for node in nodes {
        if let Some(missing) = node.depends_on.iter().find(|d| !by_id.contains_key(d)) {
            return Err(OrderError::Missing {
                from: node.id.clone(),
                missing: missing.clone(),
            });
        }
    }
    let mut waiting: BTreeMap<&KsId, BTreeSet<&KsId>> = by_id
        .iter()
        .map(|(id, node)| (*id, node.depends_on.iter().collect()))
        .collect();
    let mut order = Vec::with_capacity(nodes.len());
    while !waiting.is_empty() {
        let ready: Vec<&KsId> = waiting
            .iter()
            .filter(|(_, deps)| deps.is_empty())
            .map(|(id, _)| *id)
            .collect();
        if ready.is_empty() {
            return Err(OrderError::Cycle {
                cycle: find_cycle(&waiting),
            });
        }
        for id in ready {
            waiting.remove(id);
            for deps in waiting.values_mut() {
                deps.remove(id);
            }
            order.push(by_id[id]);
        }
    }
    Ok(order)
}

/// A cycle among Kustomizations that all still wait: walk from the first
/// along its first unmet dependency until a node repeats.
fn find_cycle(waiting: &BTreeMap<&KsId, BTreeSet<&KsId>>) -> Vec<KsId> {
    let Some(start) = waiting.keys().next() else {
        return Vec::new();
    };
    let mut path: Vec<&KsId> = vec![start];
    loop {
        let last = path[path.len() - 1];
        let Some(next) = waiting.get(last).and_then(|deps| deps.iter().next()) else {
            return path.into_iter().cloned().collect();
        };
        if let Some(at) = path.iter().position(|id| id == next) {
            let mut cycle: Vec<KsId> = path[at..].iter().map(|id| (*id).clone()).collect();
            cycle.push((*next).clone());
            return cycle;
        }
        path.push(next);
    }
}

/// How `render flux --graph` draws the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphFormat {
    /// One line per Kustomization, its dependencies indented below.
    Text,
    /// A Mermaid flowchart, for pull requests and Markdown viewers.
    Mermaid,
    /// Graphviz dot.
    Dot,
}

/// The graph in `format`, nodes in dependency order (as given).
pub fn draw(nodes: &[&Node], format: GraphFormat) -> String {
    let mut out = String::new();
    match format {
        GraphFormat::Text => {
            for node in nodes {
                out.push_str(&format!("{} ({} @ {})\n", node.id, node.path, node.source));
                for dep in &node.depends_on {
                    out.push_str(&format!("  depends on {dep}\n"));
                }
            }
        }
        GraphFormat::Mermaid => {
            out.push_str("flowchart TD\n");
            let ids: BTreeMap<&KsId, usize> =
                nodes.iter().enumerate().map(|(i, n)| (&n.id, i)).collect();
            for (i, node) in nodes.iter().enumerate() {
                let label = format!("{}<br/>{}", node.id, node.path).replace('"', "#quot;");
                out.push_str(&format!("  k{i}[\"{label}\"]\n"));
            }
            for (i, node) in nodes.iter().enumerate() {
                for dep in &node.depends_on {
                    if let Some(d) = ids.get(dep) {
                        out.push_str(&format!("  k{d} --> k{i}\n"));
                    }
                }
            }
        }
        GraphFormat::Dot => {
            out.push_str("digraph kustomizations {\n  rankdir=LR;\n");
            for node in nodes {
                out.push_str(&format!(
                    "  {} [label={}];\n",
                    dot_id(&node.id),
                    dot_string(&format!("{}\n{}", node.id, node.path))
                ));
            }
            for node in nodes {
                for dep in &node.depends_on {
                    out.push_str(&format!("  {} -> {};\n", dot_id(dep), dot_id(&node.id)));
                }
            }
            out.push_str("}\n");
        }
    }
    out
}

fn dot_id(id: &KsId) -> String {
    dot_string(&id.to_string())
}

/// A dot string literal.
fn dot_string(text: &str) -> String {
    format!(
        "\"{}\"",
        text.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(name: &str, deps: &[&str]) -> Node {
        Node {
            id: KsId::new("flux-system", name),
            path: format!("./{name}"),
            source: "GitRepository/flux-system/flux-system".into(),
            depends_on: deps.iter().map(|d| KsId::new("flux-system", *d)).collect(),
        }
    }

    fn names(order: &[&Node]) -> Vec<String> {
        order.iter().map(|n| n.id.name.clone()).collect()
    }

    #[test]
    fn dependencies_come_first_and_ties_go_by_name() {
        let nodes = vec![
            node("apps", &["infra-configs"]),
            node("infra-configs", &["infra-controllers"]),
            node("infra-controllers", &[]),
            node("monitoring", &[]),
        ];
        let order = dependency_order(&nodes).unwrap();
        assert_eq!(
            names(&order),
            ["infra-controllers", "monitoring", "infra-configs", "apps"]
        );
    }

    #[test]
    fn a_missing_dependency_names_both() {
        let nodes = vec![node("apps", &["infra"])];
        let err = dependency_order(&nodes).unwrap_err().to_string();
        assert_eq!(
            err,
            "Kustomization flux-system/apps depends on flux-system/infra, which this cluster does not have"
        );
    }

    #[test]
    fn a_cycle_is_named_in_order() {
        let nodes = vec![
            node("a", &["b"]),
            node("b", &["c"]),
            node("c", &["a"]),
            node("d", &[]),
        ];
        let err = dependency_order(&nodes).unwrap_err().to_string();
        assert_eq!(
            err,
            "dependsOn cycle: flux-system/a -> flux-system/b -> flux-system/c -> flux-system/a"
        );
    }

    #[test]
    fn duplicates_are_refused() {
        let nodes = vec![node("a", &[]), node("a", &[])];
        assert!(matches!(
            dependency_order(&nodes),
            Err(OrderError::Duplicate(_))
        ));
    }

    #[test]
    fn drawings_name_every_node_and_edge() {
        let nodes = vec![node("infra", &[]), node("apps", &["infra"])];
        let order = dependency_order(&nodes).unwrap();
        assert_eq!(
            draw(&order, GraphFormat::Text),
            "flux-system/infra (./infra @ GitRepository/flux-system/flux-system)\n\
             flux-system/apps (./apps @ GitRepository/flux-system/flux-system)\n  depends on flux-system/infra\n"
        );
        assert_eq!(
            draw(&order, GraphFormat::Mermaid),
            "flowchart TD\n  k0[\"flux-system/infra<br/>./infra\"]\n  k1[\"flux-system/apps<br/>./apps\"]\n  k0 --> k1\n"
        );
        assert_eq!(
            draw(&order, GraphFormat::Dot),
            "digraph kustomizations {\n  rankdir=LR;\n  \"flux-system/infra\" [label=\"flux-system/infra\\n./infra\"];\n  \"flux-system/apps\" [label=\"flux-system/apps\\n./apps\"];\n  \"flux-system/infra\" -> \"flux-system/apps\";\n}\n"
        );
    }
}
