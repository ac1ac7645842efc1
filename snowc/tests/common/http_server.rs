//! Servers of the network tests (HTTP, HTTPS, the HTTP client, WebSocket,
//! PostgreSQL, the pool, the examples): Snow programs (`http/name`,
//! `ws/name`, or a repository path such as an example file or project
//! directory), built once per test run and started on 127.0.0.1 with
//! port 0, the port read back from the readiness line.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const HANG: Duration = Duration::from_secs(120);

/// Builds `tests/<name>.snow` (`http/server`, `ws/echo`), or a program or
/// a project directory by its path from the repository root
/// (`examples/http_api.snow`, `examples/todo_api/`), once per test run.
pub fn built(name: &'static str) -> PathBuf {
    static BUILT: Mutex<Vec<(&'static str, PathBuf)>> = Mutex::new(Vec::new());
    let name = if name.contains('/') {
        name
    } else {
        leak(format!("http/{name}"))
    };
    let mut b = BUILT.lock().unwrap();
    if let Some((_, p)) = b.iter().find(|(n, _)| *n == name) {
        return p.clone();
    }
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("servers");
    std::fs::create_dir_all(&dir).unwrap();
    let exe = dir.join(
        name.trim_end_matches('/')
            .trim_end_matches(".snow")
            .replace('/', "-"),
    );
    let src = match name.strip_suffix(".snow").or(name.strip_suffix('/')) {
        Some(_) => super::repo_root().join(name),
        None => super::repo_root()
            .join("tests")
            .join(format!("{name}.snow")),
    };
    let out = Command::new(env!("CARGO_BIN_EXE_snowc"))
        .arg(&src)
        .arg("-o")
        .arg(&exe)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "snowc failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    b.push((name, exe.clone()));
    exe
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// A running server; killed when dropped.
pub struct Server {
    pub child: Child,
    pub port: u16,
    pub stderr: Arc<Mutex<String>>,
    pub stdout: Arc<Mutex<String>>,
}

impl Server {
    pub fn start(name: &'static str, env: &[(&str, &str)]) -> Server {
        let mut cmd = Command::new(built(name));
        cmd.env("SNOW_HTTP_HOST", "127.0.0.1")
            .env("PORT", "0")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap());
        let mut first = String::new();
        lines.read_line(&mut first).unwrap();
        // `HTTP server listening on`, `HTTPS server ...`, `WebSocket server ...`.
        let port = first
            .trim_end()
            .split_once(" server listening on 127.0.0.1:")
            .filter(|(kind, _)| kind.starts_with("[snow-rt] "))
            .map(|(_, port)| port)
            .unwrap_or_else(|| panic!("no readiness line: {first:?}"))
            .parse()
            .unwrap();
        let stdout = collect(BufReader::new(child.stdout.take().unwrap()));
        Server {
            child,
            port,
            stderr: collect(lines),
            stdout,
        }
    }

    pub fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(HANG)).unwrap();
        s
    }

    /// Sends `raw` on a new connection and reads until the server closes.
    pub fn exchange(&self, raw: &[u8]) -> String {
        let mut s = self.connect();
        s.write_all(raw).unwrap();
        read_to_close(&mut s)
    }

    pub fn get(&self, path: &str) -> String {
        self.exchange(
            format!("GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").as_bytes(),
        )
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Waits until the server has written `n` lines to stderr after its
    /// readiness line, and returns them.
    pub fn stderr_lines(&self, n: usize) -> Vec<String> {
        for _ in 0..2400 {
            let lines: Vec<String> = self
                .stderr
                .lock()
                .unwrap()
                .lines()
                .map(String::from)
                .collect();
            if lines.len() >= n {
                return lines;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "expected {n} stderr lines, got {:?}",
            self.stderr.lock().unwrap()
        );
    }

    /// Waits for the stderr text to contain `what` (lines arrive from a
    /// reader thread).
    pub fn stderr_has(&self, what: &str) -> bool {
        arrives(&self.stderr, what)
    }

    /// Waits for the stdout text to contain `what`.
    pub fn stdout_has(&self, what: &str) -> bool {
        arrives(&self.stdout, what)
    }
}

fn arrives(text: &Mutex<String>, what: &str) -> bool {
    for _ in 0..1200 {
        if text.lock().unwrap().contains(what) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// The lines of `r`, gathered by a thread as they arrive.
fn collect(mut r: impl BufRead + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let sink = text.clone();
    std::thread::spawn(move || {
        let mut line = String::new();
        while r.read_line(&mut line).unwrap_or(0) > 0 {
            sink.lock().unwrap().push_str(&line);
            line.clear();
        }
    });
    text
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn read_to_close(s: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// A self-signed certificate for `localhost` and its key, made with the
/// openssl CLI in a directory of this test process: their paths.
pub fn self_signed() -> (String, String) {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("wss-cert-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let out = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
        ])
        .args([
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("the openssl CLI is installed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let p = |p: std::path::PathBuf| p.to_string_lossy().into_owned();
    (p(cert), p(key))
}

/// Raises this process's descriptor limit to the hard one (for tests that
/// hold thousands of sockets; the soft limit is often 1024).
pub fn raise_nofile() {
    #[repr(C)]
    struct Rlimit {
        cur: u64,
        max: u64,
    }
    extern "C" {
        fn getrlimit(resource: i32, r: *mut Rlimit) -> i32;
        fn setrlimit(resource: i32, r: *const Rlimit) -> i32;
    }
    const RLIMIT_NOFILE: i32 = 7;
    let mut r = Rlimit { cur: 0, max: 0 };
    // SAFETY: plain system calls on a local struct.
    unsafe {
        if getrlimit(RLIMIT_NOFILE, &mut r) == 0 && r.cur < r.max {
            r.cur = r.max;
            setrlimit(RLIMIT_NOFILE, &r);
        }
    }
}

/// The server's resident memory (VmRSS, KiB).
pub fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}
