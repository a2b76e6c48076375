"""The private PostgreSQL cluster of the project (.local/pg).

One cluster per checkout, started on demand by `make test`, `make demo` and
`make bench`, stopped by `make stop`. It listens on a unix socket only (in
its own folder, port ADR_PG_PORT, default 5439), with fsync off: it is a
throwaway cluster. As root it runs as the `postgres` user, which PostgreSQL
requires. Cluster also holds the few SQL operations the harness needs:
listing, copying (createdb -T, with the filestore), commenting and dropping
databases.
"""

import glob
import hashlib
import os
import shlex
import shutil
import subprocess
from pathlib import Path

from .common import (
    ADDON,
    DATA_DIR,
    LOCAL,
    LOGS,
    PG_PORT,
    ROOT,
    Fail,
    argv,
    is_root,
    locked,
    rel,
    run_or_fail,
    say,
)

PG_ROLE = "odoo"  # superuser of the private cluster (Odoo refuses 'postgres')
PG_OS_USER = "postgres"  # PostgreSQL refuses to run as root


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
