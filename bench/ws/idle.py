"""Opens N WebSocket connections to 127.0.0.1:PORT (the opening handshake
only, on raw sockets), holds them all idle and prints the server's VmRSS
(kB, from /proc/PID/status) before and after: `before after`.
Usage: idle.py PORT PID N [SETTLE_SECONDS]"""
import resource, socket, sys, time

port, pid, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
settle = float(sys.argv[4]) if len(sys.argv) > 4 else 2.0
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

HANDSHAKE = (
    b"GET /idle HTTP/1.1\r\nHost: bench\r\nUpgrade: websocket\r\n"
    b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    b"Sec-WebSocket-Version: 13\r\n\r\n"
)


def rss():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])


before = rss()
conns = []
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(HANDSHAKE)
    got = b""
    while b"\r\n\r\n" not in got:
        chunk = s.recv(4096)
        if not chunk:
            sys.exit(f"connection {i} closed by the server")
        got += chunk
    if not got.startswith(b"HTTP/1.1 101"):
        sys.exit(f"connection {i}: {got[:40]!r}")
    conns.append(s)
# Let the connections settle (a server may trim idle memory after a while).
time.sleep(settle)
print(before, rss())
