"""Time the daily run as the scheduler runs it: the scheduled action "Debt
Recovery: daily run" and the second cron worker it starts, each in its own
process, as Odoo's cron workers run them where the server runs in processes
(``--workers``), on the data of bench/generate.py: the first run of the day,
then one week later (second level and call activities).

Process 1 runs the daily run's job through ``ir.cron``'s own job execution
(``method_direct_trigger``: the job's own cursor, context, progress and
time limit, the job run again while it reports work left, as the scheduler
puts it back at the head of its queue); process 2 is the second cron
worker: it waits for the daily run to start it (a trigger of "Debt
Recovery: daily run, second worker", looked for every 20 ms, where a cron
worker is woken by PostgreSQL's notification) and runs that job the same
way. Both run at the day being timed (freezegun, its clock ticking). Prints
each process's time, CPU time, queries and the follow-ups it evaluated, the
time from the start of the daily run to the end of the last process, and
checks the runs' level entries: one per follow-up contacted, and nobody
left to evaluate. Exit code 1 if a check fails. The runs commit: use a copy.

    python3 bench/bench_scheduled_run.py -c ODOO_CONF -d DB_COPY
"""

import argparse
import json
import subprocess
import sys
import time
from datetime import date, timedelta

from bench_daily_run import counted_evaluations, cpu_seconds, peak_rss_mb, sizes
from common import odoo_env
from freezegun import freeze_time

from odoo import fields, sql_db


def cron_xmlids():
    """The daily run's two scheduled actions (the addon is importable once
    the configuration names its path)."""
    from odoo.addons.account_debt_recovery.models import (  # noqa: PLC0415
        debt_recovery_run_workers as workers,
    )

    return workers.DAILY_CRON, workers.SECOND_WORKER_CRON


def worker(args):
    """One cron worker: load, say ready, wait for "go", run its job on the
    day, print what it did as one JSON line."""
    with odoo_env(args.config, args.database) as env:
        evaluated, counting = counted_evaluations(env)
        cron = env.ref(args.worker)
        daily = env.ref(cron_xmlids()[0])
        triggers = env["ir.cron.trigger"]
        last_trigger = triggers.search([], order="id desc", limit=1).id or 0
        last_daily_call = daily.lastcall
        env["debt.recovery.run"]._companies()  # warm the registry and caches
        env.cr.commit()
        print("ready", flush=True)
        sys.stdin.readline()
        waited = time.monotonic()
        if args.worker == cron_xmlids()[1]:  # started by the daily run
            domain = [("cron_id", "=", cron.id), ("id", ">", last_trigger)]
            # the daily run may end its job without starting it (one batch
            # or less): its last call is then set
            while not triggers.search_count(domain):
                daily.invalidate_recordset(["lastcall"])
                if daily.lastcall != last_daily_call:
                    break
                env.cr.rollback()
                time.sleep(0.02)
        waited = time.monotonic() - waited
        queries, started, cpu = sql_db.sql_counter, time.monotonic(), cpu_seconds()
        # the clock ticks: the scheduler's time limit per job applies
        with (
            freeze_time(args.day, tick=True),
            counting,
        ):
            calls, ok = run_until_done(env, cron)
        result = {
            "ok": ok,
            "calls": calls,
            "waited": waited,
            "seconds": time.monotonic() - started,
            "cpu": cpu_seconds() - cpu,
            "queries": sql_db.sql_counter - queries,
            "evaluated": sum(evaluated),
            "rss": peak_rss_mb(),
        }
        env.cr.commit()
        print(json.dumps(result), flush=True)


def run_until_done(env, cron):
    """Run the job as a cron worker does until it reports nothing left (the
    scheduler gives a job a few seconds, calls it again while it has work
    left, then puts it back at the head of the queue); (job runs, ok)."""
    Progress = env["ir.cron.progress"]
    calls = 0
    while True:
        calls += 1
        if cron.method_direct_trigger() is not True:
            return calls, False
        env.cr.commit()  # the job's row, locked while it runs, is free again
        last = Progress.search([("cron_id", "=", cron.id)], order="id desc", limit=1)
        if not last.remaining:
            return calls, True


def scheduled_run(args, label, day):
    """The day's run by the two workers; whether its checks passed."""
    with odoo_env(args.config, args.database) as env:
        env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM debt_recovery_interaction")
        last_id = env.cr.fetchone()[0]
    command = [sys.executable, __file__, "-c", args.config, "-d", args.database]
    daily, second = cron_xmlids()
    processes = {
        name: subprocess.Popen(
            [*command, "--worker", xmlid, "--day", day.isoformat()],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name, xmlid in (("daily run", daily), ("second worker", second))
    }
    for process in processes.values():  # everybody loaded: go at the same moment
        if process.stdout.readline().strip() != "ready":
            process.wait()
    started = time.monotonic()
    for process in processes.values():
        if process.poll() is None:
            process.stdin.write("go\n")
            process.stdin.flush()
    ok, ended, lines = True, started, []
    for name, process in processes.items():
        result = process.stdout.readline()
        ended = max(ended, time.monotonic())
        process.communicate()
        if process.returncode or not result.strip():
            ok = False
            lines.append(f"  {name}: CRASHED (exit code {process.returncode})")
            continue
        result = json.loads(result)
        ok = ok and result["ok"]
        lines.append(
            f"  {name:<14} {result['seconds']:7.2f} s (CPU {result['cpu']:6.2f} s, "
            f"started after {result['waited']:.2f} s, {result['calls']} job runs) "
            f"{result['queries']:6d} queries,"
            f" evaluated {result['evaluated']:5d} follow-ups, peak RSS "
            f"{result['rss']:.0f} MB" + ("" if result["ok"] else ": the job FAILED")
        )
    print(f"{label:<28} {ended - started:8.2f} s from the start to the end of both")
    print("\n".join(lines))
    return check_contacts(args, last_id, day) and ok


def check_contacts(args, last_id, day):
    """Each follow-up the run contacted has one level entry; none is left."""
    with odoo_env(args.config, args.database) as env:
        env.cr.execute(
            """
            SELECT COUNT(*), COUNT(*) FILTER (WHERE n > 1)
              FROM (SELECT followup_id, COUNT(*) AS n FROM debt_recovery_interaction
                     WHERE id > %s AND event = 'level' GROUP BY followup_id) per
            """,
            [last_id],
        )
        contacted, twice = env.cr.fetchone()
        Run = env["debt.recovery.run"]
        left = sum(
            len(Run.with_company(company)._candidate_ids(company, day))
            for company in Run._companies()
        )
        env.cr.rollback()
    ok = not twice and not left
    print(
        f"  contacted {contacted} follow-ups, {twice} more than once; {left} left"
        f" to evaluate{'' if ok else ': FAILED'}"
    )
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--day", type=date.fromisoformat, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    with odoo_env(args.config, args.database) as env:
        today = fields.Date.context_today(env.user)
        customers, items = sizes(env)
        env.cr.rollback()
    print(
        f"{customers} customers, {items} receivable items; the daily run and its "
        "second cron worker, each in its own process"
    )
    ok = scheduled_run(args, "first run of the day", today)
    ok = scheduled_run(args, "run one week later", today + timedelta(days=7)) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
