//! Choosing the roots to render: the directories given, those `--all`
//! discovers, filtered by `--include`/`--exclude` patterns.

use std::path::{Path, PathBuf};

/// Whether `text` matches the shell-style `pattern`: `*` matches any run of
/// characters (including `/`, so `*/overlays/*` matches at any depth) and
/// `?` any one character.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    // Classic two-pointer match with backtracking to the last `*`.
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// Keeps the roots that match some `include` pattern (all, if none) and no
/// `exclude` pattern; patterns see the root as `display` shows it.
pub fn filter(
    roots: Vec<PathBuf>,
    include: &[String],
    exclude: &[String],
    display: impl Fn(&Path) -> String,
) -> Vec<PathBuf> {
    roots
        .into_iter()
        .filter(|root| {
            let shown = display(root);
            (include.is_empty() || include.iter().any(|p| glob_match(p, &shown)))
                && !exclude.iter().any(|p| glob_match(p, &shown))
        })
        .collect()
}

/// Where a root's output goes below `out`: its path (as shown) with `.yaml`.
pub fn output_file(out: &Path, shown: &str) -> PathBuf {
    let rel: PathBuf = Path::new(shown)
        .components()
        .filter(|c| {
            matches!(
                c,
                std::path::Component::Normal(_) | std::path::Component::ParentDir
            )
        })
        .map(|c| match c {
            std::path::Component::ParentDir => std::ffi::OsStr::new("__"),
            other => other.as_os_str(),
        })
        .collect();
    let name = if rel.as_os_str().is_empty() {
        PathBuf::from("_root")
    } else {
        rel
    };
    let mut file = out.join(name).into_os_string();
    file.push(".yaml");
    PathBuf::from(file)
}

/// The roots as absolute paths: below `cwd` when relative.
pub fn absolute(roots: &[PathBuf], cwd: Option<&Path>) -> Vec<PathBuf> {
    roots
        .iter()
        .map(|root| match cwd {
            Some(cwd) => cwd.join(root),
            None => root.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("*/overlays/*", "apps/overlays/dev"));
        assert!(glob_match(
            "*/overlays/*",
            "examples/gitops/apps/overlays/dev"
        ));
        assert!(!glob_match("*/overlays/*", "apps/base/api"));
        assert!(glob_match("apps/?ase/*", "apps/base/api"));
        assert!(glob_match("*", ""));
        assert!(!glob_match("a", "ab"));
    }

    #[test]
    fn output_files_mirror_root_paths() {
        let out = Path::new("/out");
        assert_eq!(
            output_file(out, "apps/overlays/dev"),
            PathBuf::from("/out/apps/overlays/dev.yaml")
        );
        assert_eq!(output_file(out, "."), PathBuf::from("/out/_root.yaml"));
        assert_eq!(output_file(out, "../x"), PathBuf::from("/out/__/x.yaml"));
    }
}
