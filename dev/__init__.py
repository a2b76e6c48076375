"""The development harness of account_debt_recovery: `python3 -m dev <command>`.

Run by the Makefile (make test, make demo, make bench, make lint, ...; see
dev/__main__.py for the commands). It is not part of the addon: the addon's
__init__.py never imports it, pylint-odoo skips it (.pylintrc-mandatory) and
the demo's change detection ignores it. One module per concern:

    __main__.py  the command table; setup, stop and clean
    common.py    paths, ports, say/Fail, run_logged/run_or_fail, locks
    cluster.py   the private PostgreSQL cluster (.local/pg) and its databases
    system.py    Odoo import check, pip requirements, apt packages, wkhtmltopdf
    odoo_db.py   Odoo config files, addon link, template database, install
    lint.py      make lint, make lint-optional, make format
    test.py      make test
    demo.py      make demo, make demo-stop, make demo-reset
    demo_setup.py  inside the demo database: URLs, mail server, stories, checks
    screenshots.py the README's screenshots (python3 -m dev screenshots)
    bench.py     make bench, make bench-check
    mail_sink.py a local SMTP sink writing .eml files (python3 -m dev.mail_sink)
"""
