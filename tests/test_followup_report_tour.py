from datetime import timedelta

from odoo import SUPERUSER_ID, api
from odoo.tests import new_test_user, tagged

from .portal_common import CustomerPageCommon


@tagged("post_install", "-at_install")
class TestFollowupReportTour(CustomerPageCommon):
    """In headless Chromium, as a collector: the follow-up report, from the
    worklist, to the statement emailed and the next step sent."""

    def test_statement_and_next_step_from_the_report(self):
        self.levels.write({"execution": "auto"})
        self.no_spacing()
        # yesterday the first reminder went out: the next is the firm one (a
        # collector sends at most one level a day, as the run does)
        with self.env.registry.cursor() as cr:  # as the scheduled run runs
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["debt.recovery.run"]._cron_daily(today=self.TODAY - timedelta(days=1))
        self.env.invalidate_all()
        followup = self.followup_record
        self.assertEqual(followup.level_id, self.levels[0])
        user = new_test_user(
            self.env,
            login="report_tour_collector",
            groups="account_debt_recovery.group_debt_recovery_user,"
            "account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        self.start_tour(
            "/odoo/debt-recovery",
            "account_debt_recovery_followup_report_tour",
            login=user.login,
        )
        self.env.invalidate_all()
        statement = self.interactions(event="statement_sent")
        self.assertEqual(statement.user_id, user)
        self.assertEqual(statement.recipient_ids, self.customer)
        self.assertEqual(followup.level_id, self.levels[1])
        sent = self.interactions(event="level", level_id=self.levels[1].id)
        self.assertEqual(sent.channel, "email")
        self.assertEqual(sent.user_id, user)
