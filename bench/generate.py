"""Deterministic receivables for the benchmarks.

P customers x N posted invoices with due dates spread over the last 150 days
and the next 30, full payments, partial credit notes (matched or left open),
disputes and items flagged no_followup (bench/generate_plan.py). Same seed,
same data.

Two writers record the same plan:

* ``--via sql`` (the default, used by ``make bench`` at every size):
  bench/generate_sql.py writes the posted ledger (moves, items, payments,
  reconciliations) with batched SQL inserts, as Odoo's own posting and
  reconciliation would have left it, then lets the addon and Odoo compute
  what they own: the disputes are logged as interactions and the follow-ups
  refreshed through the addon's methods. 50,000 invoices in under two
  minutes, 500,000 in about 35 (on a busy 2-core machine).
* ``--via orm``: bench/generate_orm.py, through Odoo's business methods
  (posting, the payment wizard, ``reconcile()``); about 30 minutes for 50,000
  invoices. It is the reference the SQL writer is checked against:
  ``make bench-check`` (bench/check_generator.py) generates a small size both
  ways with the same seed and compares them.

    python3 bench/generate.py -c ODOO_CONF -d DB --partners 5000 --invoices 50000
        [--via sql|orm] [--seed 19]
"""

import argparse
import time

from common import odoo_env
from generate_plan import disputes, make_plan

from odoo import fields


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--partners", type=int, default=5000)
    parser.add_argument("--invoices", type=int, default=50000)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--via", choices=("sql", "orm"), default="sql")
    args = parser.parse_args()
    started = time.monotonic()
    with odoo_env(args.config, args.database) as env:
        env = env(
            context={
                "tracking_disable": True,
                "mail_create_nolog": True,
                "mail_notrack": True,
            }
        )
        today = fields.Date.context_today(env.user)
        plan = make_plan(args.partners, args.invoices, args.seed, today)
        if args.via == "orm":
            import generate_orm

            _partners, moves = generate_orm.write(env, plan, started)
        else:
            import generate_sql

            moves = generate_sql.write(env, plan, started)
        count = disputes(env, plan, moves)
        print(f"{count} disputes in {time.monotonic() - started:.0f}s", flush=True)
        env.cr.commit()
    print(f"done in {time.monotonic() - started:.0f}s")


if __name__ == "__main__":
    main()
