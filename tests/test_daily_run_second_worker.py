from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from .common import DebtRecoveryCommon

DAILY = "account_debt_recovery.ir_cron_debt_recovery_daily"
SECOND = "account_debt_recovery.ir_cron_debt_recovery_daily_second_worker"


@tagged("post_install", "-at_install")
@freeze_time(DebtRecoveryCommon.TODAY)
class TestDailyRunSecondWorker(DebtRecoveryCommon):
    """The scheduled daily run starts a second cron worker on the same
    day's batches when it has more than one; the second worker never
    starts another, and what it left is evaluated by the daily run."""

    def setUp(self):
        super().setUp()
        self.partners = self.env["res.partner"].create(
            [
                {"name": f"Shared customer {index}", "email": f"s{index}@example.com"}
                for index in range(5)
            ]
        )
        for partner in self.partners:
            self.invoice(100.0, self.days_ago(10), partner=partner)
        self.daily, self.second = self.env.ref(DAILY), self.env.ref(SECOND)
        for cron in self.daily | self.second:
            cron.code = "model._cron_daily(batch_size=2)"

    def second_worker_triggers(self):
        return self.env["ir.cron.trigger"].search([("cron_id", "=", self.second.id)])

    def run_cron(self, cron):
        with self.enter_registry_test_mode():
            result = cron.method_direct_trigger()
        self.assertIs(result, True, f"The run failed: {result}")
        self.env.invalidate_all()

    def evaluated(self):
        followups = self.env["debt.recovery.followup"]._for_partners(self.partners)
        return followups.filtered(lambda f: f.last_evaluation_date == self.TODAY)

    def test_the_scheduled_run_starts_its_second_worker(self):
        self.assertTrue(self.second.active)
        self.assertFalse(self.second_worker_triggers())
        self.run_cron(self.daily)
        self.assertEqual(len(self.second_worker_triggers()), 1)
        self.assertEqual(len(self.evaluated()), 5)

    def test_one_batch_is_not_shared(self):
        self.daily.code = "model._cron_daily()"
        self.run_cron(self.daily)
        self.assertFalse(self.second_worker_triggers())
        self.assertEqual(len(self.evaluated()), 5)

    def test_the_second_worker_runs_the_day_and_starts_nobody(self):
        self.run_cron(self.second)
        self.assertFalse(self.second_worker_triggers(), "it never starts itself")
        self.assertEqual(len(self.evaluated()), 5)
        self.assertEqual(len(self.mails(self.partners)), 5)
        self.run_cron(self.daily)
        self.assertFalse(self.second_worker_triggers(), "nothing left to share")
        self.assertEqual(len(self.mails(self.partners)), 5, "nobody contacted twice")

    def test_a_run_outside_the_schedule_does_not_start_it(self):
        self.env["debt.recovery.run"]._run_now_company(self.company)
        self.assertFalse(self.second_worker_triggers())
        self.assertEqual(len(self.evaluated()), 5)

    def test_a_disabled_second_worker_is_not_started(self):
        self.second.active = False
        self.run_cron(self.daily)
        self.assertFalse(self.second_worker_triggers())
        self.assertEqual(len(self.evaluated()), 5)

    def test_what_the_second_worker_left_is_evaluated(self):
        """A batch the second worker held when the daily run passed it, and
        then left unfinished (it was stopped), is evaluated by the daily run
        before it ends."""
        Run = type(self.env["debt.recovery.run"])
        real = Run._run_batch
        held = []

        def second_worker_holds_the_first_batch(run, ids, today):
            if not held:
                held.append(ids)  # locked elsewhere: skipped by this pass
                return None
            return real(run, ids, today)

        with patch.object(Run, "_run_batch", second_worker_holds_the_first_batch):
            self.run_cron(self.daily)
        self.assertEqual(len(held[0]), 2)
        self.assertEqual(len(self.evaluated()), 5, "nobody left for tomorrow")
        self.assertEqual(len(self.mails(self.partners)), 5)
