"""Time the daily debt-recovery run and count its SQL queries.

Three runs on the data of bench/generate.py: the first run of the day, a
rerun the same day (must change nothing), and a run one week later.

    python3 bench/bench_daily_run.py -c ODOO_CONF -d DB
"""

import argparse
import time
from datetime import timedelta

from common import odoo_env
from freezegun import freeze_time

from odoo import fields, sql_db


def timed_run(env, label, day):
    before_queries = sql_db.sql_counter
    before_interactions = env["debt.recovery.interaction"].search_count([])
    started = time.monotonic()
    with freeze_time(day):
        env["debt.recovery.run"]._cron_daily()
    elapsed = time.monotonic() - started
    queries = sql_db.sql_counter - before_queries
    logged = env["debt.recovery.interaction"].search_count([]) - before_interactions
    print(f"{label:<28} {elapsed:8.2f} s {queries:8d} queries {logged:7d} interactions")
    return elapsed, queries


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    args = parser.parse_args()
    with odoo_env(args.config, args.database) as env:
        today = fields.Date.context_today(env.user)
        customers = env["res.partner"].search_count(
            [("name", "=like", "Bench customer %")]
        )
        items = env["account.move.line"].search_count(
            [
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
            ]
        )
        print(f"{customers} customers, {items} receivable items")
        timed_run(env, "first run of the day", today)
        timed_run(env, "rerun the same day", today)
        timed_run(env, "run one week later", today + timedelta(days=7))
        env.cr.rollback()


if __name__ == "__main__":
    main()
