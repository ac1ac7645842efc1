"""The websockets client of snowc/tests/wsweb.rs: `client.py PORT SCENARIO
[CAFILE]` drives tests/wsweb/site.snow (`site`, `wss`) or
examples/chat/main.snow (`chat`) and prints what it saw, one line each."""
import asyncio
import ssl
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


async def site():
    async with connect(URL + "/sock?a=1") as a, connect(URL + "/sock") as b:
        print(await a.recv())
        print(await b.recv())
        await a.send("snow ❄")
        print(await a.recv())
        await a.send("join r1")
        print(await a.recv())
        await b.send("join r1")
        print(await b.recv())
        await b.send("all r1 to everyone")
        print(await a.recv(), "|", await b.recv())
    try:
        async with connect(URL + "/sock/reject") as c:
            await c.recv()
    except websockets.exceptions.InvalidStatus as e:
        print("status", e.response.status_code)
    except websockets.exceptions.InvalidStatusCode as e:  # older websockets
        print("status", e.status_code)
    async with connect(URL + "/sock?reject") as c:
        try:
            await c.recv()
        except websockets.exceptions.ConnectionClosed as e:
            print(f"closed {e.rcvd.code} [{e.rcvd.reason}]")
    try:
        async with connect(URL + "/private/sock") as c:
            await c.recv()
    except websockets.exceptions.InvalidStatus as e:
        print("status", e.response.status_code)
    except websockets.exceptions.InvalidStatusCode as e:
        print("status", e.status_code)
    async with connect(URL + "/private/sock", headers={"X-Token": "s3cret"}) as c:
        print(await c.recv())


async def wss():
    ctx = ssl.create_default_context(cafile=sys.argv[3])
    url = f"wss://localhost:{PORT}/sock"
    async with connect(url, ssl=ctx) as a:
        print(await a.recv())
        await a.send("over tls")
        print(await a.recv())
        await a.ping()
        await a.send("x" * 70000)
        print(len(await a.recv()))


async def chat():
    a = await connect(URL + "/chat")
    print("a:", await a.recv())
    b = await connect(URL + "/chat")
    print("a:", await a.recv())
    print("b:", await b.recv())
    await a.send("/join snow")
    print("a:", await a.recv())
    await b.send("/join snow")
    print("a:", await a.recv())
    print("b:", await b.recv())
    await a.send("snow hello from a")
    print("b:", await b.recv())
    await b.send("snow  and back from b ")
    print("a:", await a.recv())
    await b.send("lobby lobby talk")
    print("a:", await a.recv())
    await a.send("/leave snow")
    print("b:", await b.recv())
    await b.send("snow anyone?")
    await b.send("lobby still here")
    print("a:", await a.recv())
    await a.close()
    await b.close()
    try:
        async with connect(URL + "/other") as c:
            await c.recv()
    except websockets.exceptions.InvalidStatus as e:
        print("status", e.response.status_code)
    except websockets.exceptions.InvalidStatusCode as e:
        print("status", e.status_code)


asyncio.run(globals()[sys.argv[2]]())
