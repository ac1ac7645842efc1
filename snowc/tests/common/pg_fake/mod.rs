//! A scripted fake PostgreSQL backend (chapter 05 §5.10.4) for tests that
//! need no PostgreSQL install: deterministic branches a real server will
//! not take on demand, and a hostile or broken server. It listens on
//! 127.0.0.1 (an ephemeral port), serves each connection on its own thread
//! and stops when dropped. It answers an SSLRequest with `N`, authenticates
//! as its `Auth` says, then answers Query and Parse/Bind/Describe/Execute/
//! Sync from the script's replies, keeping the transaction status as a
//! server would (BEGIN, an error inside a transaction, COMMIT, ROLLBACK).
//! Every statement run is logged as `<connection number>: <sql>`.

mod auth;
mod session;
pub mod wire;

pub use auth::Auth;

use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// What the fake answers to one statement.
#[derive(Clone)]
pub enum Reply {
    /// Text columns and rows (`None` is NULL; a row may have a different
    /// width than the columns), with the tag `SELECT <rows>`.
    Rows(Vec<String>, Vec<Vec<Option<String>>>),
    /// No rows, this CommandComplete tag.
    Tag(String),
    /// An ErrorResponse: SQLSTATE, message.
    Error(String, String),
    /// These bytes instead of the answer, then the connection is closed.
    Raw(Vec<u8>),
    /// No answer ever (the connection stays open until the client leaves).
    Silent,
    /// This answer, held back until the client's next message arrives.
    Late(Box<Reply>),
}

pub fn rows(cols: &[&str], rows: &[&[Option<&str>]]) -> Reply {
    Reply::Rows(
        cols.iter().map(|c| c.to_string()).collect(),
        rows.iter()
            .map(|r| r.iter().map(|v| v.map(str::to_string)).collect())
            .collect(),
    )
}

pub fn tag(t: &str) -> Reply {
    Reply::Tag(t.into())
}

pub fn error(code: &str, message: &str) -> Reply {
    Reply::Error(code.into(), message.into())
}

/// The replies of a script: by SQL text and parameters; `None` leaves the
/// statement to the fake's defaults (`BEGIN`, `COMMIT`, `ROLLBACK`,
/// `SELECT 1`; anything else is a syntax error).
pub type Replies = dyn Fn(&str, &[Option<String>]) -> Option<Reply> + Send + Sync;

pub struct Script {
    pub auth: Auth,
    /// The password every user has.
    pub password: String,
    pub replies: Box<Replies>,
}

impl Script {
    pub fn new(
        auth: Auth,
        replies: impl Fn(&str, &[Option<String>]) -> Option<Reply> + Send + Sync + 'static,
    ) -> Script {
        Script {
            auth,
            password: "secret".into(),
            replies: Box::new(replies),
        }
    }
}

/// A connection's socket (to shut it down) and its thread.
type Served = (TcpStream, JoinHandle<()>);

/// A running fake; stopped (listener and connections) when dropped.
pub struct Fake {
    pub port: u16,
    log: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    conns: Arc<Mutex<Vec<Served>>>,
    accept: Option<JoinHandle<()>>,
}

impl Fake {
    pub fn start(script: Script) -> Fake {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let conns = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(script);
        let (log2, stop2, conns2) = (log.clone(), stop.clone(), conns.clone());
        let accept = std::thread::spawn(move || {
            let mut n = 0;
            for s in l.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(s) = s else { continue };
                n += 1;
                let (script, log) = (script.clone(), log2.clone());
                let mine = s.try_clone().unwrap();
                let t = std::thread::spawn(move || session::serve(mine, n, &script, &log));
                conns2.lock().unwrap().push((s, t));
            }
        });
        Fake {
            port,
            log,
            stop,
            conns,
            accept: Some(accept),
        }
    }

    /// `postgres://<user>:<password>@127.0.0.1:<port>/db?<query>`.
    pub fn url(&self, user: &str, password: &str, query: &str) -> String {
        format!(
            "postgres://{user}:{password}@127.0.0.1:{}/db?{query}",
            self.port
        )
    }

    /// The statements run so far, and the connections' comings and goings.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// The log by connection, in the order they were accepted: each
    /// connection's own order is the client's, the interleaving is not.
    pub fn sessions(&self) -> Vec<Vec<String>> {
        let mut by: Vec<Vec<String>> = Vec::new();
        for line in self.log() {
            let (n, what) = line.split_once(": ").unwrap();
            let n: usize = n.parse().unwrap();
            by.resize(by.len().max(n), Vec::new());
            by[n - 1].push(what.to_string());
        }
        by
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(a) = self.accept.take() {
            let _ = a.join();
        }
        for (s, t) in self.conns.lock().unwrap().drain(..) {
            let _ = s.shutdown(Shutdown::Both);
            let _ = t.join();
        }
    }
}
