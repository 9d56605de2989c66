//! Name references: after names change (prefix, suffix, namespace), every
//! field that refers to a renamed object by name is rewritten to its new name
//! (and namespace, for `{name, namespace}` references such as subjects).
//!
//! This is kustomize's `nameReferenceTransformer`, run once over the whole
//! build. Candidates are found through an index of previous names instead of
//! a scan of all resources per field, so the cost grows linearly.

use std::collections::{HashMap, HashSet};

use krust_yaml::Value;

use crate::config::NameBackRefs;
use crate::error::{Error, Result};
use crate::fieldspec::{self, Create, FieldSpec};
use crate::resid::{Gvk, ResId};
use crate::resmap::ResMap;
use crate::resource::Resource;

/// What a referring resource looks like to the candidate sieves.
struct Referrer {
    id: ResId,
    prefixes: Vec<String>,
    suffixes: Vec<String>,
    /// Namespaces of ServiceAccount subjects, for RoleBindings.
    binding_namespaces: HashSet<String>,
    /// `roleRef` group and kind, for bindings.
    role_ref: Option<Gvk>,
}

/// What the sieves need of a candidate referral: its ids and affixes, not its
/// object (so the snapshot taken before references change stays cheap).
struct Candidate {
    id: ResId,
    previous: Vec<ResId>,
    prefixes: Vec<String>,
    suffixes: Vec<String>,
}

impl Candidate {
    fn of(res: &Resource) -> Candidate {
        Candidate {
            id: res.id().clone(),
            previous: res.previous_ids().to_vec(),
            prefixes: res.prefixes().to_vec(),
            suffixes: res.suffixes().to_vec(),
        }
    }

    fn id(&self) -> &ResId {
        &self.id
    }

    fn previous_ids(&self) -> &[ResId] {
        &self.previous
    }

    fn original_id(&self) -> &ResId {
        self.previous.first().unwrap_or(&self.id)
    }

    fn prefixes(&self) -> &[String] {
        &self.prefixes
    }

    fn suffixes(&self) -> &[String] {
        &self.suffixes
    }
}

/// Lookup tables over the resources as they are before any reference changes.
struct Index<'r> {
    resources: &'r [Candidate],
    by_previous_name: HashMap<&'r str, Vec<usize>>,
    by_original_namespace: HashMap<String, Vec<usize>>,
}

impl<'r> Index<'r> {
    fn new(resources: &'r [Candidate]) -> Index<'r> {
        let mut by_previous_name: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_original_namespace: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, res) in resources.iter().enumerate() {
            let mut seen = HashSet::new();
            for id in res.previous_ids() {
                if seen.insert(id.name.as_str()) {
                    by_previous_name
                        .entry(id.name.as_str())
                        .or_default()
                        .push(i);
                }
            }
            by_original_namespace
                .entry(res.original_id().effective_namespace().to_owned())
                .or_default()
                .push(i);
        }
        Index {
            resources,
            by_previous_name,
            by_original_namespace,
        }
    }

    /// kustomize's `SubsetThatCouldBeReferencedByResource`, as a predicate.
    fn could_refer(&self, referrer: &Referrer, candidate: usize) -> bool {
        let id = self.resources[candidate].id();
        !referrer.id.gvk.is_namespaceable()
            || !id.gvk.is_namespaceable()
            || id.effective_namespace() == referrer.id.effective_namespace()
            || referrer.binding_namespaces.contains(&id.namespace)
    }
}

/// Rewrites every name reference in `map` according to `back_refs`.
pub fn apply(map: &mut ResMap, back_refs: &[NameBackRefs]) -> Result<()> {
    let snapshot: Vec<Candidate> = map.resources().iter().map(Candidate::of).collect();
    let index = Index::new(&snapshot);
    let mut referrers = Vec::with_capacity(snapshot.len());
    for res in map.resources() {
        referrers.push(referrer_of(res)?);
    }
    let mut position = 0;
    map.transform(|res| {
        let referrer = &referrers[position];
        let original = snapshot[position].original_id().gvk.clone();
        position += 1;
        for refs in back_refs {
            for spec in refs.referrers.iter().filter(|s| s.applies_to(&original)) {
                update_field(res, referrer, &refs.gvk, spec, &index)?;
            }
        }
        Ok(())
    })
}

fn referrer_of(res: &Resource) -> Result<Referrer> {
    let id = res.id().clone();
    let mut binding_namespaces = HashSet::new();
    if id.gvk.kind == "RoleBinding" {
        if let Some(Value::Seq(subjects)) = res.obj().get("subjects") {
            for subject in subjects {
                let (Some(ns), Some(kind)) = (subject.get("namespace"), subject.get("kind")) else {
                    continue;
                };
                if kind.as_str() == Some("ServiceAccount") {
                    match ns {
                        Value::String(ns) => {
                            binding_namespaces.insert(ns.clone());
                        }
                        _ => {
                            return Err(Error::transform(format!(
                                "Invalid Input: namespace is blank for resource \"{id}\""
                            )))
                        }
                    }
                }
            }
        }
    }
    let role_ref = res.obj().get("roleRef").and_then(|r| {
        Some(Gvk {
            group: r.get("apiGroup")?.scalar_string()?,
            version: String::new(),
            kind: r.get("kind")?.scalar_string()?,
        })
    });
    Ok(Referrer {
        id,
        prefixes: res.prefixes().to_vec(),
        suffixes: res.suffixes().to_vec(),
        binding_namespaces,
        role_ref,
    })
}

fn update_field(
    res: &mut Resource,
    referrer: &Referrer,
    target: &Gvk,
    spec: &FieldSpec,
    index: &Index,
) -> Result<()> {
    let role_ref = spec.path.ends_with("roleRef/name");
    let ctx = Sieve {
        referrer,
        target,
        role_ref,
        index,
    };
    // The referrer was chosen by its original kind; kustomize then walks the
    // path whatever the current kind is (a patch may have changed it), so the
    // spec is matched against its own selector here.
    fieldspec::apply(res.obj_mut(), &spec.gvk, spec, Create::Never, &mut |node| {
        ctx.set(node)
    })
    .map_err(|e| {
        Error::transform(format!(
            "updating name reference in '{}' field of '{}': {e}",
            spec.path, referrer.id
        ))
    })
}

struct Sieve<'a> {
    referrer: &'a Referrer,
    target: &'a Gvk,
    role_ref: bool,
    index: &'a Index<'a>,
}

impl Sieve<'_> {
    fn set(&self, node: &mut Value) -> Result<(), String> {
        match node {
            Value::Null => Ok(()),
            Value::Map(_) => self.set_mapping(node),
            Value::Seq(items) => items.iter_mut().try_for_each(|item| match item {
                Value::Map(_) => self.set_mapping(item),
                Value::Seq(_) | Value::Null => Ok(()),
                _ => self.set_scalar(item),
            }),
            _ => self.set_scalar(node),
        }
    }

    fn set_scalar(&self, node: &mut Value) -> Result<(), String> {
        let old = node.scalar_string().unwrap_or_default();
        let Some(pick) = self.select(&old, None, false)? else {
            return Ok(());
        };
        let new = &self.index.resources[pick].id().name;
        if *new != old {
            *node = Value::String(new.clone());
        }
        Ok(())
    }

    fn set_mapping(&self, node: &mut Value) -> Result<(), String> {
        let map = node.as_map_mut().ok_or("expect a mapping node")?;
        let Some(name) = map.get("name") else {
            return Err("path config error; no 'name' field in node".into());
        };
        let old = name.scalar_string().unwrap_or_default();
        let namespace = map
            .get("namespace")
            .map(|ns| ns.scalar_string().unwrap_or_default());
        let Some(pick) = self.select(&old, namespace.as_deref(), true)? else {
            return Ok(());
        };
        let id = self.index.resources[pick].id();
        if id.name == old && id.namespace.is_empty() {
            return Ok(());
        }
        map.insert("name".into(), Value::String(id.name.clone()));
        if !id.namespace.is_empty() {
            map.insert("namespace".into(), Value::String(id.namespace.clone()));
        }
        Ok(())
    }

    /// kustomize's `selectReferral`: narrows the candidates step by step and
    /// settles on one, or fails when several different ones remain.
    fn select(
        &self,
        old: &str,
        namespace: Option<&str>,
        mapping: bool,
    ) -> Result<Option<usize>, String> {
        let index = self.index;
        let Some(named) = index.by_previous_name.get(old) else {
            return Ok(None);
        };
        let in_namespace = namespace.map(|ns| self.namespace_members(ns));
        let referrer = &self.referrer.id;
        let mut candidates: Vec<usize> =
            named
                .iter()
                .copied()
                .filter(|&i| index.could_refer(self.referrer, i))
                .filter(|&i| in_namespace.as_ref().is_none_or(|set| set.contains(&i)))
                .filter(|&i| {
                    let res = &index.resources[i];
                    res.previous_ids()
                        .iter()
                        .any(|p| self.target.selects(&p.gvk))
                        && (!self.role_ref
                            || self.referrer.role_ref.as_ref().is_none_or(|g| {
                                res.previous_ids().iter().any(|p| g.selects(&p.gvk))
                            }))
                        && (!referrer.gvk.is_namespaceable()
                            || !res.id().gvk.is_namespaceable()
                            || res.id().gvk.kind == "ServiceAccount"
                            || res.id().effective_namespace() == referrer.effective_namespace())
                })
                .collect();
        if candidates.len() == 1 {
            return Ok(candidates.pop());
        }
        candidates.retain(|&i| self.affixes_match(&index.resources[i], true));
        if candidates.len() > 1 {
            candidates.retain(|&i| self.affixes_match(&index.resources[i], false));
        }
        match candidates.len() {
            0 => Ok(None),
            1 => Ok(candidates.pop()),
            _ => {
                let first = index.resources[candidates[0]].id();
                let identical = candidates.iter().all(|&i| {
                    let id = index.resources[i].id();
                    id.name == first.name && (!mapping || id.namespace == first.namespace)
                });
                if identical {
                    Ok(Some(candidates[0]))
                } else {
                    let ids: Vec<String> = candidates
                        .iter()
                        .map(|&i| index.resources[i].id().to_string())
                        .collect();
                    Err(format!(
                        "found multiple possible referrals: {}",
                        ids.join(", ")
                    ))
                }
            }
        }
    }

    /// Candidates in `namespace` (by original namespace if any candidate the
    /// referrer could see had it, else by current namespace).
    fn namespace_members(&self, namespace: &str) -> HashSet<usize> {
        let index = self.index;
        if namespace != "_non_namespaceable_" {
            if let Some(members) = index.by_original_namespace.get(namespace) {
                let visible: HashSet<usize> = members
                    .iter()
                    .copied()
                    .filter(|&i| index.could_refer(self.referrer, i))
                    .collect();
                if !visible.is_empty() {
                    return visible;
                }
            }
        }
        (0..index.resources.len())
            .filter(|&i| {
                let id = index.resources[i].id();
                id.gvk.is_namespaceable()
                    && id.effective_namespace() == namespace
                    && index.could_refer(self.referrer, i)
            })
            .collect()
    }

    /// kustomize's `PrefixesSuffixesEquals`.
    fn affixes_match(&self, candidate: &Candidate, allow_empty: bool) -> bool {
        let r = self.referrer;
        let part = |a: &[String], b: &[String]| {
            (allow_empty && (a.is_empty() || b.is_empty())) || same_ending(a, b)
        };
        part(candidate.prefixes(), &r.prefixes) && part(candidate.suffixes(), &r.suffixes)
    }
}

/// kustomize's `SameEndingSubSlice`: the shorter list is the tail of the longer.
fn same_ending(a: &[String], b: &[String]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.is_empty() {
        return long.is_empty();
    }
    long.ends_with(short)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::TransformerConfig;
    use crate::transform::prefix_suffix;

    fn build(src: &str) -> ResMap {
        let mut map = ResMap::new();
        for doc in krust_yaml::load_documents(src).unwrap() {
            map.append(Resource::new(doc)).unwrap();
        }
        map
    }

    #[test]
    fn follows_a_prefixed_config_map() {
        let mut map = build(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      volumes: [{name: v, configMap: {name: cfg}}]\n      containers: [{name: c, envFrom: [{configMapRef: {name: cfg}}, {configMapRef: {name: other}}]}]\n",
        );
        let config = TransformerConfig::builtin();
        prefix_suffix::apply(&mut map, "p-", "", &config.name_prefix).unwrap();
        apply(&mut map, &config.name_reference).unwrap();
        let spec = map.resources()[1]
            .obj()
            .get_path(&["spec", "template", "spec"])
            .unwrap();
        let volumes = spec.get("volumes").unwrap().as_seq().unwrap();
        assert_eq!(volumes[0].str_at(&["configMap", "name"]), Some("p-cfg"));
        let env = spec.get("containers").unwrap().as_seq().unwrap()[0]
            .get("envFrom")
            .unwrap()
            .as_seq()
            .unwrap();
        assert_eq!(env[0].str_at(&["configMapRef", "name"]), Some("p-cfg"));
        assert_eq!(env[1].str_at(&["configMapRef", "name"]), Some("other"));
    }

    #[test]
    fn same_ending_matches_tails() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!(same_ending(&s(&["a", "b"]), &s(&["b"])));
        assert!(!same_ending(&s(&["a", "b"]), &s(&["a"])));
        assert!(same_ending(&s(&[]), &s(&[])));
        assert!(!same_ending(&s(&[]), &s(&["a"])));
    }
}
