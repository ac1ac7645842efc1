//! The HTTP client (chapter 05 §5.2): `HTTP.get`, `HTTP.post` and
//! `HTTP.request`. One connection per request (`Connection: close`), run
//! in the calling process on the reactor: resolving, connecting, the TLS
//! handshake and every read and write park the process, never the worker.
//!
//! URLs (`url`), connections and TLS (`transport`), reading a response
//! (`response`) and the `HttpReply` value (`reply`) have their own files;
//! this one builds requests, follows redirects and makes the results.
//!
//! Errors name the URL and the problem (`<url>: connection failed: ...`),
//! except the body cap's exact `response body exceeds 10 MiB`.

pub mod reply;
mod response;
mod transport;
pub mod url;

use super::wire;
use crate::base::abi::*;
use crate::gc::store::Table;
use crate::process::clock;
use crate::values::layout;
use crate::values::map::{snow_map_key_at, snow_map_size, snow_map_value_at};
use crate::values::recursion::with_room;
use crate::values::string::{new_str, str_of};
use response::{Failure, Reply};
use std::io::{self, ErrorKind, Write};
use std::sync::OnceLock;
use transport::Conn;
use url::Url;

/// Redirects followed before giving up.
const MAX_REDIRECTS: usize = 5;

/// Connect and total timeouts, in nanoseconds: 30 s and 60 s (§5.2), or
/// `SNOW_HTTP_CLIENT_CONNECT_TIMEOUT_MS` and `SNOW_HTTP_CLIENT_TIMEOUT_MS`
/// (for tests).
fn timeouts() -> (u64, u64) {
    static T: OnceLock<(u64, u64)> = OnceLock::new();
    *T.get_or_init(|| {
        let ms = crate::library::system::env_ms;
        (
            ms("SNOW_HTTP_CLIENT_CONNECT_TIMEOUT_MS", 30_000),
            ms("SNOW_HTTP_CLIENT_TIMEOUT_MS", 60_000),
        )
    })
}

/// A request to send (again, after a redirect).
struct Outgoing {
    method: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
}

impl Outgoing {
    fn has(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    fn drop_headers(&mut self, names: &[&str]) {
        self.headers
            .retain(|(n, _)| !names.iter().any(|d| n.eq_ignore_ascii_case(d)));
    }

    /// The request's bytes: our defaults unless given, then the caller's
    /// headers, then the framing (ours only).
    fn bytes(&self, url: &Url) -> Vec<u8> {
        let mut h = format!("{} {} HTTP/1.1\r\n", self.method, url.target);
        for (name, value) in [
            ("Host", url.host_header()),
            (
                "User-Agent",
                concat!("snow/", env!("CARGO_PKG_VERSION")).into(),
            ),
            ("Accept", "*/*".into()),
            ("Accept-Encoding", "gzip".into()),
        ] {
            if !self.has(name) {
                h.push_str(&format!("{name}: {value}\r\n"));
            }
        }
        for (n, v) in &self.headers {
            h.push_str(&format!("{n}: {v}\r\n"));
        }
        let with_body = matches!(self.method.as_str(), "POST" | "PUT" | "PATCH");
        match &self.body {
            Some(b) => h.push_str(&format!("Content-Length: {}\r\n", b.len())),
            None if with_body => h.push_str("Content-Length: 0\r\n"),
            None => {}
        }
        h.push_str("Connection: close\r\n\r\n");
        let mut out = h.into_bytes();
        out.extend_from_slice(self.body.as_deref().unwrap_or_default());
        out
    }
}

/// How a request failed: the cap, or a problem to put after the URL.
enum Fail {
    TooBig,
    Problem(String),
}

fn io_problem(e: &io::Error) -> String {
    if let Some(t) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
        return format!("TLS: {t}");
    }
    match e.kind() {
        ErrorKind::TimedOut => "timed out".into(),
        ErrorKind::UnexpectedEof => e.to_string(),
        ErrorKind::InvalidData | ErrorKind::InvalidInput => format!("malformed response: {e}"),
        _ => format!("network error: {e}"),
    }
}

/// One exchange on a new connection.
unsafe fn once(ctx: *mut Ctx, url: &Url, req: &Outgoing, done_by: u64) -> Result<Reply, Fail> {
    let connect_by = done_by.min(clock::now_ns() + timeouts().0);
    let mut conn = Conn::open(ctx, url, connect_by, done_by).map_err(Fail::Problem)?;
    let sent = conn.write_all(&req.bytes(url)).and_then(|()| conn.flush());
    let head_only = req.method == "HEAD";
    let got = match sent {
        // A server may answer (and close) before reading everything: the
        // answer counts, else the write's error.
        Err(e) if e.kind() != ErrorKind::TimedOut => {
            response::read(&mut conn, head_only).map_err(|_| Failure::Io(e))
        }
        Err(e) => Err(Failure::Io(e)),
        Ok(()) => response::read(&mut conn, head_only),
    };
    conn.close();
    got.map_err(|f| match f {
        Failure::TooBig => Fail::TooBig,
        Failure::Malformed(m) => Fail::Problem(format!("malformed response: {m}")),
        Failure::Io(e) => Fail::Problem(io_problem(&e)),
    })
}

/// The stack a request needs (rustls and ring during the handshake, the
/// gzip decoder, the head's header slots), beyond a first segment's.
const STACK_ROOM: usize = 256 << 10;
static IN_HTTP_CLIENT: FnLoc = FnLoc::runtime(c"HTTP client");

/// Sends `req` to `url_text`, following redirects; the reply and the URL
/// that gave it. Runs where the stack has `STACK_ROOM`.
unsafe fn fetch(ctx: *mut Ctx, url_text: &str, req: Outgoing) -> Result<(String, Reply), String> {
    with_room(ctx, &IN_HTTP_CLIENT, STACK_ROOM, || {
        follow(ctx, url_text, req)
    })
}

unsafe fn follow(
    ctx: *mut Ctx,
    url_text: &str,
    mut req: Outgoing,
) -> Result<(String, Reply), String> {
    let done_by = clock::now_ns() + timeouts().1;
    let mut url = Url::parse(url_text).map_err(|e| format!("{url_text}: {e}"))?;
    let mut current = url_text.to_string();
    let mut redirects = 0;
    loop {
        let reply = once(ctx, &url, &req, done_by).map_err(|f| match f {
            Fail::TooBig => "response body exceeds 10 MiB".to_string(),
            Fail::Problem(p) => format!("{current}: {p}"),
        })?;
        let location = reply.header("location");
        let (true, Some(loc)) = (
            matches!(reply.status, 301 | 302 | 303 | 307 | 308),
            location,
        ) else {
            return Ok((current, reply));
        };
        if redirects == MAX_REDIRECTS {
            return Err(format!(
                "{url_text}: too many redirects (more than {MAX_REDIRECTS})"
            ));
        }
        redirects += 1;
        let next = url
            .join(loc.trim())
            .map_err(|e| format!("{current}: redirect to `{loc}`: {e}"))?;
        // 303, and 301/302 after a POST, continue as a GET without the
        // body; 307 and 308 repeat the request as it was.
        let to_get = match reply.status {
            303 => req.method != "HEAD",
            301 | 302 => req.method == "POST",
            _ => false,
        };
        if to_get {
            req.method = "GET".into();
            req.body = None;
            req.drop_headers(&["content-type"]);
        }
        if (&next.host, next.port, next.tls) != (&url.host, url.port, url.tls) {
            req.drop_headers(&["authorization", "cookie", "proxy-authorization"]);
        }
        url = next;
        current = url.to_text();
    }
}

/// A method is a token; header names are tokens, values have no line
/// breaks (anything else would change the request's meaning on the wire).
fn check(method: &str, headers: &[(String, String)]) -> Result<(), String> {
    if !wire::is_token(method) {
        return Err(format!("invalid method `{method}`"));
    }
    let pairs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    match wire::invalid_header(&pairs) {
        Some(n) => Err(format!("invalid header `{n}`")),
        None => Ok(()),
    }
}

/// `Ok(body)` for a status below 400.
unsafe fn body_of(ctx: *mut Ctx, res: *const SnowType, url: &str, req: Outgoing) -> *mut u8 {
    let r = match fetch(ctx, url, req) {
        Ok((at, reply)) if reply.status >= 400 => {
            Err(format!("{at}: status code {}", reply.status))
        }
        Ok((_, reply)) => Ok(reply.body),
        Err(e) => Err(e),
    };
    match r {
        Ok(body) => {
            let s = new_str(ctx, String::from_utf8_lossy(&body).as_bytes());
            layout::result(ctx, res, Ok(s as usize as Word))
        }
        Err(e) => layout::result(ctx, res, Err(e.as_bytes())),
    }
}

/// # Safety
/// `res` describes `Result<String, String>`; `url` is a live string.
#[no_mangle]
pub unsafe extern "C" fn snow_http_get(
    ctx: *mut Ctx,
    res: *const SnowType,
    url: *mut SnowStr,
) -> *mut u8 {
    let req = Outgoing {
        method: "GET".into(),
        headers: Vec::new(),
        body: None,
    };
    body_of(ctx, res, str_of(url), req)
}

/// # Safety
/// `res` describes `Result<String, String>`; the strings are live.
#[no_mangle]
pub unsafe extern "C" fn snow_http_post(
    ctx: *mut Ctx,
    res: *const SnowType,
    url: *mut SnowStr,
    body: *mut SnowStr,
) -> *mut u8 {
    let req = Outgoing {
        method: "POST".into(),
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: Some(SnowStr::bytes(body).to_vec()),
    };
    body_of(ctx, res, str_of(url), req)
}

/// `HTTP.request(method, url, headers, body)`: any method, the caller's
/// headers, a body unless empty; every status is `Ok`.
///
/// # Safety
/// `res` describes `Result<HttpReply, String>`; the arguments are live
/// (`headers` a `Map<String, String>`).
#[no_mangle]
pub unsafe extern "C" fn snow_http_request(
    ctx: *mut Ctx,
    res: *const SnowType,
    method: *mut SnowStr,
    url: *mut SnowStr,
    headers: *mut Table,
    body: *mut SnowStr,
) -> *mut u8 {
    let url = str_of(url).to_string();
    let method = str_of(method).to_string();
    let headers: Vec<(String, String)> = (0..snow_map_size(headers))
        .map(|i| {
            let k = snow_map_key_at(headers, i) as usize as *const SnowStr;
            let v = snow_map_value_at(headers, i) as usize as *const SnowStr;
            (str_of(k).to_string(), str_of(v).to_string())
        })
        .collect();
    let body = SnowStr::bytes(body);
    let mut req = Outgoing {
        method,
        headers,
        body: (!body.is_empty()).then(|| body.to_vec()),
    };
    // The framing is ours.
    req.drop_headers(&["content-length", "transfer-encoding", "connection"]);
    let r = check(&req.method, &req.headers)
        .map_err(|e| format!("{url}: {e}"))
        .and_then(|()| fetch(ctx, &url, req));
    match r {
        Ok((_, reply)) => {
            let w = reply::new_reply(ctx, &reply);
            layout::result(ctx, res, Ok(w))
        }
        Err(e) => layout::result(ctx, res, Err(e.as_bytes())),
    }
}
