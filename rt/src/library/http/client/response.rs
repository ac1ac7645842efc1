//! Reading a response: the head through `httparse` (interim `1xx` heads
//! skipped, at most `MAX_INTERIM` of them), then the body as its framing says (chunked, `Content-Length`
//! or until the peer closes), gunzipped when it says `gzip`, and capped.

use std::io::{self, ErrorKind, Read};

/// Largest decoded body (§5.2).
pub const BODY_CAP: usize = 10 << 20;
/// Largest head, and most header lines.
const HEAD_CAP: usize = 64 << 10;
const MAX_HEADERS: usize = 128;
/// Most interim (`1xx`) heads before the real one; a server that sends them
/// without end would otherwise hold the request until its overall timeout.
pub const MAX_INTERIM: usize = 5;

pub struct Reply {
    pub status: u16,
    /// Names in lower case, in arrival order (duplicates kept).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    /// The value of header `name` (lower case), duplicates joined by `, `.
    pub fn header(&self, name: &str) -> Option<String> {
        let vs: Vec<&str> = self
            .headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect();
        (!vs.is_empty()).then(|| vs.join(", "))
    }
}

/// Why a response could not be read.
pub enum Failure {
    Io(io::Error),
    Malformed(String),
    TooBig,
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Failure {
        Failure::Io(e)
    }
}

/// The connection's bytes, with what was read ahead of the head.
struct Wire<'a, R> {
    conn: &'a mut R,
    buf: Vec<u8>,
    pos: usize,
}

impl<R: Read> Wire<'_, R> {
    /// More bytes into `buf`; `false` at the end of the stream.
    fn fill(&mut self) -> io::Result<bool> {
        if self.pos == self.buf.len() {
            self.buf.clear();
            self.pos = 0;
        }
        let mut chunk = [0u8; 16 << 10];
        let n = self.conn.read(&mut chunk)?;
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(n > 0)
    }

    fn pending(&self) -> &[u8] {
        &self.buf[self.pos..]
    }

    /// One line ending in `\n` (with it), at most `HEAD_CAP` bytes.
    fn line(&mut self) -> Result<Vec<u8>, Failure> {
        loop {
            if let Some(i) = self.pending().iter().position(|&b| b == b'\n') {
                let l = self.pending()[..=i].to_vec();
                self.pos += i + 1;
                return Ok(l);
            }
            if self.pending().len() > HEAD_CAP {
                return Err(Failure::Malformed("line too long".into()));
            }
            if !self.fill()? {
                return Err(closed_early().into());
            }
        }
    }
}

impl<R: Read> Read for Wire<'_, R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pending().is_empty() && !self.fill()? {
            return Ok(0);
        }
        let n = out.len().min(self.pending().len());
        out[..n].copy_from_slice(&self.pending()[..n]);
        self.pos += n;
        Ok(n)
    }
}

fn closed_early() -> io::Error {
    io::Error::new(
        ErrorKind::UnexpectedEof,
        "connection closed before the response was complete",
    )
}

/// Reads the response to a request (of method `HEAD` when `head_only`).
pub fn read<R: Read>(conn: &mut R, head_only: bool) -> Result<Reply, Failure> {
    let mut w = Wire {
        conn,
        buf: Vec::new(),
        pos: 0,
    };
    let mut interim = 0;
    let (status, headers) = loop {
        let (status, headers) = read_head(&mut w)?;
        // Interim responses (100 Continue, 103 Early Hints) precede the
        // real one; 101 ends HTTP on this connection.
        if !(100..200).contains(&status) || status == 101 {
            break (status, headers);
        }
        interim += 1;
        if interim > MAX_INTERIM {
            return Err(Failure::Malformed(format!(
                "more than {MAX_INTERIM} interim (1xx) responses"
            )));
        }
    };
    let mut reply = Reply {
        status,
        headers,
        body: Vec::new(),
    };
    if head_only || status < 200 || status == 204 || status == 304 {
        return Ok(reply);
    }
    let chunked = reply
        .header("transfer-encoding")
        .is_some_and(|te| te.to_ascii_lowercase().trim_end().ends_with("chunked"));
    let framing = if chunked {
        Framing::Chunked {
            left: 0,
            done: false,
        }
    } else if let Some(cl) = reply.header("content-length") {
        let n = cl
            .trim()
            .parse::<u64>()
            .map_err(|_| Failure::Malformed(format!("bad Content-Length `{cl}`")))?;
        Framing::Length(n)
    } else {
        Framing::Close
    };
    let body = Body { w, framing };
    let gzip = reply
        .header("content-encoding")
        .is_some_and(|ce| matches!(ce.trim().to_ascii_lowercase().as_str(), "gzip" | "x-gzip"));
    reply.body = if gzip {
        // The body no longer has the encoding or the length it came with.
        reply
            .headers
            .retain(|(n, _)| n != "content-encoding" && n != "content-length");
        capped(flate2::read::MultiGzDecoder::new(body))
    } else {
        capped(body)
    }?;
    Ok(reply)
}

/// All of `r`, or `TooBig` past the cap.
fn capped(r: impl Read) -> Result<Vec<u8>, Failure> {
    let mut out = Vec::new();
    r.take(BODY_CAP as u64 + 1).read_to_end(&mut out)?;
    if out.len() > BODY_CAP {
        return Err(Failure::TooBig);
    }
    Ok(out)
}

fn read_head<R: Read>(w: &mut Wire<R>) -> Result<(u16, Vec<(String, String)>), Failure> {
    loop {
        let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut resp = httparse::Response::new(&mut slots);
        match resp.parse(w.pending()) {
            Ok(httparse::Status::Complete(n)) => {
                let status = resp.code.unwrap_or(0);
                let headers = resp
                    .headers
                    .iter()
                    .map(|h| {
                        (
                            h.name.to_ascii_lowercase(),
                            String::from_utf8_lossy(h.value).into_owned(),
                        )
                    })
                    .collect();
                w.pos += n;
                return Ok((status, headers));
            }
            Ok(httparse::Status::Partial) => {}
            Err(e) => return Err(Failure::Malformed(e.to_string())),
        }
        if w.pending().len() > HEAD_CAP {
            return Err(Failure::Malformed("head too large".into()));
        }
        if !w.fill()? {
            return Err(if w.pending().is_empty() {
                Failure::Io(io::Error::new(
                    ErrorKind::UnexpectedEof,
                    "connection closed without a response",
                ))
            } else {
                Failure::Io(closed_early())
            });
        }
    }
}

enum Framing {
    /// Bytes still to come.
    Length(u64),
    /// Bytes left in the current chunk; `done` after the last one.
    Chunked { left: u64, done: bool },
    /// Until the peer closes.
    Close,
}

/// The body's bytes, as its framing delimits them.
struct Body<'a, R> {
    w: Wire<'a, R>,
    framing: Framing,
}

impl<R: Read> Body<'_, R> {
    /// Reads the next chunk-size line (and the trailers after the last).
    fn next_chunk(&mut self) -> io::Result<u64> {
        let line = self.w.line().map_err(into_io)?;
        let size = match httparse::parse_chunk_size(&line) {
            Ok(httparse::Status::Complete((_, n))) => n,
            _ => return Err(io::Error::new(ErrorKind::InvalidData, "bad chunk size")),
        };
        if size == 0 {
            // Trailers, up to the empty line.
            while self.w.line().map_err(into_io)?.trim_ascii() != b"" {}
        }
        Ok(size)
    }
}

fn into_io(f: Failure) -> io::Error {
    match f {
        Failure::Io(e) => e,
        Failure::Malformed(m) => io::Error::new(ErrorKind::InvalidData, m),
        Failure::TooBig => io::Error::new(ErrorKind::InvalidData, "too big"),
    }
}

impl<R: Read> Read for Body<'_, R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        match &mut self.framing {
            Framing::Length(0) | Framing::Chunked { done: true, .. } => Ok(0),
            Framing::Length(left) => {
                let n = (*left).min(out.len() as u64) as usize;
                let got = self.w.read(&mut out[..n])?;
                if got == 0 {
                    return Err(closed_early());
                }
                *left -= got as u64;
                Ok(got)
            }
            Framing::Chunked { left: 0, .. } => {
                let size = self.next_chunk()?;
                self.framing = Framing::Chunked {
                    left: size,
                    done: size == 0,
                };
                self.read(out)
            }
            Framing::Chunked { left, .. } => {
                let n = (*left).min(out.len() as u64) as usize;
                let got = self.w.read(&mut out[..n])?;
                if got == 0 {
                    return Err(closed_early());
                }
                *left -= got as u64;
                if *left == 0 {
                    // The CRLF after the chunk's data.
                    self.w.line().map_err(into_io)?;
                }
                Ok(got)
            }
            Framing::Close => match self.w.read(out) {
                // A TLS peer that closes without close_notify: the end.
                Err(e) if e.kind() == ErrorKind::UnexpectedEof => Ok(0),
                r => r,
            },
        }
    }
}

#[cfg(test)]
#[path = "response_tests.rs"]
mod tests;
