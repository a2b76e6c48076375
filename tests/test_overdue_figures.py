from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import DebtRecoveryCommon


@tagged("post_install", "-at_install")
@freeze_time(DebtRecoveryCommon.TODAY)
class TestOverdueFigures(DebtRecoveryCommon):
    """What the customer owes, overdue, per company."""

    def test_overdue_total_and_oldest_days(self):
        self.invoice(1000.0, self.days_ago(40))
        self.invoice(500.0, self.days_ago(10))
        self.invoice(300.0, self.days_ago(-5))  # not due yet
        partner = self.state()
        self.assertEqual(partner.debt_overdue_amount, 1500.0)
        self.assertEqual(partner.debt_overdue_days, 40)
        # the contact person shows its company's figures
        self.assertEqual(
            self.contact.with_company(self.company).debt_overdue_amount, 1500.0
        )

    def test_due_today_is_not_overdue(self):
        self.invoice(1000.0, self.TODAY)
        self.assertEqual(self.state().debt_overdue_amount, 0.0)
        self.assertEqual(self.state().debt_overdue_days, 0)

    def test_partial_payment_reduces_overdue(self):
        invoice = self.invoice(1000.0, self.days_ago(20))
        self.pay(invoice, 400.0)
        self.assertEqual(self.state().debt_overdue_amount, 600.0)
        self.assertEqual(self.state().debt_overdue_days, 20)

    def test_fully_paid_invoice_is_not_overdue(self):
        old = self.invoice(1000.0, self.days_ago(60))
        self.invoice(200.0, self.days_ago(5))
        self.pay(old)
        self.assertEqual(self.state().debt_overdue_amount, 200.0)
        self.assertEqual(self.state().debt_overdue_days, 5)

    def test_unreconciled_credit_note_nets_the_balance(self):
        self.invoice(1000.0, self.days_ago(30))
        refund = self.invoice(300.0, self.days_ago(2), move_type="out_refund")
        self.assertEqual(refund.state, "posted")
        self.assertEqual(self.state().debt_overdue_amount, 700.0)

    def test_credit_covering_everything_means_nothing_is_chased(self):
        self.invoice(400.0, self.days_ago(30))
        self.invoice(500.0, self.days_ago(2), move_type="out_refund")
        self.assertEqual(self.state().debt_overdue_amount, 0.0)
        self.assertEqual(self.state().debt_overdue_days, 0)

    def test_each_instalment_of_a_payment_term_has_its_own_due_date(self):
        term = self.env["account.payment.term"].create(
            {
                "name": "Half now, half in 30 days",
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 50.0, "nb_days": 0}
                    ),
                    Command.create(
                        {"value": "percent", "value_amount": 50.0, "nb_days": 30}
                    ),
                ],
            }
        )
        invoice = self._create_invoice_one_line(
            price_unit=1000.0,
            tax_ids=[],
            partner_id=self.customer.id,
            invoice_date=self.days_ago(45),
            invoice_payment_term_id=term.id,
            post=True,
        )
        receivables = invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertEqual(len(receivables), 2)
        # first instalment 45 days overdue, second 15 days overdue: both count
        self.assertEqual(self.state().debt_overdue_amount, 1000.0)
        self.assertEqual(self.state().debt_overdue_days, 45)
        # paying the first instalment leaves the second, 15 days overdue
        self.pay(invoice, 500.0)
        self.assertEqual(self.state().debt_overdue_amount, 500.0)
        self.assertEqual(self.state().debt_overdue_days, 15)

    def test_no_followup_items_are_excluded(self):
        invoice = self.invoice(1000.0, self.days_ago(30))
        self.invoice(200.0, self.days_ago(10))
        invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).no_followup = True
        self.assertEqual(self.state().debt_overdue_amount, 200.0)
        self.assertEqual(self.state().debt_overdue_days, 10)

    def test_blocked_invoices_are_excluded(self):
        invoice = self.invoice(1000.0, self.days_ago(30))
        invoice.payment_state = "blocked"
        self.assertEqual(self.state().debt_overdue_amount, 0.0)

    def test_second_company_sees_only_its_own_figures(self):
        other = self.setup_other_company(name="Company B")
        self.invoice(1000.0, self.days_ago(30))
        self.invoice(250.0, self.days_ago(50), company_data=other)
        self.assertEqual(self.state().debt_overdue_amount, 1000.0)
        self.assertEqual(self.state().debt_overdue_days, 30)
        in_b = self.state(company=other["company"])
        self.assertEqual(in_b.debt_overdue_amount, 250.0)
        self.assertEqual(in_b.debt_overdue_days, 50)
        self.assertEqual(in_b.debt_currency_id, other["company"].currency_id)

    def test_figures_for_many_partners_take_a_fixed_number_of_queries(self):
        partners = self.env["res.partner"].create(
            [{"name": f"Customer {index}", "is_company": True} for index in range(20)]
        )
        for partner in partners:
            self.invoice(100.0, self.days_ago(15), partner=partner)
        partners = partners.with_company(self.company)

        def count_queries(records):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            amounts = records.mapped("debt_overdue_amount")
            return self.env.cr.sql_log_count - before, amounts

        count_queries(partners[1:2])  # warm the caches (rules, currency)
        one, _amounts = count_queries(partners[:1])
        many, amounts = count_queries(partners)
        self.assertEqual(amounts, [100.0] * 20)
        self.assertEqual(many, one, "the overdue figures issue queries per partner")
