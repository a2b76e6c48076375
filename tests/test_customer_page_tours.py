from datetime import timedelta

from odoo import Command
from odoo.tests import freeze_time, tagged

from .portal_common import CustomerPageCommon


@tagged("post_install", "-at_install")
class TestCustomerPageTours(CustomerPageCommon):
    """In headless Chromium, as an anonymous visitor who opened the link of
    a reminder: each action of the page and its effect on the follow-up."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.levels.write({"execution": "auto"})
        cls.no_spacing()
        provider = (
            cls.env["payment.provider"]
            .sudo()
            .search([("code", "=", "demo"), ("company_id", "=", cls.company.id)])
        )
        if not provider:
            provider = cls.env.ref("payment.payment_provider_demo").copy(
                {"company_id": cls.company.id}
            )
        provider.write(
            {
                "state": "test",
                "is_published": True,
                "payment_method_ids": [
                    Command.set(cls.env.ref("payment_demo.payment_method_demo").ids)
                ],
            }
        )
        cls.provider = provider

    def tour(self, name):
        self.start_tour(self.link(), name)
        self.env.invalidate_all()

    # ------------------------------------------------------------------
    def test_pay_with_the_demo_provider(self):
        self.run_daily()  # the first reminder, with the link of the page
        reminder = self.reminders()
        self.assertEqual(len(reminder), 1)
        self.tour("account_debt_recovery_customer_pay_tour")
        for invoice in self.overdue | self.overdue_2:
            self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual))
            self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(self.not_due.amount_residual, 450.0, "not chosen")
        paid = self.portal_interactions(outcome="paid")
        self.assertEqual(paid.invoice_ids, self.overdue | self.overdue_2)
        thanks = self.interactions(event="thanks")
        self.assertEqual(len(thanks), 1, "everything overdue paid: thanked (rule 9)")
        self.assertEqual(
            paid.mail_message_id, thanks.mail_message_id, "the thank-you confirms it"
        )
        self.assertEqual(
            len(self.mails() - reminder), 1, "one email, not a second confirmation"
        )
        self.run_daily()
        self.assertEqual(self.followup_record.status, "up_to_date")
        self.assertEqual(len(self.mails() - reminder), 1, "nothing left to remind")

    def test_payment_without_a_reminder_is_confirmed(self):
        """Paid before any reminder (nothing to settle, no thank-you): the
        page's own confirmation is the email."""
        self.tour("account_debt_recovery_customer_pay_tour")
        paid = self.portal_interactions(outcome="paid")
        self.assertTrue(paid.mail_message_id, "confirmed by email")
        self.assertFalse(self.interactions(event="thanks"))
        self.assertEqual(self.mails().mail_message_id, paid.mail_message_id)

    def test_promise_holds_the_ladder_until_date_and_grace(self):
        self.tour("account_debt_recovery_customer_promise_tour")
        promise = self.portal_interactions(outcome="promise")
        self.assertEqual(promise.promise_date, self.TODAY + timedelta(days=10))
        self.assertEqual(promise.promise_amount, 500.0)
        self.assertEqual(promise.promise_state, "open")
        self.assertTrue(promise.mail_message_id)
        self.run_daily()
        self.assertFalse(self.reminders())
        grace = self.policy.promise_grace_days
        with freeze_time(self.TODAY + timedelta(days=10 + grace)):
            self.run_daily()
        self.assertFalse(self.reminders(), "no reminder until the date plus grace")
        with freeze_time(self.TODAY + timedelta(days=11 + grace)):
            self.run_daily()
        self.assertEqual(promise.promise_state, "broken")
        self.assertEqual(len(self.reminders()), 1, "the ladder resumes")

    def test_plan_within_auto_accept_limits(self):
        self.tour("account_debt_recovery_customer_plan_tour")
        plan = self.followup_record.plan_ids
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.instalment_count, 2)
        self.assertEqual(plan.date_start, self.TODAY + timedelta(days=5))
        self.assertTrue(self.interactions(event="plan_activated"))
        agreement = self.env["mail.mail"].search(
            [
                (
                    "mail_message_id",
                    "=",
                    self.portal_interactions(outcome="plan").mail_message_id.id,
                ),
                ("recipient_ids", "in", self.customer.ids),
            ]
        )
        self.assertIn("agreement", agreement.subject)
        self.assertTrue(agreement.attachment_ids)
        self.assertEqual(self.followup_record.status, "plan")

    def test_plan_beyond_auto_accept_limits(self):
        self.tour("account_debt_recovery_customer_proposal_tour")
        plan = self.followup_record.plan_ids
        self.assertEqual(plan.state, "draft")
        self.assertEqual(plan.instalment_count, 5)
        self.assertEqual(plan.proposal_hold_until, self.TODAY + timedelta(days=5))
        self.assertEqual(plan.activity_ids.user_id, self.collector)
        self.assertEqual(self.followup_record.status, "promise")
        self.assertTrue(self.portal_interactions(outcome="plan").mail_message_id)
        self.run_daily()
        self.assertFalse(self.reminders(), "the ladder holds while the proposal waits")

    def test_dispute_with_an_attachment(self):
        self.tour("account_debt_recovery_customer_dispute_tour")
        dispute = self.portal_interactions(outcome="dispute")
        self.assertEqual(dispute.invoice_ids, self.overdue)
        self.assertEqual(dispute.dispute_reason_id.name, "Damaged")
        self.assertIn("Half of the tiles arrived broken.", dispute.dispute_reason)
        self.assertTrue(self.overdue.debt_disputed)
        attachments = dispute.message_ids.attachment_ids
        self.assertEqual(attachments.mapped("name"), ["broken_tiles.txt"])
        self.assertTrue(
            self.followup_record.activity_ids.filtered(
                lambda activity: activity.user_id == self.collector
            )
        )
        self.run_daily()
        sent = self.interactions(event="level")
        self.assertNotIn(self.overdue, sent.invoice_ids, "off the ladder")
