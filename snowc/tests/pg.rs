//! The PostgreSQL client end to end, against a real server: the Snow
//! programs in `tests/pg/` run against the throw-away cluster of
//! `ci/pg-cluster.sh` (one per run of this binary, stopped when it exits)
//! and must print exactly their `.out` files. The URLs carry the cluster's
//! port, so the programs take them as arguments and never print them.

mod common;

use common::http_server::{built, HANG};
use common::pg_cluster::{cluster, exclusive, free_port, shared, ssl_answering_proxy};
use std::io::Write;
use std::process::{Command, Stdio};

fn expected(name: &str) -> String {
    std::fs::read_to_string(common::tests_dir("pg").join(format!("{name}.out"))).unwrap()
}

/// Runs `tests/pg/<prog>.snow` with `args` and `env`; its output.
fn run(prog: &'static str, args: &[String], env: &[(&str, &str)]) -> common::Output {
    let exe = built(leak(format!("pg/{prog}")));
    let mut cmd = Command::new(exe);
    cmd.args(args).env_remove("SSL_CERT_FILE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    common::run(&mut cmd, HANG).unwrap()
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn assert_out(name: &str, out: &common::Output) {
    let want = expected(name);
    assert_eq!(
        out.stdout,
        want,
        "{}\n{}",
        common::diff(&want, &out.stdout),
        common::describe(name, out)
    );
}

fn scram_url() -> String {
    cluster().url("snow_scram", "localhost", "sslmode=disable")
}

#[test]
fn auth_methods_sslmodes_and_url_errors() {
    let _up = shared();
    let c = cluster();
    let ca = c.ca();
    let root = format!("sslrootcert={ca}");
    let no_ssl = ssl_answering_proxy(b'N');
    let odd = ssl_answering_proxy(b'X');
    let pairs: Vec<(&str, String)> = vec![
        ("trust", c.url("snow_trust", "localhost", "sslmode=disable")),
        (
            "cleartext",
            c.url("snow_clear", "localhost", "sslmode=require"),
        ),
        (
            "md5",
            c.url(
                "snow_md5",
                "localhost",
                &format!("sslmode=verify-full&{root}"),
            ),
        ),
        ("scram", c.url("snow_scram", "localhost", "")),
        (
            "scram plain",
            c.url("snow_scram", "localhost", "sslmode=disable"),
        ),
        (
            "scram wrong password",
            format!("postgres://snow_scram:nope@localhost:{}/snowtest", c.port),
        ),
        (
            "md5 wrong password",
            format!("postgres://snow_md5:nope@localhost:{}/snowtest", c.port),
        ),
        (
            "cleartext wrong password",
            format!(
                "postgres://snow_clear:nope@localhost:{}/snowtest?sslmode=disable",
                c.port
            ),
        ),
        (
            "percent-encoded",
            format!(
                "postgresql://snow%5Fscram:snow%5Fscram%5Fpw@localhost:{}/snow%74est",
                c.port
            ),
        ),
        (
            "unknown database",
            format!(
                "postgres://snow_scram:snow_scram_pw@localhost:{}/nope",
                c.port
            ),
        ),
        (
            "unknown user",
            c.url("nobody", "127.0.0.1", "sslmode=disable"),
        ),
        (
            "verify-full wrong host",
            c.url(
                "snow_scram",
                "127.0.0.1",
                &format!("sslmode=verify-full&{root}"),
            ),
        ),
        (
            "verify-ca wrong host",
            c.url(
                "snow_scram",
                "127.0.0.1",
                &format!("sslmode=verify-ca&{root}"),
            ),
        ),
        (
            "require wrong host",
            c.url("snow_scram", "127.0.0.1", "sslmode=require"),
        ),
        (
            "require without SSL",
            c.url_on("snow_scram", "127.0.0.1", no_ssl, "sslmode=require"),
        ),
        (
            "verify-full without SSL",
            c.url_on("snow_scram", "127.0.0.1", no_ssl, "sslmode=verify-full"),
        ),
        (
            "prefer without SSL",
            c.url_on("snow_scram", "127.0.0.1", no_ssl, "sslmode=prefer"),
        ),
        (
            "disable through proxy",
            c.url_on("snow_md5", "127.0.0.1", no_ssl, "sslmode=disable"),
        ),
        (
            "odd SSL answer",
            c.url_on("snow_scram", "127.0.0.1", odd, ""),
        ),
        (
            "missing root file",
            c.url(
                "snow_scram",
                "localhost",
                "sslmode=verify-full&sslrootcert=/nonexistent/ca.pem",
            ),
        ),
        (
            "bad scheme",
            format!("mysql://snow_scram@localhost:{}/snowtest", c.port),
        ),
        (
            "no at sign",
            format!("postgres://localhost:{}/snowtest", c.port),
        ),
        (
            "bad port",
            "postgres://snow_scram@localhost:54x/snowtest".into(),
        ),
        (
            "refused",
            format!(
                "postgres://snow_scram@127.0.0.1:{}/snowtest?sslmode=disable",
                free_port()
            ),
        ),
    ];
    let args: Vec<String> = pairs
        .into_iter()
        .flat_map(|(l, u)| [l.to_string(), u])
        .collect();
    let out = run("connect", &args, &[("SSL_CERT_FILE", &ca)]);
    assert_out("connect", &out);
}

#[test]
fn tls_without_the_test_ca_in_ssl_cert_file() {
    let _up = shared();
    let c = cluster();
    let root = format!("sslrootcert={}", c.ca());
    let pairs = [
        (
            "require",
            c.url("snow_scram", "localhost", "sslmode=require"),
        ),
        ("prefer", c.url("snow_scram", "localhost", "sslmode=prefer")),
        (
            "verify-full",
            c.url("snow_scram", "localhost", "sslmode=verify-full"),
        ),
        (
            "verify-full with root",
            c.url(
                "snow_scram",
                "localhost",
                &format!("sslmode=verify-full&{root}"),
            ),
        ),
        (
            "disable",
            c.url("snow_scram", "localhost", "sslmode=disable"),
        ),
    ];
    let args: Vec<String> = pairs
        .into_iter()
        .flat_map(|(l, u)| [l.to_string(), u])
        .collect();
    assert_out("connect_nocert", &run("connect", &args, &[]));
}

#[test]
fn parameters_values_counts_and_errors() {
    let _up = shared();
    assert_out("values", &run("values", &[scram_url()], &[]));
    // Again with a collection at every allocation: rows built in the heap.
    let stressed = run("values", &[scram_url()], &[("SNOW_GC_STRESS", "1")]);
    assert_out("values", &stressed);
}

#[test]
fn prepared_statements_kept_per_connection() {
    let _up = shared();
    assert_out("prepared", &run("prepared", &[scram_url()], &[]));
}

#[test]
fn transactions() {
    let _up = shared();
    let c = cluster();
    let url = c.url("snow_scram", "localhost", "sslmode=verify-full");
    let out = run("tx", &[url], &[("SSL_CERT_FILE", &c.ca())]);
    assert_out("tx", &out);
    let stressed = run("tx", &[scram_url()], &[("SNOW_GC_STRESS", "1")]);
    assert_out("tx", &stressed);
    assert!(
        out.stderr.contains(
            "[snow-rt] Pg.transaction callback panicked: List.get: index 10 out of bounds"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn processes_sharing_a_connection() {
    let _up = shared();
    assert_out("share", &run("share", &[scram_url()], &[]));
}

#[test]
fn process_killed_while_holding_a_connection() {
    let _up = shared();
    assert_out("killed", &run("killed", &[scram_url()], &[]));
}

#[test]
fn server_stopped_and_started_while_running() {
    let _alone = exclusive();
    let c = cluster();
    let exe = built("pg/restart");
    let mut child = Command::new(exe)
        .arg(c.url("snow_scram", "localhost", "sslmode=verify-full"))
        .env("SSL_CERT_FILE", c.ca())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let lines = std::thread::spawn(move || {
        use std::io::BufRead;
        let mut got = String::new();
        let mut r = std::io::BufReader::new(stdout);
        let mut line = String::new();
        let (down, up) = (&mut Some(()), &mut Some(()));
        while r.read_line(&mut line).unwrap_or(0) > 0 {
            got.push_str(&line);
            if line == "stop the server\n" && down.take().is_some() {
                cluster().down();
                let _ = stdin.write_all(b"\n");
            }
            if line == "start the server\n" && up.take().is_some() {
                cluster().up();
                let _ = stdin.write_all(b"\n");
            }
            line.clear();
        }
        got
    });
    let start = std::time::Instant::now();
    while !lines.is_finished() && start.elapsed() < HANG {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    // Whatever happened, the server is up for the other tests.
    if !lines.is_finished() {
        c.up();
    }
    let got = lines.join().unwrap();
    assert_eq!(
        got,
        expected("restart"),
        "{}",
        common::diff(&expected("restart"), &got)
    );
}

#[test]
fn pg_and_pool_query_as_with_from_row_and_closures() {
    let _up = shared();
    assert_out("query_as", &run("query_as", &[scram_url()], &[]));
}

#[test]
fn a_timed_out_read_drops_the_connection() {
    let _up = shared();
    let env = [("SNOW_PG_READ_TIMEOUT_MS", "300")];
    assert_out("pg_timeout", &run("pg_timeout", &[scram_url()], &env));
}

#[test]
fn no_nested_transactions() {
    let _up = shared();
    assert_out("pg_nested", &run("pg_nested", &[scram_url()], &[]));
}

#[test]
fn copy_is_refused_and_the_connection_stays_usable() {
    let _up = shared();
    assert_out("pg_copy", &run("pg_copy", &[scram_url()], &[]));
}

#[test]
fn flat_names_and_null_parameters_through_a_pool() {
    let _up = shared();
    assert_out("pg_flat", &run("pg_flat", &[scram_url()], &[]));
}
