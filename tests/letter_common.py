import re

from odoo.tests import new_test_user
from odoo.tools import format_amount, format_date, html2plaintext

from .common import DebtRecoveryCommon

LETTER_REPORT = "account_debt_recovery.action_report_debt_recovery_letter"
LEVEL_LETTER_REPORT = "account_debt_recovery.action_report_debt_recovery_level_letter"
STATEMENT_REPORT = "account_debt_recovery.action_report_debt_recovery_statement"


def plain(html):
    """Text of an HTML document, on one line, with plain spaces (no bold
    markers, no inline images)."""
    if isinstance(html, bytes):
        html = html.decode()
    text = html2plaintext(html or "").replace("\xa0", " ").replace("*", "")
    return " ".join(re.sub(r"\S*data:image/\S*", "", text).split())


class LetterCommon(DebtRecoveryCommon):
    """A customer owing several invoices in two currencies, a collector, and
    a company with an address, a footer and a bank account."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.usd = cls.company.currency_id
        cls.eur = cls.setup_other_currency("EUR")
        cls.company.write(
            {
                "street": "1 Letterhead Street",
                "city": "Brussels",
                "zip": "1000",
                "email": "accounts@yourcompany.example.com",
                "phone": "+32 2 555 00 00",
                "report_footer": "Registered in Testland under number 0477.472.701",
            }
        )
        bank = cls.env["res.bank"].create(
            {"name": "Bank of Testland", "bic": "TESTBEBB"}
        )
        cls.bank_account = cls.env["res.partner.bank"].create(
            {
                "acc_number": "BE71 0961 2345 6769",
                "partner_id": cls.company.partner_id.id,
                "bank_id": bank.id,
            }
        )
        cls.company_data["default_journal_bank"].bank_account_id = cls.bank_account
        cls.collector = new_test_user(
            cls.env,
            login="colette",
            name="Colette Collector",
            email="colette@yourcompany.example.com",
            phone="+32 2 555 01 02",
            groups="account_debt_recovery.group_debt_recovery_user",
        )
        cls.customer.write(
            {
                "street": "42 Customer Road",
                "city": "Liège",
                "zip": "4000",
                "ref": "C-1001",
            }
        )
        cls.env["debt.recovery.followup"]._for_partners(
            cls.customer, cls.company
        )._assign(cls.collector)
        cls.inv_old = cls.invoice(
            1000.0, cls.days_ago(80), payment_reference="RF18 5390 0754 7034"
        )
        cls.inv_eur = cls.invoice(2000.0, cls.days_ago(50), currency_id=cls.eur.id)
        cls.inv_recent = cls.invoice(250.5, cls.days_ago(30))
        cls.inv_not_due = cls.invoice(300.0, cls.days_ago(-10))
        cls.invoices = cls.inv_old | cls.inv_eur | cls.inv_recent

    # ------------------------------------------------------------------
    def letter_interaction(self, level, partner=None):
        """A letter to print, as the daily run records it."""
        partner = partner or self.customer
        invoices = self.env["account.move"].search(
            [
                ("commercial_partner_id", "=", partner.id),
                ("company_id", "=", level.company_id.id),
                ("move_type", "=", "out_invoice"),
            ]
        )
        followup = self.env["debt.recovery.followup"]._for_partners(
            partner, level.company_id
        )
        return (
            self.env["debt.recovery.interaction"]
            ._log(
                [
                    {
                        "followup_id": followup.id,
                        "event": "level",
                        "channel": "letter",
                        "direction": "outbound",
                        "level_id": level.id,
                        "letter_state": "to_print",
                        "summary": level.name,
                        "invoice_ids": self.link(invoices),
                        "amount_due": sum(invoices.mapped("amount_residual_signed")),
                    }
                ]
            )
            .with_env(self.env)
        )

    def money(self, amount, currency):
        return format_amount(self.env, amount, currency).replace("\xa0", " ")

    def date(self, value, lang=None):
        return format_date(self.env, value, lang_code=lang)

    def assert_contains(self, text, *expected):
        for snippet in expected:
            self.assertIn(snippet, text)

    def assert_overdue_content(self, text):
        """The blocks every letter and email carries: the overdue invoices in
        their own currency with due dates and days overdue, the totals, how to
        pay and the collector."""
        self.assert_contains(
            text,
            # invoices, oldest first, each in its own currency
            self.inv_old.name,
            self.inv_eur.name,
            self.inv_recent.name,
            self.money(1000.0, self.usd),
            self.money(2000.0, self.eur),
            self.money(250.5, self.usd),
            self.date(self.days_ago(80)),
            self.date(self.days_ago(50)),
            " 80 ",
            " 50 ",
            " 30 ",
            # totals per currency
            self.money(1250.5, self.usd),
            # how to pay: the company's bank account and each payment reference
            "BE71 0961 2345 6769",
            "TESTBEBB",
            "RF18 5390 0754 7034",
            self.inv_eur.payment_reference,
            # the collector
            "Colette Collector",
            "colette@yourcompany.example.com",
            "+32 2 555 01 02",
        )
        self.assertLess(text.index(self.inv_old.name), text.index(self.inv_eur.name))
        self.assertLess(text.index(self.inv_eur.name), text.index(self.inv_recent.name))
        self.assertNotIn(
            self.inv_not_due.name, text, "an invoice not yet due is not chased"
        )

    def load_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["account_debt_recovery"], ["fr_FR"], overwrite=True
        )
        self.customer.lang = "fr_FR"
