use super::*;

fn ok(u: &str) -> PgUrl {
    parse(u).unwrap()
}

#[test]
fn defaults_port_database_and_sslmode() {
    let u = ok("postgres://alice@db.example");
    assert_eq!(
        u,
        PgUrl {
            user: "alice".into(),
            password: String::new(),
            host: "db.example".into(),
            port: 5432,
            database: "alice".into(),
            sslmode: SslMode::Prefer,
            sslrootcert: None,
        }
    );
}

#[test]
fn full_url_with_percent_decoding() {
    let u = ok("postgresql://us%40er:p%3Ass%2Fw%zz@127.0.0.1:6543/my%20db?sslmode=require&x=1");
    assert_eq!(u.user, "us@er");
    assert_eq!(u.password, "p:ss/w%zz");
    assert_eq!(u.host, "127.0.0.1");
    assert_eq!(u.port, 6543);
    assert_eq!(u.database, "my db");
    assert_eq!(u.sslmode, SslMode::Require);
}

#[test]
fn sslmodes_and_root_file() {
    assert_eq!(
        ok("postgres://u@h?sslmode=disable").sslmode,
        SslMode::Disable
    );
    assert_eq!(
        ok("postgres://u@h?sslmode=verify-full").sslmode,
        SslMode::VerifyFull
    );
    assert_eq!(
        ok("postgres://u@h?sslmode=verify-ca").sslmode,
        SslMode::VerifyFull
    );
    assert_eq!(ok("postgres://u@h?sslmode=bogus").sslmode, SslMode::Prefer);
    let u = ok("postgres://u@h/d?sslrootcert=/tmp/ca%20x.pem&sslmode=require");
    assert_eq!(u.sslrootcert.as_deref(), Some("/tmp/ca x.pem"));
    assert_eq!(u.database, "d");
}

#[test]
fn errors_are_the_spec_strings() {
    assert_eq!(
        parse("mysql://u@h").unwrap_err(),
        "URL must start with postgres:// or postgresql://"
    );
    assert_eq!(
        parse("postgres://h:5432/db").unwrap_err(),
        "URL missing '@' separator"
    );
    assert_eq!(
        parse("postgres://u@h:54x2/db").unwrap_err(),
        "invalid port: 54x2"
    );
    assert_eq!(parse("postgres://u@h:/db").unwrap_err(), "invalid port: ");
}

#[test]
fn password_may_hold_an_at_sign() {
    let u = ok("postgres://u:a@b@host/d");
    assert_eq!((u.password.as_str(), u.host.as_str()), ("a@b", "host"));
}

#[test]
fn a_fragment_is_ignored() {
    let u = ok("postgres://u@h:6000/d?sslmode=disable#frag");
    assert_eq!(
        (u.sslmode, u.port, u.database.as_str()),
        (SslMode::Disable, 6000, "d")
    );
    let u = ok("postgres://u@h/d?sslmode=require&sslrootcert=/ca.pem#x?y=1");
    assert_eq!(u.sslrootcert.as_deref(), Some("/ca.pem"));
    assert_eq!(ok("postgres://u@h/db#top").database, "db");
    assert_eq!(ok("postgres://u@h:7000#top").port, 7000);
    // Before the `@`, a `#` belongs to the password.
    let u = ok("postgres://u:p#w@h/d#f");
    assert_eq!((u.password.as_str(), u.database.as_str()), ("p#w", "d"));
}
