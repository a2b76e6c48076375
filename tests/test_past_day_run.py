from datetime import datetime, time

from freezegun import freeze_time

from odoo import SUPERUSER_ID, api
from odoo.tests import tagged

from .common import DebtRecoveryCommon


@tagged("post_install", "-at_install")
class TestPastDayRun(DebtRecoveryCommon):
    """The run for a past day (the ladder's history replayed day by day, as a
    demonstration database builds it) decides as on that day and dates what
    it logs on that day, so its later days see the spacing and the cap kept."""

    def run_for(self, day):
        """The daily run's method for ``day``, as its scheduled action runs
        it (as the superuser, in its own cursor)."""
        with self.enter_registry_test_mode(), self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["debt.recovery.run"]._cron_daily(today=day)
        self.env.invalidate_all()

    @freeze_time(DebtRecoveryCommon.TODAY)
    def test_history_replayed_climbs_one_level_per_day_replayed(self):
        self.invoice(900.0, self.days_ago(80))
        days = [self.days_ago(73), self.days_ago(59), self.days_ago(35)]
        for day in days:
            self.run_for(day)
        entries = self.interactions(event="level").sorted("date")
        self.assertEqual(entries.level_id, self.levels[:3])
        self.assertEqual(
            entries.mapped("date"), [datetime.combine(day, time(12)) for day in days]
        )
        self.assertEqual(self.state().debt_level_id, self.levels[2])
        first = self.mails().sorted("id")[0]
        self.assertRegex(
            str(first.body_html),
            r">\s*7\s*</td>",
            "the email of a past day shows the days overdue of that day",
        )
        self.run_daily()  # today: the final notice and its proposed escalation
        followup = self.followup()
        self.assertEqual(followup.level_id, self.levels[3])
        self.assertEqual(followup.escalation_state, "proposed")
        today = self.interactions(event="level").sorted("date")[-1]
        self.assertEqual(today.date.date(), self.TODAY)

    @freeze_time(DebtRecoveryCommon.TODAY)
    def test_a_past_day_keeps_the_spacing_of_the_days_before(self):
        self.invoice(900.0, self.days_ago(80))
        self.run_for(self.days_ago(60))  # 20 days overdue: courteous
        self.run_for(self.days_ago(59))  # 21 days: firm, but the spacing
        self.assertEqual(self.state().debt_level_id, self.levels[0])
        self.assertEqual(len(self.interactions(event="level")), 1)
        self.run_for(self.days_ago(53))  # seven days after the last contact
        self.assertEqual(self.state().debt_level_id, self.levels[1])
