//! The bad-input suite: every case in this crate's `tests/bad-input/` is
//! input kustomize v5.5.0 rejects (and `render` runs as 5.5.0 here) (each case's `kustomize.txt` records what
//! `kubectl kustomize` said), and `render` must reject it too, as a user in
//! CI needs: exit status 1, quickly, one line naming the file (and the chain
//! of kustomizations that led to it), nothing on stdout, nothing written
//! under `-o`, and never a panic.
//!
//! A case is a directory holding the tree to build and `expect.txt`:
//!
//! ```text
//! root: overlays/prod          (optional; the directory to build, default `.`)
//! error: overlays/prod/kustomization.yaml -> base/deployment.yaml:7:8: mapping values
//! ```
//!
//! `error:` is a part of the message that must appear, paths relative to the
//! case directory. `KRUST_BLESS=1` rewrites every `kustomize.txt` from
//! `kubectl kustomize` (which must be on PATH).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The most a case may take, as the hardening issue asks.
const TIME_LIMIT: Duration = Duration::from_secs(2);

/// How long blessing waits for kubectl (which never returns on some inputs).
const KUBECTL_LIMIT: Duration = Duration::from_secs(20);

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-input")
}

/// One case's `expect.txt`.
struct Expect {
    root: String,
    error: String,
}

fn read_expect(case: &Path) -> Result<Expect, String> {
    let text =
        std::fs::read_to_string(case.join("expect.txt")).map_err(|e| format!("expect.txt: {e}"))?;
    let mut expect = Expect {
        root: ".".into(),
        error: String::new(),
    };
    for line in text.lines() {
        if let Some(root) = line.strip_prefix("root: ") {
            expect.root = root.trim().into();
        } else if let Some(error) = line.strip_prefix("error: ") {
            expect.error = error.trim().into();
        } else if !line.trim().is_empty() && !line.starts_with('#') {
            return Err(format!("expect.txt: unknown line {line:?}"));
        }
    }
    if expect.error.is_empty() {
        return Err("expect.txt names no error".into());
    }
    Ok(expect)
}

/// What a finished (or killed) process left.
struct Run {
    status: Option<ExitStatus>,
    elapsed: Duration,
    stdout: String,
    stderr: String,
}

/// Runs `command`, killing it once it has run for `limit`.
fn run_with_limit(command: &mut Command, limit: Duration) -> Run {
    let started = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the command starts");
    // Drain the pipes while waiting, so a chatty process cannot block.
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let out = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut buf).ok();
        buf
    });
    let err = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut stderr, &mut buf).ok();
        buf
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting works") {
            break Some(status);
        }
        if started.elapsed() > limit {
            child.kill().ok();
            child.wait().ok();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = started.elapsed();
    let text = |h: std::thread::JoinHandle<Vec<u8>>| {
        String::from_utf8_lossy(&h.join().unwrap_or_default()).into_owned()
    };
    Run {
        status,
        elapsed,
        stdout: text(out),
        stderr: text(err),
    }
}

fn render(case: &Path, args: &[&str]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_render"));
    // The recorded rejections are kustomize 5.5.0's (kubectl 1.32); later
    // versions accept a few of these inputs (the goldens cover those).
    command
        .args(args)
        .env("KRUST_KUSTOMIZE_VERSION", "5.5.0")
        .current_dir(case);
    run_with_limit(&mut command, TIME_LIMIT)
}

/// Everything wrong with how `render` handled one case.
fn check_case(case: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let expect = match read_expect(case) {
        Ok(expect) => expect,
        Err(e) => return vec![e],
    };

    let run = render(case, &[&expect.root]);
    match run.status {
        None => problems.push(format!("still running after {TIME_LIMIT:?}; killed")),
        Some(status) if status.code() != Some(1) => {
            problems.push(format!("exit status {status}, not 1"))
        }
        Some(_) => {}
    }
    if run.elapsed > TIME_LIMIT {
        problems.push(format!("took {:?}", run.elapsed));
    }
    if run.stderr.contains("panicked") || run.stderr.contains("RUST_BACKTRACE") {
        problems.push(format!("panicked:\n{}", run.stderr));
    }
    if !run.stdout.is_empty() {
        problems.push(format!("printed {} bytes to stdout", run.stdout.len()));
    }
    let message = run.stderr.trim_end();
    if !message.starts_with("error: ") || message.lines().count() != 1 {
        problems.push(format!("stderr is not one `error:` line:\n{message}"));
    }
    if !message.contains(&expect.error) {
        problems.push(format!(
            "message does not contain {:?}:\n{message}",
            expect.error
        ));
    }

    // With -o, a failed root leaves nothing behind (not even the directory).
    let scratch = std::env::temp_dir().join(format!(
        "krust-bad-input-{}-{}",
        std::process::id(),
        case.file_name().unwrap_or_default().to_string_lossy()
    ));
    let out = scratch.join("out");
    let out_arg = out.display().to_string();
    let run = render(case, &["-o", &out_arg, &expect.root]);
    if run.status.and_then(|s| s.code()) != Some(1) {
        problems.push(format!("with -o: exit status {:?}, not 1", run.status));
    }
    if out.exists() {
        problems.push(format!("with -o: wrote {}", out.display()));
    }
    std::fs::remove_dir_all(&scratch).ok();

    if std::env::var_os("KRUST_BLESS").is_some() {
        if let Err(e) = bless_kustomize(case, &expect.root) {
            problems.push(e);
        }
    }
    match std::fs::read_to_string(case.join("kustomize.txt")) {
        Err(e) => problems.push(format!("kustomize.txt: {e} (KRUST_BLESS=1 records it)")),
        Ok(text) if text.lines().any(|l| l == "exit: 0") => {
            problems.push("kustomize accepts this input (kustomize.txt): not a bad input".into())
        }
        Ok(_) => {}
    }
    problems
}

/// Records what `kubectl kustomize` does with the case in `kustomize.txt`.
fn bless_kustomize(case: &Path, root: &str) -> Result<(), String> {
    let version = Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .map_err(|e| format!("kubectl: {e}"))?;
    let version = String::from_utf8_lossy(&version.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Kustomize Version: ").map(str::to_owned))
        .unwrap_or_else(|| "unknown".into());
    let mut command = Command::new("kubectl");
    command.args(["kustomize", root]).current_dir(case);
    let run = run_with_limit(&mut command, KUBECTL_LIMIT);
    let exit = match run.status {
        None => format!("killed after {KUBECTL_LIMIT:?}"),
        Some(status) => status
            .code()
            .map_or_else(|| status.to_string(), |c| c.to_string()),
    };
    let here = std::fs::canonicalize(case).map_err(|e| e.to_string())?;
    let error: Vec<String> = run
        .stderr
        .lines()
        .filter(|l| !l.starts_with("# Warning"))
        .map(|l| {
            // Drop klog's timestamp prefix; show paths relative to the case.
            let l = l.split_once("] ").map_or(l, |(_, rest)| rest);
            l.replace(&format!("{}/", here.display()), "")
                .replace(&here.display().to_string(), ".")
        })
        .take(8)
        .collect();
    let text = format!(
        "# kubectl kustomize {root} (kustomize {version})\nexit: {exit}\n{}\n",
        error.join("\n")
    );
    std::fs::write(case.join("kustomize.txt"), text).map_err(|e| e.to_string())
}

#[test]
fn every_bad_input_fails_cleanly_naming_the_file() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .expect("tests/bad-input exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 40,
        "the suite should hold at least 40 cases, it has {}",
        cases.len()
    );
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            let problems = check_case(case);
            let name = case.file_name().unwrap_or_default().to_string_lossy();
            (!problems.is_empty()).then(|| format!("{name}:\n  {}", problems.join("\n  ")))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} bad-input cases misbehaved:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn a_case_that_succeeds_is_caught() {
    // The harness itself: a good tree must be reported, not pass silently.
    let dir = std::env::temp_dir().join(format!("krust-bad-input-good-{}", std::process::id()));
    common::write(&dir, "kustomization.yaml", "resources:\n- cm.yaml\n");
    common::write(
        &dir,
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
    );
    common::write(&dir, "expect.txt", "error: anything\n");
    common::write(&dir, "kustomize.txt", "exit: 1\n");
    let problems = check_case(&dir);
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        problems.iter().any(|p| p.contains("exit status")),
        "{problems:?}"
    );
}
