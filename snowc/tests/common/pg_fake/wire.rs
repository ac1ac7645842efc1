//! The fake's wire format: backend messages written by hand, frontend
//! messages read (a tag byte and a length, or for the first message of a
//! session only the length).

use std::io::{self, Read};

/// One backend message: `tag`, the length, `body`.
pub fn msg(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut m = vec![tag];
    m.extend_from_slice(&(body.len() as i32 + 4).to_be_bytes());
    m.extend_from_slice(body);
    m
}

fn cstr(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(s.as_bytes());
    out.push(0);
}

/// An authentication request: `code`, then `data`.
pub fn auth(code: i32, data: &[u8]) -> Vec<u8> {
    let mut b = code.to_be_bytes().to_vec();
    b.extend_from_slice(data);
    msg(b'R', &b)
}

/// An ErrorResponse with a SQLSTATE and a message.
pub fn error(code: &str, message: &str) -> Vec<u8> {
    let mut b = Vec::new();
    for (t, v) in [
        (b'S', "ERROR"),
        (b'V', "ERROR"),
        (b'C', code),
        (b'M', message),
    ] {
        b.push(t);
        cstr(&mut b, v);
    }
    b.push(0);
    msg(b'E', &b)
}

pub fn ready(status: u8) -> Vec<u8> {
    msg(b'Z', &[status])
}

pub fn command_complete(tag: &str) -> Vec<u8> {
    let mut b = Vec::new();
    cstr(&mut b, tag);
    msg(b'C', &b)
}

pub fn parameter_status(name: &str, value: &str) -> Vec<u8> {
    let mut b = Vec::new();
    cstr(&mut b, name);
    cstr(&mut b, value);
    msg(b'S', &b)
}

/// A RowDescription of text columns.
pub fn row_description(cols: &[String]) -> Vec<u8> {
    let mut b = (cols.len() as i16).to_be_bytes().to_vec();
    for c in cols {
        cstr(&mut b, c);
        b.extend_from_slice(&0i32.to_be_bytes()); // table
        b.extend_from_slice(&0i16.to_be_bytes()); // column number
        b.extend_from_slice(&25i32.to_be_bytes()); // type: text
        b.extend_from_slice(&(-1i16).to_be_bytes()); // size
        b.extend_from_slice(&(-1i32).to_be_bytes()); // modifier
        b.extend_from_slice(&0i16.to_be_bytes()); // text format
    }
    msg(b'T', &b)
}

/// A DataRow; `None` is NULL.
pub fn data_row(vals: &[Option<String>]) -> Vec<u8> {
    let mut b = (vals.len() as i16).to_be_bytes().to_vec();
    for v in vals {
        match v {
            Some(v) => {
                b.extend_from_slice(&(v.len() as i32).to_be_bytes());
                b.extend_from_slice(v.as_bytes());
            }
            None => b.extend_from_slice(&(-1i32).to_be_bytes()),
        }
    }
    msg(b'D', &b)
}

fn read_len(s: &mut impl Read) -> io::Result<Vec<u8>> {
    let mut len = [0u8; 4];
    s.read_exact(&mut len)?;
    let len = i32::from_be_bytes(len);
    if !(4..=1 << 20).contains(&len) {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "bad length"));
    }
    let mut body = vec![0u8; len as usize - 4];
    s.read_exact(&mut body)?;
    Ok(body)
}

/// The body of an untagged message (SSLRequest, StartupMessage).
pub fn read_untagged(s: &mut impl Read) -> io::Result<Vec<u8>> {
    read_len(s)
}

/// A tagged frontend message.
pub fn read_tagged(s: &mut impl Read) -> io::Result<(u8, Vec<u8>)> {
    let mut tag = [0u8; 1];
    s.read_exact(&mut tag)?;
    Ok((tag[0], read_len(s)?))
}

/// Reads the fields of a frontend message body in order.
pub struct Body<'a>(pub &'a [u8]);

impl Body<'_> {
    pub fn cstr(&mut self) -> String {
        let end = self.0.iter().position(|&b| b == 0).unwrap_or(self.0.len());
        let s = String::from_utf8_lossy(&self.0[..end]).into_owned();
        self.0 = &self.0[(end + 1).min(self.0.len())..];
        s
    }

    pub fn bytes(&mut self, n: usize) -> &[u8] {
        let (a, b) = self.0.split_at(n.min(self.0.len()));
        self.0 = b;
        a
    }

    pub fn i16(&mut self) -> i16 {
        let b = self.bytes(2);
        i16::from_be_bytes([b[0], b[1]])
    }

    pub fn i32(&mut self) -> i32 {
        let b = self.bytes(4);
        i32::from_be_bytes([b[0], b[1], b[2], b[3]])
    }
}
