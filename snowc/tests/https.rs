//! `HTTP.serve_tls` end to end (chapter 05 §5.1.8): `tests/http/https_server.snow`
//! serves certificates made here with the `openssl` CLI (a root CA, an
//! intermediate CA and leaves signed by it, so the served chain has two
//! blocks) and is driven by `curl`, Python's `http.client` and raw TCP.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

mod common;

use common::http_server::*;

/// The files the tests use, made once per run.
struct Pki {
    dir: PathBuf,
}

impl Pki {
    fn path(&self, name: &str) -> String {
        self.dir.join(name).to_string_lossy().into_owned()
    }
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the openssl CLI is installed");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A root CA, an intermediate CA, and two leaves for `localhost` signed by
/// the intermediate: RSA (`rsa.pem` chain, key PKCS#8 in `rsa.key` and
/// PKCS#1 in `rsa1.key`) and EC P-256 (`ec.pem` chain, SEC1 `ec.key`).
fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("https-pki");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let ca_ext = "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n";
        let leaf_ext = "basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n";
        std::fs::write(dir.join("ca.ext"), ca_ext).unwrap();
        std::fs::write(dir.join("leaf.ext"), leaf_ext).unwrap();
        #[rustfmt::skip]
        let steps: &[&[&str]] = &[
            &["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
              "-days", "30", "-subj", "/CN=Snow Test Root",
              "-addext", "basicConstraints=critical,CA:TRUE",
              "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
            &["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "inter.key", "-out", "inter.csr",
              "-subj", "/CN=Snow Test Intermediate"],
            &["x509", "-req", "-in", "inter.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
              "-CAcreateserial", "-out", "inter.pem", "-days", "30", "-extfile", "ca.ext"],
            &["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "rsa.key", "-out", "rsa.csr",
              "-subj", "/CN=localhost"],
            &["x509", "-req", "-in", "rsa.csr", "-CA", "inter.pem", "-CAkey", "inter.key",
              "-CAcreateserial", "-out", "rsa-leaf.pem", "-days", "30", "-extfile", "leaf.ext"],
            &["rsa", "-in", "rsa.key", "-traditional", "-out", "rsa1.key"],
            &["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ec.key"],
            &["req", "-new", "-key", "ec.key", "-out", "ec.csr", "-subj", "/CN=localhost"],
            &["x509", "-req", "-in", "ec.csr", "-CA", "inter.pem", "-CAkey", "inter.key",
              "-CAcreateserial", "-out", "ec-leaf.pem", "-days", "30", "-extfile", "leaf.ext"],
        ];
        for args in steps {
            openssl(&dir, args);
        }
        let read = |n: &str| std::fs::read_to_string(dir.join(n)).unwrap();
        let inter = read("inter.pem");
        for leaf in ["rsa", "ec"] {
            let chain = read(&format!("{leaf}-leaf.pem")) + &inter;
            std::fs::write(dir.join(format!("{leaf}.pem")), chain).unwrap();
        }
        // The key formats the tests claim to cover.
        for (key, begin) in [
            ("rsa.key", "-----BEGIN PRIVATE KEY-----"),
            ("rsa1.key", "-----BEGIN RSA PRIVATE KEY-----"),
            ("ec.key", "-----BEGIN EC PRIVATE KEY-----"),
        ] {
            assert!(read(key).starts_with(begin), "{key}");
        }
        std::fs::write(dir.join("garbage.pem"), "not a certificate\n").unwrap();
        Pki { dir }
    })
}

/// A TLS server with the chain `cert` and key `key` (files of `pki`).
fn start(cert: &str, key: &str, env: &[(&str, &str)]) -> Server {
    let (cert, key) = (pki().path(cert), pki().path(key));
    let mut all = vec![("CERT", cert.as_str()), ("KEY", key.as_str())];
    all.extend_from_slice(env);
    Server::start("https_server", &all)
}

fn utf8(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Runs curl trusting only the test root CA; `{port}` in arguments is the
/// server's.
fn curl(s: &Server, args: &[&str]) -> Output {
    let port = s.port.to_string();
    let out = Command::new("curl")
        .args(["-sS", "--max-time", "60", "--noproxy", "*", "--cacert"])
        .arg(pki().path("ca.pem"))
        .args(args.iter().map(|a| a.replace("{port}", &port)))
        .output()
        .expect("curl is installed");
    assert!(out.status.success(), "curl {args:?}: {}", utf8(&out.stderr));
    out
}

fn curl_body(s: &Server, args: &[&str]) -> String {
    utf8(&curl(s, args).stdout)
}

/// The TLS version curl reports in its verbose output.
fn negotiated(out: &Output) -> String {
    let err = utf8(&out.stderr);
    let line = err
        .lines()
        .find(|l| l.contains("SSL connection using"))
        .unwrap_or_else(|| panic!("no TLS line in {err}"));
    line.split_whitespace().nth(4).unwrap_or("").to_string()
}

#[test]
fn curl_gets_exact_bodies_over_tls_1_3_and_1_2() {
    let s = start("rsa.pem", "rsa.key", &[]);
    let url = "https://localhost:{port}/hello/ann";
    let v13 = curl(&s, &["-v", "--tlsv1.3", "-w", " %{http_code}", url]);
    assert_eq!(utf8(&v13.stdout), "hello over TLS, ann 200");
    assert_eq!(negotiated(&v13), "TLSv1.3");
    let v12 = curl(&s, &["-v", "--tls-max", "1.2", "-w", " %{http_code}", url]);
    assert_eq!(utf8(&v12.stdout), "hello over TLS, ann 200");
    assert_eq!(negotiated(&v12), "TLSv1.2");
    let post = &["--data-binary", "a body", "-w", " %{http_code}"];
    let post = [&post[..], &["https://localhost:{port}/echo"]].concat();
    assert_eq!(curl_body(&s, &post), "a body 201");
    let missing = ["-i", "https://localhost:{port}/nothing"];
    assert_eq!(
        curl_body(&s, &missing),
        "HTTP/1.1 404 Not Found\r\nContent-Type: application/json; charset=utf-8\r\n\
         Content-Length: 9\r\nConnection: keep-alive\r\n\r\nNot Found"
    );
}

#[test]
fn requests_on_one_tls_connection_are_kept_alive() {
    let s = start("rsa.pem", "rsa.key", &[]);
    // `num_connects`: connections opened for each transfer.
    let urls = [
        "-w",
        "[%{num_connects}]",
        "https://localhost:{port}/health",
        "https://localhost:{port}/hello/a",
        "https://localhost:{port}/hello/b",
    ];
    assert_eq!(
        curl_body(&s, &urls),
        "ok[1]hello over TLS, a[0]hello over TLS, b[0]"
    );
}

#[test]
fn rsa_pkcs1_pkcs8_and_ec_sec1_keys_all_work() {
    for (cert, key) in [
        ("rsa.pem", "rsa.key"),
        ("rsa.pem", "rsa1.key"),
        ("ec.pem", "ec.key"),
    ] {
        let s = start(cert, key, &[]);
        for v in ["--tlsv1.3", "--tls-max"] {
            let args = if v == "--tls-max" {
                vec![v, "1.2", "https://localhost:{port}/health"]
            } else {
                vec![v, "https://localhost:{port}/health"]
            };
            assert_eq!(curl_body(&s, &args), "ok", "{key} {v}");
        }
    }
}

#[test]
fn python_https_client_trusting_the_ca() {
    let s = start("ec.pem", "ec.key", &[]);
    let script = r#"
import http.client, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
c = http.client.HTTPSConnection("localhost", int(sys.argv[1]), context=ctx)
c.request("GET", "/hello/py")
r = c.getresponse()
print(r.status, r.read().decode())
first = c.sock.getsockname()
c.request("POST", "/echo", body="x" * 100000)
r = c.getresponse()
body = r.read()
print(r.status, len(body), body == b"x" * 100000, c.sock.getsockname() == first)
"#;
    let out = Command::new("python3")
        .args(["-c", script, &s.port.to_string(), &pki().path("ca.pem")])
        .output()
        .expect("python3 is installed");
    assert!(out.status.success(), "{}", utf8(&out.stderr));
    assert_eq!(
        utf8(&out.stdout),
        "200 hello over TLS, py\n201 100000 True True\n"
    );
}

#[test]
fn a_client_sending_garbage_instead_of_a_hello_is_logged() {
    let s = start("rsa.pem", "rsa.key", &[]);
    // A client that leaves before its hello is not an error.
    let mut quiet = s.connect();
    quiet.shutdown(Shutdown::Write).unwrap();
    assert_eq!(read_to_close(&mut quiet), "");
    let mut plain = s.connect();
    plain
        .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut answer = Vec::new();
    let _ = plain.read_to_end(&mut answer);
    // A fatal `decode_error` alert, then the close.
    assert_eq!(answer, b"\x15\x03\x03\x00\x02\x02\x32");
    let line = "[snow-rt] HTTP parse error: TLS handshake: received corrupt message of type InvalidContentType\n";
    assert!(s.stderr_has(line));
    assert_eq!(s.stderr.lock().unwrap().matches("parse error").count(), 1);
    assert_eq!(curl_body(&s, &["https://localhost:{port}/health"]), "ok");
}

#[test]
fn a_stalled_handshake_does_not_hold_up_other_connections() {
    let s = start("rsa.pem", "rsa.key", &[]);
    // The first byte of a record, then nothing: that connection's process
    // waits; the accepting one does not.
    let mut stalled = s.connect();
    stalled.write_all(b"\x16").unwrap();
    for _ in 0..3 {
        assert_eq!(curl_body(&s, &["https://localhost:{port}/health"]), "ok");
    }
}

#[test]
fn tls_requests_work_under_gc_stress() {
    let s = start("ec.pem", "ec.key", &[("SNOW_GC_STRESS", "1")]);
    let get = ["https://localhost:{port}/hello/gc"];
    assert_eq!(curl_body(&s, &get), "hello over TLS, gc");
    let post = ["--data-binary", "payload", "https://localhost:{port}/echo"];
    assert_eq!(curl_body(&s, &post), "payload");
}

/// Runs the server to its end with `cert` and `key` (paths) on `port`:
/// (stdout, stderr).
fn run_to_end(cert: &str, key: &str, port: u16) -> (String, String) {
    let out = Command::new(built("https_server"))
        .env("SNOW_HTTP_HOST", "127.0.0.1")
        .env("PORT", port.to_string())
        .env("CERT", cert)
        .env("KEY", key)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    (utf8(&out.stdout), utf8(&out.stderr))
}

#[test]
fn bad_certificates_and_keys_print_their_line_and_serve_tls_returns() {
    let p = pki();
    // The files load before binding: a port in use is never reached.
    let busy = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port();
    let (missing, garbage) = (p.path("missing.pem"), p.path("garbage.pem"));
    let (rsa, rsa_key, ec_key) = (p.path("rsa.pem"), p.path("rsa.key"), p.path("ec.key"));
    let cases = [
        (
            &missing,
            &rsa_key,
            format!("open cert file: {missing}: No such file or directory (os error 2)"),
        ),
        (
            &garbage,
            &rsa_key,
            format!("parse certs: no CERTIFICATE block in {garbage}"),
        ),
        (
            &rsa,
            &missing,
            format!("load key: {missing}: No such file or directory (os error 2)"),
        ),
        (
            &rsa,
            &garbage,
            format!("load key: no private key in {garbage}"),
        ),
        (
            &rsa,
            &ec_key,
            "TLS config: keys may not be consistent: KeyMismatch".to_string(),
        ),
    ];
    for (cert, key, detail) in cases {
        let (out, err) = run_to_end(cert, key, port);
        assert_eq!(
            err,
            format!("[snow-rt] Failed to load TLS certificates: {detail}\n")
        );
        assert_eq!(out, "serve_tls returned\n");
    }
    // Good files on a port in use: the bind failure of `serve`.
    let (out, err) = run_to_end(&rsa, &rsa_key, port);
    assert_eq!(
        err,
        format!(
            "[snow-rt] Failed to start HTTPS server on 127.0.0.1:{port}: \
             Address already in use (os error 98)\n"
        )
    );
    assert_eq!(out, "serve_tls returned\n");
}
