//! The URLs the client accepts: `http://` or `https://`, a host (a name,
//! an IPv4 address or a bracketed IPv6 one), an optional port, and a
//! target (path and query; the fragment is dropped). Redirect locations
//! are resolved against the URL that answered with them.

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    pub tls: bool,
    /// Without brackets for IPv6.
    pub host: String,
    pub port: u16,
    /// Path and query, starting with `/`.
    pub target: String,
}

impl Url {
    pub fn parse(text: &str) -> Result<Url, String> {
        if text.bytes().any(|b| b <= b' ' || b == 0x7f) {
            return Err("invalid URL: spaces or control characters".into());
        }
        let (scheme, rest) = text
            .split_once("://")
            .ok_or("invalid URL: no scheme (expected http:// or https://)")?;
        let tls = match scheme.to_ascii_lowercase().as_str() {
            "http" => false,
            "https" => true,
            _ => return Err(format!("unsupported URL scheme `{scheme}`")),
        };
        let rest = rest.split('#').next().unwrap_or("");
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, target) = rest.split_at(end);
        if authority.contains('@') {
            return Err("invalid URL: credentials in URLs are not supported".into());
        }
        let (host, port) = split_port(authority)?;
        if host.is_empty() {
            return Err("invalid URL: no host".into());
        }
        let target = match target {
            "" => "/".to_string(),
            t if t.starts_with('?') => format!("/{t}"),
            t => t.to_string(),
        };
        Ok(Url {
            tls,
            host: host.to_string(),
            port: port.unwrap_or(if tls { 443 } else { 80 }),
            target,
        })
    }

    /// The value of the `Host` header: the port only when not the default.
    pub fn host_header(&self) -> String {
        let h = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        if self.port == if self.tls { 443 } else { 80 } {
            h
        } else {
            format!("{h}:{}", self.port)
        }
    }

    /// The URL written out again.
    pub fn to_text(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}{}", self.host_header(), self.target)
    }

    /// `location` (a redirect's) resolved against `self`: absolute,
    /// scheme-relative (`//host/x`), absolute-path or relative-path.
    pub fn join(&self, location: &str) -> Result<Url, String> {
        let scheme = if self.tls { "https" } else { "http" };
        if location.contains("://") {
            Url::parse(location)
        } else if let Some(rest) = location.strip_prefix("//") {
            Url::parse(&format!("{scheme}://{rest}"))
        } else if location.starts_with('/') {
            Url::parse(&format!("{scheme}://{}{location}", self.host_header()))
        } else {
            let path = self.target.split('?').next().unwrap_or("/");
            let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
            let sep = if dir.is_empty() { "/" } else { "" };
            Url::parse(&format!(
                "{scheme}://{}{sep}{dir}{location}",
                self.host_header()
            ))
        }
    }
}

/// `host[:port]` or `[v6][:port]`.
fn split_port(authority: &str) -> Result<(&str, Option<u16>), String> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (h, after) = rest
            .split_once(']')
            .ok_or("invalid URL: unclosed `[` in the host")?;
        match after {
            "" => (h, None),
            p => (h, Some(p.strip_prefix(':').ok_or("invalid URL: bad host")?)),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let port = match port {
        None | Some("") => None,
        Some(p) => Some(
            p.parse::<u16>()
                .ok()
                .filter(|&n| n != 0)
                .ok_or_else(|| format!("invalid URL: bad port `{p}`"))?,
        ),
    };
    Ok((host, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(t: &str) -> Url {
        Url::parse(t).unwrap()
    }

    #[test]
    fn parses_hosts_ports_and_targets() {
        let a = u("http://example.com");
        assert_eq!(
            (a.tls, &a.host[..], a.port, &a.target[..]),
            (false, "example.com", 80, "/")
        );
        let b = u("HTTPS://127.0.0.1:8443/a/b?x=1#frag");
        assert_eq!(
            (b.tls, &b.host[..], b.port, &b.target[..]),
            (true, "127.0.0.1", 8443, "/a/b?x=1")
        );
        let c = u("http://[::1]:81?q");
        assert_eq!((&c.host[..], c.port, &c.target[..]), ("::1", 81, "/?q"));
        assert_eq!(c.host_header(), "[::1]:81");
        assert_eq!(u("https://h:443/x").to_text(), "https://h/x");
    }

    #[test]
    fn rejects_what_it_cannot_fetch() {
        for (t, e) in [
            ("ftp://h/", "unsupported URL scheme `ftp`"),
            (
                "example.com/x",
                "invalid URL: no scheme (expected http:// or https://)",
            ),
            ("http://h:99999/", "invalid URL: bad port `99999`"),
            ("http:///x", "invalid URL: no host"),
            (
                "http://u:p@h/",
                "invalid URL: credentials in URLs are not supported",
            ),
            ("http://h/a b", "invalid URL: spaces or control characters"),
        ] {
            assert_eq!(Url::parse(t), Err(e.to_string()), "{t}");
        }
    }

    #[test]
    fn resolves_redirect_locations() {
        let base = u("http://h:8080/a/b?q=1");
        assert_eq!(base.join("https://o/x").unwrap().to_text(), "https://o/x");
        assert_eq!(base.join("//o/x").unwrap().to_text(), "http://o/x");
        assert_eq!(base.join("/x?y").unwrap().to_text(), "http://h:8080/x?y");
        assert_eq!(base.join("c").unwrap().to_text(), "http://h:8080/a/c");
    }
}
