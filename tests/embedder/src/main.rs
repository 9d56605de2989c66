//! Builds bad in-memory trees through krust's public API and checks that
//! each fails with the error kind a program would match on.

use std::path::Path;
use std::process::ExitCode;

use krust::{build, BuildOptions, Error, ErrorKind, Graph, MemFs};

const CONFIG_MAP: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n";

/// One bad input: its files, the root built, and what the error must say.
struct Case {
    name: &'static str,
    files: &'static [(&'static str, &'static str)],
    root: &'static str,
    kind: ErrorKind,
    file: Option<&'static str>,
}

const CASES: &[Case] = &[
    Case {
        name: "missing resource",
        files: &[("/app/kustomization.yaml", "resources: [gone.yaml]\n")],
        root: "/app",
        kind: ErrorKind::NotFound,
        file: Some("/app/kustomization.yaml"),
    },
    Case {
        name: "broken YAML",
        files: &[
            ("/app/kustomization.yaml", "resources: [cm.yaml]\n"),
            ("/app/cm.yaml", "kind: [ConfigMap\n"),
        ],
        root: "/app",
        kind: ErrorKind::Yaml,
        file: Some("/app/cm.yaml"),
    },
    Case {
        name: "duplicate id",
        files: &[
            ("/app/kustomization.yaml", "resources: [a.yaml, b.yaml]\n"),
            ("/app/a.yaml", CONFIG_MAP),
            ("/app/b.yaml", CONFIG_MAP),
        ],
        root: "/app",
        kind: ErrorKind::DuplicateId,
        file: Some("/app/b.yaml"),
    },
    Case {
        name: "file above the root",
        files: &[
            ("/repo/app/kustomization.yaml", "resources: [../cm.yaml]\n"),
            ("/repo/cm.yaml", CONFIG_MAP),
        ],
        root: "/repo/app",
        kind: ErrorKind::LoadRestricted,
        file: None,
    },
    Case {
        name: "cycle",
        files: &[
            ("/repo/a/kustomization.yaml", "resources: [../b]\n"),
            ("/repo/b/kustomization.yaml", "resources: [../a]\n"),
        ],
        root: "/repo/a",
        kind: ErrorKind::Cycle,
        file: None,
    },
    Case {
        name: "remote base",
        files: &[(
            "/app/kustomization.yaml",
            "resources: [https://github.com/example/repo//base?ref=v1]\n",
        )],
        root: "/app",
        kind: ErrorKind::Unsupported,
        file: Some("/app/kustomization.yaml"),
    },
];

fn fs_of(files: &[(&str, &str)]) -> MemFs {
    let mut fs = MemFs::new();
    for (path, text) in files {
        fs.add_file(path, *text);
    }
    fs
}

/// What is wrong with `error` as the failure of `case`, if anything.
fn check(case: &Case, error: &Error) -> Option<String> {
    if error.kind() != case.kind {
        return Some(format!("kind {:?}, expected {:?}", error.kind(), case.kind));
    }
    if let Some(file) = case.file {
        if error.file() != Some(Path::new(file)) {
            return Some(format!("file {:?}, expected {file}", error.file()));
        }
    }
    if case.kind == ErrorKind::Yaml && error.position().is_none() {
        return Some("no position".into());
    }
    if case.kind == ErrorKind::Cycle && error.chain().len() < 2 {
        return Some(format!("chain {:?}", error.chain()));
    }
    None
}

fn main() -> ExitCode {
    let mut failures = 0;
    for case in CASES {
        let fs = fs_of(case.files);
        let problem = match build(&fs, Path::new(case.root), &BuildOptions::default()) {
            Ok(_) => Some("built".to_owned()),
            Err(e) => check(case, &e).map(|p| format!("{p}: {e}")),
        };
        match problem {
            None => println!("ok    {}", case.name),
            Some(p) => {
                failures += 1;
                println!("FAIL  {}: {p}", case.name);
            }
        }
    }
    // Many roots at once: a good one renders while a bad one fails alone.
    let fs = fs_of(&[
        ("/repo/good/kustomization.yaml", "resources: [cm.yaml]\n"),
        ("/repo/good/cm.yaml", CONFIG_MAP),
        ("/repo/bad/kustomization.yaml", "resources: [gone.yaml]\n"),
    ]);
    let graph = Graph::new(&fs, BuildOptions::default());
    let good = graph.build(Path::new("/repo/good")).map(|m| m.len());
    let bad = graph.build(Path::new("/repo/bad")).map(|m| m.len()).map_err(|e| e.kind());
    if good != Ok(1) || bad != Err(ErrorKind::NotFound) {
        failures += 1;
        println!("FAIL  graph: good {good:?}, bad {bad:?}");
    } else {
        println!("ok    graph");
    }
    if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
