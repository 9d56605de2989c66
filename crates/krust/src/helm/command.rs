//! Running the helm binary: never through a shell, with a deadline, its
//! environment pointed at the chart's own helm homes and at no plugins, its
//! version checked once per program, and its arguments built so that
//! repository content cannot become a flag.
//!
//! Plugins are off (`HELM_PLUGINS` is an empty directory of krust's):
//! `helmGlobals.configHome` is repository content, and helm runs the
//! plugins it finds under it (a getter for a `repo:` scheme, say), which
//! would let a pull request run any program in CI.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// What one run of helm left.
pub(super) struct Output {
    pub(super) status: ExitStatus,
    pub(super) stdout: Vec<u8>,
    pub(super) stderr: Vec<u8>,
}

/// Why helm did not give an output.
#[derive(Debug)]
pub(super) enum RunError {
    /// The program could not be started.
    Spawn(std::io::Error),
    /// It ran past the deadline and was killed.
    Timeout(Duration),
    /// Waiting for it failed.
    Wait(std::io::Error),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Spawn(e) if e.kind() == std::io::ErrorKind::NotFound => {
                f.write_str("not found: install helm 3 (or 4 with kustomize 5.8) or name it with --helm-command")
            }
            RunError::Spawn(e) => write!(f, "could not be started: {e}"),
            RunError::Timeout(limit) => write!(f, "was stopped after {}s", limit.as_secs()),
            RunError::Wait(e) => write!(f, "could not be waited for: {e}"),
        }
    }
}

/// The helm homes kustomize gives each chart (`HELM_CONFIG_HOME` and,
/// below it, `.cache` and `.data`), and no plugins.
fn helm_env(config_home: &Path, no_plugins: &Path) -> [(&'static str, PathBuf); 4] {
    [
        ("HELM_CONFIG_HOME", config_home.to_path_buf()),
        ("HELM_CACHE_HOME", config_home.join(".cache")),
        ("HELM_DATA_HOME", config_home.join(".data")),
        ("HELM_PLUGINS", no_plugins.to_path_buf()),
    ]
}

/// Runs helm `program` with `args`, its homes below `config_home` and no
/// plugins, killing it after `timeout`.
pub(super) fn run_helm(
    program: &Path,
    args: &[String],
    config_home: &Path,
    timeout: Duration,
) -> Result<Output, RunError> {
    let no_plugins = super::scratch::Scratch::new().map_err(RunError::Spawn)?;
    let env = helm_env(config_home, no_plugins.path());
    run(program, args, &env, timeout)
}

/// Runs `program args` with `env` added, killing it after `timeout`.
fn run(
    program: &Path,
    args: &[String],
    env: &[(&str, PathBuf)],
    timeout: Duration,
) -> Result<Output, RunError> {
    let mut child = Command::new(program)
        .args(args)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(RunError::Spawn)?;
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(RunError::Timeout(timeout));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => {
                let _ = child.kill();
                return Err(RunError::Wait(e));
            }
        }
    };
    Ok(Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

/// The version `helm version` printed: the first `v?N(.N)+` in its
/// output (kustomize's own pattern), as the text without `v`.
pub(super) fn version_in(stdout: &str) -> Option<&str> {
    let bytes = stdout.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            let mut end = digits_end(bytes, i);
            let mut parts = 1;
            while end + 1 < bytes.len() && bytes[end] == b'.' && bytes[end + 1].is_ascii_digit() {
                end = digits_end(bytes, end + 1);
                parts += 1;
            }
            if parts > 1 {
                return Some(&stdout[start..end]);
            }
            i = end;
        } else {
            i += 1;
        }
    }
    None
}

fn digits_end(bytes: &[u8], from: usize) -> usize {
    from + bytes[from..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count()
}

/// `helm version` outputs already asked for, by program and arguments:
/// one process per program for a whole run, however many charts.
type VersionCache = Mutex<HashMap<(PathBuf, Vec<String>), Result<String, String>>>;

/// What `program args` printed, asked once per process; `Err` says why
/// it could not be run.
pub(super) fn version_output(
    program: &Path,
    args: &[String],
    config_home: &Path,
    timeout: Duration,
) -> Result<String, String> {
    static CACHE: OnceLock<VersionCache> = OnceLock::new();
    let cache = CACHE.get_or_init(VersionCache::default);
    let key = (program.to_path_buf(), args.to_vec());
    if let Some(found) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return found.clone();
    }
    let answer = match run_helm(program, args, config_home, timeout) {
        Ok(out) if out.status.success() => Ok(String::from_utf8_lossy(&out.stdout).into_owned()),
        Ok(out) => Err(format!(
            "`{} {}` failed: {}",
            program.display(),
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        )),
        Err(e) => Err(format!("`{}` {e}", program.display())),
    };
    cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key, answer.clone());
    answer
}

/// `value` if it can be a positional argument: repository content that
/// starts with `-` (a release or chart name) would be read as a flag
/// (`--post-renderer=/bin/sh`), and helm refuses such names anyway.
pub(super) fn positional<'v>(value: &'v str, what: &str) -> Result<&'v str, String> {
    if value.starts_with('-') {
        return Err(format!("{what} '{value}' may not start with '-'"));
    }
    Ok(value)
}

/// `helm pull --untar --untardir INTO` arguments for `chart` of `repo`:
/// an `oci://` registry (the chart is `<repo>/<chart>`), an `http(s)://`
/// chart repository (`--repo`), or nothing with `chart` a whole `oci://`
/// reference; then `--version` when given. Other schemes would need helm
/// plugins, which krust does not run.
pub(super) fn pull_args(
    into: &Path,
    repo: &str,
    chart: &str,
    version: &str,
) -> Result<Vec<String>, String> {
    let mut args: Vec<String> = vec!["pull".into(), "--untar".into(), "--untardir".into()];
    args.push(into.display().to_string());
    let chart = positional(chart, "chart name")?;
    if let Some(registry) = repo.strip_prefix("oci://") {
        args.push(format!("oci://{}/{chart}", registry.trim_end_matches('/')));
    } else if repo.starts_with("http://") || repo.starts_with("https://") {
        args.extend(["--repo".into(), repo.into(), chart.into()]);
    } else if repo.is_empty() && chart.starts_with("oci://") {
        args.push(chart.into());
    } else {
        return Err(format!("repo '{repo}' is not an http(s):// or oci:// chart repository (krust runs no helm plugins)"));
    }
    if !version.is_empty() {
        args.extend([
            "--version".into(),
            positional(version, "chart version")?.into(),
        ]);
    }
    Ok(args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_found_as_kustomize_finds_them() {
        assert_eq!(version_in("v3.21.4+g5ab2d7c\n"), Some("3.21.4"));
        assert_eq!(version_in("v3.21\n"), Some("3.21"));
        assert_eq!(
            version_in("version.BuildInfo{Version:\"v4.3.2\"}"),
            Some("4.3.2")
        );
        assert_eq!(version_in("helm 3 is here v3.1"), Some("3.1"));
        assert_eq!(version_in("no version"), None);
        assert_eq!(version_in("7."), None);
    }

    #[test]
    fn repository_content_never_becomes_a_flag_or_a_plugin() {
        assert!(positional("--post-renderer=/bin/sh", "release name").is_err());
        assert!(positional("web", "release name").is_ok());
        let into = Path::new("/charts");
        let args = pull_args(into, "https://charts.example.com", "demo", "1.0.0").unwrap();
        assert_eq!(
            args[4..],
            [
                "--repo",
                "https://charts.example.com",
                "demo",
                "--version",
                "1.0.0"
            ]
        );
        let args = pull_args(into, "oci://ghcr.io/org/", "demo", "").unwrap();
        assert_eq!(args[4..], ["oci://ghcr.io/org/demo"]);
        assert!(pull_args(into, "secrets://x", "demo", "").is_err());
        assert!(pull_args(into, "https://x", "--help", "").is_err());
        assert!(pull_args(into, "https://x", "demo", "--devel").is_err());
    }

    #[test]
    fn a_missing_program_says_how_to_name_one() {
        let missing = Path::new("/nonexistent/krust-test-helm");
        let err = run(missing, &[], &[], Duration::from_secs(1))
            .err()
            .unwrap();
        assert!(err.to_string().contains("--helm-command"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_slow_program_is_stopped() {
        let args = ["5".to_string()];
        let err = run(Path::new("sleep"), &args, &[], Duration::from_millis(100));
        assert!(matches!(err, Err(RunError::Timeout(_))));
    }
}
