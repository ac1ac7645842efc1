"""The strict client of the ws tests (snowc/tests/ws.rs): Python's
`websockets` against tests/ws/echo.snow. `client.py PORT SCENARIO` runs
one scenario and prints what it saw, one line per fact."""
import asyncio
import sys

import websockets

try:
    from websockets.asyncio.client import connect as _connect

    HEADERS = "additional_headers"
except ImportError:  # websockets before 13 (Debian's python3-websockets)
    from websockets import connect as _connect

    HEADERS = "extra_headers"


def connect(url, headers=None, **kw):
    if headers:
        kw[HEADERS] = headers
    return _connect(url, **kw)


PORT = int(sys.argv[1])
URL = f"ws://127.0.0.1:{PORT}"
CAP = 16 * 1024 * 1024


def closed(e):
    r = e.rcvd
    return f"closed {r.code} [{r.reason}]" if r else "closed without a frame"


async def echo():
    async with connect(URL + "/hello?x=1", headers={"X-Name": "ann"}) as ws:
        print(await ws.recv())
        for text in ["hi", "", "snow ❄ ünïcödé", "x" * 126, "y" * 70000]:
            await ws.send(text)
            got = await ws.recv()
            print(got == text, len(got))
        await ws.send(b"\x00\x01raw")
        print(repr(await ws.recv()))
        await ws.send("bin abc")
        print(repr(await ws.recv()))


async def large():
    async with connect(URL, max_size=None) as ws:
        near = "z" * (CAP - 64)
        await ws.send(near)
        print(await ws.recv() == near)
        try:
            await ws.send("w" * (CAP + 1))
            await ws.recv()
        except websockets.ConnectionClosed as e:
            print(closed(e))


async def fragments():
    async with connect(URL) as ws:
        await ws.send(["frag", "mented ", "snow ❄"])
        print(await ws.recv())
        await ws.send([b"by", b"tes"])
        print(await ws.recv())


async def ping():
    async with connect(URL) as ws:
        waiter = await ws.ping(b"are you there")
        await waiter
        print("pong")
        await ws.send("after ping")
        print(await ws.recv())


async def close_codes():
    async with connect(URL) as ws:
        await ws.close(4000, "bye")
        print("client close echoed:", ws.close_code, ws.close_reason)
    async with connect(URL) as ws:
        await ws.send("close 4001 done here")
        try:
            await ws.recv()
        except websockets.ConnectionClosed as e:
            print(closed(e))


async def reject():
    try:
        async with connect(URL + "/reject/me") as ws:
            await ws.recv()
    except websockets.ConnectionClosed as e:
        print(closed(e))


async def rooms():
    n = 25
    clients = [await connect(URL) for _ in range(n)]
    for c in clients:
        await c.send("join lobby")
        assert await c.recv() == "joined 0"
    await clients[1].send("join other")
    # Joining twice changes nothing.
    await clients[0].send("join lobby")
    print(await clients[1].recv(), await clients[0].recv())
    await clients[0].send("say lobby hello from 0")
    got = await asyncio.gather(*(c.recv() for c in clients[1:]))
    print(len(got), set(got))
    await clients[3].send("leave lobby")
    print(await clients[3].recv())
    await clients[2].send("all lobby everyone")
    got = await asyncio.gather(*(c.recv() for c in clients if c is not clients[3]))
    print(sorted(set(got)))
    await clients[3].send("all other only one")
    print(await clients[1].recv(), "|", await clients[3].recv())
    await clients[4].close()
    await clients[5].send("all nowhere nobody")
    print(await clients[5].recv())
    for c in clients:
        await c.close()


async def crash():
    a = await connect(URL)
    b = await connect(URL)
    for c in [a, b]:
        await c.send("join room")
        print(await c.recv())
    await a.send("crash")
    try:
        await a.recv()
    except websockets.ConnectionClosed as e:
        print(closed(e))
    await b.send("still here")
    print(await b.recv())
    await b.send("all room only b left")
    print(await b.recv(), "|", await b.recv())
    await b.close()


async def heartbeat():
    async with connect(URL, ping_interval=None) as ws:
        # websockets answers the server's pings by itself: the connection
        # outlives several ping intervals.
        await asyncio.sleep(1.5)
        await ws.send("alive")
        print(await ws.recv())


async def keeper():
    # Against tests/ws/keeper.snow.
    a = await connect(URL)
    b = await connect(URL)
    await a.send("x")
    print(await a.recv())
    for c in [a, b]:
        await c.send("remember")
        print(await c.recv())
    await a.close()
    await b.send("tell hi")
    print(await b.recv(), "|", await b.recv())
    await b.close()


async def wss():
    # Against tests/ws/wss.snow; argv[3] is the certificate to trust.
    import ssl

    ctx = ssl.create_default_context(cafile=sys.argv[3])
    url = URL.replace("ws://", "wss://")
    async with connect(url, ssl=ctx, server_hostname="localhost", max_size=None) as ws:
        for text in ["over tls", "t" * 100000]:
            await ws.send(text)
            got = await ws.recv()
            print(got == "secure " + text, len(got))
        waiter = await ws.ping(b"p")
        await waiter
        print("pong")
        await ws.send(b"\xff\xfe")
        print(repr(await ws.recv()))
    print("closed", ws.close_code)


asyncio.run(globals()[sys.argv[2]]())
