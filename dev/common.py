"""What every part of the development harness shares.

- Where things are: the repository root (which IS the addon) and the
  git-ignored .local/ folder that holds everything the harness generates.
- The ports, from the environment, so that checkouts can run side by side:
  ADR_PG_PORT (the private PostgreSQL cluster, default 5439),
  ADR_TEST_HTTP_PORT (Odoo's HTTP server in `make test`, default 8169) and
  ADR_DEMO_HTTP_PORT (the one of `make demo`, default 8069) and
  ADR_DEMO_SMTP_PORT (the demo's mail sink, default 2525). Each gevent
  (websocket) port is its HTTP port + 3, as in Odoo's defaults (8069, 8072).
- How steps talk and run: say() prints one `==> ` line, run_logged() and
  run_or_fail() run a command with its output in .local/logs/<log>, Fail stops
  the command (dev/__main__.py prints its message and exits with its code),
  locked() serialises what concurrent runs share.

Only the standard library is used, so this runs before anything is installed.
"""

import ast
import contextlib
import fcntl
import os
import shlex
import socket
import subprocess
import sys
from pathlib import Path

ADDON = "account_debt_recovery"
ROOT = Path(__file__).resolve().parent.parent  # the repository root IS the addon
LOCAL = ROOT / ".local"
LOGS = LOCAL / "logs"
ADDONS = LOCAL / "addons"  # on addons_path, holds a symlink named after the addon:
ADDON_LINK = ADDONS / ADDON  # pytest-odoo takes the module name from the folder
DATA_DIR = LOCAL / "data"  # Odoo's data_dir: filestore/<db>, sessions
WKHTMLTOX = LOCAL / "wkhtmltox"
PYTHON = sys.executable

DEMO_DB = "debt_recovery_demo"


def port_from_env(variable, default):
    """The port number in the environment variable `variable`, else `default`."""
    value = os.environ.get(variable, "").strip()
    if not value:
        return default
    if not value.isdigit() or not 0 < int(value) < 65536:
        sys.exit(f"FAILED: {variable}={value} is not a port number")
    return int(value)


PG_PORT = port_from_env("ADR_PG_PORT", 5439)
TEST_HTTP_PORT = port_from_env("ADR_TEST_HTTP_PORT", 8169)
TEST_GEVENT_PORT = TEST_HTTP_PORT + 3
DEMO_HTTP_PORT = port_from_env("ADR_DEMO_HTTP_PORT", 8069)
DEMO_GEVENT_PORT = DEMO_HTTP_PORT + 3
DEMO_SMTP_PORT = port_from_env("ADR_DEMO_SMTP_PORT", 2525)
DEMO_URL = f"http://127.0.0.1:{DEMO_HTTP_PORT}"
DEMO_MAIL = LOCAL / "mail"  # the demo's mail sink writes each message here


class Fail(Exception):
    """A step failed: main() prints the message and exits with `code`."""

    def __init__(self, message, code=1):
        super().__init__(message)
        self.code = code


def say(message):
    print(f"==> {message}", flush=True)


def rel(path):
    """`path` relative to the repository, for messages and short commands."""
    try:
        return str(Path(path).relative_to(ROOT))
    except ValueError:
        return str(path)


def argv(*parts):
    """A command line: str parts are split on spaces, the others (paths,
    numbers, lists) are kept whole. argv("pg_ctl -D", data, "-w start")."""
    args = []
    for part in parts:
        if isinstance(part, str):
            args += part.split()
        elif isinstance(part, (list, tuple)):
            args += [str(p) for p in part]
        else:
            args.append(str(part))
    return args


def odoo_cmd(*parts):
    return argv(PYTHON, "-m odoo", *parts)


def tail(path, lines=60):
    try:
        content = Path(path).read_text(errors="replace").splitlines()
    except OSError:
        return ""
    return "\n".join(content[-lines:])


def run_logged(cmd, log, *, env=None, cwd=ROOT, input_text=None, append=False):
    """Run `cmd` with its output in .local/logs/<log>; return the exit code."""
    LOGS.mkdir(parents=True, exist_ok=True)
    with open(LOGS / log, "a" if append else "w") as out:
        out.write(f"$ {shlex.join(cmd)}\n")
        out.flush()
        return subprocess.run(
            cmd,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL if input_text is None else None,
            input=input_text,
            text=True,
            env=env,
            cwd=cwd,
            check=False,
        ).returncode


def run_or_fail(cmd, log, what, **kwargs):
    """run_logged, but print the end of the log and stop when it fails."""
    rc = run_logged(cmd, log, **kwargs)
    if rc:
        print(tail(LOGS / log), file=sys.stderr)
        raise Fail(f"{what} failed (exit code {rc}); full log: {rel(LOGS / log)}")


@contextlib.contextmanager
def locked(name):
    """Serialise the steps that concurrent runs share (make test, make demo)."""
    LOCAL.mkdir(parents=True, exist_ok=True)
    with open(LOCAL / f"{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def is_root():
    return os.geteuid() == 0


def port_in_use(port):
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def read_manifest(path):
    return ast.literal_eval(Path(path).read_text())
