"""`make bench`: the benchmarks of README "Performance" (bench/*.py).

The data is generated once by bench/generate.py into a cached database
adr_bench_data_<partners>_<invoices> (BENCH_PARTNERS, default 5000, and
BENCH_INVOICES, default 50000); each benchmark then runs on a fresh copy of
it, adr_bench_run, with the addon updated. The benchmarks print their own
figures; the Odoo configuration is the test run's (.local/odoo-test.conf).
"""

import os
import subprocess

from .cluster import Cluster
from .common import ADDON, PYTHON, ROOT, Fail, argv, run_or_fail, say
from .odoo_db import ensure_template, install_addon, write_odoo_config
from .system import check_odoo, ensure_python_requirements, odoo_env, setup_system


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
