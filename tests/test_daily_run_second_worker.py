from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from ..models.debt_recovery_run_workers import (
    DAILY_CRON,
    SECOND_WORKER_CRON,
    SHARED_LADDER,
)
from .common import DebtRecoveryCommon


@tagged("post_install", "-at_install")
@freeze_time(DebtRecoveryCommon.TODAY)
class TestDailyRunSecondWorker(DebtRecoveryCommon):
    """The scheduled daily run opens the day's ladder batches to a second
    cron worker when it has more than one, once a day; the second worker
    works only while the ladder is open, and the daily run closes it and
    takes what is left before the courtesy reminders."""

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
        self.daily = self.env.ref(DAILY_CRON)
        self.second = self.env.ref(SECOND_WORKER_CRON)
        self.daily.code = "model._cron_daily(batch_size=2)"
        self.second.code = "model._cron_daily_second_worker(batch_size=2)"

    def shared_ladder(self):
        return self.env["ir.config_parameter"].sudo().get_param(SHARED_LADDER)

    def open_ladder(self):
        self.env["ir.config_parameter"].sudo().set_param(
            SHARED_LADDER, f"{self.TODAY.isoformat()}:open"
        )

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
        self.assertEqual(
            self.shared_ladder(), f"{self.TODAY}:closed", "closed once done"
        )

    def test_one_batch_is_not_shared(self):
        self.daily.code = "model._cron_daily()"
        self.run_cron(self.daily)
        self.assertFalse(self.second_worker_triggers())
        self.assertEqual(len(self.evaluated()), 5)

    def test_the_second_worker_alone_does_nothing(self):
        """Started while no daily run runs (by hand, or late), it leaves the
        day to the daily run, which checks the plans first."""
        self.run_cron(self.second)
        self.assertFalse(self.evaluated())
        self.assertFalse(self.second_worker_triggers(), "it never starts itself")
        self.run_cron(self.daily)
        self.assertEqual(len(self.evaluated()), 5)
        self.assertEqual(len(self.mails(self.partners)), 5)

    def test_a_ladder_left_open_another_day_is_not_taken(self):
        """A daily run that stopped left yesterday's ladder open: the second
        worker does not run yesterday's ladder today."""
        yesterday = self.TODAY - timedelta(days=1)
        self.env["ir.config_parameter"].sudo().set_param(
            SHARED_LADDER, f"{yesterday.isoformat()}:open"
        )
        self.run_cron(self.second)
        self.assertFalse(self.evaluated())
        followups = self.env["debt.recovery.followup"]._for_partners(self.partners)
        self.assertFalse(any(followups.mapped("last_evaluation_date")))

    def test_beside_the_daily_run_it_takes_ladder_batches_only(self):
        Run = type(self.env["debt.recovery.run"])
        self.env["debt.recovery.level"].create(
            {
                "policy_id": self.policy.id,
                "name": "Heads-up",
                "tone": "courteous",
                "days_overdue": -3,
                "send_email": True,
            }
        )
        coming = self.env["res.partner"].create(
            {"name": "Coming customer", "email": "coming@example.com"}
        )
        self.invoice(100.0, self.days_ago(-2), partner=coming)
        self.open_ladder()
        with patch.object(Run, "_check_plans") as plans:
            self.run_cron(self.second)
        self.assertEqual(len(self.evaluated()), 5)
        plans.assert_not_called()
        self.assertFalse(
            self.interactions(partner=coming, event="courtesy"),
            "the courtesy reminders are the daily run's, once the ladder is done",
        )
        self.run_cron(self.daily)
        self.assertEqual(len(self.interactions(partner=coming, event="courtesy")), 1)

    def test_it_is_started_once_a_day(self):
        self.run_cron(self.daily)
        self.assertEqual(len(self.second_worker_triggers()), 1)
        self.second_worker_triggers().unlink()
        more = self.env["res.partner"].create(
            [{"name": f"Late customer {index}"} for index in range(3)]
        )
        for partner in more:
            self.invoice(100.0, self.days_ago(10), partner=partner)
        self.run_cron(self.daily)
        self.assertFalse(self.second_worker_triggers(), "once a day")

    def test_the_second_worker_stops_once_the_ladder_is_closed(self):
        Run = type(self.env["debt.recovery.run"])
        real = Run._run_batch
        taken = []

        def close_after_the_first(run, ids, today, *args):
            taken.append(ids)
            real(run, ids, today, *args)
            run.env["ir.config_parameter"].sudo().set_param(
                SHARED_LADDER, f"{today.isoformat()}:closed"
            )

        self.open_ladder()
        with patch.object(Run, "_run_batch", close_after_the_first):
            self.run_cron(self.second)
        self.assertEqual(len(taken), 1, "no batch taken once closed")
        self.assertEqual(len(self.evaluated()), 2)

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
        once the second worker stopped, before it ends."""
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
