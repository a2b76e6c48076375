"""Developer and CI tasks of the account_debt_recovery addon (called by the Makefile).

    python3 -m dev test          lint, then the whole suite with pytest-odoo
    python3 -m dev bench         the benchmarks of README "Performance"
    python3 -m dev bench-check   check the benchmark data's SQL writer against the ORM
    python3 -m dev pot           regenerate the .pot and merge the .po files
    python3 -m dev lint          ruff, ruff format, pylint-odoo, oca-checks
    python3 -m dev lint-optional pylint with OCA's optional checks (never fails)
    python3 -m dev format        ruff check --fix, then ruff format
    python3 -m dev demo          demo database served on http://127.0.0.1:8069
    python3 -m dev demo-stop     stop the server started by `demo`
    python3 -m dev demo-reset    drop the demo database
    python3 -m dev screenshots [NAME ...]  retake docs/*.png from the running demo
    python3 -m dev setup         only install what is missing (pip, apt, PDF)
    python3 -m dev stop          stop the demo server and PostgreSQL
    python3 -m dev clean         stop everything and delete .local/

Run it from the repository root, as the Makefile does. dev/__init__.py says
which module of dev/ does what.

Everything generated lives in the git-ignored folder .local/ of the repository:
the Odoo configuration files, the PostgreSQL cluster, Odoo's data_dir
(filestores), the patched wkhtmltopdf and the logs (.local/logs/). The output
stays short; when a step fails, the end of its log is printed.

Environment: ODOO_SRC (an Odoo 19 source tree, used instead of the importable
`odoo`), ADR_PG_PORT (port of the private cluster, default 5439),
ADR_TEST_HTTP_PORT (Odoo's HTTP port during `test`, default 8169),
ADR_DEMO_HTTP_PORT (the port `demo` serves on, default 8069),
ADR_DEMO_SMTP_PORT (the port of the demo's mail sink, default 2525), BENCH_PARTNERS
and BENCH_INVOICES (the size of `bench`), PYTEST_ADDOPTS
(extra pytest options, read by pytest itself). The gevent ports are the HTTP
ports + 3. Two checkouts run `test` at the same time with other ports in one:
ADR_PG_PORT=5449 ADR_TEST_HTTP_PORT=8269 make test

Only the standard library is used, so this runs before anything is installed.
"""

import os
import shutil
import sys

from .bench import cmd_bench, cmd_bench_check
from .cluster import Cluster, pg_bindir
from .common import ADDON, LOCAL, ROOT, Fail, say
from .demo import cmd_demo, cmd_demo_reset, cmd_demo_stop
from .i18n import cmd_pot
from .lint import cmd_format, cmd_lint, cmd_lint_optional
from .screenshots import cmd_screenshots
from .system import check_odoo, ensure_python_requirements, setup_system
from .test import cmd_test

# setup, stop and clean only chain the steps of the other modules


def cmd_setup():
    check_odoo()
    ensure_python_requirements()
    setup_system()
    Cluster().start()


def cmd_stop():
    cmd_demo_stop()
    if pg_bindir():
        Cluster().stop()


def cmd_clean():
    cmd_stop()
    pg_link = LOCAL / "pg"
    if pg_link.is_symlink() and os.readlink(pg_link).startswith(f"/tmp/{ADDON}-pg-"):
        shutil.rmtree(os.readlink(pg_link), ignore_errors=True)
    shutil.rmtree(LOCAL, ignore_errors=True)
    say("removed .local/")


COMMANDS = {
    "test": cmd_test,
    "bench": cmd_bench,
    "bench-check": cmd_bench_check,
    "lint": cmd_lint,
    "lint-optional": cmd_lint_optional,
    "format": cmd_format,
    "pot": cmd_pot,
    "demo": cmd_demo,
    "demo-stop": cmd_demo_stop,
    "demo-reset": cmd_demo_reset,
    "screenshots": cmd_screenshots,
    "setup": cmd_setup,
    "stop": cmd_stop,
    "clean": cmd_clean,
}


def main(args):
    # only screenshots takes arguments (the shots to retake)
    if (
        not args
        or args[0] not in COMMANDS
        or (len(args) > 1 and args[0] != "screenshots")
    ):
        print(__doc__)
        return 2
    os.chdir(ROOT)
    try:
        COMMANDS[args[0]](*args[1:])
    except Fail as failure:
        if str(failure):
            print(f"FAILED: {failure}", file=sys.stderr)
        return failure.code
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
