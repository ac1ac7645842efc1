"""The browser test of examples/chat (snowc/tests/wsweb.rs): `browser.py
CHROMEDRIVER CHROMIUM URL` starts chromedriver, opens the chat page in two
headless Chromium sessions, types into each page as a user would (the W3C
WebDriver API, plain HTTP and JSON), and prints what each page's log
shows. chromedriver (and with it the browsers) is stopped at the end."""
import json
import socket
import subprocess
import sys
import time
import urllib.request

DRIVER, CHROMIUM, URL = sys.argv[1], sys.argv[2], sys.argv[3]
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
DEADLINE = 60


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PORT = free_port()
BASE = f"http://127.0.0.1:{PORT}"


def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(BASE + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=DEADLINE) as r:
        return json.loads(r.read())["value"]


def wait_for_driver():
    end = time.time() + DEADLINE
    while time.time() < end:
        try:
            if call("GET", "/status")["ready"]:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit("chromedriver did not start")


class Page:
    def __init__(self):
        caps = {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage"],
            },
        }
        s = call("POST", "/session", {"capabilities": {"alwaysMatch": caps}})
        self.id = s["sessionId"]
        self.call("POST", "/url", {"url": URL})

    def call(self, method, path, body=None):
        return call(method, f"/session/{self.id}{path}", body)

    def log(self):
        script = "return Array.from(document.querySelectorAll('#log li'), li => li.textContent);"
        return self.call("POST", "/execute/sync", {"script": script, "args": []})

    def wait_log(self, n):
        """The log once it has `n` lines (or what it has at the deadline)."""
        end = time.time() + DEADLINE
        while True:
            lines = self.log()
            if len(lines) >= n or time.time() > end:
                return lines
            time.sleep(0.05)

    def type(self, text):
        """Types `text` into the page's input and presses its Send button."""
        find = lambda css: self.call("POST", "/element", {"using": "css selector", "value": css})[ELEMENT]
        self.call("POST", f"/element/{find('#line')}/value", {"text": text})
        self.call("POST", f"/element/{find('button')}/click", {})

    def quit(self):
        self.call("DELETE", "")


driver = subprocess.Popen([DRIVER, f"--port={PORT}"], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
pages = []
try:
    wait_for_driver()
    a = Page()
    pages.append(a)
    a.wait_log(1)
    b = Page()
    pages.append(b)
    # Each step waits until the pages show what it caused, so the lines
    # arrive in a fixed order.
    a.wait_log(2)
    b.wait_log(1)
    a.type("/join snow")
    a.wait_log(4)
    b.type("/join snow")
    a.wait_log(5)
    b.wait_log(3)
    a.type("snow hello from tab a")
    b.wait_log(4)
    b.type("snow hi a, this is b")
    a.wait_log(7)
    print("A:", json.dumps(a.wait_log(7), ensure_ascii=False))
    print("B:", json.dumps(b.wait_log(5), ensure_ascii=False))
finally:
    for p in pages:
        try:
            p.quit()
        except OSError:
            pass
    driver.terminate()
    driver.wait(timeout=DEADLINE)
