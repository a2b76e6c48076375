"""`make demo`, `make demo-stop` and `make demo-reset`.

make demo starts the demo's mail sink (dev/mail_sink.py on 127.0.0.1:2525,
or ADR_DEMO_SMTP_PORT; every message as an .eml file in .local/mail/), creates
the database debt_recovery_demo with the addon and its demo data the first
time, or updates the addon there when its files changed since the last time
(-u), then starts Odoo on http://127.0.0.1:8069 (admin / admin; the port is
ADR_DEMO_HTTP_PORT's when set) and, once it answers, sets the demo up inside
it through `odoo shell` (dev/demo_setup.py: the URLs and mail server, on a
new database the stories, after a creation or an update the daily run, the
mail queue sent and the checks). Odoo then serves in the foreground until
Ctrl-C, SIGTERM or `make demo-stop`, which stop the sink too (the pids are in
.local/odoo-demo.pid and .local/mail-sink.pid, the logs in .local/logs/).
Whether the addon changed is a hash of its files kept as the database's
comment, written once the demo is set up.
"""

import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .cluster import Cluster
from .common import (
    ADDON,
    DEMO_DB,
    DEMO_HTTP_PORT,
    DEMO_MAIL,
    DEMO_SMTP_PORT,
    DEMO_URL,
    LOCAL,
    LOGS,
    PYTHON,
    ROOT,
    Fail,
    locked,
    odoo_cmd,
    port_in_use,
    rel,
    run_logged,
    say,
    tail,
)
from .odoo_db import install_addon, write_odoo_config
from .system import check_odoo, ensure_python_requirements, odoo_env, setup_system

DEMO_PAYMENT_MODULE = "payment_demo"
SERVER_PID = LOCAL / "odoo-demo.pid"
SINK_PID = LOCAL / "mail-sink.pid"
# bump when the way the demo is built changes: older demo databases are
# built again (their comment no longer starts with DEMO_MARK)
DEMO_MARK = "adr demo 2 "

SETUP = """
from dev.demo_setup import setup
setup(env, {url!r}, {smtp_port}, {mail_dir!r}, stories={stories}, daily_run={run})
"""


def addon_fingerprint():
    """Hash of the files that make the addon (not its tests, harness or docs)."""
    skip_top = {"tests", "dev", "bench", "readme", "README.md", "Makefile"}
    skip_top |= {"requirements-dev.txt", "pytest.ini"}
    digest = hashlib.sha1()
    for dirpath, dirnames, filenames in os.walk(ROOT):
        top = Path(dirpath) == ROOT
        dirnames[:] = sorted(
            d
            for d in dirnames
            if d[0] != "." and d != "__pycache__" and not (top and d in skip_top)
        )
        for filename in sorted(filenames):
            if filename[0] != "." and not (top and filename in skip_top):
                path = Path(dirpath) / filename
                digest.update(f"{rel(path)}\0".encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def set_up(conf, env, stories, run):
    """dev/demo_setup.py inside the demo database, the server being up."""
    shell = odoo_cmd("shell -c", conf, "-d", DEMO_DB, "--no-http")
    shell.append(f"--logfile={LOGS / 'demo-setup.log'}")
    script = SETUP.format(
        url=DEMO_URL,
        smtp_port=DEMO_SMTP_PORT,
        mail_dir=str(DEMO_MAIL),
        stories=stories,
        run=run,
    )
    rc = run_logged(shell, "demo-setup.out", env=env, input_text=script)
    lines = (LOGS / "demo-setup.out").read_text().splitlines()
    for line in lines:
        if line.startswith("ADR-DEMO-STEP: "):
            say(line.split(": ", 1)[1])
    result = next(
        (ln for ln in lines if ln.startswith(("ADR-DEMO-OK", "ADR-DEMO-FAILED"))), ""
    )
    if rc or not result.startswith("ADR-DEMO-OK"):
        print(tail(LOGS / "demo-setup.log"), file=sys.stderr)
        print(tail(LOGS / "demo-setup.out"), file=sys.stderr)
        raise Fail(
            "setting the demo up failed: "
            + (result.split(": ", 1)[-1] or f"see {rel(LOGS / 'demo-setup.out')}")
        )
    say(f"checked: {result.split(': ', 1)[1]}")


def cmd_demo():
    odoo = check_odoo()
    ensure_python_requirements()
    wkhtmltopdf_dir = setup_system()
    for port, what in ((DEMO_HTTP_PORT, "HTTP"), (DEMO_SMTP_PORT, "mail sink")):
        if port_in_use(port):
            raise Fail(
                f"the demo's {what} port {port} is in use: another `make demo`? "
                "(`make demo-stop`, or ADR_DEMO_HTTP_PORT / ADR_DEMO_SMTP_PORT)"
            )
    pg = Cluster().start()
    conf = write_odoo_config("demo", odoo, pg, wkhtmltopdf_dir)
    env = odoo_env(wkhtmltopdf_dir)
    sink = start_mail_sink()
    server = None
    try:
        with locked("demo"):
            fingerprint = addon_fingerprint()
            stories = run = False
            comment = pg.comment(DEMO_DB) if pg.exists(DEMO_DB) else None
            if not comment or not comment.startswith(DEMO_MARK):
                say(f"creating {DEMO_DB}: {ADDON} with demo data (once)")
                pg.drop(DEMO_DB, force=True)  # a half-built one
                forget_emails()  # the sink holds the new database's only
                # payment_demo: the customer's page pays with the demo provider
                options = ["-i", f"{ADDON},{DEMO_PAYMENT_MODULE}", "--with-demo"]
                seconds = install_addon(conf, DEMO_DB, env, "demo-install.log", options)
                say(f"{DEMO_DB} created in {seconds:.0f} s")
                stories = run = True
            elif comment != f"{DEMO_MARK}{fingerprint}":
                say(f"the addon changed since the last `make demo`: -u {ADDON}")
                options = ["-u", ADDON]
                seconds = install_addon(conf, DEMO_DB, env, "demo-install.log", options)
                say(f"{ADDON} updated in {seconds:.0f} s")
                run = True
            else:
                say(f"reusing {DEMO_DB} (the addon did not change since it was loaded)")
            server = start_server(conf, env)
            # letters render on the letterhead only while the server answers
            set_up(conf, env, stories, run)
            pg.set_comment(DEMO_DB, f"{DEMO_MARK}{fingerprint}")
        say(f"ready: {DEMO_URL} (admin / admin); Ctrl-C or `make demo-stop`")
        say(f"the demo's emails: {rel(DEMO_MAIL)}/*.eml")
        serve(server)
    finally:
        if server and server.poll() is None:
            server.terminate()
            server.wait(timeout=30)
        stop_process(sink, SINK_PID, "the mail sink")


def start_mail_sink():
    log = LOGS / "mail-sink.log"
    LOGS.mkdir(parents=True, exist_ok=True)
    command = [PYTHON, "-m", "dev.mail_sink", "--port", str(DEMO_SMTP_PORT)]
    command += ["--dir", str(DEMO_MAIL)]
    with open(log, "w") as out:
        sink = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    SINK_PID.write_text(f"{sink.pid}\n")
    for _attempt in range(50):
        if sink.poll() is not None:
            print(tail(log), file=sys.stderr)
            raise Fail(f"the mail sink did not start; log: {rel(log)}")
        if port_in_use(DEMO_SMTP_PORT):
            say(f"mail sink on 127.0.0.1:{DEMO_SMTP_PORT}, writing {rel(DEMO_MAIL)}/")
            return sink
        time.sleep(0.1)
    raise Fail(f"the mail sink did not listen on {DEMO_SMTP_PORT}; log: {rel(log)}")


def start_server(conf, env):
    """Odoo in the background; returns once it answers."""
    log = LOGS / "odoo-demo.log"
    server = subprocess.Popen(
        odoo_cmd("-c", conf, "-d", DEMO_DB, f"--pidfile={SERVER_PID}"),
        env=env,
        stdin=subprocess.DEVNULL,
    )
    signal.signal(signal.SIGTERM, lambda signum, _frame: server.send_signal(signum))
    say(f"starting Odoo on {DEMO_URL} (log: {rel(log)})")
    for _attempt in range(240):
        if server.poll() is not None:
            print(tail(log), file=sys.stderr)
            raise Fail(f"the Odoo server stopped (exit code {server.returncode})")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{DEMO_URL}/web/login", timeout=5) as answer:
                if answer.status == 200:
                    return server
        time.sleep(0.5)
    raise Fail(f"Odoo does not answer on {DEMO_URL}; log: {rel(log)}")


def serve(server):
    """Wait for the server until Ctrl-C, SIGTERM or `make demo-stop`."""
    log = LOGS / "odoo-demo.log"
    try:
        rc = server.wait()
    except KeyboardInterrupt:  # Ctrl-C reached the server too: let it shut down
        try:
            rc = server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            rc = server.wait()
    if rc not in (0, -signal.SIGINT, -signal.SIGTERM):
        print(tail(log), file=sys.stderr)
        raise Fail(f"the Odoo server stopped (exit code {rc}); log: {rel(log)}")
    say("Odoo stopped")


def stop_process(process, pidfile, what):
    """Stop ``process`` (a Popen) or the one of ``pidfile``; say so."""
    pid = process.pid if process else 0
    if not pid and pidfile.is_file():
        pid = int(pidfile.read_text().strip() or 0)
    try:
        if not pid:
            raise ProcessLookupError
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    for _attempt in range(60):
        if process:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=0.5)
                break
        else:
            time.sleep(0.5)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
    pidfile.unlink(missing_ok=True)
    say(f"{what} (pid {pid}) stopped")
    return True


def forget_emails():
    """The .eml files of a demo database that is dropped."""
    for message in DEMO_MAIL.glob("*.eml"):
        message.unlink()


def cmd_demo_stop():
    stopped = stop_process(None, SERVER_PID, "demo server")
    stopped = stop_process(None, SINK_PID, "the mail sink") or stopped
    if not stopped:
        say("no demo server is running")


def cmd_demo_reset():
    pg = Cluster().start()
    if not pg.drop(DEMO_DB, force=True):
        raise Fail(f"could not drop {DEMO_DB}")
    forget_emails()
    say(f"dropped {DEMO_DB} and its emails; the next `make demo` creates it again")
