//! PostgreSQL URLs (§5.5.1):
//! `postgres[ql]://user[:password]@host[:port][/database][?params]`.
//! User, password and database are percent-decoded; the host is what
//! precedes the last `:` (no bracketed IPv6); the port defaults to 5432;
//! the database to the user name. Of the query parameters `sslmode` and
//! `sslrootcert` count (an unknown `sslmode` is `prefer`, `verify-ca` is
//! `verify-full`); others are ignored, as is a `#fragment`.

/// How TLS is negotiated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SslMode {
    /// Plaintext only.
    Disable,
    /// TLS when the server offers it, plaintext when it answers `N`.
    Prefer,
    /// TLS or fail. Both TLS modes verify the certificate and host name.
    Require,
    /// As `require` (the name says what every TLS mode here does).
    VerifyFull,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PgUrl {
    pub user: String,
    pub password: String,
    pub host: String,
    pub port: u16,
    pub database: String,
    pub sslmode: SslMode,
    /// A PEM file of the only roots to trust (`sslrootcert=`).
    pub sslrootcert: Option<String>,
}

/// Parses `url`; the error is one of the §5.8 strings.
pub fn parse(url: &str) -> Result<PgUrl, String> {
    let rest = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))
        .ok_or("URL must start with postgres:// or postgresql://")?;
    // A `#fragment` is no part of the address; it is looked for after the
    // credentials, whose password may hold a `#` as it may an `@`.
    let rest = match rest.rfind('@') {
        Some(at) => rest[at..].find('#').map_or(rest, |i| &rest[..at + i]),
        None => rest,
    };
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, q),
        None => (rest, ""),
    };
    // The last `@` ends the credentials: a password may contain `@` even
    // unencoded.
    let (cred, hostpart) = rest.rsplit_once('@').ok_or("URL missing '@' separator")?;
    let (user, password) = match cred.split_once(':') {
        Some((u, p)) => (decode(u), decode(p)),
        None => (decode(cred), String::new()),
    };
    let (hostport, database) = match hostpart.split_once('/') {
        Some((h, d)) => (h, decode(d)),
        None => (hostpart, String::new()),
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (
            h,
            p.parse::<u16>().map_err(|_| format!("invalid port: {p}"))?,
        ),
        None => (hostport, 5432),
    };
    let database = if database.is_empty() {
        user.clone()
    } else {
        database
    };
    let mut sslmode = SslMode::Prefer;
    let mut sslrootcert = None;
    for pair in query.split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match k {
            "sslmode" => {
                sslmode = match v {
                    "disable" => SslMode::Disable,
                    "require" => SslMode::Require,
                    // Never weaker than asked: `verify-ca` also checks the
                    // host name here.
                    "verify-full" | "verify-ca" => SslMode::VerifyFull,
                    _ => SslMode::Prefer,
                }
            }
            "sslrootcert" => sslrootcert = Some(decode(v)),
            _ => {}
        }
    }
    Ok(PgUrl {
        user,
        password,
        host: host.to_string(),
        port,
        database,
        sslmode,
        sslrootcert,
    })
}

/// Percent-decoding; a `%` not followed by two hex digits stays as it is,
/// and invalid UTF-8 is replaced.
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
#[path = "url_tests.rs"]
mod tests;
