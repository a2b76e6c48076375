from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .plan_common import PlanCommon


@tagged("post_install", "-at_install")
class TestPlanDailyRun(PlanCommon):
    """A running plan: payments allocated to instalments, reminders before
    each due date, late, missed and broken, completed.

    TODAY is 2 March 2026; the plans below cover one invoice of 1,000 overdue
    for 30 days, in 4 monthly instalments of 250 due on the 12th (March to
    June), with 5 grace days and reminders 3 days before."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.due = [date(2026, month, 12) for month in (3, 4, 5, 6)]

    def setUp(self):
        super().setUp()
        self.inv = self.invoice(1000.0, self.days_ago(30))

    def states(self, plan):
        self.env.invalidate_all()
        return plan.instalment_ids.mapped("state")

    # ------------------------------------------------------------------
    # Allocation of payments, however registered
    # ------------------------------------------------------------------
    def test_partial_payments_are_allocated_oldest_first(self):
        plan = self.make_plan(self.inv)
        self.assertEqual(plan.instalment_ids.mapped("due_date"), self.due)
        self.assertEqual(self.states(plan), ["pending"] * 4)
        self.pay(self.inv, 100.0)
        self.assertEqual(self.amounts(plan, "amount_paid"), [100.0, 0.0, 0.0, 0.0])
        self.assertEqual(self.amounts(plan, "amount_due"), [150.0, 250.0, 250.0, 250.0])
        self.assertEqual(
            self.states(plan), ["partial", "pending", "pending", "pending"]
        )
        self.pay(self.inv, 150.0)
        self.assertEqual(self.states(plan), ["paid", "pending", "pending", "pending"])
        self.assertEqual(plan.amount_paid, 250.0)
        self.assertEqual(plan.amount_residual, 750.0)
        self.assertEqual(plan.next_due_date, self.due[1])

    def test_an_over_payment_flows_to_the_next_instalments(self):
        plan = self.make_plan(self.inv)
        self.pay(self.inv, 620.0)
        self.assertEqual(self.amounts(plan, "amount_paid"), [250.0, 250.0, 120.0, 0.0])
        self.assertEqual(self.states(plan), ["paid", "paid", "partial", "pending"])

    def test_payment_reconciled_by_hand_then_unreconciled(self):
        """A payment registered on the customer and matched later (e.g. from
        the bank reconciliation) counts as soon as it is reconciled."""
        plan = self.make_plan(self.inv)
        receivable = self.inv.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        bank = self.company_data["default_journal_bank"]
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "date": self.TODAY,
                "journal_id": self.company_data["default_journal_misc"].id,
                "line_ids": [
                    Command.create(
                        {"account_id": bank.default_account_id.id, "debit": 300.0}
                    ),
                    Command.create(
                        {
                            "account_id": receivable.account_id.id,
                            "partner_id": self.customer.id,
                            "credit": 300.0,
                        }
                    ),
                ],
            }
        )
        entry.action_post()
        self.assertEqual(self.states(plan), ["pending"] * 4, "not matched yet")
        (entry.line_ids | receivable).filtered(
            lambda line: line.account_id == receivable.account_id
        ).reconcile()
        self.assertEqual(self.amounts(plan, "amount_paid"), [250.0, 50.0, 0.0, 0.0])
        entry.line_ids.remove_move_reconcile()
        self.assertEqual(self.states(plan), ["pending"] * 4)

    def test_credit_note_counts_as_paid(self):
        plan = self.make_plan(self.inv)
        refund = self.invoice(250.0, self.TODAY, move_type="out_refund")
        lines = (self.inv | refund).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        lines.reconcile()
        self.assertEqual(self.states(plan), ["paid", "pending", "pending", "pending"])

    def test_payments_in_a_foreign_currency_plan(self):
        kwd = self.setup_other_currency("KWD")
        invoice = self.invoice(100.0, self.days_ago(30), currency_id=kwd.id)
        plan = self.make_plan(invoice, count=3)
        self.assertEqual(plan.currency_id, kwd)
        self.assertEqual(self.amounts(plan), [33.333, 33.333, 33.334])
        self._register_payment(
            invoice, amount=40.0, currency_id=kwd.id, payment_date=self.TODAY
        )
        self.assertEqual(self.amounts(plan, "amount_paid"), [33.333, 6.667, 0.0])

    # ------------------------------------------------------------------
    # Reminders, late, missed, broken
    # ------------------------------------------------------------------
    def test_courteous_reminder_once_a_few_days_before_each_instalment(self):
        plan = self.make_plan(self.inv)
        self.run_on(date(2026, 3, 8))
        self.assertFalse(
            self.interactions(event="plan_reminder"), "4 days before: too early"
        )
        self.run_on(date(2026, 3, 9))
        reminder = self.interactions(event="plan_reminder")
        self.assertEqual(len(reminder), 1)
        self.assertEqual(reminder.channel, "email")
        self.assertEqual(reminder.direction, "outbound")
        self.assertEqual(plan.instalment_ids[0].reminder_date, date(2026, 3, 9))
        mail = self.plan_mails(plan)
        self.assertEqual(len(mail), 1)
        self.assertEqual(reminder.mail_message_id, mail.mail_message_id)
        self.assertIn("250.00", str(mail.body_html))
        self.assertIn(self.customer, mail.recipient_ids)
        # a rerun the same day, and the next days, send nothing more
        self.run_on(date(2026, 3, 9))
        self.run_on(date(2026, 3, 10))
        self.assertEqual(len(self.interactions(event="plan_reminder")), 1)
        self.assertEqual(len(self.plan_mails(plan)), 1)
        # an instalment already paid gets no reminder
        self.pay(self.inv, 500.0, payment_date=date(2026, 3, 10))
        self.run_on(date(2026, 4, 9))
        self.assertEqual(len(self.interactions(event="plan_reminder")), 1)
        self.run_on(date(2026, 5, 9))
        self.assertEqual(len(self.interactions(event="plan_reminder")), 2)

    def test_reminders_follow_the_policy(self):
        self.policy.plan_reminder_days = 0
        self.make_plan(self.inv)
        self.run_on(date(2026, 3, 11))
        self.assertFalse(self.interactions(event="plan_reminder"))

    def test_late_then_missed_then_broken(self):
        self.no_spacing()
        self.set_levels_auto()
        self.run_on(self.TODAY)  # the courteous level: the invoice reached level 1
        self.assertEqual(self.inv.debt_level_id, self.levels[0])
        plan = self.make_plan(self.inv)
        self.pay(self.inv, 250.0, payment_date=date(2026, 3, 12))
        self.pay(self.inv, 100.0, payment_date=date(2026, 4, 10))
        self.run_on(date(2026, 4, 12))  # due today: not late yet
        self.assertEqual(self.states(plan), ["paid", "partial", "pending", "pending"])
        self.run_on(date(2026, 4, 13))
        self.assertEqual(self.states(plan), ["paid", "late", "pending", "pending"])
        second = plan.instalment_ids[1]
        self.assertEqual(second.date_late, date(2026, 4, 13))
        self.assertTrue(plan.at_risk)
        self.run_on(date(2026, 4, 17))  # 5 days late: still within the grace days
        self.assertEqual(plan.state, "active")
        self.assertEqual(second.date_late, date(2026, 4, 13), "the date stays")
        self.assertFalse(self.interactions(event="plan_broken"))

        partner = self.run_on(date(2026, 4, 18))  # 6 days late: broken
        self.assertEqual(self.states(plan), ["paid", "missed", "pending", "pending"])
        self.assertEqual(second.date_missed, date(2026, 4, 18))
        self.assertEqual(plan.state, "broken")
        self.assertEqual(plan.date_end, date(2026, 4, 18))
        self.assertFalse(plan.at_risk)
        self.assertFalse(self.inv.debt_plan_id, "the invoice is back on the ladder")
        # the customer is told, courteously
        self.assertEqual(self.interactions(event="plan_broken").channel, "note")
        broken = self.interactions(event="plan_broken_notice")
        self.assertEqual(broken.channel, "email")
        self.assertEqual(broken.amount_due, 650.0)
        notice = self.plan_mails(plan).filtered(
            lambda mail: mail.mail_message_id == broken.mail_message_id
        )
        self.assertIn("650.00", str(notice.body_html))
        self.assertIn("new arrangement", str(notice.body_html))
        # the collector gets an activity
        self.assertEqual(len(plan.activity_ids), 1)
        self.assertEqual(plan.activity_ids.user_id, plan.user_id)
        # the ladder resumes where the invoice was: the next level, not level 1
        self.assertEqual(partner.debt_level_id, self.levels[1])
        self.assertEqual(self.inv.debt_level_id, self.levels[1])
        # nothing moves afterwards: the plan keeps its history
        self.pay(self.inv, 650.0, payment_date=date(2026, 4, 20))
        self.run_on(date(2026, 4, 20))
        self.assertEqual(plan.state, "broken")
        self.assertEqual(self.states(plan), ["paid", "missed", "pending", "pending"])
        self.assertEqual(plan.amount_residual, 650.0)

    def test_grace_days_overridden_on_the_plan(self):
        plan = self.make_plan(self.inv, activate=False)
        plan.grace_days = 10
        with freeze_time(self.TODAY):  # no instalment in the past at activation
            plan.action_activate()
        self.run_on(date(2026, 3, 22))  # 10 days late
        self.assertEqual(plan.state, "active")
        self.run_on(date(2026, 3, 23))
        self.assertEqual(plan.state, "broken")

    def test_several_plans_break_in_one_run_without_email(self):
        no_email = self.env["res.partner"].create(
            {"name": "No Email Ltd", "is_company": True}
        )
        other_invoice = self.invoice(400.0, self.days_ago(20), partner=no_email)
        plan = self.make_plan(self.inv)
        other = self.make_plan(other_invoice, partner=no_email, count=2)
        self.run_on(date(2026, 3, 9))  # the reminders
        self.run_on(date(2026, 3, 20))
        self.assertEqual((plan | other).mapped("state"), ["broken", "broken"])
        logged = self.interactions(partner=no_email, event="plan_broken_notice")
        self.assertIn("could not be told", logged.summary)
        self.assertEqual(logged.channel, "note")
        self.assertEqual(len(other.activity_ids), 1)
        failure = self.interactions(partner=no_email, event="failure").filtered(
            lambda entry: "Reminder" in entry.summary
        )
        self.assertIn("no email address", failure.summary, "its reminder could not go")

    # ------------------------------------------------------------------
    # Completion
    # ------------------------------------------------------------------
    def test_paid_plan_completes_and_the_customer_is_up_to_date(self):
        self.run_on(self.TODAY)
        self.assertEqual(self.state().debt_status, "overdue")
        plan = self.make_plan(self.inv)
        self.assertEqual(self.state().debt_status, "plan")
        self.pay(self.inv, 250.0, payment_date=date(2026, 3, 12))
        self.pay(self.inv, 750.0, payment_date=date(2026, 4, 1))
        self.assertEqual(self.states(plan), ["paid"] * 4)
        self.assertEqual(plan.state, "active", "completed by the daily run")
        partner = self.run_on(date(2026, 4, 2))
        self.assertEqual(plan.state, "completed")
        self.assertEqual(plan.date_end, date(2026, 4, 2))
        self.assertFalse(self.inv.debt_plan_id)
        completed = self.interactions(event="plan_completed")
        self.assertIn(plan.name, completed.summary)
        self.assertEqual(partner.debt_status, "up_to_date")
        self.assertFalse(partner.debt_level_id)
        self.assertTrue(self.interactions(event="settled"))
        # a rerun changes nothing
        count = self.env["debt.recovery.interaction"].search_count([])
        self.run_on(date(2026, 4, 2))
        self.run_on(date(2026, 4, 3))
        self.assertEqual(self.env["debt.recovery.interaction"].search_count([]), count)

    def test_completion_keeps_other_overdue_invoices_on_the_ladder(self):
        other = self.invoice(300.0, self.days_ago(30))
        plan = self.make_plan(self.inv)
        self.pay(self.inv)
        partner = self.run_on(date(2026, 3, 3))
        self.assertEqual(plan.state, "completed")
        self.assertNotEqual(partner.debt_status, "up_to_date")
        self.assertEqual(partner.debt_overdue_amount, other.amount_residual)

    def test_rerun_on_the_same_day_changes_nothing(self):
        plan = self.make_plan(self.inv)
        self.run_on(date(2026, 3, 20))
        self.assertEqual(plan.state, "broken")
        counts = (
            self.env["debt.recovery.interaction"].search_count([]),
            self.env["mail.mail"].search_count([]),
            self.env["mail.activity"].search_count([]),
        )
        self.run_on(date(2026, 3, 20))
        self.assertEqual(
            counts,
            (
                self.env["debt.recovery.interaction"].search_count([]),
                self.env["mail.mail"].search_count([]),
                self.env["mail.activity"].search_count([]),
            ),
        )

    def test_plans_of_another_company_are_checked_too(self):
        company_data = self.setup_other_company(name="Company B")
        other_company = company_data["company"]
        invoice = self.invoice(400.0, self.days_ago(20), company_data=company_data)
        plan = self.make_plan(invoice, count=2)
        self.assertEqual(plan.company_id, other_company)
        self.assertEqual(plan.instalment_ids.company_id, other_company)
        self.run_on(date(2026, 3, 20))
        self.assertEqual(plan.state, "broken")
        logged = self.interactions(company=other_company, event="plan_broken")
        self.assertEqual(logged.invoice_ids, invoice)
        self.assertFalse(invoice.debt_plan_id)


@tagged("post_install", "-at_install")
class TestPlanNoticesAreContacts(PlanCommon):
    """Plan reminders and broken-plan notices are outbound contacts: they
    respect the policy's spacing and weekly cap, deferred to the first day
    allowed."""

    def test_a_broken_plan_notice_waits_for_the_spacing(self):
        self.policy.write({"min_days_between_contacts": 7, "max_contacts_per_week": 2})
        invoice = self.invoice(1000.0, self.days_ago(30))
        plan = self.make_plan(invoice)
        # a firm reminder went out two days before the plan breaks
        with freeze_time(date(2026, 3, 16)):
            self.env["debt.recovery.interaction"].create(
                {
                    "partner_id": self.customer.id,
                    "channel": "phone",
                    "direction": "outbound",
                    "outcome": "left_message",
                    "summary": "Called about the plan",
                }
            )
        with freeze_time(date(2026, 3, 18)):
            self.run_daily()
        self.assertEqual(plan.state, "broken")
        self.assertTrue(plan.broken_notice_due)
        self.assertFalse(self.interactions(event="plan_broken_notice"))
        with freeze_time(date(2026, 3, 23)):  # the first day allowed
            self.run_daily()
        notice = self.interactions(event="plan_broken_notice")
        self.assertEqual(notice.channel, "email")
        self.assertEqual(notice.date.date(), date(2026, 3, 23))
        self.assertFalse(plan.broken_notice_due)
