//! `render completions SHELL` and `render man`: generated from the command
//! line's definition, so they name every subcommand; the bash script is
//! valid bash that registers a completion, the man page valid roff.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

mod common;

/// The subcommands every completion script and the man page must name.
const SUBCOMMANDS: [&str; 9] = [
    "diff",
    "verify-noop",
    "flux",
    "lift",
    "lint",
    "promote",
    "check",
    "completions",
    "man",
];

/// `render args`, successful, its stdout.
fn stdout_of(args: &[&str]) -> String {
    let out = common::render(args, &std::env::temp_dir());
    assert_eq!(
        out.status.code(),
        Some(0),
        "render {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A scratch file for one test.
fn scratch(name: &str, content: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("krust-generated-{}-{name}", std::process::id()));
    std::fs::write(&path, content).unwrap();
    path
}

#[test]
fn every_shell_completes_every_subcommand() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = stdout_of(&["completions", shell]);
        assert!(!script.trim().is_empty(), "{shell}: empty script");
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell}: {sub} missing");
        }
        // An option, as each shell spells it (`--kustomize-version`, fish `-l kustomize-version`).
        assert!(script.contains("kustomize-version"), "{shell}");
    }
}

#[test]
fn unknown_shell_is_a_usage_error() {
    let out = common::render(&["completions", "tcsh"], &std::env::temp_dir());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn bash_script_parses_and_registers_a_completion() {
    if !krust_suite::tools::available("bash", &["--version"]) {
        return;
    }
    let script = scratch("render.bash", &stdout_of(&["completions", "bash"]));
    let check = Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    let loaded = Command::new("bash")
        .arg("--norc")
        .arg("-c")
        .arg(r#"source "$1" && complete -p render"#)
        .arg("bash")
        .arg(&script)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&script);
    let spec = String::from_utf8_lossy(&loaded.stdout);
    assert!(
        loaded.status.success(),
        "{}",
        String::from_utf8_lossy(&loaded.stderr)
    );
    assert!(
        spec.starts_with("complete ")
            && spec.contains("-F _render")
            && spec.trim_end().ends_with(" render"),
        "{spec}"
    );
}

/// The first macro line that is not clap_mangen's string definitions
/// (`.ie`/`.el`, which come before the title).
fn title(page: &str) -> &str {
    page.lines()
        .find(|l| !l.starts_with(".ie") && !l.starts_with(".el"))
        .unwrap_or("")
}

#[test]
fn man_page_names_every_subcommand() {
    let page = stdout_of(&["man"]);
    assert!(title(&page).starts_with(".TH render 1 "), "{page}");
    assert!(page.contains(".SH SUBCOMMANDS"), "{page}");
    for sub in SUBCOMMANDS {
        // roff escapes `-`: render-verify-noop(1) is `render\-verify\-noop(1)`.
        let reference = format!("render-{sub}(1)").replace('-', "\\-");
        assert!(page.contains(&reference), "{reference} missing");
    }
}

#[test]
fn each_subcommand_has_its_page() {
    for sub in SUBCOMMANDS {
        let page = stdout_of(&["man", sub]);
        let expected = format!(".TH render-{sub} 1 ");
        assert!(title(&page).starts_with(&expected), "{sub}: {page}");
        assert!(
            page.contains("render 0.") || page.contains("render 1."),
            "{sub}: no version"
        );
    }
    let out = common::render(&["man", "nope"], &std::env::temp_dir());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope"));
}

/// Runs `command` with `page` on its stdin.
fn fed(mut command: Command, page: &str) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(page.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Whether an optional formatter is installed. groff and man may
/// legitimately be missing, in CI too (the pages are checked above as
/// text): then this says so, and the test checks nothing rather than fail.
fn optional(program: &str) -> bool {
    let found = Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("skipped: {program} is not installed (optional, in CI too)");
    }
    found
}

/// groff, when installed, formats every page without a warning.
#[test]
fn man_pages_format_with_groff() {
    if !optional("groff") {
        return;
    }
    let pages = std::iter::once(vec!["man"]).chain(SUBCOMMANDS.map(|sub| vec!["man", sub]));
    for args in pages {
        let mut groff = Command::new("groff");
        groff.args(["-man", "-Tutf8", "-ww", "-z"]);
        let out = fed(groff, &stdout_of(&args));
        assert!(out.status.success(), "groff on render {args:?}");
        assert!(
            out.stderr.is_empty(),
            "groff warns on render {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// `man -l -`, when installed, shows the page (as `render man | man -l -`).
#[test]
fn man_page_shows_with_man() {
    if !optional("man") {
        return;
    }
    let mut man = Command::new("man");
    man.args(["-l", "-"])
        .env("MANPAGER", "cat")
        .env("PAGER", "cat");
    let out = fed(man, &stdout_of(&["man"]));
    assert!(
        out.status.success(),
        "man -l -: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("SUBCOMMANDS"));
}
