"""Time the delivery of the reminders the daily run queued.

On a copy of the data of bench/generate.py: the first run of the day queues
the reminders (committed, as the scheduled action does), then an outgoing
mail server on 127.0.0.1 points at a local SMTP sink (dev/mail_sink.py,
which writes each message as an .eml file) and Odoo's mail queue is
processed, 1000 mails per call of ``mail.mail.process_email_queue()`` as its
scheduled action does, until it is empty. Prints the mails sent, the time
and the SQL queries per mail. Exit code 1 if a mail was not delivered.

    python3 bench/bench_mail_delivery.py -c ODOO_CONF -d DB_COPY [--keep-mails DIR]
"""

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from common import odoo_env

from odoo import sql_db

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the dev/ harness: its SMTP sink

from dev.mail_sink import MailSink  # noqa: E402


def queue_size(env):
    groups = (
        env["mail.mail"]
        .sudo()
        ._read_group([], groupby=["state"], aggregates=["__count"])
    )
    return dict(groups)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--keep-mails", help="folder for the .eml files (kept)")
    args = parser.parse_args()
    folder = Path(args.keep_mails or tempfile.mkdtemp(prefix="adr-mail-sink-"))
    try:
        with odoo_env(args.config, args.database) as env, MailSink(folder) as sink:
            ok = deliver(env, sink, args.batch_size)
    finally:
        if not args.keep_mails:
            shutil.rmtree(folder, ignore_errors=True)
    sys.exit(0 if ok else 1)


def deliver(env, sink, batch_size):
    started = time.monotonic()
    env["debt.recovery.run"]._cron_daily()  # commits, as the scheduled action
    queued = queue_size(env).get("outgoing", 0)
    print(
        f"first run of the day: {queued} mails queued in "
        f"{time.monotonic() - started:.1f} s"
    )
    env["ir.mail_server"].search([]).write({"active": False})
    env["ir.mail_server"].create(
        {
            "name": "Benchmark SMTP sink",
            "smtp_host": "127.0.0.1",
            "smtp_port": sink.port,
            "smtp_encryption": "none",
            "sequence": 1,
        }
    )
    env.cr.commit()
    Mail = env["mail.mail"].sudo()
    queries, started, calls = sql_db.sql_counter, time.monotonic(), 0
    while Mail.search_count([("state", "=", "outgoing")]):
        Mail.process_email_queue(batch_size=batch_size)
        env.invalidate_all()
        calls += 1
        if calls > queued // batch_size + 5:
            break  # the queue does not empty: reported below
    elapsed = time.monotonic() - started
    queries = sql_db.sql_counter - queries
    states = queue_size(env)
    left = {
        state: states[state] for state in ("outgoing", "exception") if state in states
    }
    failed = left.get("exception", 0)
    sent = sink.count
    print(
        f"mail delivery: {sent} mails sent to the SMTP sink in {elapsed:.2f} s "
        f"({sent / elapsed if elapsed else 0:.0f} mails/s, "
        f"{elapsed / sent * 1000 if sent else 0:.1f} ms per mail) in {calls} queue "
        f"runs; {queries} queries, {queries / sent if sent else 0:.1f} per mail"
    )
    print(f"left in the queue: {left or 'nothing'}")
    ok = sent == queued and not left.get("outgoing") and not failed
    if not ok:
        print(f"FAILED: {queued} queued, {sent} received by the sink, {failed} failed")
    env.cr.rollback()
    return ok


if __name__ == "__main__":
    main()
