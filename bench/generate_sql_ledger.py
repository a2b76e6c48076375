"""What the rows of the SQL writer (bench/generate_sql_rows.py) are made
of: the company's accounts and journals as Odoo's posting and payment wizard
pick them, the sequence names posting gives, and the ids reserved for the
new rows.
"""

from collections import defaultdict
from functools import cache

from odoo.tools import SQL


class Ledger:
    """The accounts, journals, sequences and ids the rows are made of."""

    def __init__(self, env, plan):
        self.env, self.plan, self.company = env, plan, env.company
        company = self.company
        Journal = env["account.journal"]
        self.currency = company.currency_id.id
        self.sale = Journal.search(
            [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
        )
        self.income = (
            env["account.account"]
            .search(
                [
                    ("account_type", "=", "income"),
                    *env["account.account"]._check_company_domain(company),
                ],
                limit=1,
            )
            .id
        )
        # what the payment wizard picks: the first bank journal, its first
        # inbound method, the outstanding receipts account
        self.bank = Journal.search(
            [
                *Journal._check_company_domain(company),
                ("type", "in", ("bank", "cash", "credit")),
            ]
        ).filtered("inbound_payment_method_line_ids")[:1]
        self.method_line = self.bank._get_available_payment_method_lines("inbound")[:1]
        payment = env["account.payment"].new({"company_id": company.id})
        self.outstanding = (
            self.method_line.payment_account_id
            or payment._get_outstanding_account("inbound")
        ).id
        self.paid_state = env["account.move"]._get_invoice_in_payment_state()
        self.uid = env.uid
        self.now = env.cr.now()
        self.counters = defaultdict(int)  # sequence prefix -> last number

    def receivable(self, partner_id):
        partner = self.env["res.partner"].browse(partner_id)
        return partner.with_company(self.company).property_account_receivable_id.id

    @cache  # noqa: B019 - one ledger per run
    def prefix(self, journal, day, move_type):
        """The prefix of the sequence Odoo starts for ``day`` (RINV/2026/)."""
        move = (
            self.env["account.move"]
            .with_context(is_payment=journal == self.bank)
            .new({"journal_id": journal.id, "date": day, "move_type": move_type})
        )
        return move._get_starting_sequence().rsplit("/", 1)[0] + "/"

    def number(self, entries, journal, move_type):
        """Name ``entries`` as posting them in one batch does: in the order
        of ``(date, ref, id)``, each year's sequence going on from its last
        number. ``entries``: ``[(date, ref, id)]``; returns ``{id: (name,
        prefix, number)}``."""
        names = {}
        for day, _ref, key in sorted(entries):
            prefix = self.prefix(journal, day, move_type)
            self.counters[prefix] += 1
            number = self.counters[prefix]
            names[key] = (f"{prefix}{number:05d}", prefix, number)
        return names

    def reserve(self, table, count):
        """``count`` new ids of ``table``, its sequence moved past them."""
        cr = self.env.cr
        cr.execute(SQL("SELECT nextval(%s)", f"{table}_id_seq"))
        first = cr.fetchone()[0]
        if count > 1:
            cr.execute(
                SQL("SELECT setval(%s, %s)", f"{table}_id_seq", first + count - 1)
            )
        return iter(range(first, first + count))

    def audit(self):
        return {
            "create_uid": self.uid,
            "write_uid": self.uid,
            "create_date": self.now,
            "write_date": self.now,
        }
