//! Golden renders for every emulated kustomize version, made by the oracles.
//!
//! One root's goldens share a stem: `STEM.yaml` holds what kustomize
//! [`KustomizeVersion::LATEST`] prints (or, when it fails, the newest
//! version that succeeds), and a version that prints something else has its
//! own `STEM.vX.Y.Z.yaml`, or `STEM.vX.Y.Z.err` (the oracle's message) when
//! it fails. So a fixture that renders alike everywhere is one file, and the
//! files beside it name exactly the versions that differ.

use std::path::{Path, PathBuf};

use krust::{BuildOptions, DiskFs, KustomizeVersion, LoadRestrictor};

use crate::oracle::{self, Outcome};

/// The goldens of one root.
pub struct Golden {
    stem: PathBuf,
}

impl Golden {
    /// The goldens named `STEM.yaml`, `STEM.vX.Y.Z.yaml`, `STEM.vX.Y.Z.err`.
    pub fn new(stem: impl Into<PathBuf>) -> Golden {
        Golden { stem: stem.into() }
    }

    fn file(&self, suffix: &str) -> PathBuf {
        let mut name = self.stem.file_name().unwrap_or_default().to_os_string();
        name.push(suffix);
        self.stem.with_file_name(name)
    }

    /// What kustomize `version` gave for the root, as recorded.
    pub fn expected(&self, version: KustomizeVersion) -> Result<Outcome, String> {
        let read = |path: &Path| {
            std::fs::read_to_string(path)
                .map_err(|e| format!("{}: cannot read golden: {e}", path.display()))
        };
        let own = self.file(&format!(".v{version}.yaml"));
        if own.is_file() {
            return read(&own).map(Outcome::Output);
        }
        let failed = self.file(&format!(".v{version}.err"));
        if failed.is_file() {
            return read(&failed).map(Outcome::Error);
        }
        read(&self.file(".yaml")).map(Outcome::Output)
    }

    /// Rewrites the goldens from every installed oracle's build of `dir`.
    pub fn bless(&self, dir: &Path) -> Result<(), String> {
        let mut outcomes = Vec::new();
        for version in KustomizeVersion::ALL {
            let binary = oracle::kustomize(version).ok_or_else(|| {
                format!("cannot bless {}: oracle v{version} missing", dir.display())
            })?;
            outcomes.push((version, oracle::build(&binary, dir, &[])?));
        }
        let common = outcomes.iter().rev().find_map(|(_, o)| match o {
            Outcome::Output(text) => Some(text.clone()),
            Outcome::Error(_) => None,
        });
        self.remove_version_files()?;
        let write = |path: PathBuf, text: &str| {
            std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
        };
        match &common {
            Some(text) => write(self.file(".yaml"), text)?,
            None => {
                let _ = std::fs::remove_file(self.file(".yaml"));
            }
        }
        for (version, outcome) in &outcomes {
            match outcome {
                Outcome::Output(text) if Some(text) == common.as_ref() => {}
                Outcome::Output(text) => write(self.file(&format!(".v{version}.yaml")), text)?,
                Outcome::Error(message) => write(self.file(&format!(".v{version}.err")), message)?,
            }
        }
        Ok(())
    }

    /// Removes every `STEM.vX.Y.Z.*` file, before blessing anew.
    fn remove_version_files(&self) -> Result<(), String> {
        let dir = self.stem.parent().unwrap_or(Path::new("."));
        let prefix = format!(
            "{}.v",
            self.stem.file_name().unwrap_or_default().to_string_lossy()
        );
        for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
            let path = entry.map_err(|e| e.to_string())?.path();
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let rest = name.strip_prefix(&prefix).unwrap_or("");
            if rest.starts_with('5') && (rest.ends_with(".yaml") || rest.ends_with(".err")) {
                std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            }
        }
        Ok(())
    }

    /// Compares krust's render of `dir` for every version with the goldens
    /// (after rewriting them from the oracles under `KRUST_BLESS=1`).
    /// Returns a description of every mismatch.
    pub fn check(&self, dir: &Path) -> Result<(), String> {
        if std::env::var_os("KRUST_BLESS").is_some() {
            self.bless(dir)?;
        }
        let failures: Vec<String> = KustomizeVersion::ALL
            .into_iter()
            .filter_map(|v| self.check_version(dir, v).err())
            .collect();
        if failures.is_empty() {
            Ok(())
        } else {
            Err(failures.join("\n"))
        }
    }

    /// Compares krust's render of `dir` as kustomize `version` with its golden.
    pub fn check_version(&self, dir: &Path, version: KustomizeVersion) -> Result<(), String> {
        let got = render(dir, version);
        match (self.expected(version)?, got) {
            (Outcome::Output(want), Ok(got)) if got == want => Ok(()),
            (Outcome::Output(want), Ok(got)) => Err(first_difference(dir, version, &got, &want)),
            (Outcome::Output(_), Err(e)) => Err(format!(
                "{} (v{version}): krust failed where kustomize renders: {e}",
                dir.display()
            )),
            (Outcome::Error(_), Err(_)) => Ok(()),
            (Outcome::Error(message), Ok(_)) => Err(format!(
                "{} (v{version}): krust renders where kustomize fails with: {}",
                dir.display(),
                message.trim()
            )),
        }
    }
}

/// krust's render of `dir` as kustomize `version` prints it.
pub fn render(dir: &Path, version: KustomizeVersion) -> Result<String, krust::Error> {
    let options = BuildOptions::default()
        .with_load_restrictor(LoadRestrictor::RootOnly)
        .with_kustomize_version(version);
    krust::build(&DiskFs, dir, &options)?.to_yaml()
}

fn first_difference(dir: &Path, version: KustomizeVersion, got: &str, want: &str) -> String {
    let line = got
        .lines()
        .zip(want.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| got.lines().count().min(want.lines().count()));
    format!(
        "{} (v{version}): render differs from the golden at line {}:\n  krust:     {:?}\n  kustomize: {:?}",
        dir.display(),
        line + 1,
        got.lines().nth(line).unwrap_or("<end>"),
        want.lines().nth(line).unwrap_or("<end>"),
    )
}
