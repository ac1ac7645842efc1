//! JSON-RPC over stdio with `Content-Length` framing. Unlike
//! `lsp_server::Connection::stdio`, a malformed message does not end the
//! connection: it is answered with a parse error and skipped.

use lsp_server::{Connection, Message};
use std::io::{self, BufRead, Write};
use std::sync::Mutex;
use std::thread::JoinHandle;

/// Whole frames at a time on stdout (the writer and the reader's error
/// replies share it).
static STDOUT: Mutex<()> = Mutex::new(());

fn write_frame(body: &str) -> io::Result<()> {
    let _guard = STDOUT.lock().unwrap_or_else(|e| e.into_inner());
    let mut out = io::stdout().lock();
    write!(out, "Content-Length: {}\r\n\r\n{body}", body.len())?;
    out.flush()
}

/// The server's end of a connection whose other end is stdin/stdout, and
/// the thread writing stdout (join it after dropping the connection, so
/// every reply is flushed).
pub fn stdio() -> (Connection, JoinHandle<()>) {
    let (server, client) = Connection::memory();
    let to_server = client.sender;
    std::thread::spawn(move || {
        let stdin = io::stdin();
        let mut input = stdin.lock();
        read_loop(&mut input, |m| to_server.send(m).is_ok());
    });
    let from_server = client.receiver;
    let writer = std::thread::spawn(move || {
        for msg in from_server {
            let Ok(body) = serde_json::to_string(&msg) else {
                continue;
            };
            if write_frame(&body).is_err() {
                break;
            }
        }
    });
    (server, writer)
}

/// Reads messages until end of input (or until `deliver` refuses one).
fn read_loop(input: &mut impl BufRead, mut deliver: impl FnMut(Message) -> bool) {
    loop {
        match Message::read(input) {
            Ok(Some(msg)) => {
                let is_exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
                if !deliver(msg) || is_exit {
                    return;
                }
            }
            Ok(None) => return,
            // The frame was consumed; its content was not a message.
            Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                let reply = serde_json::json!({
                    "jsonrpc": "2.0",
                    "id": null,
                    "error": {"code": -32700, "message": format!("parse error: {e}")},
                });
                if write_frame(&reply.to_string()).is_err() {
                    return;
                }
            }
            Err(_) => return,
        }
    }
}
