"""Opens N keep-alive connections to 127.0.0.1:PORT, sends one GET / on
each and reads its answer, then holds them all idle and prints the server's
VmRSS (kB) read from /proc/PID/status. Usage: idle.py PORT PID N"""
import resource, socket, sys

port, pid, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def rss():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])


before = rss()
conns = []
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET / HTTP/1.1\r\nHost: bench\r\n\r\n")
    got = b""
    while not got.endswith(b"Hello, World!"):
        chunk = s.recv(4096)
        if not chunk:
            sys.exit(f"connection {i} closed by the server")
        got += chunk
    conns.append(s)
print(before, rss())
