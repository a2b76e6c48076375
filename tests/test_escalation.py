from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import DebtRecoveryCommon

TODAY = DebtRecoveryCommon.TODAY


@tagged("post_install", "-at_install")
class TestEscalation(DebtRecoveryCommon):
    """Escalation is deliberate: the managers are asked, a decision takes a
    reason, and approving before the final notice's own deadline takes an
    explicit confirmation; all is logged with the amount due then."""

    def reach_final_notice(self):
        self.no_spacing()
        self.set_state(level_id=self.levels[2].id)
        self.invoice(1000.0, self.days_ago(90))
        with freeze_time(TODAY):
            self.run_daily()
        followup = self.followup()
        self.assertEqual(followup.escalation_state, "proposed")
        return followup

    def test_a_proposed_escalation_asks_the_managers(self):
        followup = self.reach_final_notice()
        asked = followup.activity_ids.filtered(
            lambda activity: "Approve or reject the escalation" in activity.summary
        )
        self.assertIn(self.env.user, asked.user_id)
        with freeze_time(TODAY + timedelta(days=20)):
            self.decide_escalation("approve", reason="No answer to the final notice")
        self.assertFalse(
            followup.activity_ids.filtered(
                lambda activity: "Approve or reject" in (activity.summary or "")
            ),
            "decided: the managers' activities are done",
        )

    def test_approving_before_the_final_deadline_is_explicit(self):
        self.reach_final_notice()
        deadline = TODAY + timedelta(days=self.levels[3].deadline_days)
        with freeze_time(TODAY + timedelta(days=3)):
            with self.assertRaisesRegex(UserError, "has not passed"):
                self.decide_escalation("approve", reason="Looks hopeless")
            self.assertEqual(self.followup().status, "escalation_proposed")
            self.decide_escalation(
                "approve", reason="Company in liquidation", before=True
            )
        approval = self.interactions(event="escalation_approved")
        self.assertIn("Company in liquidation", str(approval.notes))
        self.assertEqual(approval.amount_due, 1000.0)
        self.assertEqual(self.followup().status, "escalated")
        self.assertGreater(deadline, TODAY + timedelta(days=3))

    def test_a_decision_needs_a_reason(self):
        followup = self.reach_final_notice()
        with freeze_time(TODAY + timedelta(days=30)):
            with self.assertRaisesRegex(UserError, "Say why"):
                followup._decide_escalation(False, reason="  ")
        self.assertEqual(followup.status, "escalation_proposed")
        self.assertFalse(self.interactions(event="escalation_rejected"))
