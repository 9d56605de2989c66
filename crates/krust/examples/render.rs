//! Renders a kustomization directory as `kustomize build` would, through the
//! library, and explains a failure by its kind.
//!
//! ```text
//! cargo run -p krust --example render -- examples/gitops/apps/overlays/staging [5.5.0]
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use krust::{build, BuildOptions, DiskFs, ErrorKind, KustomizeVersion};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: render DIR [KUSTOMIZE_VERSION]");
        return ExitCode::from(2);
    };
    let mut options = BuildOptions::default();
    if let Some(version) = args.next() {
        match version.parse::<KustomizeVersion>() {
            Ok(version) => options = options.with_kustomize_version(version),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(2);
            }
        }
    }
    match build(&DiskFs, &dir, &options).and_then(|resources| resources.to_yaml()) {
        Ok(yaml) => {
            print!("{yaml}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            let hint = match e.kind() {
                ErrorKind::NotFound => "a path the kustomization names is missing",
                ErrorKind::Yaml => "a file does not parse",
                ErrorKind::Unsupported => "krust refuses this (remote bases, exec plugins)",
                _ => "kustomize would fail here too",
            };
            eprintln!("error: {e}\n({hint})");
            ExitCode::from(1)
        }
    }
}
