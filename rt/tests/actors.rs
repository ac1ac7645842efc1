//! Process scenarios (tests/c/actors.c), written as snowc generates code:
//! ordering, selective receive, timeouts, preemption, crash isolation,
//! links, terminate blocks, the quiescence exit, scale and GC with messages
//! in flight. Output lines from different processes are compared only where
//! messages order them. No test asserts an upper bound on a delay.

mod common;

use std::path::PathBuf;
use std::process::Output;
use std::sync::OnceLock;

fn bin() -> &'static PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| common::build("actors"))
}

fn run(mode: &str, env: &[(&str, &str)]) -> Output {
    common::run(bin(), &[mode], env)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs `mode` normally, under GC stress and with one scheduler, expecting
/// status 0 and exactly `want` on stdout each time.
fn exact(mode: &str, want: &str) {
    for env in [
        &[][..],
        &[("SNOW_GC_STRESS", "1")][..],
        &[("SNOW_SCHEDULERS", "1")][..],
    ] {
        let o = run(mode, env);
        assert_eq!(stdout(&o), want, "{mode} {env:?}: {}", stderr(&o));
        assert_eq!(o.status.code(), Some(0), "{mode} {env:?}: {}", stderr(&o));
    }
}

fn line_index(out: &str, line: &str) -> usize {
    out.lines()
        .position(|l| l == line)
        .unwrap_or_else(|| panic!("missing line {line:?} in {out:?}"))
}

#[test]
fn ping_pong_keeps_sender_order() {
    exact("pingpong", "pingpong 2001\nin order\n");
}

#[test]
fn selective_receive_leaves_unmatched_messages_queued() {
    exact(
        "selective",
        "even 2\neven 4\neven 6\nthen 1\nthen 3\nthen 5\nboom\nempty\n",
    );
}

#[test]
fn after_fires_and_does_not_fire() {
    exact(
        "after",
        "timeout\nwaited at least 50 ms\ngot 42\ngot 99\nsend_after not early\nslept\n",
    );
}

#[test]
fn spinning_process_does_not_starve_others_on_one_worker() {
    for mode in ["spin", "spin_calls"] {
        let o = run(mode, &[("SNOW_SCHEDULERS", "1")]);
        assert_eq!(stdout(&o), "not starved\n", "{mode}: {}", stderr(&o));
        assert_eq!(o.status.code(), Some(0));
    }
}

#[test]
fn crash_ends_only_the_crashing_process() {
    for env in [&[][..], &[("SNOW_SCHEDULERS", "1")][..]] {
        let o = run("crash", env);
        assert_eq!(stdout(&o), "survivor answered 42\n");
        assert!(stderr(&o).contains("[snow] process <0."), "{}", stderr(&o));
        assert!(stderr(&o).ends_with("crashed: boom\n"), "{}", stderr(&o));
        assert_eq!(o.status.code(), Some(0));
    }
}

#[test]
fn stack_overflow_in_one_process_while_others_continue() {
    for (env, size) in [
        (&[][..], "256 MiB"),
        (&[("SNOW_STACK_SIZE", "32k")][..], "32 KiB"),
    ] {
        let o = run("overflow", env);
        assert_eq!(stdout(&o), "survivor answered 42\n", "{}", stderr(&o));
        // Hand-written C that passes no function descriptor: no function
        // named.
        let report = format!(
            "crashed: stack overflow (stack size {size}; set SNOW_STACK_SIZE to raise it)\n"
        );
        assert!(stderr(&o).ends_with(&report), "{}", stderr(&o));
        assert_eq!(o.status.code(), Some(0));
    }
}

#[test]
fn links_propagate_abnormal_exits_only() {
    for env in [&[][..], &[("SNOW_GC_STRESS", "1")][..]] {
        let o = run("links", env);
        let out = stdout(&o);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let got5 = line_index(&out, "linked waiter got 5");
        let t1 = line_index(&out, "terminate of 1");
        let t2 = line_index(&out, "terminate of 2");
        let down = line_index(&out, "down tag 3");
        assert!(got5 < t1 && t2 < down, "{out}");
        assert!(line_index(&out, "down matches") > down);
        assert!(line_index(&out, "linked boom") > down);
        assert!(out.ends_with("links done\n"), "{out}");
        assert!(stderr(&o).contains("crashed: linked boom"));
    }
}

#[test]
fn exit_signals_stop_running_processes() {
    exact("kill_running", "terminate of 5\ndown 3\ndown 2\n");
}

#[test]
fn main_killed_through_a_link_exits_101() {
    let o = run("main_link", &[]);
    assert_eq!(o.status.code(), Some(101));
    assert_eq!(stdout(&o), "linked\n");
    assert!(
        stderr(&o).contains("panic: main process exited: linked(<0."),
        "{}",
        stderr(&o)
    );
}

#[test]
fn terminate_block_runs_after_the_body() {
    for env in [&[][..], &[("SNOW_GC_STRESS", "1")][..]] {
        let o = run("terminate", env);
        let out = stdout(&o);
        assert_eq!(o.status.code(), Some(0));
        assert!(line_index(&out, "terminate test done") < 3);
        assert!(line_index(&out, "actor processing") < line_index(&out, "terminate of 9"));
        assert_eq!(out.lines().count(), 3);
    }
}

#[test]
fn quiescence_shuts_down_blocked_processes_newest_first() {
    exact(
        "quiescence",
        "main done\nterminate of 3\nterminate of 2\nterminate of 1\n",
    );
}

#[test]
fn hundred_thousand_processes_spawned_messaged_finished() {
    for env in [&[][..], &[("SNOW_SCHEDULERS", "1")][..]] {
        let o = run("many", env);
        assert_eq!(stdout(&o), "100000 actors done\n", "{}", stderr(&o));
        assert_eq!(o.status.code(), Some(0));
    }
}

#[test]
fn gc_with_messages_in_flight() {
    exact("gc", "intact 200\nbig intact\n");
}

#[test]
fn named_processes() {
    exact(
        "registry",
        "not registered\nregistered\ntaken\nfound self\n",
    );
}
