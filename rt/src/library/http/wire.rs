//! The HTTP/1.1 wire format, without I/O: request heads (through
//! `httparse`, after the header-line checks it leaves out, with the `Host`
//! rule and absolute-form targets made origin-form) and the framing of their
//! bodies, chunked bodies (trailers under the head's limits), the header
//! checks shared with the client, and the bytes of a response. The connection loop (`conn`) drives these over a
//! socket.

use crate::values::string::push_int;
use httparse::{Status, EMPTY_HEADER};

/// Largest request head (request line and header fields) accepted.
pub const MAX_HEAD: usize = 8192;
/// Most header fields accepted.
pub const MAX_HEADERS: usize = 100;
/// Largest request body accepted.
pub const MAX_BODY: usize = 8 * 1024 * 1024;

/// A parsed request head.
#[derive(Debug, PartialEq)]
pub struct Head {
    pub method: String,
    pub target: String,
    /// The minor version: 0 for HTTP/1.0, 1 for HTTP/1.1.
    pub minor: u8,
    /// Names and values as sent (values trimmed, invalid UTF-8 replaced).
    pub headers: Vec<(String, String)>,
    /// Bytes the head took in the buffer.
    pub len: usize,
}

impl Head {
    /// The last value of header `name` (ASCII case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .rev()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Is there a header `name` (ASCII case-insensitive)?
    pub fn has(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    /// Does a comma-separated header `name` list `token`?
    pub fn lists(&self, name: &str, token: &str) -> bool {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .flat_map(|(_, v)| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    }

    /// Keep the connection open after answering (ruling 11): HTTP/1.1
    /// unless `Connection: close`, HTTP/1.0 only with `keep-alive`. A
    /// request framed by both `Transfer-Encoding` and `Content-Length`
    /// closes it (RFC 9112 §6.3): someone on the way may have read the
    /// other one.
    pub fn keep_alive(&self) -> bool {
        if self.has("transfer-encoding") && self.has("content-length") {
            false
        } else if self.minor == 0 {
            self.lists("connection", "keep-alive")
        } else {
            !self.lists("connection", "close")
        }
    }

    /// How the body is framed.
    pub fn framing(&self) -> Result<Framing, Refusal> {
        let te: Vec<&str> = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("transfer-encoding"))
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .collect();
        if self.minor == 0 && self.has("transfer-encoding") {
            // HTTP/1.0 has no transfer codings: the framing is not to be
            // trusted (RFC 9112 §6.1).
            return Err(Refusal::new(
                400,
                "Transfer-Encoding in an HTTP/1.0 request",
            ));
        }
        if !te.is_empty() {
            return if te.len() == 1 && te[0].eq_ignore_ascii_case("chunked") {
                Ok(Framing::Chunked)
            } else {
                Err(Refusal::new(501, "unsupported transfer encoding"))
            };
        }
        let mut len: Option<u64> = None;
        for (n, v) in &self.headers {
            if !n.eq_ignore_ascii_case("content-length") {
                continue;
            }
            for part in v.split(',') {
                let p = part.trim();
                let ok = !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
                let n: u64 = match p.parse() {
                    Ok(n) if ok => n,
                    _ => return Err(Refusal::new(400, "invalid Content-Length")),
                };
                if len.is_some_and(|l| l != n) {
                    return Err(Refusal::new(400, "conflicting Content-Length"));
                }
                len = Some(n);
            }
        }
        match len {
            Some(n) if n > MAX_BODY as u64 => Err(Refusal::new(413, "body too large")),
            Some(n) => Ok(Framing::Length(n as usize)),
            None => Ok(Framing::Length(0)),
        }
    }
}

/// How a request body is delimited.
#[derive(Debug, PartialEq, Clone, Copy)]
pub enum Framing {
    Length(usize),
    Chunked,
}

/// A request answered by the protocol layer with an error status (and the
/// connection closed), with the reason logged.
#[derive(Debug, PartialEq)]
pub struct Refusal {
    pub status: i64,
    pub reason: &'static str,
}

impl Refusal {
    pub fn new(status: i64, reason: &'static str) -> Refusal {
        Refusal { status, reason }
    }
}

/// Parses the head at the start of `buf`: `Ok(None)` while incomplete.
/// Whitespace at the end of the request line is dropped first.
pub fn parse_head(buf: &[u8]) -> Result<Option<Head>, Refusal> {
    // The usual keep-alive case between requests: nothing to parse (and
    // no header array to set up).
    if buf.is_empty() {
        return Ok(None);
    }
    let Some(eol) = buf.iter().position(|&b| b == b'\n') else {
        return parse_trimmed(buf);
    };
    let line_end = if eol > 0 && buf[eol - 1] == b'\r' {
        eol - 1
    } else {
        eol
    };
    let kept = buf[..line_end]
        .iter()
        .rposition(|&b| b != b' ' && b != b'\t')
        .map_or(0, |i| i + 1);
    if kept == line_end {
        return parse_trimmed(buf);
    }
    let mut copy = buf[..kept].to_vec();
    copy.extend_from_slice(&buf[line_end..]);
    let cut = line_end - kept;
    Ok(parse_trimmed(&copy)?.map(|h| Head {
        len: h.len + cut,
        ..h
    }))
}

fn parse_trimmed(buf: &[u8]) -> Result<Option<Head>, Refusal> {
    let mut fields = [EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut fields);
    let too_big = Refusal::new(431, "request header fields too large");
    // A malformed header line is refused, never skipped: skipped,
    // `Content-Length : 5` would leave the body to be read as the next
    // request by us and as a body by a proxy that took it. Only a line
    // without a colon is skipped (§5.1.5), which httparse then does.
    check_header_lines(buf)?;
    let mut cfg = httparse::ParserConfig::default();
    cfg.ignore_invalid_headers_in_requests(true);
    match cfg.parse_request(&mut req, buf) {
        Ok(Status::Complete(n)) if n > MAX_HEAD => Err(too_big),
        Ok(Status::Complete(n)) => {
            let head = Head {
                method: req.method.unwrap_or_default().to_string(),
                target: origin_form(req.path.unwrap_or_default()),
                minor: req.version.unwrap_or(1),
                headers: req
                    .headers
                    .iter()
                    .map(|h| {
                        let v = String::from_utf8_lossy(h.value);
                        (h.name.to_string(), v.trim().to_string())
                    })
                    .collect(),
                len: n,
            };
            // HTTP/1.1 requires exactly one Host (RFC 9112 §3.2).
            let hosts = head
                .headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case("host"))
                .count();
            match (head.minor, hosts) {
                (1, 0) => Err(Refusal::new(400, "missing Host header")),
                (_, 2..) => Err(Refusal::new(400, "more than one Host header")),
                _ => Ok(Some(head)),
            }
        }
        Ok(Status::Partial) if buf.len() > MAX_HEAD => Err(too_big),
        Ok(Status::Partial) => Ok(None),
        Err(httparse::Error::TooManyHeaders) => Err(too_big),
        Err(httparse::Error::HeaderName) => Err(Refusal::new(400, "invalid header name")),
        Err(httparse::Error::HeaderValue) => Err(Refusal::new(400, "invalid header value")),
        Err(httparse::Error::Version) if version_token(buf).starts_with(b"HTTP/") => {
            Err(Refusal::new(505, "unsupported HTTP version"))
        }
        Err(_) => Err(Refusal::new(400, "malformed request")),
    }
}

/// The complete header lines of a (possibly partial) head: one with a
/// colon must be `token: value` with no control byte but HTAB in the
/// value; none may start with whitespace (obs-fold, RFC 9112 §5.2). A
/// line without a colon passes (the parser skips it).
fn check_header_lines(buf: &[u8]) -> Result<(), Refusal> {
    let Some(first) = buf.iter().position(|&b| b == b'\n') else {
        return Ok(());
    };
    let mut rest = &buf[first + 1..];
    while let Some(eol) = rest.iter().position(|&b| b == b'\n') {
        let line = &rest[..eol];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break; // the end of the head
        }
        if matches!(line[0], b' ' | b'\t') {
            return Err(Refusal::new(400, "invalid header name"));
        }
        if let Some(colon) = line.iter().position(|&b| b == b':') {
            if !is_token_bytes(&line[..colon]) {
                return Err(Refusal::new(400, "invalid header name"));
            }
            let control = |&b: &u8| (b < 0x20 && b != b'\t') || b == 0x7f;
            if line[colon + 1..].iter().any(control) {
                return Err(Refusal::new(400, "invalid header value"));
            }
        }
        rest = &rest[eol + 1..];
    }
    Ok(())
}

/// The path and query of an absolute-form target (`http://host/p?q` is
/// `/p?q`, `http://host?q` is `/?q`; RFC 9112 §3.2.2); other targets as
/// they are.
fn origin_form(target: &str) -> String {
    let absolute = target.split_once("://").filter(|(scheme, _)| {
        scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")
    });
    let Some((_, rest)) = absolute else {
        return target.to_string();
    };
    match rest.find(['/', '?']) {
        Some(i) if rest.as_bytes()[i] == b'/' => rest[i..].to_string(),
        Some(i) => format!("/{}", &rest[i..]),
        None => "/".to_string(),
    }
}

/// The third token of the request line.
fn version_token(buf: &[u8]) -> &[u8] {
    let line = buf.split(|&b| b == b'\n').next().unwrap_or_default();
    line.split(|&b| b == b' ')
        .filter(|t| !t.is_empty())
        .nth(2)
        .unwrap_or_default()
}

/// Progress of a chunked body being decoded from a buffer.
#[derive(Default, Debug)]
pub struct Chunked {
    pub body: Vec<u8>,
    /// Bytes of the buffer consumed so far.
    pub used: usize,
    /// Bytes still to take from the current chunk (and then its CRLF).
    in_chunk: Option<usize>,
    /// Trailer lines and bytes read so far, once the last chunk is in:
    /// `None` before.
    trailers: Option<(usize, usize)>,
}

impl Chunked {
    /// A decoder for the body starting at `at` in the buffer.
    pub fn at(at: usize) -> Chunked {
        Chunked {
            used: at,
            ..Default::default()
        }
    }

    /// Consumes what it can of `buf[self.used..]`: `Ok(true)` once the
    /// body and its trailers are complete.
    pub fn advance(&mut self, buf: &[u8]) -> Result<bool, Refusal> {
        let bad = || Refusal::new(400, "malformed chunked body");
        loop {
            let rest = &buf[self.used..];
            if let Some((lines, bytes)) = &mut self.trailers {
                // Trailer fields are read and dropped, up to a blank line,
                // within the limits of a head's fields.
                let too_big = || Refusal::new(431, "request header fields too large");
                let Some(i) = rest.iter().position(|&b| b == b'\n') else {
                    return if *bytes + rest.len() > MAX_HEAD {
                        Err(too_big())
                    } else {
                        Ok(false)
                    };
                };
                self.used += i + 1;
                if rest[..i].iter().all(|&b| b == b'\r') {
                    return Ok(true);
                }
                *lines += 1;
                *bytes += i + 1;
                if *lines > MAX_HEADERS || *bytes > MAX_HEAD {
                    return Err(too_big());
                }
                continue;
            }
            match self.in_chunk {
                None => match httparse::parse_chunk_size(rest) {
                    Ok(Status::Complete((n, size))) => {
                        self.used += n;
                        if size == 0 {
                            self.trailers = Some((0, 0));
                        } else if self.body.len() as u64 + size > MAX_BODY as u64 {
                            return Err(Refusal::new(413, "body too large"));
                        } else {
                            self.in_chunk = Some(size as usize);
                        }
                    }
                    Ok(Status::Partial) if rest.len() > 1024 => return Err(bad()),
                    Ok(Status::Partial) => return Ok(false),
                    Err(_) => return Err(bad()),
                },
                Some(left) => {
                    let take = left.min(rest.len());
                    self.body.extend_from_slice(&rest[..take]);
                    self.used += take;
                    if take < left {
                        self.in_chunk = Some(left - take);
                        return Ok(false);
                    }
                    let rest = &buf[self.used..];
                    if rest.len() < 2 && !rest.starts_with(b"\n") {
                        self.in_chunk = Some(0);
                        return Ok(false);
                    }
                    let crlf = if rest.starts_with(b"\r\n") {
                        2
                    } else if rest.starts_with(b"\n") {
                        1
                    } else {
                        return Err(bad());
                    };
                    self.used += crlf;
                    self.in_chunk = None;
                }
            }
        }
    }
}

/// The standard reason phrase of `status` (100..=599).
pub fn reason(status: i64) -> &'static str {
    match status {
        100 => "Continue",
        101 => "Switching Protocols",
        102 => "Processing",
        103 => "Early Hints",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        207 => "Multi-Status",
        208 => "Already Reported",
        226 => "IM Used",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        305 => "Use Proxy",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        418 => "I'm a teapot",
        421 => "Misdirected Request",
        422 => "Unprocessable Content",
        423 => "Locked",
        424 => "Failed Dependency",
        425 => "Too Early",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        506 => "Variant Also Negotiates",
        507 => "Insufficient Storage",
        508 => "Loop Detected",
        510 => "Not Extended",
        511 => "Network Authentication Required",
        // Unassigned codes: the phrase of their class.
        _ => match status / 100 {
            1 => "Informational",
            2 => "Success",
            3 => "Redirection",
            4 => "Client Error",
            _ => "Server Error",
        },
    }
}

/// Is `s` an HTTP token (a method or a header name, RFC 9110 §5.6.2)?
pub fn is_token(s: &str) -> bool {
    is_token_bytes(s.as_bytes())
}

fn is_token_bytes(s: &[u8]) -> bool {
    !s.is_empty()
        && s.iter()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(b))
}

/// A header the server writes itself from the response (its framing and
/// `Content-Type`), so a handler's own is not sent.
pub fn is_framing(name: &str) -> bool {
    [
        "content-type",
        "content-length",
        "connection",
        "transfer-encoding",
    ]
    .iter()
    .any(|f| name.eq_ignore_ascii_case(f))
}

/// The first header of `headers` that cannot go on the wire as written:
/// a name that is not a token, or a value with CR, LF or NUL (which would
/// end the line and let the rest pass for headers or a body of its own).
pub fn invalid_header<'a>(headers: &[(&'a str, &str)]) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, v)| !is_token(n) || v.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0)))
        .map(|(n, _)| *n)
}

/// The bytes of a response. `extra` are the handler's headers (a
/// `Content-Type` among them replaces the default); with `head_only` the
/// body is left out (its length is still announced). A 204 or 304 has
/// neither body nor `Content-Length` (RFC 9110 §8.6, §15.3.5): sent, the
/// body would pass for the next response on a kept-alive connection.
pub fn response(
    status: i64,
    body: &[u8],
    extra: &[(&str, &str)],
    keep_alive: bool,
    head_only: bool,
) -> Vec<u8> {
    // Pieces appended as bytes: `format!` was a tenth of the instructions
    // of a keep-alive request (bench/http).
    let mut out = Vec::with_capacity(160 + body.len());
    let ct = extra
        .iter()
        .rev()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        .map_or("application/json; charset=utf-8", |(_, v)| v);
    let conn = if keep_alive { "keep-alive" } else { "close" };
    let bodiless = matches!(status, 204 | 304);
    out.extend_from_slice(b"HTTP/1.1 ");
    push_int(&mut out, status);
    for piece in [" ", reason(status), "\r\nContent-Type: ", ct] {
        out.extend_from_slice(piece.as_bytes());
    }
    if !bodiless {
        out.extend_from_slice(b"\r\nContent-Length: ");
        push_int(&mut out, body.len() as i64);
    }
    for piece in ["\r\nConnection: ", conn, "\r\n"] {
        out.extend_from_slice(piece.as_bytes());
    }
    for (n, v) in extra {
        // Framing is the server's: a handler's own is dropped.
        if !is_framing(n) {
            for piece in [n, ": ", v, "\r\n"] {
                out.extend_from_slice(piece.as_bytes());
            }
        }
    }
    out.extend_from_slice(b"\r\n");
    if !head_only && !bodiless {
        out.extend_from_slice(body);
    }
    out
}

#[cfg(test)]
#[path = "wire_tests.rs"]
mod tests;
