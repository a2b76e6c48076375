"""Time the printing of letters: N letters to print, printed as one PDF.

On a copy of a database made by bench/generate.py (the addon up to date):
picks N customers with overdue items, records a letter to print for each (as
the daily run does, formal and final tones), then times

* "Print" in Letters to Print: one wkhtmltopdf call for all the letters, each
  letter stored on its interaction, all marked printed;
* the download of that PDF (the stored letters, merged);
* the letters of a batch of final-notice emails, rendered in one call.

The letters' fonts are fetched over HTTP, so the script serves the
database while it prints, on --http-port (default: ADR_BENCH_HTTP_PORT, else
a free port; its gevent port is the next free one); --no-server: use a
running one. Nothing is committed.

    python3 bench/bench_letters.py -c ODOO_CONF -d DB_COPY [--letters 100]
"""

import argparse
import io
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path
from unittest.mock import patch

from common import odoo_env

from odoo import sql_db

from odoo.addons.base.models import ir_actions_report

LETTER_REPORT = "account_debt_recovery.action_report_debt_recovery_letter"
WKHTMLTOX = Path(__file__).resolve().parent.parent / ".local" / "wkhtmltox" / "bin"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def odoo_server(config, database, port):
    """An Odoo HTTP server on ``database`` for wkhtmltopdf to fetch the styles."""
    command = [sys.executable, "-m", "odoo", "-c", config, "-d", database]
    gevent_port = free_port()
    while gevent_port == port:
        gevent_port = free_port()
    command += [
        f"--http-port={port}",
        f"--gevent-port={gevent_port}",
        f"--db-filter=^{database}$",
    ]
    command += ["--max-cron-threads=0", "--log-level=warn", "--no-database-list"]
    server = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.5)
        else:
            sys.exit(f"the Odoo server did not listen on port {port}")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


@contextmanager
def counted(label, results):
    """Time a block, count its queries and wkhtmltopdf calls."""
    real = ir_actions_report._run_wkhtmltopdf
    with patch.object(ir_actions_report, "_run_wkhtmltopdf", wraps=real) as wkhtmltopdf:
        queries = sql_db.sql_counter
        started = time.monotonic()
        yield
        elapsed = time.monotonic() - started
    results.append(
        (label, elapsed, sql_db.sql_counter - queries, wkhtmltopdf.call_count)
    )


def pdf_pages(content):
    from odoo.tools.pdf import PdfFileReader

    return PdfFileReader(io.BytesIO(content)).getNumPages()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--letters", type=int, default=100)
    parser.add_argument(
        "--http-port",
        type=int,
        default=int(os.environ.get("ADR_BENCH_HTTP_PORT") or 0) or None,
    )
    parser.add_argument("--no-server", action="store_true")
    parser.add_argument("--print-delay", help="report.print_delay (ms) for this run")
    args = parser.parse_args()
    if WKHTMLTOX.is_dir():  # Odoo looks for wkhtmltopdf on PATH first
        os.environ["PATH"] = f"{WKHTMLTOX}{os.pathsep}{os.environ['PATH']}"
    server = (
        nullcontext()
        if args.no_server
        else odoo_server(args.config, args.database, args.http_port or free_port())
    )
    with server as url, odoo_env(args.config, args.database) as env:
        params = env["ir.config_parameter"].sudo()
        if url:
            params.set_param("report.url", url)
        if args.print_delay:
            params.set_param("report.print_delay", args.print_delay)
        bench(env, args.letters)
        env.cr.rollback()


def bench(env, count):
    # the addon is importable once the configuration names its path
    from odoo.addons.account_debt_recovery.report.ir_actions_report import (  # noqa: PLC0415
        DEFAULT_PRINT_DELAY,
    )
    from odoo.addons.account_debt_recovery.report.letter_styles import (  # noqa: PLC0415
        linked_stylesheets,
    )

    company = env.company
    levels = (
        env["debt.recovery.policy"]._default_for_company(company).level_ids.sorted()
    )
    formal, final = levels[2], levels[3]
    figures = env["account.move.line"]._debt_figures(company)
    chased = sorted(
        partner.id for partner, data in figures.items() if data["chased_amount"]
    )
    partners = env["res.partner"].browse(chased[:count])
    if len(partners) < count:
        sys.exit(f"only {len(partners)} customers owe something overdue")
    followups = env["debt.recovery.followup"]._for_partners(partners, company)
    by_partner = {followup.partner_id: followup for followup in followups}
    receivables = env["account.move.line"].search_count(
        [
            ("account_id.account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
        ]
    )
    params = env["ir.config_parameter"].sudo()
    delay = params.get_param("report.print_delay", "1000")
    letter_delay = params.get_param(
        "account_debt_recovery.letter_print_delay", str(DEFAULT_PRINT_DELAY)
    )
    print(
        f"{len(figures)} customers with overdue items, {receivables} receivable items"
    )
    print(
        f"wkhtmltopdf: {ir_actions_report._wkhtml().bin}; JavaScript delay "
        f"{min(int(delay), int(letter_delay))} ms (report.print_delay {delay}, "
        f"account_debt_recovery.letter_print_delay {letter_delay})"
    )

    # the letters to print, as the daily run records them
    letters = env["debt.recovery.interaction"]._log(
        [
            {
                "followup_id": by_partner[partner].id,
                "event": "level",
                "channel": "letter",
                "direction": "outbound",
                "level_id": (final if index % 2 else formal).id,
                "letter_state": "to_print",
                "summary": "Benchmark letter",
                "amount_due": figures[partner]["chased_amount"],
            }
            for index, partner in enumerate(partners)
        ]
    )
    # the report stylesheets generated before timing, as on a server that
    # has printed before (the first print of a new database compiles them)
    html = env["ir.actions.report"]._render_qweb_html(LETTER_REPORT, letters[:1].ids)[0]
    env["ir.actions.report"]._debt_stylesheets(set(linked_stylesheets(html.decode())))
    env.invalidate_all()
    results = []
    printer = env["report.account_debt_recovery.report_debt_recovery_letter"]
    with counted(f"print {len(letters)} letters", results):
        action = printer._debt_print_letters(letters)
    with counted("download the printed PDF", results):
        pdf, _format = env["ir.actions.report"]._render_qweb_pdf(
            LETTER_REPORT, action["context"]["active_ids"]
        )
    email_letters = env[
        "report.account_debt_recovery.report_debt_recovery_level_letter"
    ]
    email_followups = followups.browse([by_partner[partner].id for partner in partners])
    with counted(f"{len(partners)} final-notice email letters", results):
        attachments = email_letters._debt_render_attachments(email_followups, final)

    for label, elapsed, queries, calls in results:
        print(
            f"{label:<34} {elapsed:7.2f} s {queries:7d} queries "
            f"{calls:3d} wkhtmltopdf call(s)"
        )
    printed = letters.filtered(lambda letter: letter.letter_state == "printed")
    stored = letters.letter_attachment_id
    print(
        f"{len(printed)} letters marked printed, {len(stored)} stored; "
        f"PDF {len(pdf) / 1024:.0f} KiB, {pdf_pages(pdf)} pages; "
        f"{len(attachments)} email letters"
    )


if __name__ == "__main__":
    main()
