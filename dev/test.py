"""`make test`: lint, then the whole suite with pytest-odoo on a fresh database.

The steps: check Odoo and the Python tools, lint (dev/lint.py), install what
is missing (dev/system.py), start the cluster, copy the template database into
a new adr_test_<time>_<pid> database (the previous runs' ones are dropped, a
running one's kept), install the addon there and run pytest on its tests with
Odoo's HTTP server for the browser tests, on port ADR_TEST_HTTP_PORT (default
8169; when another process listens there, the run stops before pytest).
It fails on a lint finding, a failing test, a skipped test or an empty suite
(when the only problem is browser tests that Odoo skipped because Chromium
did not start in time, those tests run once more, together, without the
others); once pytest ran, it ends with pytest's summary line (and that of
the second run).
Logs: .local/logs/install.log, pytest.log and pytest.xml (JUnit), and
pytest-rerun.log and pytest-rerun.xml when browser tests ran again.
"""

import os
import re
import sys
import time
import xml.etree.ElementTree as ET

from .cluster import Cluster
from .common import (
    ADDON,
    ADDON_LINK,
    LOGS,
    PYTHON,
    ROOT,
    TEST_HTTP_PORT,
    Fail,
    argv,
    port_in_use,
    rel,
    run_logged,
    say,
)
from .lint import cmd_lint
from .odoo_db import ensure_template, install_addon, write_odoo_config
from .system import check_odoo, ensure_python_requirements, odoo_env, setup_system

TEST_DB_PREFIX = "adr_test_"


def another_run_uses(db):
    """Test databases end with the pid of their `make test`: still running?"""
    pid = db.rsplit("_", 1)[-1]
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def skipped_tests(junit_path):
    """[(test, reason)] of the tests pytest reported as skipped."""
    try:
        cases = ET.parse(junit_path).getroot().iter("testcase")
    except (OSError, ET.ParseError):
        return []
    return [
        (f"{case.get('classname')}.{case.get('name')}", skip.get("message", ""))
        for case in cases
        if (skip := case.find("skipped")) is not None
    ]


# Odoo skips a browser test when Chromium did not open its devtools port in
# time: on a busy machine, a slow start rather than a failure of the test.
BROWSER_NOT_STARTED = "Failed to detect chrome devtools port"


def rerun_skipped(skipped, pytest, tests, env):
    """Run the tests ``skipped`` because Chromium did not start once more,
    together, without the others; ``(problems, summary line)``."""
    say(f"{len(skipped)} browser test(s) skipped (Chromium did not start): once more")
    junit = LOGS / "pytest-rerun.xml"
    junit.unlink(missing_ok=True)
    ids = []
    for test, _reason in skipped:
        path, cls, name = test.rsplit(".", 2)
        ids.append(f"{rel(tests)}/{path.rsplit('.', 1)[-1]}.py::{cls}::{name}")
    # the same command on those tests alone
    command = [
        arg for arg in pytest if arg != rel(tests) and not arg.startswith("--junitxml=")
    ]
    command += [f"--junitxml={junit}", *ids]
    rc = run_logged(command, "pytest-rerun.log", env=env)
    log = (LOGS / "pytest-rerun.log").read_text(errors="replace").splitlines()
    closing = next((ln for ln in reversed(log) if re.match(r"^=+ .* =+$", ln)), "")
    if rc:
        return [
            f"browser tests run again failed (exit code {rc}); log: "
            ".local/logs/pytest-rerun.log"
        ], closing
    still = skipped_tests(junit)
    if still:
        return [skip_problem(still)], closing
    return [], closing


def skip_problem(skipped):
    return (
        f"{len(skipped)} test(s) skipped; every test must run (Chromium and "
        "websocket-client are installed by `make test`):\n"
        + "\n".join(f"    {test}: {reason}" for test, reason in skipped)
    )


def cmd_test():
    started = time.time()
    odoo = check_odoo()
    ensure_python_requirements()
    cmd_lint(install=False)
    wkhtmltopdf_dir = setup_system()
    pg = Cluster().start()
    conf = write_odoo_config("test", odoo, pg, wkhtmltopdf_dir)
    env = odoo_env(wkhtmltopdf_dir)
    template = ensure_template(odoo, pg, conf, env)

    # a fresh database per run; the previous runs' ones go now (so the last
    # one stays until the next run, to look into a failure)
    for old in pg.databases(TEST_DB_PREFIX):
        if not another_run_uses(old):
            pg.drop(old)  # PostgreSQL refuses too while someone is connected
    db = f"{TEST_DB_PREFIX}{time.strftime('%Y%m%d_%H%M%S')}_{os.getpid()}"
    pg.copy(template, db)
    seconds = install_addon(conf, db, env, "install.log", ["-i", ADDON])
    say(f"{ADDON} installed on {db} ({seconds:.1f} s)")

    if port_in_use(TEST_HTTP_PORT):  # the browser tests would reach that server
        raise Fail(
            f"port {TEST_HTTP_PORT} is in use: another `make test`? Give this one"
            " other ports: ADR_TEST_HTTP_PORT=... ADR_PG_PORT=... make test"
        )
    tests = ADDON_LINK / "tests" if (ROOT / "tests").is_dir() else ADDON_LINK
    junit = LOGS / "pytest.xml"
    junit.unlink(missing_ok=True)
    say(f"pytest {rel(tests)} (log: .local/logs/pytest.log)")
    pytest = argv(PYTHON, "-m pytest", rel(tests), f"--odoo-config={conf}")
    pytest += [f"--odoo-database={db}", "--odoo-http", "--odoo-log-level=warn"]
    pytest += [f"--junitxml={junit}", "-rfEs", "--color=no"]
    rc = run_logged(pytest, "pytest.log", env=env)

    log = (LOGS / "pytest.log").read_text(errors="replace").splitlines()
    closing = next((ln for ln in reversed(log) if re.match(r"^=+ .* =+$", ln)), "")
    problems = []
    if rc == 5:
        problems.append("no test ran (pytest exit code 5): the suite must not be empty")
    elif rc:
        sections = [
            i for i, ln in enumerate(log) if re.match(r"^=+ (FAILURES|ERRORS) =+$", ln)
        ]
        print("\n".join(log[sections[0] if sections else -150 :]), file=sys.stderr)
        problems.append(f"pytest failed (exit code {rc}); log: .local/logs/pytest.log")
    skipped = skipped_tests(junit)
    rerun_closing = ""
    if skipped and not rc and all(BROWSER_NOT_STARTED in why for _t, why in skipped):
        rerun_problems, rerun_closing = rerun_skipped(skipped, pytest, tests, env)
        problems += rerun_problems
    elif skipped:
        problems.append(skip_problem(skipped))
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    outcome = "FAILED" if problems else "ok"
    say(f"make test {outcome} in {time.time() - started:.0f} s (database {db})")
    print(closing or "(no pytest summary line: see .local/logs/pytest.log)", flush=True)
    if rerun_closing:
        print(f"browser tests run again: {rerun_closing}", flush=True)
    if problems:
        raise Fail("", rc or 1)
