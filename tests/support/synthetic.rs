//! Synthetic GitOps monorepos in the users' shape, of a stated size, for
//! benchmarks and scale tests: `apps/base/<app>` (Deployment, Service,
//! ServiceAccount and a generated ConfigMap: four resources per app),
//! `apps/components/<feature>` (annotations and a JSON 6902 patch) and
//! `apps/overlays/<env>` (namespace, prefix, labels, images, and a
//! strategic-merge `version.yaml` patch per app).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The size of a synthetic repository.
#[derive(Debug, Clone, Copy)]
pub struct RepoSpec {
    /// Apps in `apps/base` (four resources each).
    pub apps: usize,
    /// Overlays in `apps/overlays`.
    pub envs: usize,
    /// Components every overlay applies.
    pub components: usize,
}

/// Writes the repository under `root` (replacing it) and returns its overlay directories.
pub fn write_repo(root: &Path, spec: RepoSpec) -> std::io::Result<Vec<PathBuf>> {
    let _ = std::fs::remove_dir_all(root);
    let write = |path: &str, text: &str| -> std::io::Result<()> {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().expect("files live in directories"))?;
        std::fs::write(path, text)
    };
    for a in 0..spec.apps {
        write(
            &format!("apps/base/app{a}/kustomization.yaml"),
            &format!(
                "resources: [deployment.yaml, service.yaml, serviceaccount.yaml]\n\
                 labels:\n- pairs: {{app.kubernetes.io/name: app{a}}}\n  includeSelectors: true\n\
                 configMapGenerator:\n- name: app{a}-config\n  literals: [LOG_LEVEL=info, PORT=\"8080\", APP=app{a}]\n"
            ),
        )?;
        write(&format!("apps/base/app{a}/deployment.yaml"), &deployment(a))?;
        write(
            &format!("apps/base/app{a}/service.yaml"),
            &format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: app{a}\nspec:\n  ports:\n  - name: http\n    port: 80\n    targetPort: 8080\n"),
        )?;
        write(
            &format!("apps/base/app{a}/serviceaccount.yaml"),
            &format!("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app{a}\n"),
        )?;
    }
    for c in 0..spec.components {
        write(
            &format!("apps/components/feature{c}/kustomization.yaml"),
            &format!(
                "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n\
                 commonAnnotations: {{feature{c}.example.com/enabled: \"true\"}}\n\
                 patches:\n- target: {{kind: Deployment}}\n  patch: |-\n    - op: add\n      path: /metadata/labels/feature{c}\n      value: \"on\"\n"
            ),
        )?;
    }
    let mut overlays = Vec::new();
    for e in 0..spec.envs {
        let mut k = format!("namespace: env{e}\nnamePrefix: e{e}-\nlabels:\n- pairs: {{environment: env{e}}}\nresources:\n");
        for a in 0..spec.apps {
            let _ = writeln!(k, "- ../../base/app{a}");
        }
        k.push_str("components:\n");
        for c in 0..spec.components {
            let _ = writeln!(k, "- ../../components/feature{c}");
        }
        k.push_str("patches:\n");
        for a in 0..spec.apps {
            let _ = writeln!(k, "- path: app{a}/version.yaml");
            write(
                &format!("apps/overlays/env{e}/app{a}/version.yaml"),
                &format!(
                    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app{a}\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: registry.example.com/app{a}:1.{e}.0\n"
                ),
            )?;
        }
        k.push_str("images:\n- name: registry.example.com/app0\n  newTag: \"2.0\"\n");
        write(&format!("apps/overlays/env{e}/kustomization.yaml"), &k)?;
        overlays.push(root.join(format!("apps/overlays/env{e}")));
    }
    Ok(overlays)
}

fn deployment(a: usize) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: app{a}
spec:
  replicas: 2
  selector:
    matchLabels: {{tier: backend}}
  template:
    metadata:
      labels: {{tier: backend}}
    spec:
      serviceAccountName: app{a}
      containers:
      - name: app
        image: registry.example.com/app{a}:1.0.0
        args: [\"serve\", \"--port=8080\"]
        envFrom:
        - configMapRef: {{name: app{a}-config}}
        ports:
        - name: http
          containerPort: 8080
        readinessProbe:
          httpGet: {{path: /healthz, port: http}}
        resources:
          requests: {{cpu: 100m, memory: 128Mi}}
          limits: {{memory: 256Mi}}
"
    )
}
