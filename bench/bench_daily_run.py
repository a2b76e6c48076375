"""Time the daily debt-recovery run, count its SQL queries, its peak memory.

Three runs on the data of bench/generate.py: the first run of the day, a
rerun the same day (must change nothing), and a run one week later. Each
run commits, as the scheduled action does: run it on a copy of the data.

After the first run, the emails it queued are rendered again one by one by
``mail.template`` (``_render_field`` per customer and field; rolled back),
in the same process, twice: with the run's own figures handed to the
template, as the batch gets them, then as the template renders alone (the
composer, a preview), reading each customer's figures itself. The first
run's time divided by either is a ratio that the machine's load mostly
cancels.

``--concurrent N``: instead, N processes start the day's run at the same
moment on the same database, outside the scheduled action's lock (each calls
``debt.recovery.run._cron_daily()`` itself), with the policies'
min_days_between_contacts set to 0 so that only the run's own guards keep a
customer from being contacted twice. Prints each process's time and how the
work was shared, then checks the interactions of event "level" the runs
created: one per follow-up contacted, and nobody left to evaluate. Exit code
1 if somebody was contacted twice, a process crashed, or a customer was left
behind.

    python3 bench/bench_daily_run.py -c ODOO_CONF -d DB [--concurrent N]
        [--runs first,one-by-one,rerun,week]

``--runs`` picks some of the runs (e.g. ``first,rerun`` on a large size,
where the run one week later costs as much as the first, and rendering
every email one by one takes long and holds them all in memory);
``one-by-one`` follows ``first``.
"""

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import timedelta
from unittest.mock import patch

from common import odoo_env
from freezegun import freeze_time

from odoo import fields, sql_db


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds():
    """CPU time of this process (Odoo's side; PostgreSQL's is not in it):
    steadier than the wall clock on a busy machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed_run(env, label, day):
    before_queries = sql_db.sql_counter
    before_interactions = env["debt.recovery.interaction"].search_count([])
    started, cpu = time.monotonic(), cpu_seconds()
    with freeze_time(day):
        env["debt.recovery.run"]._cron_daily()
    elapsed, cpu = time.monotonic() - started, cpu_seconds() - cpu
    queries = sql_db.sql_counter - before_queries
    logged = env["debt.recovery.interaction"].search_count([]) - before_interactions
    print(
        f"{label:<28} {elapsed:8.2f} s (CPU {cpu:7.2f} s) {queries:8d} queries "
        f"{logged:7d} interactions   peak RSS {peak_rss_mb():5.0f} MB",
        flush=True,
    )
    return elapsed, cpu, queries


def last_interaction_id(env):
    env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM debt_recovery_interaction")
    return env.cr.fetchone()[0]


def one_by_one(env, last_id, today, handed=True):
    """Render the level emails the run logged after ``last_id`` again, one
    customer at a time with ``mail.template``; ``handed``: with the figures
    read beforehand for each level, as the run reads them, else as the
    template renders alone (the composer, a preview: it reads each
    customer's figures itself). ``(seconds, cpu, count)``."""
    sent = env["debt.recovery.interaction"].search(
        [
            ("id", ">", last_id),
            ("event", "=", "level"),
            ("channel", "=", "email"),
            ("mail_message_id", "!=", False),
        ]
    )
    if not sent:
        return None
    env.invalidate_all()
    started, cpu = time.monotonic(), cpu_seconds()
    with freeze_time(today), env.cr.savepoint() as savepoint:
        for level in sent.level_id:
            logged = sent.filtered(lambda entry, lv=level: entry.level_id == lv)
            followups = logged.followup_id
            context = {}
            if handed:
                documents = followups._document_values(dict.fromkeys(followups, level))
                context = {"debt_documents": {f.id: v for f, v in documents.items()}}
            template = level.mail_template_id.with_company(env.company)
            for followup in followups:
                for name in ("subject", "body_html", "email_from", "reply_to"):
                    template._render_field(
                        name, followup.ids, compute_lang=True, add_context=context
                    )
        env.flush_all()
        savepoint.rollback()
    env.invalidate_all()
    elapsed, cpu = time.monotonic() - started, cpu_seconds() - cpu
    label = "its emails one by one" if handed else "  the template reading them"
    what = "figures handed over" if handed else "each reading its own figures"
    print(
        f"{label:<28} {elapsed:8.2f} s (CPU {cpu:7.2f} s) "
        f"{len(sent):8d} emails rendered by mail.template, one customer at a time, "
        f"{what}",
        flush=True,
    )
    return elapsed, cpu, len(sent)


def sizes(env):
    customers = env["res.partner"].search_count([("name", "=like", "Bench customer %")])
    items = env["account.move.line"].search_count(
        [
            ("account_id.account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
        ]
    )
    return customers, items


def sequential(args):
    with odoo_env(args.config, args.database) as env:
        today = fields.Date.context_today(env.user)
        customers, items = sizes(env)
        print(f"{customers} customers, {items} receivable items")
        print(f"{'before the first run':<95} peak RSS {peak_rss_mb():5.0f} MB")
        runs = {
            "first": ("first run of the day", today),
            "rerun": ("rerun the same day", today),
            "week": ("run one week later", today + timedelta(days=7)),
        }
        timings, emailed, alone = {}, None, None
        for name in ("first", "rerun", "week"):
            if name not in args.runs.split(","):
                continue
            last_id = last_interaction_id(env)
            timings[name] = timed_run(env, *runs[name])
            if name == "first" and "one-by-one" in args.runs.split(","):
                emailed = one_by_one(env, last_id, today)
                alone = one_by_one(env, last_id, today, handed=False)
        if customers and "first" in timings:
            elapsed, cpu, _queries = timings["first"]
            print(
                f"first run: {elapsed / customers * 1000:.2f} ms per customer "
                f"(CPU {cpu / customers * 1000:.2f} ms)"
            )
            for rendering, how in (
                (emailed, "with the figures handed over"),
                (alone, "each template reading its own figures"),
            ):
                if rendering:
                    seconds, rendering_cpu, count = rendering
                    print(
                        f"first run against its {count} emails rendered one by "
                        f"one, {how}: {elapsed / seconds:.2f}x "
                        f"(CPU {cpu / rendering_cpu:.2f}x)"
                    )
        env.cr.rollback()


# ----------------------------------------------------------------------
# --concurrent N
# ----------------------------------------------------------------------
def counted_evaluations(env):
    """The sizes of the batches the run evaluates, appended to the list
    returned, while the patch returned with it is active."""
    Run = type(env["debt.recovery.run"])
    evaluated, original = [], Run._evaluate

    def counting(self, followups, today, automated=True):
        evaluated.append(len(followups))
        return original(self, followups, today, automated)

    return evaluated, patch.object(Run, "_evaluate", counting)


def worker(args):
    """One of the N processes: load, say ready, wait for "go", run the day,
    print what it did as one JSON line."""
    with odoo_env(args.config, args.database) as env:
        evaluated, counting = counted_evaluations(env)
        env["debt.recovery.run"]._companies()  # warm the registry and caches
        env.cr.rollback()
        print("ready", flush=True)
        sys.stdin.readline()
        queries, started, cpu = sql_db.sql_counter, time.monotonic(), cpu_seconds()
        with counting:
            env["debt.recovery.run"]._cron_daily()
        result = {
            "seconds": time.monotonic() - started,
            "cpu": cpu_seconds() - cpu,
            "queries": sql_db.sql_counter - queries,
            "batches": len([n for n in evaluated if n]),
            "evaluated": sum(evaluated),
            "rss": peak_rss_mb(),
        }
        print(json.dumps(result), flush=True)


def concurrent(args):
    with odoo_env(args.config, args.database) as env:
        customers, items = sizes(env)
        env["debt.recovery.policy"].search([]).write({"min_days_between_contacts": 0})
        env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM debt_recovery_interaction")
        last_id = env.cr.fetchone()[0]
        env.cr.commit()
    print(
        f"{customers} customers, {items} receivable items; {args.concurrent} "
        "processes run the day at once (min_days_between_contacts = 0)"
    )
    command = [sys.executable, __file__, "-c", args.config, "-d", args.database]
    processes = [
        subprocess.Popen(
            [*command, "--worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _index in range(args.concurrent)
    ]
    for process in processes:  # everybody loaded: go at the same moment
        if process.stdout.readline().strip() != "ready":
            process.wait()
    for process in processes:
        if process.poll() is None:
            process.stdin.write("go\n")
            process.stdin.flush()
    ok = True
    for index, process in enumerate(processes, 1):
        output, _ = process.communicate()
        lines = output.strip().splitlines()
        if process.returncode or not lines:
            ok = False
            print(f"process {index}: CRASHED (exit code {process.returncode})")
            continue
        result = json.loads(lines[-1])
        print(
            f"process {index}: {result['seconds']:8.2f} s (CPU {result['cpu']:7.2f} s)"
            f" {result['queries']:8d} "
            f"queries, evaluated {result['evaluated']:6d} follow-ups in "
            f"{result['batches']:3d} batches, peak RSS {result['rss']:.0f} MB"
        )
    return check_contacts(args, last_id) and ok


def check_contacts(args, last_id):
    """Each follow-up the runs contacted has one level entry; none is left."""
    with odoo_env(args.config, args.database) as env:
        env.cr.execute(
            """
            SELECT COUNT(*), COUNT(*) FILTER (WHERE n > 1), COALESCE(MAX(n), 0)
              FROM (SELECT followup_id, COUNT(*) AS n FROM debt_recovery_interaction
                     WHERE id > %s AND event = 'level' GROUP BY followup_id) per
            """,
            [last_id],
        )
        contacted, twice, most = env.cr.fetchone()
        today = fields.Date.context_today(env.user)
        Run = env["debt.recovery.run"]
        left = sum(
            len(Run.with_company(company)._candidate_ids(company, today))
            for company in Run._companies()
        )
        env.cr.rollback()
    print(
        f"contacted {contacted} follow-ups: {twice} more than once (at most {most} "
        f"times); {left} candidates left to evaluate today"
    )
    ok = not twice and not left
    print("everyone contacted exactly once" if ok else "FAILED: see above")
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--concurrent", type=int, metavar="N")
    parser.add_argument("--runs", default="first,one-by-one,rerun,week")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
    elif args.concurrent:
        sys.exit(0 if concurrent(args) else 1)
    else:
        sequential(args)


if __name__ == "__main__":
    main()
