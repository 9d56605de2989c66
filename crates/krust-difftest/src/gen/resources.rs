//! Resource manifests of the kinds users deploy, each a template filled with
//! generated names, labels and values.

use crate::rng::Rng;
use crate::scalars;

/// What a generated object is, for kustomizations that target it.
#[derive(Debug, Clone)]
pub struct Made {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub name: String,
    /// Whether it has a pod template (`spec.template.spec.containers`).
    pub workload: bool,
    /// The document's text.
    pub text: String,
}

impl Made {
    /// Whether the document holds `text` (a container, a list, a field):
    /// patches and replacements ask before writing paths into it.
    pub fn has(&self, text: &str) -> bool {
        self.text.contains(text)
    }

    /// Whether replicas may be set on it (kustomize refuses other kinds).
    pub fn scalable(&self) -> bool {
        matches!(self.kind, "Deployment" | "StatefulSet")
    }
}

type Template = fn(&mut Rng, &str) -> String;

/// (apiVersion, kind, has a pod template, weight, template).
const KINDS: &[(&str, &str, bool, usize, Template)] = &[
    ("apps/v1", "Deployment", true, 8, deployment),
    ("apps/v1", "StatefulSet", true, 2, statefulset),
    ("apps/v1", "DaemonSet", true, 1, daemonset),
    ("batch/v1", "CronJob", false, 1, cronjob),
    ("batch/v1", "Job", true, 1, job),
    ("v1", "Service", false, 6, service),
    ("networking.k8s.io/v1", "Ingress", false, 2, ingress),
    ("v1", "ConfigMap", false, 5, configmap),
    ("v1", "Secret", false, 2, secret),
    ("v1", "ServiceAccount", false, 3, serviceaccount),
    ("rbac.authorization.k8s.io/v1", "Role", false, 1, role),
    (
        "rbac.authorization.k8s.io/v1",
        "RoleBinding",
        false,
        1,
        rolebinding,
    ),
    ("autoscaling/v2", "HorizontalPodAutoscaler", false, 1, hpa),
    ("policy/v1", "PodDisruptionBudget", false, 1, pdb),
    (
        "networking.k8s.io/v1",
        "NetworkPolicy",
        false,
        1,
        networkpolicy,
    ),
    ("v1", "Namespace", false, 1, namespace),
    (
        "rbac.authorization.k8s.io/v1",
        "ClusterRoleBinding",
        false,
        1,
        clusterrolebinding,
    ),
    ("example.com/v1", "Widget", false, 2, super::crds::widget),
];

/// One object of a kind chosen by weight, named `name`.
pub fn object(rng: &mut Rng, name: &str) -> Made {
    let total: usize = KINDS.iter().map(|k| k.3).sum();
    let mut roll = rng.below(total);
    let (api_version, kind, workload, _, template) = KINDS
        .iter()
        .find(|k| {
            if roll < k.3 {
                true
            } else {
                roll -= k.3;
                false
            }
        })
        .copied()
        .expect("a kind for every roll");
    Made {
        api_version,
        kind,
        name: name.to_owned(),
        workload,
        text: template(rng, name),
    }
}

/// `metadata:` with a name, labels and sometimes annotations.
fn metadata(rng: &mut Rng, name: &str) -> String {
    let mut out = format!("metadata:\n  name: {name}\n  labels:\n    app: {name}\n");
    let n = rng.below(3);
    out.push_str(&scalars::entries(rng, 4, n, &["app"]));
    if rng.chance(40) {
        out.push_str("  annotations:\n");
        let n = rng.range(1, 3);
        out.push_str(&scalars::entries(rng, 4, n, &[]));
    }
    out
}

pub(super) fn header(api: &str, kind: &str, rng: &mut Rng, name: &str) -> String {
    format!("apiVersion: {api}\nkind: {kind}\n{}", metadata(rng, name))
}

/// A pod spec at `indent`, with containers, env, ports and volumes.
fn pod_spec(rng: &mut Rng, name: &str, indent: usize) -> String {
    let p = " ".repeat(indent);
    let image = rng.pick(&[
        "nginx",
        "nginx:1.25",
        "busybox:1.36",
        "registry.example.com/app:v1",
        "app@sha256:abc123",
    ]);
    let mut out = String::new();
    if rng.chance(40) {
        out.push_str(&format!("{p}serviceAccountName: {name}\n"));
    }
    out.push_str(&format!(
        "{p}containers:\n{p}- name: main\n{p}  image: {image}\n"
    ));
    out.push_str(&super::vars::command_and_args(rng, indent + 2));
    if rng.chance(60) {
        out.push_str(&format!("{p}  env:\n{p}  - name: MODE\n"));
        out.push_str(&scalars::entry(rng, indent + 4, "value", true));
        if rng.chance(30) {
            out.push_str(&super::vars::env_entry(rng, indent + 2));
        }
        if rng.chance(50) {
            out.push_str(&format!(
                "{p}  - name: SETTING\n{p}    valueFrom:\n{p}      configMapKeyRef:\n{p}        name: settings\n{p}        key: mode\n"
            ));
        }
    }
    if rng.chance(50) {
        out.push_str(&format!(
            "{p}  ports:\n{p}  - containerPort: 8080\n{p}    name: http\n"
        ));
    }
    if rng.chance(30) {
        out.push_str(&format!(
            "{p}  envFrom:\n{p}  - configMapRef:\n{p}      name: settings\n"
        ));
    }
    if rng.chance(25) {
        out.push_str(&format!(
            "{p}- name: sidecar\n{p}  image: {}\n{p}  ports:\n{p}  - containerPort: 9090\n{p}    name: metrics\n",
            rng.pick(&["envoy:1.30", "busybox", "nginx:1.25"])
        ));
    }
    if rng.chance(20) {
        out.push_str(&format!(
            "{p}initContainers:\n{p}- name: init\n{p}  image: {}\n",
            rng.pick(&["busybox", "busybox:1.36", "registry.example.com/app:v1"])
        ));
        out.push_str(&super::vars::command_and_args(rng, indent + 2));
    }
    if rng.chance(40) {
        out.push_str(&format!(
            "{p}volumes:\n{p}- name: config\n{p}  configMap:\n{p}    name: settings\n"
        ));
        if rng.chance(30) {
            out.push_str(&format!(
                "{p}- name: secret\n{p}  secret:\n{p}    secretName: credentials\n"
            ));
        }
    }
    out
}

fn template(rng: &mut Rng, name: &str, indent: usize) -> String {
    let p = " ".repeat(indent);
    format!(
        "{p}template:\n{p}  metadata:\n{p}    labels:\n{p}      app: {name}\n{p}  spec:\n{}",
        pod_spec(rng, name, indent + 4)
    )
}

fn selector(name: &str) -> String {
    format!("  selector:\n    matchLabels:\n      app: {name}\n")
}

fn deployment(rng: &mut Rng, name: &str) -> String {
    let mut out = header("apps/v1", "Deployment", rng, name) + "spec:\n";
    if rng.chance(70) {
        out.push_str(&format!("  replicas: {}\n", rng.below(4)));
    }
    out + &selector(name) + &template(rng, name, 2)
}

fn statefulset(rng: &mut Rng, name: &str) -> String {
    let mut out = header("apps/v1", "StatefulSet", rng, name);
    out.push_str(&format!("spec:\n  serviceName: {name}\n  replicas: 1\n"));
    out.push_str(&selector(name));
    out.push_str(&template(rng, name, 2));
    if rng.chance(50) {
        out.push_str("  volumeClaimTemplates:\n  - metadata:\n      name: data\n    spec:\n      accessModes: [ReadWriteOnce]\n      resources:\n        requests:\n          storage: 1Gi\n");
    }
    out
}

fn daemonset(rng: &mut Rng, name: &str) -> String {
    header("apps/v1", "DaemonSet", rng, name)
        + "spec:\n"
        + &selector(name)
        + &template(rng, name, 2)
}

fn job(rng: &mut Rng, name: &str) -> String {
    let mut out = header("batch/v1", "Job", rng, name) + "spec:\n";
    out.push_str(&template(rng, name, 2));
    out.push_str("      restartPolicy: Never\n");
    out
}

fn cronjob(rng: &mut Rng, name: &str) -> String {
    let schedule = rng.pick(&["\"*/5 * * * *\"", "'0 0 * * *'", "\"@daily\""]);
    let mut out = header("batch/v1", "CronJob", rng, name);
    out.push_str(&format!(
        "spec:\n  schedule: {schedule}\n  jobTemplate:\n    spec:\n"
    ));
    out.push_str(&template(rng, name, 6));
    out.push_str("          restartPolicy: OnFailure\n");
    out
}

fn service(rng: &mut Rng, name: &str) -> String {
    let mut out = header("v1", "Service", rng, name);
    out.push_str(&format!("spec:\n  selector:\n    app: {name}\n  ports:\n  - name: http\n    port: 80\n    targetPort: 8080\n"));
    if rng.chance(30) {
        out.push_str("  - name: metrics\n    port: 9090\n    protocol: TCP\n");
    }
    out
}

fn ingress(rng: &mut Rng, name: &str) -> String {
    let host = if rng.chance(15) {
        format!("{}.example.com", super::vars::reference(rng))
    } else {
        format!("{name}.example.com")
    };
    header("networking.k8s.io/v1", "Ingress", rng, name)
        + &format!("spec:\n  rules:\n  - host: {host}\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: {name}\n            port:\n              number: 80\n")
}

fn configmap(rng: &mut Rng, name: &str) -> String {
    let mut out = header("v1", "ConfigMap", rng, name) + "data:\n";
    out.push_str(&scalars::entry(rng, 2, "mode", true));
    for i in 0..rng.below(4) {
        out.push_str(&scalars::entry(rng, 2, &format!("key{i}"), true));
    }
    out
}

fn secret(rng: &mut Rng, name: &str) -> String {
    let mut out = header("v1", "Secret", rng, name) + "type: Opaque\n";
    if rng.chance(50) {
        out.push_str("data:\n  password: cGFzc3dvcmQ=\n");
    } else {
        out.push_str("stringData:\n");
        out.push_str(&scalars::entry(rng, 2, "token", true));
    }
    out
}

fn serviceaccount(rng: &mut Rng, name: &str) -> String {
    header("v1", "ServiceAccount", rng, name)
}

fn role(rng: &mut Rng, name: &str) -> String {
    header("rbac.authorization.k8s.io/v1", "Role", rng, name)
        + "rules:\n- apiGroups: [\"\"]\n  resources: [configmaps]\n  resourceNames: [settings]\n  verbs: [get, list]\n"
}

fn rolebinding(rng: &mut Rng, name: &str) -> String {
    let ns = rng.pick(&[
        "  namespace: default\n",
        "  namespace: default\n",
        "",
        "  namespace: other\n",
    ]);
    header("rbac.authorization.k8s.io/v1", "RoleBinding", rng, name)
        + &format!("roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: {name}\nsubjects:\n- kind: ServiceAccount\n  name: {name}\n{ns}")
}

fn hpa(rng: &mut Rng, name: &str) -> String {
    header("autoscaling/v2", "HorizontalPodAutoscaler", rng, name)
        + &format!("spec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: {name}\n  minReplicas: 1\n  maxReplicas: {}\n", rng.range(2, 10))
}

fn pdb(rng: &mut Rng, name: &str) -> String {
    header("policy/v1", "PodDisruptionBudget", rng, name)
        + &format!("spec:\n  minAvailable: 1\n{}", selector(name))
}

fn networkpolicy(rng: &mut Rng, name: &str) -> String {
    header("networking.k8s.io/v1", "NetworkPolicy", rng, name)
        + &format!("spec:\n  podSelector:\n    matchLabels:\n      app: {name}\n  policyTypes: [Ingress]\n  ingress:\n  - from:\n    - podSelector: {{}}\n")
}

fn namespace(rng: &mut Rng, name: &str) -> String {
    header("v1", "Namespace", rng, name)
}

/// Cluster-scoped, with subjects in namespaces the namespace transformer
/// may rewrite (kustomize changes the `default` ones of its service
/// accounts).
fn clusterrolebinding(rng: &mut Rng, name: &str) -> String {
    let ns = rng.pick(&["default", "kube-system", "shop"]);
    header("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", rng, name)
        + &format!("roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\nsubjects:\n- kind: ServiceAccount\n  name: {name}\n  namespace: {ns}\n- kind: User\n  name: jane\n  apiGroup: rbac.authorization.k8s.io\n")
}
