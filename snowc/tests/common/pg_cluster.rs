//! The PostgreSQL cluster of a test binary: `ci/pg-cluster.sh` starts one
//! on first use (in /tmp, on a free port, SSL on with a CA made for it) and
//! stops it when the binary exits. Also a proxy that answers the
//! SSLRequest with a fixed byte and then relays to the cluster: a server
//! "without SSL" (`N`) or a broken one (anything else).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::Command;
use std::sync::{OnceLock, RwLock, RwLockReadGuard, RwLockWriteGuard};

pub struct Cluster {
    pub dir: PathBuf,
    pub port: u16,
}

/// Tests that need the server up share it; the one that stops it takes it
/// alone.
static UPTIME: RwLock<()> = RwLock::new(());

pub fn shared() -> RwLockReadGuard<'static, ()> {
    UPTIME.read().unwrap_or_else(|e| e.into_inner())
}

pub fn exclusive() -> RwLockWriteGuard<'static, ()> {
    UPTIME.write().unwrap_or_else(|e| e.into_inner())
}

fn script(args: &[&str]) {
    let s = super::repo_root().join("ci/pg-cluster.sh");
    let out = Command::new("bash").arg(&s).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "pg-cluster.sh {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The cluster, started on first use.
pub fn cluster() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        let port = free_port();
        let dir = PathBuf::from(format!("/tmp/snow-pg-{}-{port}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let pid = std::process::id().to_string();
        script(&["start", dir.to_str().unwrap(), &port.to_string(), &pid]);
        Cluster { dir, port }
    })
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Cluster {
    /// `postgres://<user>:<user>_pw@<host>:<port>/snowtest?<query>`.
    pub fn url(&self, user: &str, host: &str, query: &str) -> String {
        self.url_on(user, host, self.port, query)
    }

    pub fn url_on(&self, user: &str, host: &str, port: u16, query: &str) -> String {
        format!("postgres://{user}:{user}_pw@{host}:{port}/snowtest?{query}")
    }

    /// The CA that signed the server's certificate.
    pub fn ca(&self) -> String {
        self.dir.join("ca.pem").to_string_lossy().into_owned()
    }

    pub fn down(&self) {
        script(&["down", self.dir.to_str().unwrap()]);
    }

    pub fn up(&self) {
        script(&["up", self.dir.to_str().unwrap()]);
    }
}

/// A proxy in front of the cluster that answers an SSLRequest with
/// `answer` (then, for `N`, relays the rest); its port.
pub fn ssl_answering_proxy(answer: u8) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let target = cluster().port;
    std::thread::spawn(move || {
        for c in l.incoming() {
            let Ok(mut c) = c else { continue };
            std::thread::spawn(move || {
                let mut first = [0u8; 8];
                if c.read_exact(&mut first).is_err() {
                    return;
                }
                let ssl_request = first == [0, 0, 0, 8, 4, 210, 22, 47];
                if ssl_request {
                    let _ = c.write_all(&[answer]);
                    if answer != b'N' {
                        return;
                    }
                }
                let Ok(mut s) = TcpStream::connect(("127.0.0.1", target)) else {
                    return;
                };
                if !ssl_request && s.write_all(&first).is_err() {
                    return;
                }
                let (mut c2, mut s2) = (c.try_clone().unwrap(), s.try_clone().unwrap());
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut s2, &mut c2);
                    let _ = c2.shutdown(std::net::Shutdown::Both);
                });
                let _ = std::io::copy(&mut c, &mut s);
                let _ = s.shutdown(std::net::Shutdown::Both);
            });
        }
    });
    port
}
