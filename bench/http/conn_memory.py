#!/usr/bin/env python3
"""Server memory per HTTP connection, and over many keep-alive requests.

Builds a Snow server (default tests/http/plain.snow) with snowc --release,
starts it on 127.0.0.1, then:
  1. opens N connections and waits until the server holds them all: resident
     memory per idle connection (RSS growth / N);
  2. sends one keep-alive request on each and reads the answers: RSS per
     connection after one request, at once and 3 s later (idle connections
     give memory back after a second or two);
  3. closes them: RSS left after the connections ended;
  4. with --requests M: M keep-alive requests (pipelined in batches) over a
     few connections, reconnecting when the server closes one (ruling 11):
     RSS after a warm-up tenth against RSS at the end.

Usage: bench/http/conn_memory.py [--conns N] [--requests M] [--server FILE]
Resident memory is VmRSS from /proc/PID/status. The server runs with long
header and idle timeouts; the 30 s read timeout still closes a connection
that sends nothing for 30 s, so step 1 must end within that (10,000
connections take about 6 s).
"""

import argparse
import os
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REQUEST = b"GET /health HTTP/1.1\r\nHost: b\r\n\r\n"


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def open_fds(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def settle(pid, secs=1.0):
    """RSS once it stops changing (the reactor and workers settle)."""
    last = rss_kb(pid)
    deadline = time.monotonic() + secs * 5
    while time.monotonic() < deadline:
        time.sleep(secs / 4)
        now = rss_kb(pid)
        if now == last:
            return now
        last = now
    return last


def read_responses(sock, count, buf=b""):
    """Reads `count` responses (each ends with the 2-byte body "ok"):
    the leftover bytes, or None when the server closed first."""
    got = 0
    while True:
        # Every answer of /health is the same length: count whole ones.
        while True:
            end = buf.find(b"\r\n\r\n")
            if end < 0 or len(buf) < end + 4 + 2:
                break
            buf = buf[end + 4 + 2:]
            got += 1
        if got >= count:
            return buf
        chunk = sock.recv(65536)
        if not chunk:
            return None
        buf += chunk


def build(server, out):
    exe = os.path.join(out, "server")
    subprocess.run(
        [os.path.join(ROOT, "target/release/snowc"), "--release", server, "-o", exe],
        check=True,
    )
    return exe


def start(exe):
    # Idle connections must outlive the measurement: long header and idle
    # timeouts.
    env = dict(os.environ, SNOW_HTTP_HOST="127.0.0.1", PORT="0",
               SNOW_HTTP_HEADER_TIMEOUT_MS="600000", SNOW_HTTP_IDLE_TIMEOUT_MS="600000")
    p = subprocess.Popen([exe], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    line = p.stderr.readline().decode()
    prefix = "[snow-rt] HTTP server listening on 127.0.0.1:"
    if not line.startswith(prefix):
        p.kill()
        sys.exit("no readiness line: %r" % line)
    # The rest of stderr is kept (a full pipe would block the server).
    p.errors = []
    threading.Thread(target=lambda: p.errors.extend(p.stderr), daemon=True).start()
    return p, int(line[len(prefix):])


def connect(port):
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def per_connection(p, port, n):
    base = settle(p.pid)
    fds0 = open_fds(p.pid)
    conns = [connect(port) for _ in range(n)]
    deadline = time.monotonic() + 60
    while open_fds(p.pid) < fds0 + n and time.monotonic() < deadline:
        time.sleep(0.05)
    idle = settle(p.pid)
    for c in conns:
        c.sendall(REQUEST)
    for i, c in enumerate(conns):
        if read_responses(c, 1) is None:
            sys.exit("connection %d closed before its answer; server status %r, stderr: %r" % (i, p.poll(), p.errors[-5:]))
    served = settle(p.pid)
    # Idle kept-alive connections give memory back after a second or two
    # (the heap at once, unused stack segments at the reactor's sweeps).
    time.sleep(3)
    rested = settle(p.pid)
    for c in conns:
        c.close()
    deadline = time.monotonic() + 60
    while open_fds(p.pid) > fds0 and time.monotonic() < deadline:
        time.sleep(0.05)
    after = settle(p.pid)
    print("server RSS before connections: %d KB" % base)
    print("%d idle connections: %d KB, %.1f KB per connection" % (n, idle, (idle - base) / n))
    print("after one request on each: %d KB, %.1f KB per connection" % (served, (served - base) / n))
    print("the same 3 s later: %d KB, %.1f KB per connection" % (rested, (rested - base) / n))
    print("after closing them: %d KB (%+d KB against before)" % (after, after - base))


def many_requests(p, port, total, conns=4, batch=50):
    socks = [connect(port) for _ in range(conns)]
    bufs = [b""] * conns
    done = 0
    warm = None
    warm_at = total // 10
    while done < total:
        for i in range(conns):
            k = min(batch, total - done)
            if k == 0:
                break
            try:
                socks[i].sendall(REQUEST * k)
                left = read_responses(socks[i], k, bufs[i])
            except OSError:
                left = None
            if left is None:
                # Closed after its request limit: the requests not answered
                # are sent again on a new connection.
                socks[i].close()
                socks[i] = connect(port)
                bufs[i] = b""
                continue
            bufs[i] = left
            done += k
        if warm is None and done >= warm_at:
            warm = settle(p.pid, 0.5)
    end = settle(p.pid, 0.5)
    for s in socks:
        s.close()
    print("%d keep-alive requests over %d connections: RSS %d KB after warm-up (%d requests), %d KB at the end (%+d KB)"
          % (total, conns, warm, warm_at, end, end - warm))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--conns", type=int, default=10000)
    ap.add_argument("--requests", type=int, default=0)
    ap.add_argument("--server", default=os.path.join(ROOT, "tests/http/plain.snow"))
    a = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    with tempfile.TemporaryDirectory() as out:
        p, port = start(build(a.server, out))
        try:
            warmup = connect(port)
            warmup.sendall(REQUEST * 10)
            read_responses(warmup, 10)
            warmup.close()
            if a.conns:
                per_connection(p, port, a.conns)
            if a.requests:
                many_requests(p, port, a.requests)
        finally:
            p.kill()
            p.wait()


if __name__ == "__main__":
    main()
