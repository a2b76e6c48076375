from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

from .common import DebtRecoveryCommon

USER = "account_debt_recovery.group_debt_recovery_user"
BILLING = "account.group_account_invoice"


class Rollback(Exception):
    """Raised to undo what a block did, to compare it with another."""


@tagged("post_install", "-at_install")
class TestRunNow(DebtRecoveryCommon):
    """Run now, from the worklist: what the daily run would do, at once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        in_company = {"company_id": cls.company.id, "company_ids": [cls.company.id]}
        cls.collector = new_test_user(
            cls.env, login="run_collector", groups=USER, **in_company
        )
        cls.billing = new_test_user(
            cls.env, login="run_billing", groups=BILLING, **in_company
        )
        cls.second = cls.env["res.partner"].create(
            {"name": "Slow Payer", "email": "slow@example.com", "is_company": True}
        )
        cls.third = cls.env["res.partner"].create(
            {"name": "Not Selected", "email": "other@example.com", "is_company": True}
        )
        cls.customers = cls.customer | cls.second

    def overdue_everywhere(self):
        self.invoice(1000.0, self.days_ago(10))
        self.invoice(400.0, self.days_ago(30), partner=self.second)
        self.invoice(900.0, self.days_ago(12), partner=self.third)
        # a level that waits for review, for one of them: both paths count
        self.levels[0].execution = "review"
        self.set_state(self.second, level_id=self.levels[0].id)

    def snapshot(self, partners):
        """What a run leaves for ``partners``: ladder state, log, emails."""
        self.env.invalidate_all()
        followups = self.env["debt.recovery.followup"].search(
            [("partner_id", "in", partners.ids), ("company_id", "=", self.company.id)]
        )
        return {
            followup.partner_id.name: {
                "state": (
                    followup.level_id,
                    followup.pending_level_id,
                    followup.status,
                    followup.next_action_date,
                    followup.last_evaluation_date,
                    followup.chased_amount,
                ),
                "log": sorted(
                    (i.event, i.channel, i.direction, i.level_id.id, i.summary)
                    for i in followup.interaction_ids
                ),
                "mails": sorted(
                    (mail.subject, tuple(mail.recipient_ids.ids))
                    for mail in self.mails(followup.partner_id)
                ),
            }
            for followup in followups
        }

    def run_now(self, partners, user=None):
        followups = self.env["debt.recovery.followup"]._for_partners(partners)
        return followups.with_user(user or self.collector).action_run_now()

    @freeze_time(DebtRecoveryCommon.TODAY)
    def test_run_now_for_two_customers_equals_the_scheduled_run(self):
        self.overdue_everywhere()
        try:
            with self.env.cr.savepoint():
                action = self.run_now(self.customers)
                by_run_now = self.snapshot(self.customers)
                untouched = self.snapshot(self.third)
                raise Rollback
        except Rollback:
            self.env.invalidate_all()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("2 customers evaluated", action["params"]["message"])
        self.assertEqual(
            untouched["Not Selected"]["state"][4],
            False,
            "a customer that was not selected is not evaluated",
        )
        self.run_daily()
        by_schedule = self.snapshot(self.customers)
        self.assertEqual(by_run_now, by_schedule)
        # and what they did is what a collector expects to see
        self.assertEqual(by_schedule["Bad Payer"]["state"][1], self.levels[0])
        self.assertEqual(by_schedule["Bad Payer"]["state"][2], "to_review")
        self.assertEqual(by_schedule["Slow Payer"]["state"][0], self.levels[1])
        self.assertEqual(len(by_schedule["Slow Payer"]["mails"]), 1)

    @freeze_time(DebtRecoveryCommon.TODAY)
    def test_run_now_creates_no_followup_for_the_others(self):
        """Run now for one customer touches that customer only: the other
        customers owing in the company get no follow-up from it (the daily
        run creates theirs)."""
        self.overdue_everywhere()
        Followup = self.env["debt.recovery.followup"]
        others = [("partner_id", "=", self.third.id)]
        Followup.sudo().search(others).with_context(
            **{MODULE_UNINSTALL_FLAG: True}
        ).unlink()
        self.run_now(self.customer)
        self.assertTrue(self.followup(self.customer).last_evaluation_date)
        self.assertFalse(Followup.search(others), "a follow-up for someone else")

    def test_a_context_sent_by_rpc_cannot_make_a_request_commit(self):
        """Only the scheduled runs commit between their steps: the context
        key they use, sent by a client, is not theirs."""
        Cron = type(self.env["ir.cron"])
        Run = self.env["debt.recovery.run"]
        new = self.env["res.partner"].create([{"name": "New 1"}, {"name": "New 2"}])
        with patch.object(Cron, "_commit_progress", return_value=1.0) as commit:
            Run.with_context(debt_run_commits=True)._ensure_followups(
                [new[0]], self.company
            )
            self.assertFalse(commit.called, "a request committed halfway")
            Run._as_scheduled_run()._ensure_followups([new[1]], self.company)
            self.assertTrue(commit.called)
        self.assertEqual(self.followup(new[0]).partner_id, new[0])

    @freeze_time(DebtRecoveryCommon.TODAY)
    def test_run_now_after_the_scheduled_run_changes_nothing(self):
        self.overdue_everywhere()
        self.run_daily()
        before = self.snapshot(self.customers)
        action = self.run_now(self.customers)
        self.assertEqual(self.snapshot(self.customers), before)
        self.assertIn("Nothing to do", action["params"]["message"])

    @freeze_time(DebtRecoveryCommon.TODAY)
    def test_manager_runs_the_whole_company_as_the_scheduled_run(self):
        self.overdue_everywhere()
        everyone = self.customers | self.third
        try:
            with self.env.cr.savepoint():
                self.env["debt.recovery.followup"].action_run_now_company()
                by_run_now = self.snapshot(everyone)
                raise Rollback
        except Rollback:
            self.env.invalidate_all()
        self.run_daily()
        self.assertEqual(by_run_now, self.snapshot(everyone))
        self.assertEqual(self.state(self.third).debt_pending_level_id, self.levels[0])

    @freeze_time(DebtRecoveryCommon.TODAY)
    def test_only_managers_run_the_whole_company(self):
        self.overdue_everywhere()
        Followup = self.env["debt.recovery.followup"]
        with self.assertRaisesRegex(AccessError, "whole company"):
            Followup.with_user(self.collector).action_run_now_company()
        with self.assertRaises(AccessError):
            self.run_now(self.customers, user=self.billing)
        self.assertFalse(self.state().debt_level_id, "nothing ran")
