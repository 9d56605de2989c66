//! `render`: print what `kubectl kustomize DIR` prints, from krust.
//!
//! A thin shell over the `krust` library: parse arguments, build, write the
//! output in one piece. Errors go to stderr as one line naming the file;
//! the exit status is 1 for a failed build and 2 for a usage error.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use krust::{BuildOptions, DiskFs, LoadRestrictor};

/// Render a kustomization exactly as `kubectl kustomize` (kustomize v5.5.0) does.
#[derive(Debug, Parser)]
#[command(name = "render", version)]
struct Args {
    /// Which files a kustomization may read: LoadRestrictionsRootOnly (default) or LoadRestrictionsNone.
    #[arg(
        long = "load-restrictor",
        value_name = "RESTRICTOR",
        default_value = "LoadRestrictionsRootOnly"
    )]
    load_restrictor: LoadRestrictor,

    /// The directory holding the kustomization to build.
    dir: PathBuf,
}

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let options = BuildOptions {
        load_restrictor: args.load_restrictor,
    };
    let cwd = std::env::current_dir().ok();
    let dir = match &cwd {
        Some(cwd) => cwd.join(&args.dir),
        None => args.dir.clone(),
    };
    let rendered = krust::build(&DiskFs, &dir, &options).and_then(|map| map.to_yaml());
    match rendered {
        Ok(yaml) => {
            let mut stdout = std::io::stdout().lock();
            if let Err(e) = stdout
                .write_all(yaml.as_bytes())
                .and_then(|()| stdout.flush())
            {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    eprintln!("error: writing output: {e}");
                    return ExitCode::from(1);
                }
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            let err = err.map_paths(|p| display_path(p, cwd.as_deref()));
            eprintln!("error: {err}");
            ExitCode::from(1)
        }
    }
}

/// Paths relative to the working directory when below it, as a user typed them.
fn display_path(path: &Path, cwd: Option<&Path>) -> PathBuf {
    let Some(cwd) = cwd else {
        return path.to_path_buf();
    };
    let real_cwd = std::fs::canonicalize(cwd).unwrap_or_else(|_| cwd.to_path_buf());
    for base in [cwd, real_cwd.as_path()] {
        if let Ok(rel) = path.strip_prefix(base) {
            return if rel.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                rel.to_path_buf()
            };
        }
    }
    path.to_path_buf()
}
