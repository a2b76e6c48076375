from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.base.models import ir_cron

from .common import DebtRecoveryCommon

TODAY = DebtRecoveryCommon.TODAY


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDailyRunTimeLimit(DebtRecoveryCommon):
    """The scheduler gives a job a few seconds, then calls it again while it
    reports work left: a run stopped by that limit resumes where it stopped,
    the courtesy reminders after the ladder included, within the same
    day."""

    def setUp(self):
        super().setUp()
        self.no_spacing()
        self.env["debt.recovery.level"].create(
            {
                "policy_id": self.policy.id,
                "name": "Heads-up",
                "tone": "courteous",
                "days_overdue": -3,
                "send_email": True,
            }
        )
        self.overdue = self.customers("Late", 5)
        for partner in self.overdue:
            self.invoice(100.0, self.days_ago(10), partner=partner)
        # the first of the courtesy candidates (lowest ids)
        self.first = self.customers("First", 4)
        for partner in self.first:
            self.invoice(100.0, TODAY + timedelta(days=2), partner=partner)
        self.coming = self.customers("Coming", 3)
        for partner in self.coming:
            self.invoice(100.0, TODAY + timedelta(days=2), partner=partner)
        self.env.ref(
            "account_debt_recovery.ir_cron_debt_recovery_daily"
        ).code = "model._cron_daily(batch_size=2)"

    def customers(self, name, count):
        return self.env["res.partner"].create(
            [
                {"name": f"{name} customer {index}", "email": f"{name}{index}@x.com"}
                for index in range(count)
            ]
        )

    def test_a_run_out_of_time_resumes_up_to_the_courtesy_reminders(self):
        # no time at all: every call of the job does one batch and stops
        with patch.object(ir_cron, "MIN_TIME_PER_JOB", 0):
            self.run_daily()
        followups = self.env["debt.recovery.followup"]._for_partners(self.overdue)
        self.assertEqual(
            set(followups.mapped("last_evaluation_date")), {TODAY}, "the ladder"
        )
        courtesy = self.env["debt.recovery.interaction"].search(
            [("partner_id", "in", self.coming.ids), ("event", "=", "courtesy")]
        )
        self.assertEqual(len(courtesy), 3, "every courtesy reminder of the day")
        self.assert_done_for_the_day()

    def test_customers_left_without_reminder_do_not_hold_the_others(self):
        """Courtesy candidates that get no reminder (here: excluded) stay
        candidates all day; the run still reaches the others and ends."""
        self.env["debt.recovery.followup"]._for_partners(self.first)._exclude(
            "Handled by the lawyers"
        )
        with patch.object(ir_cron, "MIN_TIME_PER_JOB", 0):
            self.run_daily()
        courtesy = self.env["debt.recovery.interaction"].search(
            [("partner_id", "in", self.coming.ids), ("event", "=", "courtesy")]
        )
        self.assertEqual(len(courtesy), 3)
        self.assert_done_for_the_day()

    def assert_done_for_the_day(self):
        cron = self.env.ref("account_debt_recovery.ir_cron_debt_recovery_daily")
        progress = self.env["ir.cron.progress"].search(
            [("cron_id", "=", cron.id)], order="id desc", limit=1
        )
        self.assertEqual(progress.remaining, 0, "nothing left for the day")
        self.assertFalse(
            self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]),
            "not called again",
        )
