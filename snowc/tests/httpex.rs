//! The HTTP server driven by real clients, on 127.0.0.1: the JSON API of
//! `examples/http_api.snow` over raw keep-alive connections, and
//! `tests/http/httpex_clients.snow` through `curl` and Python's
//! `http.client` (both installed by `ci/install-deps.sh`). Servers listen
//! on port 0 and announce the real port on their first stderr line.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Output};

mod common;
use common::http_server::{Server, HANG};

fn start(src: &'static str) -> Server {
    start_with(src, &[])
}

fn start_with(src: &'static str, env: &[(&str, &str)]) -> Server {
    Server::start(src, env)
}

/// A new keep-alive connection to `s`.
fn connect(s: &Server) -> Conn {
    let s = s.connect();
    Conn {
        w: s.try_clone().unwrap(),
        r: BufReader::new(s),
    }
}

/// One keep-alive connection.
struct Conn {
    w: TcpStream,
    r: BufReader<TcpStream>,
}

impl Conn {
    /// Sends a request (with a Content-Length body when `body` is given)
    /// and reads the whole response: head, then Content-Length bytes.
    fn send(&mut self, method: &str, target: &str, body: Option<&str>) -> String {
        let mut req = format!("{method} {target} HTTP/1.1\r\nHost: t\r\n");
        if let Some(b) = body {
            req += &format!("Content-Length: {}\r\n", b.len());
        }
        req += "\r\n";
        req += body.unwrap_or("");
        self.w.write_all(req.as_bytes()).unwrap();
        let mut head = String::new();
        while !head.ends_with("\r\n\r\n") {
            let n = self.r.read_line(&mut head).unwrap();
            assert!(n > 0, "connection closed after {head:?}");
        }
        let len: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("Content-Length: "))
            .map_or(0, |n| n.parse().unwrap());
        let mut body = vec![0; len];
        self.r.read_exact(&mut body).unwrap();
        head + &String::from_utf8(body).unwrap()
    }
}

/// A JSON response of the API on a kept-alive connection, byte for byte.
fn json(status: &str, extra: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: keep-alive\r\n{extra}\r\n{body}",
        body.len()
    )
}

#[test]
fn the_json_api_example_answers_exactly() {
    check_the_api(&[]);
}

#[test]
fn the_json_api_example_answers_exactly_under_gc_stress() {
    check_the_api(&[("SNOW_GC_STRESS", "1")]);
}

/// Drives the example through every route and checks its log lines.
fn check_the_api(env: &[(&str, &str)]) {
    let api = start_with("examples/http_api.snow", env);
    let mut c = connect(&api);
    let first = r#"{"done":false,"id":1,"title":"try the API with curl"}"#;
    let milk = r#"{"done":false,"id":2,"title":"buy milk"}"#;
    let docs = r#"{"done":true,"id":3,"title":"write docs"}"#;
    let cases: Vec<(&str, &str, Option<&str>, String)> = vec![
        (
            "GET",
            "/todos",
            None,
            json("200 OK", "", &format!("[{first}]")),
        ),
        (
            "POST",
            "/todos",
            Some(r#"{"title": "buy milk"}"#),
            json("201 Created", "Location: /todos/2\r\n", milk),
        ),
        (
            "POST",
            "/todos",
            Some(r#"{"title":"write docs","done":true}"#),
            json("201 Created", "Location: /todos/3\r\n", docs),
        ),
        (
            "GET",
            "/todos?done=true",
            None,
            json("200 OK", "", &format!("[{docs}]")),
        ),
        ("GET", "/todos/2", None, json("200 OK", "", milk)),
        (
            "PUT",
            "/todos/2",
            Some(r#"{"done":true}"#),
            json("200 OK", "", r#"{"done":true,"id":2,"title":"buy milk"}"#),
        ),
        (
            "PUT",
            "/todos/9",
            Some(r#"{"done":true}"#),
            json("404 Not Found", "", r#"{"error":"no todo with id 9"}"#),
        ),
        (
            "PUT",
            "/todos/2",
            Some("done"),
            json(
                "400 Bad Request",
                "",
                r#"{"error":"expected value at line 1 column 1"}"#,
            ),
        ),
        (
            "DELETE",
            "/todos/1",
            None,
            // No body, so no Content-Length either.
            "HTTP/1.1 204 No Content\r\nContent-Type: application/json; charset=utf-8\r\nConnection: keep-alive\r\n\r\n".to_string(),
        ),
        (
            "GET",
            "/todos/1",
            None,
            json("404 Not Found", "", r#"{"error":"no todo with id 1"}"#),
        ),
        (
            "GET",
            "/todos/abc",
            None,
            json(
                "400 Bad Request",
                "",
                r#"{"error":"id must be an integer, got abc"}"#,
            ),
        ),
        (
            "POST",
            "/todos",
            Some(r#"{"titel":"x"}"#),
            json("400 Bad Request", "", r#"{"error":"missing field: title"}"#),
        ),
        (
            "PATCH",
            "/todos",
            None,
            json(
                "404 Not Found",
                "",
                r#"{"error":"no route for PATCH /todos"}"#,
            ),
        ),
        (
            "GET",
            "/todos",
            None,
            json(
                "200 OK",
                "",
                r#"[{"done":true,"id":2,"title":"buy milk"},{"done":true,"id":3,"title":"write docs"}]"#,
            ),
        ),
    ];
    for (method, target, body, want) in &cases {
        assert_eq!(&c.send(method, target, *body), want, "{method} {target}");
    }
    // The middleware logged each request: method, path, status, then the
    // elapsed time in microseconds (which varies).
    let log = api.stderr_lines(cases.len());
    for ((method, target, _, want), line) in cases.iter().zip(&log) {
        let path = target.split('?').next().unwrap();
        let status = &want[9..12];
        let rest = line
            .strip_prefix(&format!("{method} {path} {status} "))
            .unwrap_or_else(|| panic!("{line:?} for {method} {target}"));
        let micros = rest
            .strip_suffix("us")
            .unwrap_or_else(|| panic!("{line:?}"));
        assert!(micros.parse::<u64>().is_ok(), "{line:?}");
    }
    assert_eq!(log.len(), cases.len(), "{log:?}");
}

#[test]
fn the_json_api_example_serialises_concurrent_writes() {
    let api = start("examples/http_api.snow");
    let port = api.port;
    let clients: Vec<_> = (0..8)
        .map(|i| {
            std::thread::spawn(move || {
                let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
                s.set_read_timeout(Some(HANG)).unwrap();
                let mut c = Conn {
                    w: s.try_clone().unwrap(),
                    r: BufReader::new(s),
                };
                (0..10)
                    .map(|j| {
                        let r = c.send(
                            "POST",
                            "/todos",
                            Some(&format!(r#"{{"title":"t{i}-{j}"}}"#)),
                        );
                        let id = r.split(r#""id":"#).nth(1).unwrap();
                        id[..id.find(',').unwrap()].parse::<u32>().unwrap()
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut ids: Vec<u32> = clients
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    ids.sort_unstable();
    // Every id from 2 (1 is the example's own todo) given out exactly once.
    assert_eq!(ids, (2..82).collect::<Vec<_>>());
    let list = connect(&api).send("GET", "/todos", None);
    assert_eq!(list.matches(r#""id":"#).count(), 81);
}

/// Runs a client program; it must succeed. Returns (stdout, stderr).
fn run(cmd: &mut Command) -> (String, String) {
    let out: Output = cmd.output().unwrap_or_else(|e| {
        panic!("cannot run {cmd:?} ({e}); ci/install-deps.sh installs curl and python3")
    });
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(out.status.success(), "{cmd:?}: {stderr}");
    (stdout, stderr)
}

fn curl(args: &[&str]) -> (String, String) {
    run(Command::new("curl")
        .args(["-sS", "--max-time", "120"])
        .args(args))
}

#[test]
fn curl_get_post_and_head() {
    let s = start("tests/http/httpex_clients.snow");
    let (out, _) = curl(&["-i", &s.url("/users/7")]);
    assert_eq!(
        out,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 6\r\nConnection: keep-alive\r\n\r\nuser 7"
    );
    let (out, _) = curl(&["-d", "name=snow&x=1", &s.url("/echo")]);
    assert_eq!(out, "name=snow&x=1");
    // curl's -d sends a form Content-Type; -A sets the User-Agent.
    let (out, _) = curl(&[
        "-A",
        "probe/2",
        "-H",
        "X-Test: yes",
        "-X",
        "PUT",
        &s.url("/info"),
    ]);
    assert_eq!(out, "PUT /info agent=probe/2 x-test=yes headers=4");
    let (out, _) = curl(&["-I", &s.url("/hello")]);
    assert_eq!(
        out,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\n"
    );
    let (out, _) = curl(&["-w", "%{http_code}", &s.url("/nowhere")]);
    assert_eq!(out, "Not Found404");
}

#[test]
fn curl_reuses_one_connection_for_several_urls() {
    let s = start("tests/http/httpex_clients.snow");
    // num_connects is 1 for a transfer that opened a connection, 0 for one
    // that reused it.
    let w = ["-w", " %{http_code} %{num_connects}\n"];
    let (out, _) = curl(&[
        w[0],
        w[1],
        &s.url("/hello"),
        &s.url("/users/1"),
        &s.url("/users/2"),
        &s.url("/nowhere"),
        &s.url("/hello"),
    ]);
    assert_eq!(
        out,
        "hello 200 1\nuser 1 200 0\nuser 2 200 0\nNot Found 404 0\nhello 200 0\n"
    );
}

/// POSTs a body of `n` bytes from a file to `path` with one extra header,
/// verbosely; returns (the body sent, stdout, stderr).
fn curl_upload(s: &Server, header: &str, n: usize, path: &str) -> (Vec<u8>, String, String) {
    let data: Vec<u8> = (0..n)
        .map(|i| b"abcdefghijklmnopqrstuvwxyz\n"[i % 27])
        .collect();
    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("httpex_upload_{n}"));
    std::fs::write(&file, &data).unwrap();
    let upload = format!("@{}", file.display());
    let (out, err) = curl(&["-v", "-H", header, "--data-binary", &upload, &s.url(path)]);
    (data, out, err)
}

#[test]
fn curl_uploads_chunked_and_with_expect_100_continue() {
    let s = start("tests/http/httpex_clients.snow");
    let (data, out, err) = curl_upload(&s, "Transfer-Encoding: chunked", 300_000, "/echo");
    assert!(err.contains("> Transfer-Encoding: chunked\r\n"), "{err}");
    assert!(out.as_bytes() == &data[..]);
    // A 2 MB body waits for the server's 100 Continue.
    let (data, out, err) = curl_upload(&s, "Expect: 100-continue", 2_000_000, "/echo");
    assert!(err.contains("< HTTP/1.1 100 Continue\r\n"), "{err}");
    assert!(err.contains("< HTTP/1.1 200 OK\r\n"), "{err}");
    assert_eq!(out.len(), data.len());
    assert!(out.as_bytes() == &data[..]);
    let (_, out, _) = curl_upload(&s, "Expect: 100-continue", 2_000_000, "/size");
    assert_eq!(out, "2000000 bytes");
}

/// Runs a Python program with the server's port as `PORT`.
fn python(s: &Server, program: &str) -> String {
    let program = format!("import http.client\nPORT = {}\n{program}", s.port);
    run(Command::new("python3").arg("-c").arg(program)).0
}

#[test]
fn python_http_client_keeps_one_connection_alive() {
    let s = start("tests/http/httpex_clients.snow");
    let out = python(
        &s,
        r#"
c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
sock = None
for method, path, body, headers in [
    ("GET", "/hello", None, {}),
    ("POST", "/echo", "posted body", {"Content-Type": "text/plain"}),
    ("GET", "/users/42", None, {}),
    ("DELETE", "/info", None, {"X-Test": "py", "User-Agent": "pyclient"}),
    ("POST", "/size", "x" * 70000, {}),
]:
    c.request(method, path, body=body, headers=headers)
    r = c.getresponse()
    data = r.read().decode()
    same = "new" if sock is None else ("same" if c.sock is sock else "other")
    sock = c.sock
    print(r.status, r.reason, r.getheader("Connection"), r.getheader("Content-Type"), repr(data), same)
c.close()
"#,
    );
    assert_eq!(
        out,
        "200 OK keep-alive application/json; charset=utf-8 'hello' new\n\
         200 OK keep-alive application/json; charset=utf-8 'posted body' same\n\
         200 OK keep-alive application/json; charset=utf-8 'user 42' same\n\
         200 OK keep-alive text/plain 'DELETE /info agent=pyclient x-test=py headers=4' same\n\
         201 Created keep-alive application/json; charset=utf-8 '70000 bytes' same\n"
    );
}

#[test]
fn python_http_client_sees_connection_close_and_headers() {
    let s = start("tests/http/httpex_clients.snow");
    let out = python(
        &s,
        r#"
c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
c.request("GET", "/hello", headers={"Connection": "close"})
r = c.getresponse()
print(r.status, r.getheaders(), r.read(), r.will_close)
c.close()
c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
c.putrequest("POST", "/echo", skip_accept_encoding=True)
c.putheader("Transfer-Encoding", "chunked")
c.endheaders()
for part in [b"chunk one, ", b"chunk two"]:
    c.send(b"%x\r\n%s\r\n" % (len(part), part))
c.send(b"0\r\n\r\n")
r = c.getresponse()
print(r.status, r.read(), r.will_close)
"#,
    );
    assert_eq!(
        out,
        "200 [('Content-Type', 'application/json; charset=utf-8'), ('Content-Length', '5'), ('Connection', 'close')] b'hello' True\n\
         200 b'chunk one, chunk two' False\n"
    );
}

#[test]
fn the_readme_curl_commands_of_the_example_work() {
    let readme = std::fs::read_to_string(common::repo_root().join("README.md")).unwrap();
    let section = &readme[readme.find("`http_api.snow` serves").unwrap()..];
    let commands: Vec<&str> = section
        .lines()
        .take_while(|l| !l.starts_with("A taste"))
        .filter(|l| l.starts_with("curl "))
        .collect();
    let api = start("examples/http_api.snow");
    let base = api.url("");
    let answers: Vec<String> = commands
        .iter()
        .map(|cmd| {
            let cmd = cmd.replace("http://localhost:8080", &base);
            let (out, _) = run(Command::new("sh").arg("-c").arg(format!("{cmd} -sS")));
            // The status line and the body.
            let (head, body) = out.split_once("\r\n\r\n").unwrap();
            format!("{} {body}", head.lines().next().unwrap())
        })
        .collect();
    assert_eq!(
        answers,
        [
            r#"HTTP/1.1 200 OK [{"done":false,"id":1,"title":"try the API with curl"}]"#,
            r#"HTTP/1.1 201 Created {"done":false,"id":2,"title":"buy milk"}"#,
            r#"HTTP/1.1 200 OK {"done":false,"id":2,"title":"buy milk"}"#,
            r#"HTTP/1.1 200 OK {"done":true,"id":2,"title":"buy milk"}"#,
            r#"HTTP/1.1 200 OK [{"done":true,"id":2,"title":"buy milk"}]"#,
            "HTTP/1.1 204 No Content ",
            r#"HTTP/1.1 404 Not Found {"error":"no todo with id 1"}"#,
            r#"HTTP/1.1 400 Bad Request {"error":"missing field: title"}"#,
        ]
    );
}
