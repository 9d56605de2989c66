//! A real chart repository on 127.0.0.1 for the helm tests: a chart
//! packaged with `helm package`, indexed with `helm repo index`, and served
//! by Python's `http.server` on a free port until dropped.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A served chart repository.
pub struct ChartRepo {
    child: Child,
    dir: PathBuf,
    /// The port it listens on.
    pub port: u16,
}

impl ChartRepo {
    /// Packages the chart directory `chart` with `helm` and serves it; `None`
    /// (after [`crate::tools::unavailable`]) when python3 cannot serve.
    pub fn serve(helm: &Path, chart: &Path, name: &str) -> Option<ChartRepo> {
        let dir =
            std::env::temp_dir().join(format!("krust-chart-repo-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a repository directory");
        run(
            helm,
            &[
                "package".as_ref(),
                chart.as_os_str(),
                "-d".as_ref(),
                dir.as_os_str(),
            ],
            &dir,
        );
        run(
            helm,
            &["repo".as_ref(), "index".as_ref(), ".".as_ref()],
            &dir,
        );
        let spawned = Command::new("python3")
            .args([
                "-u",
                "-m",
                "http.server",
                "0",
                "--bind",
                "127.0.0.1",
                "--directory",
            ])
            .arg(&dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn();
        let Ok(mut child) = spawned else {
            crate::tools::unavailable("python3 is not installed (it serves the chart repository)");
            return None;
        };
        // "Serving HTTP on 127.0.0.1 port 40123 (http://127.0.0.1:40123/) ..."
        let mut line = String::new();
        let stdout = child.stdout.take().expect("a piped stdout");
        let _ = BufReader::new(stdout).read_line(&mut line);
        let port = line
            .split("port ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|p| p.parse().ok());
        let Some(port) = port else {
            let _ = child.kill();
            panic!("http.server did not say its port: {line:?}");
        };
        Some(ChartRepo { child, dir, port })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for ChartRepo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn run(program: &Path, args: &[&std::ffi::OsStr], dir: &Path) {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("helm runs");
    assert!(
        out.status.success(),
        "{} {args:?}: {}",
        program.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}
