use super::*;

/// The plan for a text that ran well before (once, unnamed).
fn second(c: &mut Cache, sql: &str) -> Plan {
    assert_eq!(c.plan(sql), Plan::Unnamed);
    c.ran(sql);
    c.plan(sql)
}

#[test]
fn a_text_is_unnamed_once_then_parsed_once_then_reused() {
    let mut c = Cache::default();
    assert_eq!(second(&mut c, "SELECT 1"), Plan::Fresh("snow_1".into()));
    c.parsed("SELECT 1", "snow_1".into());
    assert_eq!(c.plan("SELECT 1"), Plan::Cached("snow_1".into()));
    assert_eq!(second(&mut c, "SELECT 2"), Plan::Fresh("snow_2".into()));
    assert!(c.take_doomed().is_empty());
}

#[test]
fn a_failed_text_is_parsed_again_and_its_statement_closed() {
    let mut c = Cache::default();
    let Plan::Fresh(n) = second(&mut c, "SELECT x") else {
        panic!("new text")
    };
    c.parsed("SELECT x", n);
    c.forget("SELECT x");
    c.forget("SELECT never");
    assert_eq!(c.take_doomed(), vec!["snow_1".to_string()]);
    assert_eq!(second(&mut c, "SELECT x"), Plan::Fresh("snow_2".into()));
}

#[test]
fn the_least_recently_used_goes_when_full() {
    let mut c = Cache::default();
    for i in 0..CAP {
        let sql = format!("SELECT {i}");
        let Plan::Fresh(n) = second(&mut c, &sql) else {
            panic!("new text")
        };
        c.parsed(&sql, n);
    }
    // SELECT 0 is used again: SELECT 1 is now the oldest.
    assert_eq!(c.plan("SELECT 0"), Plan::Cached("snow_1".into()));
    let Plan::Fresh(n) = second(&mut c, "SELECT new") else {
        panic!("new text")
    };
    c.parsed("SELECT new", n);
    assert_eq!(c.kept(), CAP);
    assert_eq!(c.take_doomed(), vec!["snow_2".to_string()]);
    assert_eq!(second(&mut c, "SELECT 1"), Plan::Fresh("snow_102".into()));
}

#[test]
fn ddl_clears_everything() {
    let mut c = Cache::default();
    for sql in ["SELECT 1", "SELECT 2"] {
        let Plan::Fresh(n) = second(&mut c, sql) else {
            panic!("new text")
        };
        c.parsed(sql, n);
    }
    c.clear();
    assert_eq!(c.kept(), 0);
    let mut doomed = c.take_doomed();
    doomed.sort();
    assert_eq!(doomed, vec!["snow_1".to_string(), "snow_2".to_string()]);
    assert!(is_ddl("CREATE TABLE") && is_ddl("ALTER TABLE") && is_ddl("DROP INDEX"));
    assert!(!is_ddl("SELECT 1") && !is_ddl("INSERT 0 1") && !is_ddl("COMMIT"));
}

#[test]
fn texts_that_failed_unnamed_stay_unnamed() {
    let mut c = Cache::default();
    assert_eq!(c.plan("SELECT $1::int"), Plan::Unnamed);
    assert_eq!(c.plan("SELECT $1::int"), Plan::Unnamed);
}

#[test]
fn texts_run_once_are_forgotten_in_bulk() {
    let mut c = Cache::default();
    for i in 0..SEEN_CAP {
        c.ran(&format!("SELECT {i}"));
    }
    // The next one clears the memory of the others.
    c.ran("SELECT new");
    assert_eq!(c.plan("SELECT 0"), Plan::Unnamed);
    assert_eq!(c.plan("SELECT new"), Plan::Fresh("snow_1".into()));
}
