"""`make lint`, `make lint-optional` and `make format`.

make lint runs, all at once, and fails on any finding:
- ruff check and ruff format --check on the whole repository (.ruff.toml),
  the harness in dev/ and the benchmarks in bench/ included;
- pylint-odoo with OCA's mandatory checks (.pylintrc-mandatory) on the addon,
  through the .local/addons symlink so that it sees the module's real name
  (dev/ and bench/ are not addon code: .pylintrc-mandatory ignores them);
- oca-checks-odoo-module and oca-checks-po on a copy of the addon named
  account_debt_recovery (.local/lint/).
Each check's output goes to .local/logs/lint-<check>.log.
"""

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from subprocess import DEVNULL

from .common import ADDON, ADDONS, LOCAL, LOGS, PYTHON, ROOT, Fail, argv, say
from .odoo_db import ensure_addon_link
from .system import ensure_python_requirements


def lint_copy():
    """A copy of the addon as .local/lint/account_debt_recovery.

    oca-checks-odoo-module resolves symlinks and takes the module name from
    the folder's name: on a checkout named e.g. `main` it would check xml ids
    against the wrong module name.
    """
    dest = LOCAL / "lint" / ADDON
    shutil.rmtree(dest, ignore_errors=True)
    skip = {".git", ".local", "__pycache__", ".pytest_cache", ".ruff_cache"}
    skip.add(".hypothesis")

    def ignore(directory, names):
        bench_out = ["out"] if Path(directory) == ROOT / "bench" else []
        return [n for n in names if n in skip] + bench_out

    shutil.copytree(ROOT, dest, ignore=ignore, symlinks=True)
    return dest


def cmd_lint(install=True):
    if install:
        ensure_python_requirements()
    ensure_addon_link()
    started = time.time()
    LOGS.mkdir(parents=True, exist_ok=True)
    copy = lint_copy()
    oca = "import sys; from oca_pre_commit_hooks.{} import main; sys.exit(main())"
    ruff = argv(PYTHON, "-m ruff")
    # (name, command, folder to run it in, path prefix to strip from its output)
    checks = [
        (
            "ruff check",
            ruff + argv("check --no-fix --output-format=concise ."),
            ROOT,
            "",
        ),
        (
            "ruff format",
            ruff + argv("format --check --output-format=concise ."),
            ROOT,
            "",
        ),
        # through the symlink, so that pylint-odoo sees the real module name
        (
            "pylint-odoo",
            argv(PYTHON, "-m pylint --rcfile", ROOT / ".pylintrc-mandatory", ADDON),
            ADDONS,
            f"{ADDON}/",
        ),
        # prefer-readme-rst: the project documents itself in README.md
        (
            "oca-checks-odoo-module",
            argv(PYTHON, "-c", [oca.format("cli")], ADDON)
            + ["--disable=prefer-readme-rst"],
            copy.parent,
            f"{ADDON}/",
        ),
    ]
    po_files = sorted(str(p.relative_to(copy.parent)) for p in copy.glob("i18n/*.po*"))
    if po_files:
        po_check = argv(PYTHON, "-c", [oca.format("cli_po")], po_files)
        po_check.append("--disable=po-pretty-format")
        checks.append(("oca-checks-po", po_check, copy.parent, f"{ADDON}/"))
    pipes = dict(stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    running = [  # all at once: pylint alone takes most of the time
        (name, cwd, prefix, subprocess.Popen(cmd, cwd=cwd, stdin=DEVNULL, **pipes))
        for name, cmd, cwd, prefix in checks
    ]
    failed = []
    for name, cwd, prefix, proc in running:
        output = proc.communicate()[0].strip()
        if prefix:  # report paths relative to the repository
            output = re.sub(rf"[^\s:'\"]*{re.escape(prefix)}", "", output)
        (LOGS / f"lint-{name.replace(' ', '-')}.log").write_text(output + "\n")
        if proc.returncode:
            failed.append(name)
            print(f"---- {name}: exit code {proc.returncode}", file=sys.stderr)
            print(output + "\n", file=sys.stderr)
    if failed:
        raise Fail(f"lint: {', '.join(failed)} (`make format` fixes what ruff can)")
    names = ", ".join(name for name, *_ in checks)
    say(f"lint ok: {names} ({time.time() - started:.1f} s)")


def cmd_lint_optional():
    """pylint with OCA's optional checks too (.pylintrc); informative only."""
    ensure_python_requirements()
    ensure_addon_link()
    pylint = argv(PYTHON, "-m pylint --exit-zero --rcfile", ROOT / ".pylintrc", ADDON)
    subprocess.run(pylint, cwd=ADDONS, check=False)


def cmd_format():
    ensure_python_requirements()
    # fixes first (e.g. import order), then the formatter, as ruff advises
    subprocess.run(argv(PYTHON, "-m ruff check --fix ."), check=False)
    if subprocess.run(argv(PYTHON, "-m ruff format ."), check=False).returncode:
        raise Fail("ruff format failed")
