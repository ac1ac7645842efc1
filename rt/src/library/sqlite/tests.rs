//! Unit tests of the SQLite pieces: the connection and the handle table
//! (the Snow surface is tested by tests/e2e/sqlite_*).

use super::conn::Conn;
use crate::library::handles::Handles;

/// A connection, with the SQLite table `Sqlite.open` would hand over.
fn open(path: &str) -> Result<Conn, String> {
    super::api::set_for_tests();
    Conn::open(path)
}

fn s(v: &[&str]) -> Vec<Option<String>> {
    v.iter().map(|x| Some(x.to_string())).collect()
}

#[test]
fn values_parameters_and_counts() {
    let c = open(":memory:").unwrap();
    let ddl = "CREATE TABLE t(i INTEGER, r REAL, x TEXT, b BLOB, n)";
    assert_eq!(c.execute(ddl, &[]).unwrap(), 0);
    let ins = "INSERT INTO t VALUES(?, ?2, :x, @b, $n)";
    assert_eq!(c.execute(ins, &s(&["30", "95.5", "hé", "ab"])).unwrap(), 1);
    c.execute("INSERT INTO t VALUES(1, 1, 'y', x'610062', NULL)", &[])
        .unwrap();
    // DDL after a change still reports 0, not the earlier count.
    assert_eq!(c.execute("CREATE TABLE u(a)", &[]).unwrap(), 0);
    let rows = c
        .query("SELECT i, r, x, b, n FROM t ORDER BY i", &[])
        .unwrap();
    let text: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(|(_, v)| v.as_str()).collect())
        .collect();
    assert_eq!(
        text,
        vec![
            vec!["1", "1.0", "y", "a", ""],
            vec!["30", "95.5", "hé", "ab", ""]
        ]
    );
    assert_eq!(rows[0][0].0, "i");
    assert_eq!(c.execute("UPDATE t SET x = 'z'", &[]).unwrap(), 2);
}

#[test]
fn errors() {
    let c = open(":memory:").unwrap();
    assert_eq!(
        c.query("SELECT * FROM users", &[]).unwrap_err(),
        "no such table: users"
    );
    assert_eq!(
        c.query("SELECT ?", &s(&["1", "2"])).unwrap_err(),
        "column index out of range"
    );
    assert_eq!(
        c.query("SELECT '\0'", &[]).unwrap_err(),
        "SQL contains null byte"
    );
    assert_eq!(
        c.query("SELECT ?", &s(&["\0"])).unwrap_err(),
        "parameter contains null byte"
    );
    assert_eq!(open("a\0b").err().unwrap(), "path contains null byte");
    c.execute("BEGIN", &[]).unwrap();
    assert_eq!(
        c.execute("BEGIN", &[]).unwrap_err(),
        "cannot start a transaction within a transaction"
    );
    // Only the first statement runs; text without one does nothing.
    assert_eq!(
        c.query("SELECT 1 AS a; SELECT 2", &[]).unwrap()[0][0].1,
        "1"
    );
    assert_eq!(c.execute("  ", &[]).unwrap(), 0);
}

#[test]
fn stale_handles_find_nothing() {
    let t: Handles<u32> = Handles::default();
    let a = t.insert(1);
    assert_eq!(*t.get(a).unwrap(), 1);
    assert_eq!(*t.remove(a).unwrap(), 1);
    assert!(t.remove(a).is_none(), "closing twice is harmless");
    let b = t.insert(2);
    assert_ne!(a, b, "a reused slot takes a new generation");
    assert!(t.get(a).is_none());
    assert_eq!(*t.get(b).unwrap(), 2);
    for bad in [0, -1, 1 << 40, i64::MAX] {
        assert!(t.get(bad).is_none());
    }
}

#[test]
fn autocommit_and_rollbacks_follow_the_transaction() {
    let c = open(":memory:").unwrap();
    c.execute("CREATE TABLE t(x PRIMARY KEY)", &[]).unwrap();
    assert!(c.autocommit());
    c.execute("BEGIN", &[]).unwrap();
    assert!(!c.autocommit());
    // A plain constraint error ends only its statement.
    c.execute("INSERT INTO t VALUES(1)", &[]).unwrap();
    assert!(c.execute("INSERT INTO t VALUES(1)", &[]).is_err());
    assert_eq!((c.autocommit(), c.rollbacks()), (false, 0));
    // OR ROLLBACK ends the transaction: SQLite rolls it back itself.
    let r = c.execute("INSERT OR ROLLBACK INTO t VALUES(1)", &[]);
    assert_eq!(r.unwrap_err(), "UNIQUE constraint failed: t.x");
    assert_eq!((c.autocommit(), c.rollbacks()), (true, 1));
    assert_eq!(c.query("SELECT x FROM t", &[]).unwrap().len(), 0);
    c.execute("BEGIN", &[]).unwrap();
    c.execute("ROLLBACK", &[]).unwrap();
    assert_eq!((c.autocommit(), c.rollbacks()), (true, 2));
}

#[test]
fn null_parameters() {
    let c = open(":memory:").unwrap();
    c.execute("CREATE TABLE t(a, b)", &[]).unwrap();
    let p = vec![None, Some("x".to_string())];
    assert_eq!(c.execute("INSERT INTO t VALUES(?, ?)", &p).unwrap(), 1);
    let rows = c
        .query("SELECT a IS NULL AS n, b FROM t WHERE a IS ?", &[None])
        .unwrap();
    assert_eq!(rows[0][0].1, "1");
    assert_eq!(rows[0][1].1, "x");
}
