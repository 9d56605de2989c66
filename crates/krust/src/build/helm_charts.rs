//! A kustomization's `helmCharts`, inflated between its ConfigMap and
//! Secret generators and its `generators:` (kustomize's order), through
//! [`crate::helm`].

use krust_yaml::Value;

use super::target::Target;
use super::{Accumulated, Context};
use crate::error::{Error, ErrorKind, Result};
use crate::helm::Inflation;
use crate::kustomization::{HelmChart, HelmGlobals};
use crate::resource::Origin;
use crate::transform::namespace::HELM_GENERATED;
use crate::version::Change;

/// The generator kind origin annotations name.
const PLUGIN_KIND: &str = "HelmChartInflationGenerator";

impl Target<'_> {
    /// The charts to inflate, checked before any generator runs (as
    /// kustomize configures every generator first).
    pub(super) fn configure_charts(&self, ctx: &Context) -> Result<&[HelmChart]> {
        let charts = &self.kust.helm_charts;
        let Some(first) = charts.first() else {
            return Ok(charts);
        };
        let knows_devel = self.loader.version().has(Change::HelmDevel);
        if !knows_devel && charts.iter().any(|c| c.devel_written) {
            let message = format!("invalid Kustomization: json: unknown field \"devel\" (helmCharts[].devel is known from kustomize {} on)", Change::HelmDevel.since());
            return Err(Error::invalid(&self.file, message));
        }
        if ctx.helm.is_none() {
            return Err(self.helm_not_enabled(&first.name));
        }
        Ok(charts)
    }

    /// The error for a chart in a build without helm settings.
    #[cold]
    pub(super) fn helm_not_enabled(&self, chart: &str) -> Error {
        Error::invalid(
            &self.file,
            format!("helmCharts: chart '{chart}' needs helm, which krust runs only when asked: pass --enable-helm (and --helm-command PATH if helm is not on PATH)"),
        )
        .with_kind(ErrorKind::Helm)
    }

    /// Inflates one chart (with its globals, and the namespace a chart
    /// without one goes to) and adds what helm rendered, which may not
    /// collide with anything accumulated. `origin` is the configuring file
    /// and plugin name, when origins are recorded.
    #[cold]
    pub(super) fn inflate(
        &self,
        acc: &mut Accumulated,
        ctx: &Context,
        (chart, globals, namespace): (&HelmChart, &HelmGlobals, Option<&str>),
        origin: Option<(String, String)>,
    ) -> Result<()> {
        let Some(settings) = ctx.helm else {
            return Err(self.helm_not_enabled(&chart.name));
        };
        let inflation = Inflation {
            loader: &self.loader,
            file: &self.file,
            chart,
            globals: Some(globals),
            namespace,
        };
        let rendered = inflation.run(settings)?;
        let resources = super::resources_from_bytes(&self.file, &rendered).map_err(|e| {
            e.with_kind(ErrorKind::Helm).reworded(|m| {
                format!("helmCharts: chart '{}': helm template printed what is not Kubernetes YAML: {m}", chart.name)
            })
        })?;
        let mark = self
            .loader
            .version()
            .has(Change::NamespaceSkipsHelmGenerated);
        for mut res in resources {
            if mark {
                mark_helm_generated(res.obj_mut());
            }
            if let Some((configured_in, name)) = &origin {
                res.set_origin(Origin::Generator {
                    configured_in: configured_in.clone(),
                    kind: PLUGIN_KIND,
                    name: name.clone(),
                });
            }
            acc.map.append(res).map_err(|e| {
                e.in_file(&self.file)
                    .reworded(|m| format!("helmCharts: chart '{}': {m}", chart.name))
            })?;
        }
        Ok(())
    }
}

/// kustomize 5.8's mark on what helm rendered, which the namespace
/// transformer leaves alone and the build removes at the end.
fn mark_helm_generated(obj: &mut Value) {
    let Some(meta) = obj.get_mut("metadata").and_then(Value::as_map_mut) else {
        return;
    };
    let annotations = meta.get_or_insert_with("annotations", || Value::Map(Default::default()));
    if !matches!(annotations, Value::Map(_)) {
        *annotations = Value::Map(Default::default());
    }
    if let Some(map) = annotations.as_map_mut() {
        map.insert(HELM_GENERATED.to_owned(), Value::String("true".into()));
    }
}
