"""`make demo`, `make demo-stop` and `make demo-reset`.

make demo creates the database debt_recovery_demo with the addon and its demo
data the first time (then runs the daily debt-recovery run once), updates the
addon there when its files changed since the last time (-u, then the daily
run again), and serves Odoo on http://127.0.0.1:8069 (admin / admin; the port
is ADR_DEMO_HTTP_PORT's when set) in the foreground until Ctrl-C, SIGTERM or
`make demo-stop` (its pid is in .local/odoo-demo.pid, its log in
.local/logs/odoo-demo.log). Whether the addon changed is a hash of its files
kept as the database's comment.
"""

import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from .cluster import Cluster
from .common import (
    ADDON,
    DEMO_DB,
    DEMO_HTTP_PORT,
    LOCAL,
    LOGS,
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

DAILY_CRON_XMLID = f"{ADDON}.ir_cron_debt_recovery_daily"
DEMO_PAYMENT_MODULE = "payment_demo"

DAILY_RUN = f"""
cron = env.ref("{DAILY_CRON_XMLID}", raise_if_not_found=False)
if not cron:
    print("ADR-DAILY-RUN: skipped, {DAILY_CRON_XMLID} does not exist yet")
else:
    result = cron.method_direct_trigger()
    env.cr.commit()
    if isinstance(result, dict) and result.get("type") == "ir.actions.client":
        print("ADR-DAILY-RUN: failed", result.get("params"))
    else:
        print("ADR-DAILY-RUN: done")
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


def daily_run(conf, env):
    """Run the daily debt-recovery run once (its cron), through `odoo shell`."""
    shell = odoo_cmd("shell -c", conf, "-d", DEMO_DB, "--no-http")
    shell.append(f"--logfile={LOGS / 'demo-daily-run.log'}")
    rc = run_logged(shell, "demo-daily-run.out", env=env, input_text=DAILY_RUN)
    output = (LOGS / "demo-daily-run.out").read_text().splitlines()
    line = next((ln for ln in output if ln.startswith("ADR-DAILY-RUN")), "")
    if rc or not line or "failed" in line:
        print(tail(LOGS / "demo-daily-run.log"), file=sys.stderr)
        say(f"WARNING: the daily run failed ({line or 'see demo-daily-run.log'})")
    else:
        say(f"daily debt-recovery run: {line.split(': ', 1)[1]}")


def cmd_demo():
    odoo = check_odoo()
    ensure_python_requirements()
    wkhtmltopdf_dir = setup_system()
    if port_in_use(DEMO_HTTP_PORT):
        raise Fail(
            f"port {DEMO_HTTP_PORT} is in use: another `make demo`? (`make demo-stop`)"
        )
    pg = Cluster().start()
    conf = write_odoo_config("demo", odoo, pg, wkhtmltopdf_dir)
    env = odoo_env(wkhtmltopdf_dir)
    with locked("demo"):
        fingerprint = addon_fingerprint()
        comment = pg.comment(DEMO_DB) if pg.exists(DEMO_DB) else None
        if not comment or not comment.startswith("adr demo "):
            say(f"creating {DEMO_DB}: {ADDON} with demo data (once)")
            pg.drop(DEMO_DB, force=True)  # a half-built one
            # payment_demo: the customer's page pays with the demo provider
            options = ["-i", f"{ADDON},{DEMO_PAYMENT_MODULE}", "--with-demo"]
            seconds = install_addon(conf, DEMO_DB, env, "demo-install.log", options)
            say(f"{DEMO_DB} created in {seconds:.0f} s")
            daily_run(conf, env)
        elif comment != f"adr demo {fingerprint}":
            say(f"the addon changed since the last `make demo`: -u {ADDON}")
            options = ["-u", ADDON]
            seconds = install_addon(conf, DEMO_DB, env, "demo-install.log", options)
            say(f"{ADDON} updated in {seconds:.0f} s")
            daily_run(conf, env)
        else:
            say(f"reusing {DEMO_DB} (the addon did not change since it was loaded)")
        pg.set_comment(DEMO_DB, f"adr demo {fingerprint}")
    serve_demo(conf, env)


def serve_demo(conf, env):
    """Serve Odoo in the foreground until Ctrl-C, SIGTERM or `make demo-stop`."""
    url = f"http://127.0.0.1:{DEMO_HTTP_PORT}"
    log = LOGS / "odoo-demo.log"
    server = subprocess.Popen(
        odoo_cmd("-c", conf, "-d", DEMO_DB, f"--pidfile={LOCAL / 'odoo-demo.pid'}"),
        env=env,
        stdin=subprocess.DEVNULL,
    )
    signal.signal(signal.SIGTERM, lambda signum, _frame: server.send_signal(signum))

    def announce_when_ready():
        for _attempt in range(240):
            if server.poll() is not None:
                return
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"{url}/web/login", timeout=5) as response:
                    if response.status == 200:
                        say(f"ready: {url} (admin / admin); Ctrl-C or `make demo-stop`")
                        return
            time.sleep(0.5)

    say(f"starting Odoo on {url} (log: {rel(log)})")
    threading.Thread(target=announce_when_ready, daemon=True).start()
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


def cmd_demo_stop():
    pidfile = LOCAL / "odoo-demo.pid"
    pid = int(pidfile.read_text().strip() or 0) if pidfile.is_file() else 0
    try:
        if not pid:
            raise ProcessLookupError
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        say("no demo server is running")
        return
    for _attempt in range(60):
        time.sleep(0.5)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
    say(f"demo server (pid {pid}) stopped")


def cmd_demo_reset():
    pg = Cluster().start()
    if not pg.drop(DEMO_DB, force=True):
        raise Fail(f"could not drop {DEMO_DB}")
    say(f"dropped {DEMO_DB}; the next `make demo` creates it again")
