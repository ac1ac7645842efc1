//! The HTTP client end to end: Snow programs in `tests/httpclient/` call
//! our own server (in the same program), small servers this file runs on
//! 127.0.0.1 (redirects, gzip, chunked and close-delimited bodies, the
//! body cap, silence, a barrier), and `openssl s_server` with a CA made
//! here for https. Every test stops what it started; waits have generous
//! limits that only detect hangs.

mod common;

use flate2::write::GzEncoder;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const HANG: Duration = Duration::from_secs(120);

fn tmp() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("httpclient");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Builds `tests/httpclient/<name>.snow` once per test run.
fn built(name: &'static str) -> PathBuf {
    static BUILT: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());
    let mut done = BUILT.lock().unwrap();
    let exe = tmp().join(name);
    if !done.contains(&name) {
        let src = common::tests_dir("httpclient").join(format!("{name}.snow"));
        let mut cmd = Command::new(common::snowc());
        let out = common::run(cmd.arg(&src).arg("-o").arg(&exe), HANG).unwrap();
        assert_eq!(out.status, Some(0), "{}", common::describe("snowc", &out));
        done.push(name);
    }
    exe
}

/// A port nothing listens on (bound, then released).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs `cmd` and returns its stdout up to the line `done`, then stops it
/// (the programs that serve never end by themselves).
fn stdout_until_done(mut cmd: Command) -> String {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = Arc::new(Mutex::new(String::new()));
    let (sink, stdout) = (out.clone(), child.stdout.take().unwrap());
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let end = line == "done";
            sink.lock().unwrap().push_str(&(line + "\n"));
            if end {
                break;
            }
        }
    });
    let start = Instant::now();
    while !reader.is_finished() && start.elapsed() < HANG {
        std::thread::sleep(Duration::from_millis(20));
    }
    stop(&mut child);
    let text = out.lock().unwrap().clone();
    text
}

fn stop(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// `fetch.snow` on these URLs, with these variables.
fn fetch(urls: &[String], env: &[(&str, &str)]) -> String {
    let mut cmd = Command::new(built("fetch"));
    cmd.args(urls);
    for (k, v) in env {
        cmd.env(k, v);
    }
    stdout_until_done(cmd)
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// What a canned server does with a request for a path.
type Handler = dyn Fn(&str, &mut TcpStream) + Send + Sync;

/// A server on 127.0.0.1 that reads each request's head and lets `handler`
/// answer on a thread of its own; stopped when dropped.
struct Canned {
    port: u16,
    stopped: Arc<AtomicBool>,
    accepting: Option<std::thread::JoinHandle<()>>,
}

impl Canned {
    fn start(handler: Arc<Handler>) -> Canned {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let stopped = Arc::new(AtomicBool::new(false));
        let stop = stopped.clone();
        let accepting = std::thread::spawn(move || {
            for s in l.incoming() {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut s) = s else { continue };
                let h = handler.clone();
                std::thread::spawn(move || {
                    s.set_read_timeout(Some(HANG)).unwrap();
                    let mut head = Vec::new();
                    let mut byte = [0u8];
                    while !head.ends_with(b"\r\n\r\n") && s.read(&mut byte).unwrap_or(0) == 1 {
                        head.push(byte[0]);
                    }
                    let head = String::from_utf8_lossy(&head).into_owned();
                    let path = head.split(' ').nth(1).unwrap_or("").to_string();
                    h(&path, &mut s);
                });
            }
        });
        Canned {
            port,
            stopped,
            accepting: Some(accepting),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for Canned {
    fn drop(&mut self) {
        self.stopped.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.accepting.take() {
            let _ = t.join();
        }
    }
}

fn respond(s: &mut TcpStream, head: &str, body: &[u8]) {
    let _ = s.write_all(head.as_bytes());
    let _ = s.write_all(body);
}

/// The responses the client tests need, by path.
fn bodies(path: &str, s: &mut TcpStream) {
    const MIB: usize = 1 << 20;
    match path {
        "/gzip" => {
            let z = gzip(b"hello from gzip");
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
                z.len()
            );
            respond(s, &head, &z);
        }
        "/chunked" => respond(
            s,
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
            b"5\r\nhello\r\n7;ext=1\r\n chunks\r\n0\r\nX-Trailer: t\r\n\r\n",
        ),
        "/chunked-gzip" => {
            let z = gzip(b"zipped in chunks");
            let (a, b) = z.split_at(z.len() / 2);
            let mut body = format!("{:x}\r\n", a.len()).into_bytes();
            body.extend_from_slice(a);
            body.extend_from_slice(format!("\r\n{:X}\r\n", b.len()).as_bytes());
            body.extend_from_slice(b);
            body.extend_from_slice(b"\r\n0\r\n\r\n");
            let head =
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n";
            respond(s, head, &body);
        }
        "/close" => respond(
            s,
            "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n",
            b"until the end",
        ),
        "/interim" => respond(
            s,
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n",
            b"after",
        ),
        "/endless-interim" => {
            // Interim heads until the client hangs up (bounded, in case it never does).
            for _ in 0..100_000 {
                if s.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").is_err() {
                    break;
                }
            }
        }
        "/short" => respond(s, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", b"abc"),
        "/garbage" => respond(s, "SMTP ready\r\n\r\n", b""),
        "/exact-cap" => {
            let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", 10 * MIB);
            respond(s, &head, &vec![b'a'; 10 * MIB]);
        }
        "/over-cap" => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n",
                10 * MIB + 1
            );
            respond(s, &head, &vec![b'a'; 10 * MIB + 1]);
        }
        "/gzip-bomb" => {
            let z = gzip(&vec![0u8; 11 * MIB]);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
                z.len()
            );
            respond(s, &head, &z);
        }
        "/to-gzip" => {
            let port = s.local_addr().unwrap().port();
            let head = format!(
                "HTTP/1.1 301 Moved Permanently\r\nLocation: http://127.0.0.1:{port}/gzip\r\nContent-Length: 0\r\n\r\n"
            );
            respond(s, &head, b"");
        }
        "/silent" => {
            // Never answers; the client gives up first, which ends the read.
            let mut rest = [0u8; 64];
            while s.read(&mut rest).unwrap_or(0) > 0 {}
        }
        _ => respond(
            s,
            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
            b"",
        ),
    }
}

#[test]
fn client_against_our_own_server() {
    let expected =
        std::fs::read_to_string(common::tests_dir("httpclient").join("selfcall.out")).unwrap();
    for workers in ["", "1"] {
        let port = free_port();
        let mut cmd = Command::new(built("selfcall"));
        cmd.env("PORT", port.to_string())
            .env("SNOW_HTTP_HOST", "127.0.0.1");
        if !workers.is_empty() {
            cmd.env("SNOW_SCHEDULERS", workers);
        }
        let out = stdout_until_done(cmd).replace(&format!(":{port}/"), ":PORT/");
        assert_eq!(out, expected, "SNOW_SCHEDULERS={workers:?}");
    }
}

#[test]
fn bodies_framings_encodings_and_limits() {
    let srv = Canned::start(Arc::new(bodies));
    let paths = [
        "/gzip",
        "/chunked",
        "/chunked-gzip",
        "/close",
        "/interim",
        "/endless-interim",
        "/to-gzip",
        "/exact-cap",
        "/over-cap",
        "/gzip-bomb",
        "/short",
        "/garbage",
    ];
    let urls: Vec<String> = paths.iter().map(|p| srv.url(p)).collect();
    let u = srv.url("");
    let expected = format!(
        "Ok(hello from gzip)\n\
         Ok(hello chunks)\n\
         Ok(zipped in chunks)\n\
         Ok(until the end)\n\
         Ok(after)\n\
         Err({u}/endless-interim: malformed response: more than 5 interim (1xx) responses)\n\
         Ok(hello from gzip)\n\
         Ok(10485760 bytes)\n\
         Err(response body exceeds 10 MiB)\n\
         Err(response body exceeds 10 MiB)\n\
         Err({u}/short: connection closed before the response was complete)\n\
         Err({u}/garbage: malformed response: invalid HTTP version)\n\
         done\n"
    );
    assert_eq!(fetch(&urls, &[]), expected);
}

#[test]
fn refused_and_timed_out() {
    let srv = Canned::start(Arc::new(bodies));
    let refused = format!("http://127.0.0.1:{}/", free_port());
    let urls = [refused.clone(), srv.url("/silent")];
    let expected = format!(
        "Err({refused}: connection failed: Connection refused (os error 111))\n\
         Err({}: timed out)\n\
         done\n",
        srv.url("/silent")
    );
    let env = [("SNOW_HTTP_CLIENT_TIMEOUT_MS", "300")];
    assert_eq!(fetch(&urls, &env), expected);
}

/// Many processes waiting on the network share one worker: the server
/// answers only when all `N` requests are in, so they must all be waiting
/// at once (with blocking calls only one would be).
#[test]
fn waiting_processes_do_not_hold_the_worker() {
    const N: usize = 50;
    let waiting = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let (w, m) = (waiting.clone(), most.clone());
    let srv = Canned::start(Arc::new(move |_: &str, s: &mut TcpStream| {
        let now = w.fetch_add(1, Ordering::SeqCst) + 1;
        m.fetch_max(now, Ordering::SeqCst);
        let start = Instant::now();
        while m.load(Ordering::SeqCst) < N && start.elapsed() < Duration::from_secs(60) {
            std::thread::sleep(Duration::from_millis(5));
        }
        respond(s, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n", b"slow");
        w.fetch_sub(1, Ordering::SeqCst);
    }));
    let mut cmd = Command::new(built("many"));
    cmd.env("COUNT", N.to_string())
        .env("URL", srv.url("/"))
        .env("SNOW_SCHEDULERS", "1");
    assert_eq!(stdout_until_done(cmd), format!("{N} ok\ndone\n"));
    assert_eq!(most.load(Ordering::SeqCst), N);
}

/// `openssl` with `args`, in `dir`; panics on failure.
fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA, and a certificate it signed for `localhost` only, in `dir`.
fn make_certs(dir: &Path) {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=Snow Test CA",
        ],
    );
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=localhost",
        ],
    );
    std::fs::write(dir.join("ext.cnf"), "subjectAltName=DNS:localhost\n").unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
        ],
    );
}

#[test]
fn https_with_a_test_ca() {
    let dir = tmp().join("tls");
    std::fs::create_dir_all(&dir).unwrap();
    make_certs(&dir);
    std::fs::write(dir.join("hello.txt"), "hello over tls").unwrap();
    let port = free_port();
    let mut server = Command::new("openssl")
        .args([
            "s_server",
            "-quiet",
            "-WWW",
            "-cert",
            "server.pem",
            "-key",
            "server.key",
        ])
        .args(["-accept", &port.to_string()])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("openssl s_server");
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() && start.elapsed() < HANG {
        std::thread::sleep(Duration::from_millis(20));
    }
    let good = format!("https://localhost:{port}/hello.txt");
    let wrong_name = format!("https://127.0.0.1:{port}/hello.txt");
    let ca = dir.join("ca.pem");
    let trusted = fetch(
        &[good.clone(), wrong_name.clone()],
        &[("SSL_CERT_FILE", ca.to_str().unwrap())],
    );
    let untrusted = fetch(std::slice::from_ref(&good), &[("SSL_CERT_FILE", "")]);
    stop(&mut server);
    let lines: Vec<&str> = trusted.lines().collect();
    assert_eq!(lines[0], "Ok(hello over tls)", "{trusted}");
    assert!(
        lines[1].starts_with(&format!(
            "Err({wrong_name}: TLS: invalid peer certificate: "
        )) && lines[1].contains("not valid for name"),
        "{trusted}"
    );
    assert_eq!(lines[2..], ["done"]);
    assert!(
        untrusted.starts_with(&format!(
            "Err({good}: TLS: invalid peer certificate: UnknownIssuer)"
        )),
        "{untrusted}"
    );
}

/// A listener whose accept queue is full (backlog 0, filled by Python's
/// own clients until one gets no answer) drops new connection attempts,
/// so connecting to it times out.
#[test]
fn connect_timeout() {
    let script = "import socket, time\n\
        l = socket.socket()\n\
        l.bind(('127.0.0.1', 0))\n\
        l.listen(0)\n\
        held = []\n\
        for _ in range(8):\n\
        \x20   c = socket.socket()\n\
        \x20   c.settimeout(0.5)\n\
        \x20   try:\n\
        \x20       c.connect(l.getsockname())\n\
        \x20       held.append(c)\n\
        \x20   except OSError:\n\
        \x20       break\n\
        print(l.getsockname()[1], flush=True)\n\
        time.sleep(120)\n";
    let mut py = Command::new("python3")
        .args(["-c", script])
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3");
    let mut line = String::new();
    BufReader::new(py.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = format!("http://127.0.0.1:{}/", line.trim());
    let out = fetch(
        std::slice::from_ref(&url),
        &[("SNOW_HTTP_CLIENT_CONNECT_TIMEOUT_MS", "300")],
    );
    stop(&mut py);
    assert_eq!(out, format!("Err({url}: timed out connecting)\ndone\n"));
}

/// The client against our own `HTTP.serve_tls` (tests/http/https_server.snow)
/// with the test CA trusted through `SSL_CERT_FILE`.
#[test]
fn https_against_our_own_tls_server() {
    let dir = tmp().join("tls-own");
    std::fs::create_dir_all(&dir).unwrap();
    make_certs(&dir);
    let path = |f: &str| dir.join(f).to_str().unwrap().to_string();
    let server = common::http_server::Server::start(
        "https_server",
        &[("CERT", &path("server.pem")), ("KEY", &path("server.key"))],
    );
    let url = |p: &str| format!("https://localhost:{}{p}", server.port);
    let out = fetch(
        &[url("/hello/snow"), url("/nowhere")],
        &[("SSL_CERT_FILE", &path("ca.pem"))],
    );
    assert_eq!(
        out,
        format!(
            "Ok(hello over TLS, snow)\nErr({}: status code 404)\ndone\n",
            url("/nowhere")
        )
    );
}
