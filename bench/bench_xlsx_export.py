"""Time the accountants' XLSX export and measure its peak memory.

On the data of bench/generate.py, in a copy of the benchmark database with the
addon updated (``createdb -T benchbig COPY``, then ``odoo-bin -u
account_debt_recovery --stop-after-init``); everything is rolled back at the
end. Two runs of the same export: one timed (wall clock, SQL queries, peak RSS
of the whole process, Odoo's registry included), one under tracemalloc (peak
of the Python allocations of the export itself).

    python3 bench/bench_xlsx_export.py -c ODOO_CONF -d DB [--as-of DATE] [--verify]

``--verify`` reads the workbook back with openpyxl and checks that the
overview's total equals the receivable balance of the ledger at that date.
"""

import argparse
import base64
import io
import resource
import time
import tracemalloc

from common import odoo_env

from odoo import fields, sql_db
from odoo.tools import SQL


def open_items(env, as_of):
    """Receivable items open at the end of ``as_of`` and how many are overdue."""
    from odoo.addons.account_debt_recovery.export import queries

    cte = queries.open_items_cte(env, env.company, as_of)
    return env.execute_query(
        SQL(
            "WITH %s SELECT COUNT(*), COUNT(*) FILTER (WHERE days > 0 AND residual > 0)"
            " FROM item",
            cte,
        )
    )[0]


def export(env, as_of):
    wizard = env["debt.recovery.xlsx.export"].create({"date_to": as_of})
    wizard.action_export()
    return base64.b64decode(wizard.file_data)


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def verify(env, content, as_of):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    counts = {sheet.title: sheet.max_row - 4 for sheet in book}
    rows = list(book["Overview"].iter_rows(min_row=4, values_only=True))
    header, total = rows[0], None
    for row in rows:
        if row[0] and str(row[0]).startswith("Total "):
            total = row[header.index("Total Due")]
    env.cr.execute(
        SQL(
            """
            SELECT SUM(aml.balance) FROM account_move_line aml
              JOIN account_account account ON account.id = aml.account_id
             WHERE aml.company_id = %s AND aml.parent_state = 'posted'
               AND account.account_type = 'asset_receivable' AND aml.date <= %s
            """,
            env.company.id,
            as_of,
        )
    )
    ledger = env.cr.fetchone()[0]
    print(f"rows (incl. totals) per sheet: {counts}")
    equal = abs(total - ledger) < 0.005
    print(f"overview total {total:,.2f} = ledger balance {ledger:,.2f}: {equal}")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--as-of", help="as-of date (default: today)")
    parser.add_argument("--verify", action="store_true")
    args = parser.parse_args()
    with odoo_env(args.config, args.database) as env:
        as_of = fields.Date.to_date(args.as_of) or fields.Date.context_today(env.user)
        count, overdue = open_items(env, as_of)
        print(f"as of {as_of}: {count} open receivable items, {overdue} overdue")

        rss_before = peak_rss_mb()
        queries = sql_db.sql_counter
        started = time.monotonic()
        content = export(env, as_of)
        elapsed = time.monotonic() - started
        queries = sql_db.sql_counter - queries
        print(
            f"export: {elapsed:.2f} s, {queries} queries, "
            f"{len(content) / 1e6:.1f} MB file, process peak RSS "
            f"{peak_rss_mb():.0f} MB (was {rss_before:.0f} MB before)"
        )

        env.invalidate_all()
        tracemalloc.start()
        started = time.monotonic()
        export(env, as_of)
        traced = time.monotonic() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"export under tracemalloc: {traced:.2f} s, "
            f"Python peak {peak / 2**20:.0f} MB"
        )

        if args.verify:
            verify(env, content, as_of)
        env.cr.rollback()


if __name__ == "__main__":
    main()
