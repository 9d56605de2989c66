//! Running git for one repository and revision.

use std::ffi::OsStr;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};

use super::{GitError, GitErrorKind};

/// The program run; a test swaps it to check what a missing git reports.
const GIT: &str = "git";

/// How to run git for one repository and revision, and how to word its
/// failures.
#[derive(Debug, Clone)]
pub(super) struct Git {
    program: &'static OsStr,
    repo: PathBuf,
    rev: Option<String>,
}

impl Git {
    pub(super) fn new(repo: &Path, rev: Option<&str>) -> Self {
        Git {
            program: OsStr::new(GIT),
            repo: repo.to_path_buf(),
            rev: rev.map(str::to_string),
        }
    }

    pub(super) fn command(&self, args: &[&str]) -> (Command, String) {
        let mut command = Command::new(self.program);
        command.arg("-C").arg(&self.repo).args(args);
        (command, format!("git {}", args.join(" ")))
    }

    pub(super) fn error(&self, command: &str, kind: GitErrorKind) -> GitError {
        GitError {
            repo: self.repo.to_path_buf(),
            rev: self.rev.clone(),
            command: command.to_string(),
            kind,
        }
    }

    pub(super) fn spawn_error(&self, command: &str, err: io::Error) -> GitError {
        let kind = if err.kind() == io::ErrorKind::NotFound {
            GitErrorKind::NotInstalled
        } else {
            GitErrorKind::Io(err)
        };
        self.error(command, kind)
    }

    /// Runs git to completion; its stdout if it succeeded.
    pub(super) fn output(&self, args: &[&str]) -> Result<Vec<u8>, GitError> {
        let (mut command, shown) = self.command(args);
        let out = command
            .stdin(Stdio::null())
            .output()
            .map_err(|e| self.spawn_error(&shown, e))?;
        if out.status.success() {
            Ok(out.stdout)
        } else {
            Err(self.failed(&shown, out.status, &out.stderr))
        }
    }

    pub(super) fn failed(&self, command: &str, status: ExitStatus, stderr: &[u8]) -> GitError {
        let stderr = String::from_utf8_lossy(stderr).trim().to_string();
        let stderr = if stderr.is_empty() {
            "no message".to_string()
        } else {
            stderr
        };
        let status = status.to_string();
        self.error(command, GitErrorKind::Failed { status, stderr })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_git_says_so() {
        let mut git = Git::new(Path::new("/some/repo"), Some("main"));
        git.program = OsStr::new("krust-test-no-such-git-program");
        let err = git.output(&["rev-parse", "HEAD"]).unwrap_err();
        assert!(matches!(err.kind, GitErrorKind::NotInstalled));
        let message = err.to_string();
        assert!(message.contains("git is not installed"), "{message}");
        assert!(message.contains("/some/repo") && message.contains("`main`"));
        let Err(err) = super::super::cat_file::CatFile::start(git) else {
            panic!("started a missing program")
        };
        assert!(matches!(err.kind, GitErrorKind::NotInstalled));
    }
}
