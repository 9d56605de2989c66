//! Whole clusters rendered by krust-flux against goldens the Flux oracle
//! made (`tests/oracles/fluxbuild`: kustomize-controller v1.8's own build
//! and substitution, see `tests/golden/REFERENCE`): the example repository's
//! profiles and the fixture repositories, every Flux Kustomization compared
//! byte for byte with what the controller builds from it.
//!
//! `tests/golden/<case>/<namespace>/<name>.yaml` is the oracle's output for
//! that Kustomization (what `render flux -o` writes), `.err` its error.
//! `KRUST_BLESS=1 cargo test -p krust-flux --test goldens` rewrites them
//! with the oracle (`tests/oracles/build-flux-oracle` builds it).

mod oracle;

use std::path::{Path, PathBuf};

use krust::DiskFs;
use krust_flux::cluster::{render_cluster, ClusterOptions, Source};
use oracle::{ClusterSpec, Goldens, Outcome};

struct Case {
    /// The goldens' directory under `tests/golden`.
    golden: &'static str,
    /// The repository, from this crate's directory.
    repo: &'static str,
    /// The cluster directory.
    dir: &'static str,
    /// The pinned infrastructure source of the example is the repository itself.
    infrastructure: bool,
    strict: bool,
}

const CASES: &[Case] = &[
    Case {
        golden: "examples/dev",
        repo: "../../examples/gitops",
        dir: "./profiles/dev",
        infrastructure: true,
        strict: false,
    },
    Case {
        golden: "examples/staging",
        repo: "../../examples/gitops",
        dir: "./profiles/staging",
        infrastructure: true,
        strict: false,
    },
    Case {
        golden: "examples/production",
        repo: "../../examples/gitops",
        dir: "./profiles/production",
        infrastructure: true,
        strict: false,
    },
    Case {
        golden: "fixtures/repo",
        repo: "tests/fixtures/repo",
        dir: "./profiles/dev",
        infrastructure: false,
        strict: false,
    },
    Case {
        golden: "fixtures/substitution",
        repo: "tests/fixtures/substitution",
        dir: "./clusters/demo",
        infrastructure: false,
        strict: false,
    },
    Case {
        golden: "fixtures/substitution-strict",
        repo: "tests/fixtures/substitution",
        dir: "./clusters/demo",
        infrastructure: false,
        strict: true,
    },
    Case {
        golden: "fixtures/ignore",
        repo: "tests/fixtures/ignore",
        dir: "./clusters/demo",
        infrastructure: false,
        strict: false,
    },
];

const INFRASTRUCTURE: &str = "GitRepository/flux-system/infrastructure";

impl Case {
    fn repo(&self) -> PathBuf {
        std::fs::canonicalize(Path::new(env!("CARGO_MANIFEST_DIR")).join(self.repo)).unwrap()
    }

    fn goldens(&self) -> Goldens {
        Goldens {
            dir: Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/golden")
                .join(self.golden),
        }
    }

    /// What krust-flux renders, as the goldens record it, and its warnings.
    fn krust(&self) -> (Vec<(String, Outcome)>, Vec<String>) {
        let root = self.repo();
        let mut options = ClusterOptions {
            strict: self.strict,
            ..Default::default()
        };
        if self.infrastructure {
            options.sources.insert(
                INFRASTRUCTURE.into(),
                Source {
                    fs: &DiskFs,
                    root: root.clone(),
                },
            );
        }
        let repo = Source { fs: &DiskFs, root };
        let cluster = render_cluster(&repo, self.dir, &options).unwrap();
        let rendered = cluster
            .kustomizations
            .iter()
            .filter_map(|r| {
                let id = format!("{}/{}", r.ks.namespace, r.ks.name);
                match (&r.objects, &r.error) {
                    (_, Some(error)) => Some((id, Outcome::Error(error.to_string()))),
                    (Some(_), None) => Some((id, Outcome::Output(r.to_yaml().unwrap()))),
                    (None, None) => None,
                }
            })
            .collect();
        (oracle::sorted(rendered), cluster.warnings)
    }

    /// What the oracle renders.
    fn oracle(&self, binary: &Path) -> Vec<(String, Outcome)> {
        let repo = self.repo();
        let sources = if self.infrastructure {
            vec![(INFRASTRUCTURE, repo.clone())]
        } else {
            Vec::new()
        };
        let spec = ClusterSpec {
            repo: &repo,
            dir: self.dir,
            sources,
            strict: self.strict,
        };
        oracle::sorted(oracle::render_cluster(binary, &spec))
    }
}

#[test]
fn every_kustomization_renders_as_its_golden() {
    for case in CASES {
        let want = case.goldens().read();
        assert!(
            !want.is_empty(),
            "{}: no goldens (bless them: KRUST_BLESS=1 with the oracle built)",
            case.golden
        );
        let (got, _) = case.krust();
        let ids = |v: &[(String, Outcome)]| v.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&got), ids(&want), "{}: the Kustomizations", case.golden);
        for ((id, got), (_, want)) in got.iter().zip(&want) {
            match (got, want) {
                (Outcome::Output(got), Outcome::Output(want)) => assert!(
                    got == want,
                    "{}: {id} differs from its golden:\n--- krust\n{got}\n--- golden\n{want}",
                    case.golden
                ),
                // The messages are krust's own; that it fails is what counts.
                (Outcome::Error(_), Outcome::Error(_)) => {}
                _ => panic!("{}: {id}: krust {got:?}, the oracle {want:?}", case.golden),
            }
        }
    }
}

#[test]
fn the_goldens_are_what_the_oracle_renders() {
    let Some(binary) = oracle::fluxbuild() else {
        return;
    };
    let bless = std::env::var_os("KRUST_BLESS").is_some();
    for case in CASES {
        let fresh = case.oracle(&binary);
        if bless {
            case.goldens().write(&fresh);
        }
        assert_eq!(
            case.goldens().read(),
            fresh,
            "{}: the goldens are stale (KRUST_BLESS=1 rewrites them)",
            case.golden
        );
    }
}

#[test]
fn the_profiles_render_without_warnings_and_substitute_everything() {
    for case in CASES.iter().filter(|c| c.infrastructure) {
        let (got, warnings) = case.krust();
        assert!(warnings.is_empty(), "{}: {warnings:?}", case.golden);
        let names: Vec<&str> = got.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(
            names,
            [
                "flux-system/apps",
                "flux-system/flux-system",
                "flux-system/infrastructure"
            ],
            "{}",
            case.golden
        );
        for (id, outcome) in &got {
            let Outcome::Output(text) = outcome else {
                panic!("{}: {id} failed: {outcome:?}", case.golden);
            };
            assert!(!text.contains("${"), "{}: {id}", case.golden);
        }
    }
}
