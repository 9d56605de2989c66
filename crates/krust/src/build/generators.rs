//! Running a kustomization's generators (`configMapGenerator`,
//! `secretGenerator`, and ConfigMapGenerator/SecretGenerator plugin objects
//! under `generators:`) and absorbing what they make into the accumulation,
//! as kustomize's `runGenerators` and `AbsorbAll` do.

use krust_yaml::{Mapping, Value};

use super::target::Target;
use super::{join_origin, resources_from_bytes, Accumulated, Context};
use crate::error::{Error, Result};
use crate::generate::{self, GeneratorArgs, GeneratorKind};
use crate::kustomization::{HelmChart, HelmGlobals};
use crate::resource::{Origin, Resource};

/// What a configured generator makes.
enum Made {
    /// A ConfigMap or Secret.
    Args(GeneratorArgs),
    /// What a chart renders (a `HelmChartInflationGenerator` plugin object).
    Chart(HelmChart, HelmGlobals),
}

/// One configured generator and how its objects' origin reads.
struct Configured {
    made: Made,
    /// The file that configured it, relative to the top, and the plugin object's name.
    origin: Option<(String, String)>,
}

impl Target<'_> {
    /// Configures every generator first (kustomize reports configuration
    /// errors before generating anything), then generates and absorbs each.
    pub(super) fn run_generators(&self, acc: &mut Accumulated, ctx: &Context) -> Result<()> {
        let k = &self.kust;
        let own = ctx
            .origin
            .as_ref()
            .map(|o| (join_origin(o, &self.file_name()), String::new()));
        let mut configured = Vec::new();
        for args in k.configmap_generators.iter().chain(&k.secret_generators) {
            let args = generate::configure(args, k.generator_options.as_ref())
                .map_err(|e| e.in_file(&self.file))?;
            configured.push(Configured {
                made: Made::Args(args),
                origin: own.clone(),
            });
        }
        let charts = self.configure_charts(ctx)?;
        let listed = self.listed_generators(ctx, own.as_ref())?;
        let first_chart = listed.iter().find_map(|c| match &c.made {
            Made::Chart(chart, _) => Some(chart),
            Made::Args(_) => None,
        });
        if let (Some(chart), None) = (first_chart, ctx.helm) {
            return Err(self.helm_not_enabled(&chart.name));
        }
        for c in configured {
            self.absorb(acc, ctx, c)?;
        }
        let default_globals = HelmGlobals::default();
        let globals = self.kust.helm_globals.as_ref().unwrap_or(&default_globals);
        for chart in charts {
            let namespace = ctx.helm_namespace.as_deref();
            self.inflate(acc, ctx, (chart, globals, namespace), own.clone())?;
        }
        for c in listed {
            self.absorb(acc, ctx, c)?;
        }
        Ok(())
    }

    /// Generates one configured generator's objects and absorbs them: a
    /// ConfigMap or Secret added, or merged into (or replacing) the object
    /// it names; what a chart renders added.
    fn absorb(&self, acc: &mut Accumulated, ctx: &Context, c: Configured) -> Result<()> {
        let args = match c.made {
            Made::Args(args) => args,
            Made::Chart(chart, globals) => {
                return self.inflate(acc, ctx, (&chart, &globals, None), c.origin);
            }
        };
        let generated = generate::generate_configured(&self.loader, &args)
            .map_err(|e| e.in_file(&self.file))?;
        let origin = c.origin.map(|(configured_in, name)| Origin::Generator {
            configured_in,
            kind: generated.kind.plugin_kind(),
            name,
        });
        let target = generate::find_target(acc.map.resources(), &generated).map_err(|e| {
            let kind = generated.kind.plugin_kind();
            e.in_file(&self.file)
                .reworded(|m| format!("merging from generator {kind}: {m}"))
        })?;
        match target {
            None => {
                let mut res = Resource::new(generated.obj);
                res.set_needs_hash(generated.needs_hash);
                res.set_generated();
                if let Some(origin) = origin {
                    res.set_origin(origin);
                }
                acc.map.append(res).map_err(|e| e.in_file(&self.file))?;
            }
            Some(index) => acc.map.modify(index, |res| {
                // kustomize sets the merged labels and annotations as
                // string maps of their texts (`CopyMergeMetaDataFieldsFrom`).
                res.rewrite_labels_and_annotations();
                res.data_as_texts();
                generate::merge_into(res.obj_mut(), &generated.obj, generated.behavior)
                    .map_err(|e| Error::invalid(&self.file, e))?;
                let keep_hash = res.needs_hash() && generated.needs_hash;
                res.set_needs_hash(keep_hash);
                res.set_generated();
                let replace = generated.behavior == generate::Behavior::Replace;
                if let Some(origin) = origin.filter(|_| replace || res.origin().is_none()) {
                    res.set_origin(origin);
                }
                Ok(())
            })?,
        }
        Ok(())
    }

    /// The generator plugin objects listed under `generators:` (inline, or
    /// files and kustomization directories accumulated like resources).
    fn listed_generators(
        &self,
        ctx: &Context,
        own: Option<&(String, String)>,
    ) -> Result<Vec<Configured>> {
        let mut out = Vec::new();
        let mut configs = Accumulated::new();
        for entry in &self.kust.generators {
            match resources_from_bytes(&self.file, entry.as_bytes()) {
                Ok(objects) if !objects.is_empty() => {
                    for obj in objects {
                        let made = self.plugin_config(obj.obj())?;
                        let name = obj
                            .obj()
                            .str_at(&["metadata", "name"])
                            .unwrap_or_default()
                            .to_owned();
                        out.push(Configured {
                            made,
                            origin: own.map(|(path, _)| (path.clone(), name)),
                        });
                    }
                }
                _ => self.accumulate_resource(&mut configs, entry, ctx)?,
            }
        }
        for res in configs.map.resources() {
            let made = self.plugin_config(res.obj())?;
            let name = res
                .obj()
                .str_at(&["metadata", "name"])
                .unwrap_or_default()
                .to_owned();
            out.push(Configured {
                made,
                origin: res.origin().map(|o| (o.path().to_owned(), name)),
            });
        }
        Ok(out)
    }

    /// What a plugin object configures: a chart, or generator arguments.
    fn plugin_config(&self, obj: &Value) -> Result<Made> {
        let api = obj.str_at(&["apiVersion"]).unwrap_or_default();
        let kind = obj.str_at(&["kind"]).unwrap_or_default();
        if (api, kind) == ("builtin", "HelmChartInflationGenerator") {
            let chart = crate::kustomization::helm::helm_chart_with(obj, false)
                .map_err(|e| Error::invalid(&self.file, format!("builtin {kind}: {e}")))?;
            let text = |key| obj.str_at(&[key]).unwrap_or_default().to_owned();
            let globals = HelmGlobals {
                chart_home: text("chartHome"),
                config_home: text("configHome"),
            };
            return Ok(Made::Chart(chart, globals));
        }
        self.plugin_args(obj).map(Made::Args)
    }

    /// The generator arguments of a plugin object: its generator fields
    /// (others are ignored: kustomize decodes plugin configurations leniently),
    /// with `name` and `namespace` defaulting to the plugin's own metadata.
    fn plugin_args(&self, obj: &Value) -> Result<GeneratorArgs> {
        let api = obj.str_at(&["apiVersion"]).unwrap_or_default();
        let kind = obj.str_at(&["kind"]).unwrap_or_default();
        let generator = match (api, kind) {
            ("builtin", "ConfigMapGenerator") => GeneratorKind::ConfigMap,
            ("builtin", "SecretGenerator") => GeneratorKind::Secret,
            ("builtin", other) => {
                return Err(Error::unsupported(&self.file, format!("unable to load builtin generator {other}: krust runs ConfigMapGenerator and SecretGenerator")))
            }
            _ => {
                return Err(Error::unsupported(
                    &self.file,
                    format!("generator plugin {kind} ({api}) is not supported: krust runs only kustomize's built-in plugins, not exec or container plugins"),
                ))
            }
        };
        const KNOWN: [&str; 9] = [
            "name",
            "namespace",
            "behavior",
            "literals",
            "files",
            "envs",
            "env",
            "options",
            "type",
        ];
        let mut fields = Mapping::default();
        if let Some(map) = obj.as_map() {
            for (key, value) in map {
                let known = KNOWN.iter().any(|k| {
                    k.eq_ignore_ascii_case(key)
                        && (*k != "type" || generator == GeneratorKind::Secret)
                });
                if known {
                    fields.insert(key.clone(), value.clone());
                }
            }
        }
        for key in ["name", "namespace"] {
            let unset = fields
                .get(key)
                .and_then(Value::as_str)
                .is_none_or(str::is_empty);
            if let (true, Some(meta)) = (unset, obj.str_at(&["metadata", key])) {
                fields.insert(key.to_owned(), Value::from(meta));
            }
        }
        let fields = Value::from_map(fields);
        let args = match generator {
            GeneratorKind::ConfigMap => generate::configmap_args(&fields),
            GeneratorKind::Secret => generate::secret_args(&fields),
        };
        let args = args.map_err(|e| Error::invalid(&self.file, format!("builtin {kind}: {e}")))?;
        generate::configure(&args, None).map_err(|e| e.in_file(&self.file))
    }
}
