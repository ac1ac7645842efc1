//! `examples/todo_api/` end to end against a real PostgreSQL (the
//! throw-away cluster of `ci/pg-cluster.sh`), driven with curl: the
//! README's commands, the behaviours of spec Example A, the readiness
//! check while the database is stopped and started again, and migrations
//! applied once across restarts.

mod common;

use common::http_server::{Server, HANG};
use common::pg_cluster::cluster;
use std::process::Command;

const APP: &str = "examples/todo_api/";
const KEY: &str = "-H 'x-api-key: let-me-in'";

fn start() -> Server {
    let url = cluster().url("snow_scram", "localhost", "sslmode=disable");
    let api = Server::start(APP, &[("DATABASE_URL", &url)]);
    assert!(api.stdout_has("schema is at version"), "{api:?}");
    api
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "stdout:\n{}stderr:\n{}",
            self.stdout.lock().unwrap(),
            self.stderr.lock().unwrap()
        )
    }
}

/// Runs `curl -i <args>` (a shell word list) against `api`: the status
/// line and the body.
fn curl(api: &Server, args: &str) -> String {
    let args = args.replace("http://localhost:8080", &api.url(""));
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(format!("curl -sS -i {args}"));
    let out = common::run(&mut cmd, HANG).unwrap();
    let (head, body) = out
        .stdout
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("{}", common::describe(&args, &out)));
    format!("{} {body}", head.lines().next().unwrap())
}

/// The curl commands of the README's section on the example.
fn readme_commands() -> Vec<String> {
    let readme = std::fs::read_to_string(common::repo_root().join("README.md")).unwrap();
    let section = &readme[readme.find("`todo_api/` keeps").unwrap()..];
    section
        .lines()
        .take_while(|l| !l.starts_with("The first answer"))
        .filter_map(|l| l.strip_prefix("curl -i "))
        .map(String::from)
        .collect()
}

/// The first `n` lines of the request log on stderr (after the readiness
/// line), without the timings: `GET /todos 401`.
fn log(api: &Server, n: usize) -> Vec<String> {
    api.stderr_lines(n)
        .iter()
        .take(n)
        .map(|l| {
            l.rsplit_once(' ')
                .map_or(l.clone(), |(rest, _)| rest.into())
        })
        .collect()
}

#[test]
fn the_todo_api_over_a_real_database() {
    let api = start();
    assert_eq!(
        *api.stdout.lock().unwrap(),
        "applied migration 1: create todos\n\
         applied migration 2: create audit_log\n\
         applied migration 3: index open todos\n\
         schema is at version 3 (3 applied now)\n"
    );
    let answers: Vec<String> = readme_commands().iter().map(|c| curl(&api, c)).collect();
    let todo = |id: i32, title: &str, done: bool| {
        let due = match id {
            2 => r#""2026-12-24""#,
            _ => "null",
        };
        format!(r#"{{"done":{done},"due":{due},"id":{id},"title":"{title}"}}"#)
    };
    assert_eq!(
        answers,
        [
            r#"HTTP/1.1 401 Unauthorized {"error":"missing api key"}"#.to_string(),
            format!("HTTP/1.1 201 Created {}", todo(1, "buy milk", false)),
            format!("HTTP/1.1 201 Created {}", todo(2, "water the plants", false)),
            format!("HTTP/1.1 200 OK {}", todo(2, "water the plants", false)),
            r#"HTTP/1.1 500 Internal Server Error {"error":"invalid input syntax for type integer: \"abc\""}"#.into(),
            r#"HTTP/1.1 200 OK {"status":"done"}"#.into(),
            format!(
                "HTTP/1.1 200 OK [{},{}]",
                todo(1, "buy milk", true),
                todo(2, "water the plants", true)
            ),
            r#"HTTP/1.1 200 OK [{"event":"completed 2 todos","id":1}]"#.into(),
            "HTTP/1.1 404 Not Found Not Found".into(),
            r#"HTTP/1.1 200 OK {"status":"ok"}"#.into(),
            r#"HTTP/1.1 200 OK {"status":"ready"}"#.into(),
        ]
    );
    // The logger runs first: it sees the 401 and the 404.
    assert_eq!(
        log(&api, 11),
        [
            "GET /todos 401",
            "POST /todos 201",
            "POST /todos 201",
            "GET /todos/2 200",
            "GET /todos/abc 500",
            "POST /todos/complete-all 200",
            "GET /todos 200",
            "GET /audit 200",
            "GET /nope 404",
            "GET /health 200",
            "GET /health/ready 200",
        ]
    );
    // The key check runs on unmatched paths too, before the 404.
    let more = [
        "http://localhost:8080/nope",
        "-H 'x-api-key: nope' http://localhost:8080/todos",
        &format!("{KEY} http://localhost:8080/todos/99"),
        &format!("{KEY} -d '  ' http://localhost:8080/todos"),
        &format!("{KEY} -d 'someday' 'http://localhost:8080/todos?due=2026-02-30'"),
        &format!("{KEY} -X POST http://localhost:8080/todos/complete-all"),
        &format!("{KEY} http://localhost:8080/audit"),
    ];
    let answers: Vec<String> = more.iter().map(|c| curl(&api, c)).collect();
    assert_eq!(
        answers,
        [
            r#"HTTP/1.1 401 Unauthorized {"error":"missing api key"}"#,
            r#"HTTP/1.1 403 Forbidden {"error":"bad api key"}"#,
            r#"HTTP/1.1 404 Not Found {"error":"no todo with id 99"}"#,
            r#"HTTP/1.1 400 Bad Request {"error":"the body must be the title"}"#,
            r#"HTTP/1.1 500 Internal Server Error {"error":"date/time field value out of range: \"2026-02-30\""}"#,
            r#"HTTP/1.1 200 OK {"status":"done"}"#,
            r#"HTTP/1.1 200 OK [{"event":"completed 2 todos","id":1},{"event":"completed 0 todos","id":2}]"#,
        ]
    );

    // The database goes away and comes back; the program keeps running.
    cluster().down();
    let ready = curl(&api, "http://localhost:8080/health/ready");
    let listed = curl(&api, &format!("{KEY} http://localhost:8080/todos"));
    let alive = curl(&api, "http://localhost:8080/health");
    cluster().up();
    assert!(
        ready.starts_with(r#"HTTP/1.1 503 Service Unavailable {"error":""#),
        "{ready}"
    );
    assert!(
        listed.starts_with(r#"HTTP/1.1 500 Internal Server Error {"error":""#),
        "{listed}"
    );
    assert_eq!(alive, r#"HTTP/1.1 200 OK {"status":"ok"}"#);
    assert_eq!(
        curl(&api, "http://localhost:8080/health/ready"),
        r#"HTTP/1.1 200 OK {"status":"ready"}"#
    );
    let all = format!(
        "HTTP/1.1 200 OK [{},{}]",
        todo(1, "buy milk", true),
        todo(2, "water the plants", true)
    );
    assert_eq!(
        curl(&api, &format!("{KEY} http://localhost:8080/todos")),
        all
    );
    drop(api);

    // A restart finds every migration applied, and the data still there.
    let again = start();
    assert_eq!(
        *again.stdout.lock().unwrap(),
        "schema is at version 3 (0 applied now)\n"
    );
    assert_eq!(
        curl(&again, &format!("{KEY} http://localhost:8080/todos")),
        all
    );
}
