//! The difftest's oracle: `tests/oracles/kbatch`, the real `kustomize
//! build` of one version running many builds per process (a kustomize
//! process per tree costs more than the build itself). Workers are started
//! on demand, one per thread that asks, and reused.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Mutex;

use krust::KustomizeVersion;

use crate::oracle::Outcome;
use crate::workspace_root;

/// Where `tests/oracles/build-kbatch` puts the batch oracle of `version`.
pub fn kbatch_path(version: KustomizeVersion) -> PathBuf {
    workspace_root().join(format!("target/oracles/v{version}/kbatch"))
}

/// A pool of `kbatch` processes of one kustomize version.
pub struct Batch {
    binary: PathBuf,
    idle: Mutex<Vec<Worker>>,
}

impl Batch {
    /// The batch oracle of `version`, if it is installed.
    pub fn of(version: KustomizeVersion) -> Option<Batch> {
        let binary = kbatch_path(version);
        binary.is_file().then(|| Batch {
            binary,
            idle: Mutex::new(Vec::new()),
        })
    }

    /// The batch oracle of `version`; missing, a failure under `CI` and a
    /// skip with the reason elsewhere (as [`crate::oracle::kustomize`]).
    pub fn installed(version: KustomizeVersion) -> Option<Batch> {
        crate::oracle::installed(
            kbatch_path(version),
            &format!("kbatch for kustomize v{version}"),
            "tests/oracles/install",
        )?;
        Batch::of(version)
    }

    /// `kustomize build dir`, where `tree` holds every file the build
    /// reads. A worker that dies mid-build (a Go runtime crash, which
    /// `recover` cannot catch) reports a panic, as the binary would crash.
    pub fn build(&self, tree: &Path, dir: &Path) -> Result<Outcome, String> {
        let idle = self.idle.lock().map_err(|e| e.to_string())?.pop();
        let mut worker = match idle {
            Some(worker) => worker,
            None => Worker::start(&self.binary)?,
        };
        match worker.build(tree, dir) {
            Ok(outcome) => {
                self.idle.lock().map_err(|e| e.to_string())?.push(worker);
                Ok(outcome)
            }
            Err(e) => Ok(Outcome::Error(format!("panic: kbatch died: {e}"))),
        }
    }
}

struct Worker {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Worker {
    fn start(binary: &Path) -> Result<Worker, String> {
        let mut child = Command::new(binary)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
        let stdin = child.stdin.take().ok_or("kbatch has no stdin")?;
        let stdout = BufReader::new(child.stdout.take().ok_or("kbatch has no stdout")?);
        Ok(Worker {
            child,
            stdin,
            stdout,
        })
    }

    /// One request and its frame: `ok <n>` or `error <n>`, then n bytes.
    fn build(&mut self, tree: &Path, dir: &Path) -> Result<Outcome, String> {
        writeln!(self.stdin, "{}\t{}", tree.display(), dir.display())
            .and_then(|()| self.stdin.flush())
            .map_err(|e| e.to_string())?;
        let mut header = String::new();
        self.stdout
            .read_line(&mut header)
            .map_err(|e| e.to_string())?;
        let (kind, len) = header
            .trim_end()
            .split_once(' ')
            .ok_or_else(|| format!("bad frame header {header:?}"))?;
        let len: usize = len
            .parse()
            .map_err(|_| format!("bad length in {header:?}"))?;
        let mut body = vec![0; len];
        self.stdout
            .read_exact(&mut body)
            .map_err(|e| e.to_string())?;
        let body = String::from_utf8_lossy(&body).into_owned();
        match kind {
            "ok" => Ok(Outcome::Output(body)),
            "error" => Ok(Outcome::Error(body)),
            other => Err(format!("bad frame kind {other:?}")),
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
