//! A real `handbook serve` on a copy of the shipped handbook, for the whole-command serve tests:
//! raw HTTP/1.0 requests, and waits on conditions with a generous timeout (these tests assert
//! behaviour, not speed; the benchmarks measure speed).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, mpsc};
use std::time::{Duration, Instant};

use super::{copy_tree, repo};

pub const PATIENCE: Duration = Duration::from_secs(30);

pub struct Server {
    child: Mutex<Child>,
    pub addr: String,
    /// What it printed to stdout before it said where it serves (the first build's report).
    pub startup: Vec<String>,
    /// Its stdout from then on, line by line.
    pub lines: mpsc::Receiver<String>,
    /// Its stderr, line by line.
    pub errors: mpsc::Receiver<String>,
    pub root: PathBuf,
    pub tmp: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let child = self.child.get_mut().unwrap_or_else(|e| e.into_inner());
        let _ = child.kill();
        let _ = child.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Serves the shipped handbook plus `static/hello.txt`, with a secret file beside the root.
pub fn start(port: u16) -> Server {
    start_with(port, &[], |root| {
        std::fs::create_dir_all(root.join("static")).unwrap();
        std::fs::write(root.join("static/hello.txt"), "hello from static").unwrap();
        std::fs::write(
            root.parent().unwrap().join("secret.txt"),
            "TOP SECRET outside the site",
        )
        .unwrap();
    })
}

/// Serves the shipped handbook (`content/` and `handbook.yaml`) after `prepare` has added to it.
pub fn start_with(port: u16, flags: &[&str], prepare: impl FnOnce(&Path)) -> Server {
    start_configured(port, flags, |_| {}, prepare)
}

/// [`start_with`], with the command's environment set by `configure`.
pub fn start_configured(
    port: u16,
    flags: &[&str],
    configure: impl FnOnce(&mut Command),
    prepare: impl FnOnce(&Path),
) -> Server {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_tree(&repo().join("content"), &root.join("content"));
    std::fs::copy(repo().join("handbook.yaml"), root.join("handbook.yaml")).unwrap();
    prepare(&root);
    let mut command = Command::new(env!("CARGO_BIN_EXE_handbook"));
    command
        .args(["serve", "--port", &port.to_string()])
        .args(flags)
        .arg("--root")
        .arg(&root)
        .env_remove("CLICOLOR_FORCE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    configure(&mut command);
    let mut child = command.spawn().unwrap();
    // Both are drained for the server's whole life, so it never blocks on a full pipe.
    let drain = |stream: Box<dyn Read + Send>| {
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        lines
    };
    let lines = drain(Box::new(child.stdout.take().unwrap()));
    let errors = drain(Box::new(child.stderr.take().unwrap()));
    let deadline = Instant::now() + PATIENCE;
    let mut seen = Vec::new();
    while Instant::now() < deadline {
        if let Ok(line) = lines.recv_timeout(Duration::from_millis(200)) {
            if let Some(url) = line.split(" at http://").nth(1) {
                let addr = url.split('/').next().unwrap().to_string();
                return Server {
                    child: Mutex::new(child),
                    addr,
                    startup: seen,
                    lines,
                    errors,
                    root,
                    tmp,
                };
            }
            seen.push(line);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let said: Vec<String> = errors.try_iter().collect();
    panic!("serve did not start: {seen:?}\n{}", said.join("\n"));
}

/// The status of a raw HTTP response (0 when there is none) and its body.
fn parse(response: &[u8]) -> (u16, String) {
    let response = String::from_utf8_lossy(response);
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

impl Server {
    /// A raw HTTP/1.0 GET (so the body is not chunked): status and body.
    pub fn get(&self, path: &str) -> (u16, String) {
        self.request(format!("GET {path} HTTP/1.0\r\nHost: {}\r\n\r\n", self.addr).as_bytes())
    }

    /// Sends `request` as it is and reads the answer until the server closes the connection,
    /// for at most ten seconds: the status (0 when no answer came) and the body. The server may
    /// answer and close before it has read the whole request; that is no failure here.
    pub fn request(&self, request: &[u8]) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream
            .set_write_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let _ = stream.write_all(request);
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        parse(&response)
    }

    pub fn headers(&self, path: &str) -> String {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        write!(stream, "GET {path} HTTP/1.0\r\n\r\n").unwrap();
        let mut response = String::new();
        let _ = stream.read_to_string(&mut response);
        response
            .split("\r\n\r\n")
            .next()
            .unwrap_or_default()
            .to_lowercase()
    }

    /// Polls `path` until `ok` accepts the answer; fails after [`PATIENCE`], or at once if the
    /// server has exited.
    pub fn wait_for(&self, what: &str, path: &str, ok: impl Fn(u16, &str) -> bool) {
        let deadline = Instant::now() + PATIENCE;
        let mut last = (0, String::new());
        while Instant::now() < deadline {
            last = self.get(path);
            if ok(last.0, &last.1) {
                return;
            }
            assert!(
                self.is_running(),
                "the server exited while waiting for {what}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut body = last.1;
        if let Some((cut, _)) = body.char_indices().nth(2000) {
            body.truncate(cut);
        }
        panic!(
            "timed out waiting for {what} at {path}; last status {}, body: {body}",
            last.0
        );
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    pub fn pid(&self) -> u32 {
        self.child.lock().unwrap().id()
    }

    /// The exit status once the server has exited.
    pub fn exited(&self) -> Option<std::process::ExitStatus> {
        self.child.lock().unwrap().try_wait().unwrap()
    }

    pub fn is_running(&self) -> bool {
        self.exited().is_none()
    }

    /// Every line it wrote to stderr within `wait` from now: what it said by then.
    pub fn said_on_stderr(&self, wait: Duration) -> Vec<String> {
        let deadline = Instant::now() + wait;
        let mut said = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.errors.recv_timeout(left) {
                Ok(line) => said.push(line),
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        said
    }
}

pub fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, f(text)).unwrap();
}
