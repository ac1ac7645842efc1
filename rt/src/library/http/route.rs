//! Route selection (§5.1.2), on patterns and paths as text: three passes
//! (exact, parameterised, wildcard), registration order within a pass, a
//! route whose method differs skipped.

/// The pass a pattern belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Exact,
    Param,
    Wild,
}

pub fn kind(pattern: &str) -> Kind {
    if pattern.split('/').any(|s| s.starts_with(':')) {
        Kind::Param
    } else if pattern.ends_with("/*") {
        Kind::Wild
    } else {
        Kind::Exact
    }
}

/// The captures of `path` under `pattern`, if it matches.
pub fn matches(pattern: &str, path: &str) -> Option<Vec<(String, String)>> {
    match kind(pattern) {
        Kind::Exact => (pattern == path).then(Vec::new),
        Kind::Wild => {
            let p = &pattern[..pattern.len() - 1];
            (path.starts_with(p) || path == &p[..p.len() - 1]).then(Vec::new)
        }
        Kind::Param => {
            let ps: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
            let xs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
            if ps.len() != xs.len() {
                return None;
            }
            let mut caps = Vec::new();
            for (p, x) in ps.iter().zip(&xs) {
                match p.strip_prefix(':') {
                    Some(name) => caps.push((name.to_string(), x.to_string())),
                    None if p == x => {}
                    None => return None,
                }
            }
            Some(caps)
        }
    }
}

/// Does a route registered for `route_method` ("" for any) take a request
/// with `method`? A HEAD request is answered as a GET.
pub fn method_fits(route_method: &str, method: &str) -> bool {
    route_method.is_empty() || route_method == method || (method == "HEAD" && route_method == "GET")
}

/// The first route of `routes` (method, pattern), in registration order,
/// that takes the request, with its captures.
pub fn select(
    routes: &[(&str, &str)],
    method: &str,
    path: &str,
) -> Option<(usize, Vec<(String, String)>)> {
    for pass in [Kind::Exact, Kind::Param, Kind::Wild] {
        for (i, (m, p)) in routes.iter().enumerate() {
            if kind(p) != pass || !method_fits(m, method) {
                continue;
            }
            if let Some(caps) = matches(p, path) {
                return Some((i, caps));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn exact_patterns_match_byte_for_byte() {
        assert_eq!(matches("/a", "/a"), Some(vec![]));
        assert_eq!(matches("/a", "/a/"), None);
        assert_eq!(matches("/a", "/A"), None);
    }

    #[test]
    fn parameters_capture_segments_ignoring_empty_ones() {
        assert_eq!(
            matches("/users/:id", "/users/42/"),
            Some(caps(&[("id", "42")]))
        );
        assert_eq!(matches("/users/:id", "/users/42/x"), None);
        assert_eq!(matches("/users/:id", "/posts/42"), None);
        assert_eq!(
            matches("/a/:x/b/:x", "/a/1/b/2"),
            Some(caps(&[("x", "1"), ("x", "2")]))
        );
        // With a `:` segment a `*` is a literal segment.
        assert_eq!(kind("/a/:x/*"), Kind::Param);
        assert_eq!(matches("/a/:x/*", "/a/1/*"), Some(caps(&[("x", "1")])));
        assert_eq!(matches("/a/:x/*", "/a/1/2"), None);
    }

    #[test]
    fn wildcards_match_their_prefix_and_its_bare_form() {
        for path in ["/api", "/api/", "/api/x/y"] {
            assert_eq!(matches("/api/*", path), Some(vec![]), "{path}");
        }
        assert_eq!(matches("/api/*", "/apix"), None);
        assert_eq!(matches("/*", "/anything/at/all"), Some(vec![]));
    }

    #[test]
    fn passes_go_exact_then_parameterised_then_wildcard() {
        let routes = [("GET", "/users/:id"), ("GET", "/users/me"), ("", "/*")];
        assert_eq!(select(&routes, "GET", "/users/me").map(|r| r.0), Some(1));
        assert_eq!(select(&routes, "GET", "/users/7").map(|r| r.0), Some(0));
        // A pattern match with the wrong method is skipped.
        assert_eq!(select(&routes, "POST", "/users/7").map(|r| r.0), Some(2));
        assert_eq!(select(&routes[..2], "POST", "/users/7"), None);
        // Methods are case-sensitive; HEAD is answered as GET.
        assert_eq!(select(&routes[..2], "get", "/users/7"), None);
        assert_eq!(
            select(&routes[..2], "HEAD", "/users/7").map(|r| r.0),
            Some(0)
        );
    }

    #[test]
    fn first_registered_wins_within_a_pass() {
        let routes = [("", "/a/:x"), ("GET", "/a/:y")];
        assert_eq!(
            select(&routes, "GET", "/a/1"),
            Some((0, caps(&[("x", "1")])))
        );
    }
}
