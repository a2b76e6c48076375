"""`make bench` and `make bench-check`: the benchmarks of README "Performance"
(bench/*.py) and the check of their data generator.

make bench: the data is generated once by bench/generate.py (its SQL writer)
into a cached database adr_bench_data_<partners>_<invoices> (BENCH_PARTNERS,
default 5000, and BENCH_INVOICES, default 50000); each benchmark then runs on
a fresh copy of it, adr_bench_run, with the addon updated: the daily run
(first run, rerun, one week later), the scheduled daily run with its second
cron worker (first run, one week later), the same run in two processes at once,
the delivery of the queued reminders to a local SMTP sink (dev/mail_sink.py),
the XLSX export and the letters. The benchmarks print their own figures; the
Odoo configuration is the test run's (.local/odoo-test.conf).

make bench-check: the same plan (BENCH_CHECK_PARTNERS, default 200, and
BENCH_CHECK_INVOICES, default 2000) written by both writers of
bench/generate.py, the ORM one and the SQL one, into adr_bench_check_orm and
adr_bench_check_sql (left there to be inspected), then compared by
bench/check_generator.py.
"""

import os
import subprocess
import time

from .cluster import Cluster
from .common import ADDON, PYTHON, ROOT, Fail, argv, run_or_fail, say
from .odoo_db import ensure_template, install_addon, write_odoo_config
from .system import check_odoo, ensure_python_requirements, odoo_env, setup_system

# The comment of a complete data database; bump it when bench/generate.py
# makes other data (the cached databases are then generated again).
DATA_COMMENT = "adr bench data 2"
BENCHES = [
    ("daily run", ["bench/bench_daily_run.py"]),
    ("daily run and its second cron worker", ["bench/bench_scheduled_run.py"]),
    (
        "daily run, two processes at once",
        ["bench/bench_daily_run.py", "--concurrent=2"],
    ),
    ("mail delivery", ["bench/bench_mail_delivery.py"]),
    ("XLSX export", ["bench/bench_xlsx_export.py", "--verify"]),
    ("letters", ["bench/bench_letters.py", "--letters=100"]),
]


def prepare():
    """Odoo, the cluster, the test configuration and the template database."""
    odoo = check_odoo()
    ensure_python_requirements()
    wkhtmltopdf_dir = setup_system()
    pg = Cluster().start()
    conf = write_odoo_config("test", odoo, pg, wkhtmltopdf_dir)
    env = odoo_env(wkhtmltopdf_dir)
    template = ensure_template(odoo, pg, conf, env)
    return pg, conf, env, template


def generate(pg, conf, env, template, db, partners, invoices, via="sql"):
    """A fresh copy of the template with the addon and the generated data."""
    pg.drop(db, force=True)
    pg.copy(template, db)
    install_addon(conf, db, env, f"{db}-install.log", ["-i", ADDON])
    command = argv(PYTHON, "bench/generate.py -c", conf, "-d", db)
    command += [f"--partners={partners}", f"--invoices={invoices}", f"--via={via}"]
    started = time.time()
    run_or_fail(command, f"{db}-generate.log", f"generating {db}", env=env)
    return time.time() - started


def cmd_bench():
    """The benchmarks of README "Performance", on generated data.

    The data (BENCH_PARTNERS customers x BENCH_INVOICES invoices, made by
    bench/generate.py with a fixed seed) is built once into a cached
    database; each benchmark runs on a fresh copy of it.
    """
    partners = int(os.environ.get("BENCH_PARTNERS", "5000"))
    invoices = int(os.environ.get("BENCH_INVOICES", "50000"))
    pg, conf, env, template = prepare()
    data_db = f"adr_bench_data_{partners}_{invoices}"
    if not pg.exists(data_db) or pg.comment(data_db) != DATA_COMMENT:
        say(f"generating {data_db}: {partners} customers, {invoices} invoices (once)")
        seconds = generate(pg, conf, env, template, data_db, partners, invoices)
        pg.set_comment(data_db, DATA_COMMENT)
        say(f"data generated in {seconds:.0f} s (.local/logs/{data_db}-generate.log)")
    for name, script in BENCHES:
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


def cmd_bench_check():
    """Generate a small size with both writers and compare them."""
    partners = int(os.environ.get("BENCH_CHECK_PARTNERS", "200"))
    invoices = int(os.environ.get("BENCH_CHECK_INVOICES", "2000"))
    pg, conf, env, template = prepare()
    for via in ("orm", "sql"):
        db = f"adr_bench_check_{via}"
        say(f"generating {db}: {partners} customers, {invoices} invoices, --via {via}")
        seconds = generate(pg, conf, env, template, db, partners, invoices, via)
        say(f"{db} generated in {seconds:.0f} s")
    say("comparing the two")
    cmd = argv(PYTHON, "bench/check_generator.py -c", conf)
    cmd += ["--orm=adr_bench_check_orm", "--sql=adr_bench_check_sql"]
    rc = subprocess.run(cmd, cwd=ROOT, env=env, check=False).returncode
    if rc:
        raise Fail(f"the SQL generator differs from the ORM one (exit code {rc})", rc)
