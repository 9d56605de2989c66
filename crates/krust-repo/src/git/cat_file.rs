//! One `git cat-file --batch` process answering every object a revision's
//! reads need: the commit, its trees and the blobs.

use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Stdio};
use std::thread::JoinHandle;

use super::run::Git;
use super::{GitError, GitErrorKind};

/// One `git cat-file --batch` process, kept for every read of a revision.
pub(super) struct CatFile {
    git: Git,
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    stderr: Option<JoinHandle<Vec<u8>>>,
}

const CAT_FILE: &str = "git cat-file --batch";

/// Why reading `cat-file` replies stopped.
#[derive(Debug)]
enum ReplyError {
    /// The pipe broke or closed: git's stderr says why.
    Io(io::Error),
    /// Git answered, but not with the object asked for.
    Protocol(String),
}

impl std::fmt::Debug for CatFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CatFile").field("git", &self.git).finish()
    }
}

impl CatFile {
    pub(super) fn start(git: Git) -> Result<Self, GitError> {
        let (mut command, shown) = git.command(&["cat-file", "--batch"]);
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| git.spawn_error(&shown, e))?;
        let pipes = (child.stdin.take(), child.stdout.take(), child.stderr.take());
        let (Some(stdin), Some(stdout), Some(mut stderr)) = pipes else {
            let _ = child.kill();
            let _ = child.wait();
            let err = io::Error::other("git's pipes were not opened");
            return Err(git.error(CAT_FILE, GitErrorKind::Io(err)));
        };
        // Drained aside so that a chatty git never blocks on a full stderr.
        let stderr = std::thread::spawn(move || {
            let mut text = Vec::new();
            let _ = stderr.read_to_end(&mut text);
            text
        });
        Ok(CatFile {
            git,
            child,
            stdin: Some(stdin),
            stdout: BufReader::new(stdout),
            stderr: Some(stderr),
        })
    }

    /// How git is run, for wording errors.
    pub(super) fn git(&self) -> &Git {
        &self.git
    }

    /// The object a revision expression names (`main^{commit}`), as its
    /// object id and content; `None` when git knows no such object or the
    /// name is ambiguous (`git rev-parse` then says why in git's words).
    pub(super) fn resolve(&mut self, name: &str) -> Result<Option<(String, Vec<u8>)>, GitError> {
        if name.contains('\n') {
            return Ok(None);
        }
        let Some(stdin) = self.stdin.as_mut() else {
            let err = io::Error::other("git's input is already closed");
            return Err(self.git.error(CAT_FILE, GitErrorKind::Io(err)));
        };
        let written = writeln!(stdin, "{name}").and_then(|()| stdin.flush());
        if let Err(err) = written {
            return Err(self.died(err));
        }
        match read_reply(&mut self.stdout, name, None) {
            Ok(Reply::Object { oid, content }) => Ok(Some((oid, content))),
            Ok(Reply::Missing) => Ok(None),
            Err(ReplyError::Protocol(problem)) => Err(self
                .git
                .error(CAT_FILE, GitErrorKind::UnexpectedOutput(problem))),
            Err(ReplyError::Io(err)) => Err(self.died(err)),
        }
    }

    /// Streams the blobs `oids` names, calling `each(index, content)` in
    /// order.
    pub(super) fn read_blobs(
        &mut self,
        oids: &[&str],
        each: impl FnMut(usize, Vec<u8>),
    ) -> Result<(), GitError> {
        self.read_objects(oids, "blob", each)
    }

    /// Streams the objects `oids` names, each of type `kind`, calling
    /// `each(index, content)` in order. Requests are written by a scoped
    /// thread while this one reads, since git answers as it reads and either
    /// pipe may fill first.
    pub(super) fn read_objects(
        &mut self,
        oids: &[&str],
        kind: &str,
        mut each: impl FnMut(usize, Vec<u8>),
    ) -> Result<(), GitError> {
        let CatFile {
            child,
            stdin,
            stdout,
            ..
        } = self;
        let Some(stdin) = stdin.as_mut() else {
            let err = io::Error::other("git's input is already closed");
            return Err(self.git.error(CAT_FILE, GitErrorKind::Io(err)));
        };
        let (written, read) = std::thread::scope(|scope| {
            let writer = scope.spawn(move || write_requests(stdin, oids));
            let read = read_replies(stdout, oids, kind, &mut each);
            if read.is_err() {
                // Unblocks the writer if git stopped reading.
                let _ = child.kill();
            }
            let written = writer
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("the request writer panicked")));
            (written, read)
        });
        match (read, written) {
            (Ok(()), Ok(())) => Ok(()),
            (Err(ReplyError::Protocol(problem)), _) => Err(self
                .git
                .error(CAT_FILE, GitErrorKind::UnexpectedOutput(problem))),
            (Err(ReplyError::Io(err)), _) | (Ok(()), Err(err)) => Err(self.died(err)),
        }
    }

    /// The error for a broken pipe: git's own message if it left one.
    fn died(&mut self, err: io::Error) -> GitError {
        self.stdin = None;
        let _ = self.child.kill();
        let status = self.child.wait();
        let stderr = self.take_stderr();
        match status {
            Ok(status) if !stderr.trim_ascii().is_empty() => {
                self.git.failed(CAT_FILE, status, &stderr)
            }
            _ => self.git.error(CAT_FILE, GitErrorKind::Io(err)),
        }
    }

    fn take_stderr(&mut self) -> Vec<u8> {
        self.stderr
            .take()
            .and_then(|handle| handle.join().ok())
            .unwrap_or_default()
    }
}

impl Drop for CatFile {
    /// Leaves no git process behind when a read is abandoned early.
    fn drop(&mut self) {
        self.stdin = None;
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn write_requests(stdin: &mut ChildStdin, oids: &[&str]) -> io::Result<()> {
    let mut out = BufWriter::new(stdin);
    for oid in oids {
        out.write_all(oid.as_bytes())?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// One reply of `cat-file --batch`.
enum Reply {
    Object {
        oid: String,
        content: Vec<u8>,
    },
    /// The name is unknown or ambiguous.
    Missing,
}

/// Reads one `<oid> <kind> <size>\n<content>\n` reply per requested oid,
/// each of type `kind`.
fn read_replies(
    from: &mut impl BufRead,
    oids: &[&str],
    kind: &str,
    each: &mut impl FnMut(usize, Vec<u8>),
) -> Result<(), ReplyError> {
    for (i, oid) in oids.iter().enumerate() {
        match read_reply(from, oid, Some(kind))? {
            Reply::Object { oid: got, content } if got == *oid => each(i, content),
            Reply::Object { oid: got, .. } => {
                let problem = format!("object {got} where {kind} {oid} was asked for");
                return Err(ReplyError::Protocol(problem));
            }
            Reply::Missing => return Err(ReplyError::Protocol(format!("object {oid} is missing"))),
        }
    }
    Ok(())
}

/// Reads the reply to a request for `name`, of type `kind` if given.
fn read_reply(
    from: &mut impl BufRead,
    name: &str,
    kind: Option<&str>,
) -> Result<Reply, ReplyError> {
    let mut header = Vec::new();
    from.read_until(b'\n', &mut header)
        .map_err(ReplyError::Io)?;
    let Some(line) = header.strip_suffix(b"\n") else {
        let err = io::Error::new(io::ErrorKind::UnexpectedEof, "git stopped answering");
        return Err(ReplyError::Io(err));
    };
    let line = String::from_utf8_lossy(line);
    let missing = ["missing", "ambiguous"].map(|word| format!("{name} {word}"));
    if missing.contains(&line.to_string()) {
        return Ok(Reply::Missing);
    }
    let fields: Vec<&str> = line.split(' ').collect();
    let parsed = match fields.as_slice() {
        [oid, got, size] if kind.is_none_or(|k| k == *got) => {
            size.parse::<u64>().ok().map(|size| (*oid, size))
        }
        _ => None,
    };
    let Some((oid, size)) = parsed else {
        let wanted = kind.unwrap_or("object");
        let problem = format!("`{line}` where {wanted} {name} was asked for");
        return Err(ReplyError::Protocol(problem));
    };
    let mut content = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    from.take(size)
        .read_to_end(&mut content)
        .map_err(ReplyError::Io)?;
    let mut newline = [0u8];
    from.read_exact(&mut newline).map_err(ReplyError::Io)?;
    if u64::try_from(content.len()) != Ok(size) || newline != *b"\n" {
        let problem = format!("object {name} shorter than its {size} bytes");
        return Err(ReplyError::Protocol(problem));
    }
    let oid = oid.to_string();
    Ok(Reply::Object { oid, content })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_checked_against_requests() {
        let mut got = Vec::new();
        let mut stream: &[u8] = b"aa blob 3\nx\0y\nbb blob 0\n\n";
        read_replies(&mut stream, &["aa", "bb"], "blob", &mut |i, c| {
            got.push((i, c))
        })
        .unwrap();
        assert_eq!(got, [(0, b"x\0y".to_vec()), (1, Vec::new())]);

        let protocol = |stream: &[u8], oids: &[&str]| {
            let mut stream = stream;
            match read_replies(&mut stream, oids, "blob", &mut |_, _| {}) {
                Err(ReplyError::Protocol(problem)) => problem,
                _ => panic!("expected a protocol error"),
            }
        };
        assert!(protocol(b"aa missing\n", &["aa"]).contains("missing"));
        assert!(protocol(b"bb blob 1\nx\n", &["aa"]).contains("aa"));
        assert!(protocol(b"aa tree 1\nx\n", &["aa"]).contains("tree"));
        let mut short: &[u8] = b"aa blob 5\nxy";
        assert!(read_replies(&mut short, &["aa"], "blob", &mut |_, _| {}).is_err());
        let mut silent: &[u8] = b"";
        assert!(matches!(
            read_replies(&mut silent, &["aa"], "blob", &mut |_, _| {}),
            Err(ReplyError::Io(_))
        ));
    }
}
