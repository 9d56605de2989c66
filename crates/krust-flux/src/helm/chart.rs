//! Finding a HelmRelease's chart: a directory of a mapped source (a
//! GitRepository's `spec.chart.spec.chart` path), or a chart pulled from a
//! HelmRepository (HTTP(S) index or OCI) or an OCIRepository into the chart
//! cache, by repository, name and version, and reused from there.

use std::path::{Path, PathBuf};

use krust::{DiskFs, FileKind, FileSystem};
use krust_yaml::Value;

use super::release::{ChartSource, HelmRelease};
use super::HelmOptions;
use crate::cluster::{ClusterOptions, Source};
use crate::model::is_object;

/// Where a chart's files are.
pub struct Chart<'fs> {
    /// The filesystem holding it.
    pub fs: &'fs dyn FileSystem,
    /// The chart's directory there.
    pub dir: PathBuf,
    /// `Kind/namespace/name` of the source and the chart, for messages.
    pub from: String,
    /// `valuesFiles`: files merged in order into the chart's values in
    /// place of its `values.yaml`.
    pub values_files: Vec<String>,
    /// Where `values_files` paths start: the source's root, or the chart.
    pub values_root: PathBuf,
}

/// What resolving a chart needs: the cluster's sources and objects.
pub struct Resolver<'a, 'fs> {
    pub(super) repo: &'a Source<'fs>,
    pub(super) options: &'a ClusterOptions<'fs>,
    pub(super) helm: &'a HelmOptions,
    pub(super) objects: &'a [Value],
    /// The API versions the cluster's CRDs serve.
    pub(super) api_versions: &'a [String],
}

impl<'a, 'fs> Resolver<'a, 'fs> {
    /// The chart of `release`.
    pub fn chart(&self, release: &HelmRelease) -> Result<Chart<'a>, String> {
        match &release.chart {
            ChartSource::Spec {
                chart,
                version,
                source,
                values_files,
            } => self.in_source(source, chart, version, values_files),
            ChartSource::Ref(key) => {
                let (kind, namespace, name) = split_key(key);
                let obj = self.object(kind, namespace, name)?;
                match kind {
                    "OCIRepository" => {
                        let url = obj.str_at(&["spec", "url"]).unwrap_or_default();
                        let version = obj
                            .str_at(&["spec", "ref", "tag"])
                            .or_else(|| obj.str_at(&["spec", "ref", "semver"]))
                            .unwrap_or_default();
                        let (registry, chart) = url.rsplit_once('/').unwrap_or((url, ""));
                        self.pulled(registry, chart, version, key)
                    }
                    "HelmChart" => {
                        let text = |path: &[&str]| obj.str_at(path).unwrap_or_default().to_owned();
                        let source = format!(
                            "{}/{namespace}/{}",
                            text(&["spec", "sourceRef", "kind"]),
                            text(&["spec", "sourceRef", "name"])
                        );
                        let files: Vec<String> = obj
                            .get_path(&["spec", "valuesFiles"])
                            .and_then(Value::as_seq)
                            .map(|s| s.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                            .unwrap_or_default();
                        self.in_source(&source, &text(&["spec", "chart"]), &text(&["spec", "version"]), &files)
                    }
                    other => Err(format!("chartRef kind {other} is not one helm-controller reads (OCIRepository, HelmChart)")),
                }
            }
        }
    }

    fn in_source(
        &self,
        source: &str,
        chart: &str,
        version: &str,
        values_files: &[String],
    ) -> Result<Chart<'a>, String> {
        let (kind, namespace, name) = split_key(source);
        match kind {
            "GitRepository" | "OCIRepository" | "Bucket" => {
                let mapped = match self.options.sources.get(source) {
                    Some(mapped) => mapped,
                    None if source == "GitRepository/flux-system/flux-system" => self.repo,
                    None => {
                        return Err(format!(
                        "source {source} is not mapped (give --source {source}=PATH or =git:REF)"
                    ))
                    }
                };
                let dir = krust::normalize(&mapped.root.join(chart.trim_start_matches("./")));
                if mapped.fs.kind(&dir) != Some(FileKind::Dir) {
                    return Err(format!(
                        "chart path {chart} is not a directory of source {source}"
                    ));
                }
                Ok(Chart {
                    fs: mapped.fs,
                    dir,
                    from: format!("{source} {chart}"),
                    values_files: values_files.to_vec(),
                    values_root: mapped.root.clone(),
                })
            }
            "HelmRepository" => {
                let repo = self.object(kind, namespace, name)?;
                let url = repo.str_at(&["spec", "url"]).unwrap_or_default();
                let oci =
                    repo.str_at(&["spec", "type"]) == Some("oci") || url.starts_with("oci://");
                let mut chart = self.pulled_in(url, oci, chart, version, source)?;
                chart.values_files = values_files.to_vec();
                Ok(chart)
            }
            other => Err(format!("sourceRef kind {other} is not a chart source")),
        }
    }

    fn pulled_in(
        &self,
        url: &str,
        oci: bool,
        chart: &str,
        version: &str,
        key: &str,
    ) -> Result<Chart<'a>, String> {
        let registry = match url.strip_prefix("oci://") {
            None if oci => format!("oci://{url}"),
            _ => url.to_owned(),
        };
        self.pulled(&registry, chart, version, key)
    }

    /// The chart from the cache, pulled there first unless offline, from
    /// `repo` (an `http(s)://` chart repository or an `oci://` registry).
    /// The cache holds `<repo>/<chart>/<version>/<chart>`, each part made
    /// one safe directory name.
    fn pulled(
        &self,
        repo: &str,
        chart: &str,
        version: &str,
        key: &str,
    ) -> Result<Chart<'a>, String> {
        let home = self
            .helm
            .chart_cache
            .join(cache_key(repo))
            .join(cache_key(chart));
        let exact = is_exact_version(version);
        if exact {
            let dir = home
                .join(cache_key(version.trim_start_matches('v')))
                .join(chart);
            if dir.join("Chart.yaml").is_file() {
                return Ok(cached(dir, key, chart, version));
            }
        }
        if self.helm.offline {
            if !exact {
                if let Some((found, dir)) = newest_cached(&home, chart, version) {
                    return Ok(cached(dir, key, chart, &found));
                }
            }
            return Err(format!(
                "chart {chart} {version} of {key} is not in the chart cache {} (offline)",
                self.helm.chart_cache.display()
            ));
        }
        let staging =
            self.helm
                .chart_cache
                .join(format!(".pull-{}-{}", std::process::id(), unique()));
        let result = self
            .helm
            .settings
            .pull(repo, chart, version, &staging)
            .and_then(|()| {
                let name = chart.rsplit('/').next().unwrap_or(chart);
                let got =
                    chart_version(&staging.join(name)).ok_or("the pulled chart has no version")?;
                let dir = home.join(cache_key(&got));
                std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
                // Another render (the other side of a diff) may have won the race.
                match std::fs::rename(staging.join(name), dir.join(name)) {
                    Err(_) if dir.join(name).join("Chart.yaml").is_file() => {}
                    moved => moved.map_err(|e| format!("{}: {e}", dir.display()))?,
                }
                Ok(cached(dir.join(name), key, name, &got))
            });
        let _ = std::fs::remove_dir_all(&staging);
        result
    }

    fn object(&self, kind: &str, namespace: &str, name: &str) -> Result<&'a Value, String> {
        self.objects
            .iter()
            .rev()
            .find(|obj| is_object(obj, kind, namespace, name))
            .ok_or_else(|| format!("{kind} {namespace}/{name} is not in what the cluster renders"))
    }
}

fn cached<'fs>(dir: PathBuf, key: &str, chart: &str, version: &str) -> Chart<'fs> {
    Chart {
        fs: &DiskFs,
        values_root: dir.clone(),
        dir,
        from: format!("{key} {chart} {version}"),
        values_files: Vec::new(),
    }
}

fn split_key(key: &str) -> (&str, &str, &str) {
    let mut parts = key.splitn(3, '/');
    (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    )
}

fn unique() -> usize {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    COUNT.fetch_add(1, Ordering::Relaxed)
}

/// Text from the repository (a URL, a chart name, a version) as one safe
/// directory name of the cache: its safe characters, then a short hash so
/// that two texts never share a directory (`..` is never one).
fn cache_key(text: &str) -> String {
    let safe: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if safe == text && !text.starts_with('.') && !text.is_empty() {
        return safe;
    }
    format!("{safe}-{}", &krust::sha256_hex(text.as_bytes())[..8])
}

/// Whether `version` names one version (`1.2.3`, `v1.2.3-rc.1`), not a
/// range or the newest.
fn is_exact_version(version: &str) -> bool {
    let core = version.trim_start_matches('v');
    let core = core.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// The `version` in a chart's `Chart.yaml`.
fn chart_version(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join("Chart.yaml")).ok()?;
    let doc = krust_yaml::load_documents(&text).ok()?.into_iter().next()?;
    doc.get("version").and_then(Value::scalar_string)
}

/// The newest version of `chart` in the cache that `range` (helm's
/// syntax; empty for any) allows.
fn newest_cached(home: &Path, chart: &str, range: &str) -> Option<(String, PathBuf)> {
    let range = super::semver::Range::parse(range)?;
    std::fs::read_dir(home)
        .ok()?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join(chart).join("Chart.yaml").is_file())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter_map(|v| Some((super::semver::Version::parse(&v)?, v)))
        .filter(|(version, _)| range.matches(version))
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, v)| {
            let dir = home.join(&v).join(chart);
            (v, dir)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_versions_are_told_from_ranges() {
        assert!(is_exact_version("6.5.0") && is_exact_version("v1.2.3-rc.1"));
        assert!(!is_exact_version("6.x") && !is_exact_version(">=1.0.0") && !is_exact_version(""));
        assert!(!is_exact_version("1.2"));
    }

    #[test]
    fn offline_ranges_pick_the_newest_cached_version_they_allow() {
        let home =
            std::env::temp_dir().join(format!("krust-chart-cache-test-{}", std::process::id()));
        for v in ["0.1.0", "0.2.0", "1.0.0", "1.1.0-rc.1"] {
            let dir = home.join(v).join("demo");
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(
                dir.join("Chart.yaml"),
                format!("name: demo\nversion: {v}\n"),
            )
            .unwrap();
        }
        let pick = |range: &str| newest_cached(&home, "demo", range).map(|(v, _)| v);
        assert_eq!(pick("0.x").as_deref(), Some("0.2.0"));
        assert_eq!(pick("").as_deref(), Some("1.0.0"));
        assert_eq!(pick(">=1.1.0-rc.0").as_deref(), Some("1.1.0-rc.1"));
        assert_eq!(pick("~0.1").as_deref(), Some("0.1.0"));
        assert_eq!(pick("2.x"), None);
        let _ = std::fs::remove_dir_all(&home);
    }

    #[test]
    fn cache_keys_are_one_safe_directory_each() {
        assert_eq!(cache_key("demo"), "demo");
        assert_eq!(cache_key("1.2.3"), "1.2.3");
        let url = cache_key("https://charts.example.com/stable");
        assert!(
            url.starts_with("https___charts.example.com_stable-"),
            "{url}"
        );
        assert_ne!(cache_key("a/b"), cache_key("a_b"));
        for hostile in ["..", ".", "../x", "a/../../b", ""] {
            let key = cache_key(hostile);
            assert!(
                !key.contains('/') && key != ".." && key != "." && !key.is_empty(),
                "{key}"
            );
        }
    }
}
