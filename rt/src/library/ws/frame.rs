//! WebSocket frames (§5.3.4), without I/O: an incremental decoder that
//! takes complete frames off the front of a buffer (never losing a partial
//! one), reassembles fragmented messages under the 16 MiB cap and checks
//! every protocol rule as soon as the bytes that break it arrive, and the
//! encoder of server frames (unmasked, FIN set, shortest length form).

/// Largest frame payload and reassembled message.
pub const MAX_MESSAGE: usize = 16 << 20;

pub const OP_CONT: u8 = 0x0;
pub const OP_TEXT: u8 = 0x1;
pub const OP_BINARY: u8 = 0x2;
pub const OP_CLOSE: u8 = 0x8;
pub const OP_PING: u8 = 0x9;
pub const OP_PONG: u8 = 0xA;

/// What one complete frame (or reassembled message) means.
#[derive(Debug, PartialEq)]
pub enum Event {
    /// A complete text message, valid UTF-8.
    Text(Vec<u8>),
    Binary(Vec<u8>),
    Ping(Vec<u8>),
    Pong(Vec<u8>),
    /// The peer's Close: its code and reason, if it sent a code.
    Close(Option<(u16, Vec<u8>)>),
}

/// A broken rule: the connection ends with this Close code and reason.
#[derive(Debug, PartialEq, Clone, Copy)]
pub struct Fail {
    pub code: u16,
    pub reason: &'static str,
}

const fn fail(code: u16, reason: &'static str) -> Fail {
    Fail { code, reason }
}

const PROTOCOL: u16 = 1002;
pub const TOO_BIG: Fail = fail(1009, "message too big");
pub const BAD_UTF8: Fail = fail(1007, "invalid UTF-8");

/// The decoder's state between frames: the message being reassembled.
#[derive(Default)]
pub struct Decoder {
    /// Opcode and bytes so far of a fragmented message.
    partial: Option<(u8, Vec<u8>)>,
}

/// The parsed header of the frame at the front of a buffer.
struct Header {
    fin: bool,
    op: u8,
    mask: [u8; 4],
    /// Bytes before the payload.
    len: usize,
    payload: usize,
}

impl Decoder {
    /// How many bytes the buffer must hold before `next` can say more
    /// (at least `have + 1`): lets the reader size one read for a large
    /// frame instead of growing the buffer 4 KiB at a time.
    pub fn wants(&self, buf: &[u8]) -> usize {
        match header(buf) {
            Ok(Some(h)) => (h.len + h.payload).max(buf.len() + 1),
            _ => buf.len() + 1,
        }
    }

    /// Takes the next complete frame off the front of `buf`: `Ok(None)`
    /// while it is incomplete (nothing consumed), or a data fragment that
    /// does not complete a message was consumed (call again).
    pub fn next(&mut self, buf: &mut Vec<u8>) -> Result<Option<Event>, Fail> {
        loop {
            let Some(h) = header(buf)? else {
                return Ok(None);
            };
            self.check_sequence(&h)?;
            if buf.len() < h.len + h.payload {
                return Ok(None);
            }
            let mut payload: Vec<u8> = buf[h.len..h.len + h.payload].to_vec();
            for (i, b) in payload.iter_mut().enumerate() {
                *b ^= h.mask[i & 3];
            }
            buf.drain(..h.len + h.payload);
            if let Some(e) = self.complete(h.fin, h.op, payload)? {
                return Ok(Some(e));
            }
        }
    }

    /// The rules that depend on the message in progress, checked from the
    /// header alone (so an oversized message fails before it arrives).
    fn check_sequence(&self, h: &Header) -> Result<(), Fail> {
        match (h.op, &self.partial) {
            (OP_CONT, None) => Err(fail(PROTOCOL, "unexpected continuation frame")),
            (OP_TEXT | OP_BINARY, Some(_)) => {
                Err(fail(PROTOCOL, "new message during fragmented sequence"))
            }
            (OP_CONT, Some((_, so_far))) if so_far.len() + h.payload > MAX_MESSAGE => Err(TOO_BIG),
            _ => Ok(()),
        }
    }

    fn complete(&mut self, fin: bool, op: u8, payload: Vec<u8>) -> Result<Option<Event>, Fail> {
        let (op, data) = match op {
            OP_PING => return Ok(Some(Event::Ping(payload))),
            OP_PONG => return Ok(Some(Event::Pong(payload))),
            OP_CLOSE => return close_payload(payload).map(|c| Some(Event::Close(c))),
            OP_CONT => {
                let (first, mut so_far) = self.partial.take().expect("checked by check_sequence");
                so_far.extend_from_slice(&payload);
                (first, so_far)
            }
            _ => (op, payload),
        };
        if !fin {
            self.partial = Some((op, data));
            return Ok(None);
        }
        if op == OP_BINARY {
            return Ok(Some(Event::Binary(data)));
        }
        if core::str::from_utf8(&data).is_err() {
            return Err(BAD_UTF8);
        }
        Ok(Some(Event::Text(data)))
    }
}

/// The header at the front of `buf`, once all of it is there.
fn header(buf: &[u8]) -> Result<Option<Header>, Fail> {
    if buf.len() < 2 {
        return Ok(None);
    }
    let (b0, b1) = (buf[0], buf[1]);
    let (fin, op, masked, len7) = (b0 & 0x80 != 0, b0 & 0x0f, b1 & 0x80 != 0, b1 & 0x7f);
    if b0 & 0x70 != 0 {
        return Err(fail(PROTOCOL, "reserved bits set"));
    }
    if !matches!(
        op,
        OP_CONT | OP_TEXT | OP_BINARY | OP_CLOSE | OP_PING | OP_PONG
    ) {
        return Err(fail(PROTOCOL, "unknown opcode"));
    }
    if op >= OP_CLOSE && !fin {
        return Err(fail(PROTOCOL, "fragmented control frame"));
    }
    if op >= OP_CLOSE && len7 > 125 {
        return Err(fail(PROTOCOL, "control frame too large"));
    }
    if !masked {
        return Err(fail(PROTOCOL, "unmasked client frame"));
    }
    let (ext, payload) = match len7 {
        126 if buf.len() >= 4 => (2, u16::from_be_bytes([buf[2], buf[3]]) as u64),
        127 if buf.len() >= 10 => {
            let n = u64::from_be_bytes(buf[2..10].try_into().expect("8 bytes"));
            if n >> 63 != 0 {
                return Err(fail(PROTOCOL, "invalid frame length"));
            }
            (8, n)
        }
        126 | 127 => return Ok(None),
        n => (0, n as u64),
    };
    if payload > MAX_MESSAGE as u64 {
        return Err(TOO_BIG);
    }
    let len = 2 + ext + 4;
    if buf.len() < len {
        return Ok(None);
    }
    let mask = buf[len - 4..len].try_into().expect("4 bytes");
    Ok(Some(Header {
        fin,
        op,
        mask,
        len,
        payload: payload as usize,
    }))
}

/// A Close frame's payload: nothing, or a valid code and a UTF-8 reason.
fn close_payload(p: Vec<u8>) -> Result<Option<(u16, Vec<u8>)>, Fail> {
    match p.len() {
        0 => Ok(None),
        1 => Err(fail(PROTOCOL, "invalid close frame")),
        _ => {
            let code = u16::from_be_bytes([p[0], p[1]]);
            let valid = matches!(code, 1000..=1003 | 1007..=1011 | 3000..=4999);
            if !valid {
                return Err(fail(PROTOCOL, "invalid close code"));
            }
            if core::str::from_utf8(&p[2..]).is_err() {
                return Err(BAD_UTF8);
            }
            Ok(Some((code, p[2..].to_vec())))
        }
    }
}

/// A server frame: FIN set, unmasked, the shortest length form.
pub fn encode(op: u8, payload: &[u8]) -> Vec<u8> {
    let n = payload.len();
    let mut out = Vec::with_capacity(n + 10);
    out.push(0x80 | op);
    match n {
        0..=125 => out.push(n as u8),
        126..=65535 => {
            out.push(126);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        _ => {
            out.push(127);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    out.extend_from_slice(payload);
    out
}

/// A Close frame: the code and the reason cut to 123 bytes (at a character
/// boundary, so the reason stays valid UTF-8); no code, an empty payload.
pub fn close(code: Option<u16>, reason: &[u8]) -> Vec<u8> {
    let Some(code) = code else {
        return encode(OP_CLOSE, &[]);
    };
    let mut cut = reason.len().min(123);
    while cut > 0 && cut < reason.len() && (reason[cut] & 0xC0) == 0x80 {
        cut -= 1;
    }
    let mut p = code.to_be_bytes().to_vec();
    p.extend_from_slice(&reason[..cut]);
    encode(OP_CLOSE, &p)
}

#[cfg(test)]
#[path = "frame_tests.rs"]
mod tests;
