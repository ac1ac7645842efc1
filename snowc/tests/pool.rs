//! The PostgreSQL pool end to end, against a real server: each scenario of
//! `tests/pool/pool.snow` runs against the throw-away cluster of
//! `ci/pg-cluster.sh` and must print exactly `tests/pool/<scenario>.out`.
//! The scenarios count the pool's sessions in `pg_stat_activity`, so they
//! run one at a time (each holds the cluster alone).

mod common;

use common::http_server::{built, HANG};
use common::pg_cluster::{cluster, exclusive, free_port};
use std::process::Command;

/// Runs the `scenario` with `env`; checks its output, returns its stderr.
fn scenario(scenario: &str, env: &[(&str, &str)]) -> String {
    scenario_as(scenario, scenario, env)
}

fn scenario_as(scenario: &str, expected: &str, env: &[(&str, &str)]) -> String {
    let _alone = exclusive();
    let c = cluster();
    let url = c.url("snow_scram", "localhost", "sslmode=disable");
    let refused = format!(
        "postgres://snow_scram@127.0.0.1:{}/snowtest?sslmode=disable",
        free_port()
    );
    let mut cmd = Command::new(built("pool/pool"));
    cmd.args([scenario, &url, &url, &refused]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = common::run(&mut cmd, HANG).unwrap();
    let path = common::tests_dir("pool").join(format!("{expected}.out"));
    let want = std::fs::read_to_string(path).unwrap();
    assert_eq!(
        out.stdout,
        want,
        "{}\n{}",
        common::diff(&want, &out.stdout),
        common::describe(scenario, &out)
    );
    out.stderr
}

#[test]
fn clamping_eager_and_lazy_connections_and_open_errors() {
    scenario("basics", &[]);
}

#[test]
fn dirty_checkins_roll_back_foreign_and_double_ones_are_logged() {
    let err = scenario("checkins", &[]);
    assert_eq!(
        err,
        "[snow-rt] Pool.checkin: the connection is not from this pool, ignored\n\
         [snow-rt] Pool.checkin: the connection is already checked in, ignored\n"
    );
}

#[test]
fn two_hundred_processes_share_ten_connections() {
    scenario("load", &[]);
}

#[test]
fn checkout_deadline_is_absolute_and_waiters_go_in_order() {
    scenario("timeout", &[]);
}

#[test]
fn killed_backends_are_replaced() {
    scenario("killed", &[]);
}

#[test]
fn close_with_waiters_and_connections_out() {
    let err = scenario("closing", &[]);
    assert_eq!(
        err,
        "[snow-rt] Pool.checkin: the pool is closed and has all its connections back, ignored\n"
    );
}

#[test]
fn idle_connections_beyond_min_are_closed() {
    scenario("idle", &[("SNOW_POOL_IDLE_MS", "200")]);
}

#[test]
fn connections_are_replaced_after_their_lifetime() {
    scenario("life", &[("SNOW_POOL_LIFETIME_MS", "300")]);
}

#[test]
fn health_check_skipped_for_connections_used_just_now() {
    scenario("fresh", &[("SNOW_POOL_FRESH_MS", "200")]);
    // By default "just now" is a second: 400 ms later it is still fresh.
    scenario_as("fresh", "fresh_default", &[]);
}

#[test]
fn a_process_ending_with_a_connection_out_gives_up_its_place() {
    let err = scenario("abandon", &[]);
    assert!(err.contains("crashed: division by zero"), "{err}");
}
