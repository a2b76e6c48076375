"""`python3 -m dev screenshots [NAME ...]`: the README's screenshots (docs/*.png).

Taken from the running demo (`make demo`, same ADR_DEMO_HTTP_PORT) with
headless Chromium driven over the DevTools protocol (websocket-client, in
Odoo's requirements), logged in as admin; the letter is the PDF the demo
prints, its first page rasterised by pdftoppm. Without NAME, every shot of
SHOTS is retaken; with names, only those.

A new screen gets its line in SHOTS: the file name, the page (a path of the
demo, or a function of the session returning one, e.g. a record found by
its XML id), the window, what must be on the page before the shot, and
the JavaScript that clicks to the state to show.
"""

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

from .common import ADDON, DEMO_DB, DEMO_URL, ROOT, Fail, rel, say

DOCS = ROOT / "docs"
WORKLIST = f"/odoo/action-{ADDON}.debt_recovery_followup_action_worklist"
ANALYSIS = f"/odoo/action-{ADDON}.debt_recovery_analysis_action"
LETTER_REPORT = f"{ADDON}.report_debt_recovery_letter"
CUSTOMERS = "account.res_partner_action_customer"


@dataclass
class Shot:
    name: str  # docs/<name>.png
    page: object  # a path, or a function(session) -> path
    ready: str = ".o_action_manager .o_view_controller"  # a CSS selector
    script: str = ""  # JavaScript run once ready (clicks), then a pause
    shown: str = ""  # a CSS selector the script's clicks make appear
    width: int = 1440
    height: int = 900
    scale: float = 1.0
    mobile: bool = False
    full_page: bool = False
    anonymous: bool = False  # as a visitor (the customer's page)


# ----------------------------------------------------------------------
# Pages
# ----------------------------------------------------------------------
def record_id(session, xmlid):
    module, name = xmlid.split(".") if "." in xmlid else (ADDON, xmlid)
    rows = session.call(
        "ir.model.data",
        "search_read",
        [[("module", "=", module), ("name", "=", name)]],
        {"fields": ["res_id"]},
    )
    if not rows:
        raise Fail(f"{xmlid} is not in the demo database: `make demo-reset`?")
    return rows[0]["res_id"]


def followup_id(session, partner_xmlid):
    partner = record_id(session, partner_xmlid)
    ids = session.call(
        "debt.recovery.followup", "search", [[("partner_id", "=", partner)]]
    )
    return ids[0]


def partner_page(partner_xmlid):
    """The customer's form, from Invoicing ▸ Customers (its menus shown)."""
    return lambda session: (
        f"/odoo/action-{CUSTOMERS}/{record_id(session, partner_xmlid)}"
    )


def customer_page(partner_xmlid):
    """The customer's own page, by the link its reminders carry."""

    def page(session):
        followup = followup_id(session, partner_xmlid)
        action = session.call(
            "debt.recovery.followup", "action_portal_open", [[followup]]
        )
        return action["url"]

    return page


def click_text(selector, text):
    """JavaScript: click the first ``selector`` element reading ``text``."""
    return (
        f"[...document.querySelectorAll({json.dumps(selector)})]"
        f".find(e => e.textContent.trim() === {json.dumps(text)})?.click();"
    )


def click_button(text):
    return click_text("button", text)


def show_tab(text):
    """JavaScript: open the form's tab ``text``, then scroll the tabs up."""
    return click_text(".nav-link", text) + (
        "setTimeout(() => {"
        " const tabs = document.querySelector('.o_notebook');"
        " let box = tabs.parentElement;"
        " while (box && box.scrollHeight <= box.clientHeight) box = box.parentElement;"
        " if (box) box.scrollTop += tabs.getBoundingClientRect().top"
        "  - box.getBoundingClientRect().top - 130;"
        "}, 700);"
    )


SHOTS = [
    Shot("worklist", WORKLIST, ready=".o_list_view .o_data_row"),
    Shot("worklist_kanban", f"{WORKLIST}?view_type=kanban", ready=".o_kanban_record"),
    Shot(
        "partner",
        partner_page("partner_meridian_demo"),
        ready=".o_form_view .o_notebook",
        script=show_tab("Debt Recovery"),
    ),
    Shot(
        "followup_report",
        lambda session: f"{WORKLIST}/{followup_id(session, 'partner_hartley_demo')}",
        ready=".o_form_view .o_notebook",
        height=1100,
    ),
    Shot("analysis", ANALYSIS, ready=".o_graph_renderer canvas"),
    Shot(
        "customer_page",
        customer_page("partner_hartley_demo"),
        ready="main",
        script=click_text("button, a, .accordion-button", "Propose a payment plan"),
        shown=".o_debt_recovery_plan_schedule tr",
        width=430,
        height=900,
        scale=1.5,
        mobile=True,
        full_page=True,
        anonymous=True,
    ),
]


# ----------------------------------------------------------------------
# The demo's session
# ----------------------------------------------------------------------
class Session:
    """Logged in as admin on the demo, through its login form."""

    def __init__(self):
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies)
        )
        try:
            login = self.opener.open(f"{DEMO_URL}/web/login", timeout=30).read()
        except OSError as error:
            raise Fail(
                f"the demo does not answer on {DEMO_URL}: `make demo` first"
            ) from error
        token = login.decode().split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        form = {
            "login": "admin",
            "password": "admin",
            "csrf_token": token,
            "db": DEMO_DB,
        }
        self.opener.open(
            f"{DEMO_URL}/web/login", urllib.parse.urlencode(form).encode(), timeout=30
        )
        self.session_id = next(c.value for c in self.cookies if c.name == "session_id")

    def call(self, model, method, args, kwargs=None):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": kwargs or {},
            },
        }
        request = urllib.request.Request(
            f"{DEMO_URL}/web/dataset/call_kw",
            json.dumps(payload).encode(),
            {"Content-Type": "application/json"},
        )
        answer = json.loads(self.opener.open(request, timeout=60).read())
        if "error" in answer:
            raise Fail(f"{model}.{method}: {answer['error']['data']['message']}")
        return answer["result"]

    def download(self, path):
        return self.opener.open(f"{DEMO_URL}{path}", timeout=300).read()


# ----------------------------------------------------------------------
# Chromium
# ----------------------------------------------------------------------
class Browser:
    """Headless Chromium with one page, driven over the DevTools protocol."""

    def __init__(self):
        import websocket  # noqa: PLC0415 (Odoo's requirements, not the harness's)

        binary = shutil.which("chromium") or shutil.which("chromium-browser")
        if not binary:
            raise Fail("Chromium is needed (`make setup` installs it on Debian)")
        self.profile = tempfile.mkdtemp(prefix="adr-screenshots-")
        self.process = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--window-size=1440,900",
                "--no-first-run",
                "--remote-debugging-port=0",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = Path(self.profile) / "DevToolsActivePort"
        for _attempt in range(100):
            if port_file.is_file() and port_file.read_text().count("\n") >= 1:
                break
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        pages = json.loads(
            urllib.request.urlopen(f"http://127.0.0.1:{port}/json").read()
        )
        url = next(p["webSocketDebuggerUrl"] for p in pages if p["type"] == "page")
        self.socket = websocket.create_connection(url, timeout=60, suppress_origin=True)
        self.next_id = 0

    def send(self, method, **params):
        self.next_id += 1
        self.socket.send(
            json.dumps({"id": self.next_id, "method": method, "params": params})
        )
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise Fail(f"Chromium: {method}: {message['error']['message']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True
        )
        return result.get("result", {}).get("value")

    def wait_for(self, selector, timeout=60):
        test = f"!!document.querySelector({json.dumps(selector)})"
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.evaluate(test):
                return
            time.sleep(0.25)
        raise Fail(f"nothing matched {selector} on {self.evaluate('location.href')}")

    def close(self):
        with contextlib.suppress(Exception):
            self.socket.close()
        self.process.terminate()
        self.process.wait(timeout=20)
        shutil.rmtree(self.profile, ignore_errors=True)


def take(browser, session, shot):
    page = shot.page(session) if callable(shot.page) else shot.page
    browser.send("Network.enable")
    browser.send("Network.clearBrowserCookies")
    if not shot.anonymous:
        browser.send(
            "Network.setCookie",
            name="session_id",
            value=session.session_id,
            url=DEMO_URL,
        )
    browser.send(
        "Emulation.setDeviceMetricsOverride",
        width=shot.width,
        height=shot.height,
        deviceScaleFactor=shot.scale,
        mobile=shot.mobile,
    )
    browser.send("Page.enable")
    browser.send("Page.navigate", url=urllib.parse.urljoin(DEMO_URL, page))
    browser.wait_for(shot.ready)
    time.sleep(1.5)  # the last renders, fonts and charts
    if shot.script:
        browser.evaluate(shot.script)
        if shot.shown:
            browser.wait_for(shot.shown)
        time.sleep(1.5)
    params = {"format": "png", "captureBeyondViewport": shot.full_page}
    if shot.full_page:
        height = browser.evaluate("document.documentElement.scrollHeight")
        params["clip"] = {
            "x": 0,
            "y": 0,
            "width": shot.width,
            "height": height,
            "scale": 1,
        }
    data = browser.send("Page.captureScreenshot", **params)["data"]
    import base64  # noqa: PLC0415

    (DOCS / f"{shot.name}.png").write_bytes(base64.b64decode(data))


def take_letter(session):
    """The final notice to print (the silent retailer's), first page."""
    corner = record_id(session, "partner_corner_demo")
    letters = session.call(
        "debt.recovery.interaction",
        "search",
        [[("partner_id", "=", corner), ("letter_state", "!=", False)]],
        {"order": "date desc", "limit": 1},
    )
    if not letters:
        raise Fail("the demo has no letter for Corner Retail Ltd")
    pdf = session.download(f"/report/pdf/{LETTER_REPORT}/{letters[0]}")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "letter.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "72",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                source,
                Path(folder) / "letter",
            ],
            check=True,
        )
        shutil.copy(Path(folder) / "letter.png", DOCS / "letter.png")


def cmd_screenshots(*names):
    wanted = set(names) or {shot.name for shot in SHOTS} | {"letter"}
    unknown = wanted - {shot.name for shot in SHOTS} - {"letter"}
    if unknown:
        raise Fail(f"no such screenshot: {', '.join(sorted(unknown))}")
    session = Session()
    DOCS.mkdir(exist_ok=True)
    if "letter" in wanted:
        take_letter(session)
        say(f"{rel(DOCS / 'letter.png')}")
    shots = [shot for shot in SHOTS if shot.name in wanted]
    if not shots:
        return
    browser = Browser()
    try:
        for shot in shots:
            take(browser, session, shot)
            say(rel(DOCS / f"{shot.name}.png"))
    finally:
        browser.close()
    os.sync()
