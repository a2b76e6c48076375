from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import DebtRecoveryCommon


@tagged("post_install", "-at_install")
class TestLadderRules(DebtRecoveryCommon):
    """One test per escalation rule, on the default ladder:
    courteous email at 7 days, firm email + call at 21, formal letter at 45,
    final notice proposing an agency at 75."""

    def run_on(self, day):
        with freeze_time(day):
            self.run_daily()
        return self.state()

    def level_interactions(self):
        return self.interactions(event="level")

    def test_rule1_target_is_highest_level_whose_delay_is_reached(self):
        self.no_spacing()
        due = self.days_ago(10)
        self.invoice(1000.0, due)
        self.assertEqual(self.run_on(self.TODAY).debt_level_id, self.levels[0])
        # 20 days overdue: the firm level (21 days) is not reached yet
        self.assertEqual(
            self.run_on(due + timedelta(days=20)).debt_level_id, self.levels[0]
        )
        self.assertEqual(len(self.level_interactions()), 1)
        self.assertEqual(
            self.run_on(due + timedelta(days=21)).debt_level_id, self.levels[1]
        )

    def test_rule2_climbs_one_level_per_evaluation(self):
        self.no_spacing()
        self.invoice(1000.0, self.days_ago(200))
        # the first contact is the courteous level, however old the debt
        self.assertEqual(self.run_on(self.TODAY).debt_level_id, self.levels[0])
        self.assertEqual(self.level_interactions().level_id, self.levels[0])
        next_day = self.TODAY + timedelta(days=1)
        self.assertEqual(self.run_on(next_day).debt_level_id, self.levels[1])
        self.assertEqual(
            self.run_on(next_day + timedelta(days=1)).debt_level_id, self.levels[2]
        )

    def test_rule3_minimum_spacing_between_contacts(self):
        self.policy.min_days_between_contacts = 7
        self.invoice(1000.0, self.days_ago(30))
        self.assertEqual(self.run_on(self.TODAY).debt_level_id, self.levels[0])
        partner = self.run_on(self.TODAY + timedelta(days=3))
        self.assertEqual(partner.debt_level_id, self.levels[0], "spacing not respected")
        self.assertEqual(partner.debt_next_action_date, self.TODAY + timedelta(days=7))
        partner = self.run_on(self.TODAY + timedelta(days=7))
        self.assertEqual(partner.debt_level_id, self.levels[1])

    def test_rule3_manual_contacts_count_for_spacing(self):
        self.policy.min_days_between_contacts = 5
        self.invoice(1000.0, self.days_ago(30))
        self.env["debt.recovery.interaction"].create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "channel": "phone",
                "direction": "outbound",
                "date": self.days_ago(2),
                "outcome": "left_message",
                "summary": "Called, left a message",
            }
        )
        partner = self.run_on(self.TODAY)
        self.assertFalse(partner.debt_level_id)
        self.assertEqual(
            partner.debt_next_action_date, self.days_ago(2) + timedelta(days=5)
        )

    def test_rule3_weekly_cap_counts_manual_contacts(self):
        self.policy.write({"min_days_between_contacts": 0, "max_contacts_per_week": 2})
        self.invoice(1000.0, self.days_ago(30))
        self.env["debt.recovery.interaction"].create(
            [
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "channel": channel,
                    "direction": "outbound",
                    "date": self.days_ago(days),
                    "summary": "Manual contact",
                }
                for channel, days in (("phone", 6), ("email", 1))
            ]
        )
        self.assertFalse(self.run_on(self.TODAY).debt_level_id, "weekly cap exceeded")
        # the oldest manual contact leaves the 7-day window the next day
        self.assertEqual(
            self.run_on(self.TODAY + timedelta(days=1)).debt_level_id, self.levels[0]
        )

    def test_rule4_actions_run_once(self):
        self.no_spacing()
        self.invoice(1000.0, self.days_ago(8))
        for offset in range(4):  # 8 to 11 days overdue: the courteous level only
            self.run_on(self.TODAY + timedelta(days=offset))
        interactions = self.level_interactions()
        self.assertEqual(len(interactions), 1)
        mails = self.mails(self.customer)
        self.assertEqual(len(mails), 1, "the courteous email was sent more than once")
        self.assertEqual(interactions.mail_message_id, mails.mail_message_id)

    def test_rule5_disputed_invoices_are_excluded(self):
        invoice = self.invoice(1000.0, self.days_ago(30))
        self.dispute(invoice)
        partner = self.run_on(self.TODAY)
        self.assertFalse(partner.debt_level_id)
        self.assertEqual(partner.debt_status, "disputed")
        self.assertFalse(self.level_interactions())

    def test_rule5_invoices_in_an_active_plan_are_excluded(self):
        invoice = self.invoice(1000.0, self.days_ago(30))
        other = self.invoice(200.0, self.days_ago(10))
        plan = self.env["debt.recovery.plan"].create(
            {"partner_id": self.customer.id, "invoice_ids": self.link(invoice)}
        )
        plan._write_status({"state": "active"})
        partner = self.run_on(self.TODAY)
        # the planned invoice is still owed, but only the other one is chased
        self.assertEqual(partner.debt_overdue_amount, 1200.0)
        self.assertEqual(partner.debt_chased_amount, 200.0)
        self.assertEqual(self.level_interactions().invoice_ids, other)
        other.write({"payment_state": "blocked"})
        self.run_on(self.TODAY + timedelta(days=1))
        self.assertEqual(self.state().debt_status, "plan")

    def test_rule5_paused_partner_is_not_contacted(self):
        self.invoice(1000.0, self.days_ago(30))
        with freeze_time(self.TODAY):
            self.followup()._pause(self.TODAY + timedelta(days=5), "Owner in hospital")
        partner = self.run_on(self.TODAY)
        self.assertEqual(partner.debt_status, "paused")
        self.assertFalse(self.level_interactions())
        self.assertEqual(
            self.run_on(self.TODAY + timedelta(days=6)).debt_level_id, self.levels[0]
        )

    def test_rule5_the_pause_the_run_ends_shows_in_the_chatter(self):
        """The run writes each follow-up's figures without tracking; a pause it
        ends is a tracked change, shown in the follow-up's chatter."""
        self.invoice(1000.0, self.days_ago(30))
        with freeze_time(self.TODAY):
            self.followup()._pause(self.TODAY + timedelta(days=5), "Owner in hospital")

        def pause_changes():
            self.env.flush_all()
            self.env.cr.precommit.run()
            return self.followup().message_ids.tracking_value_ids.filtered(
                lambda value: value.field_id.name == "pause_until"
            )

        before = pause_changes()
        self.run_on(self.TODAY + timedelta(days=2))  # figures only
        self.assertEqual(pause_changes(), before)
        self.run_on(self.TODAY + timedelta(days=6))
        ended = pause_changes() - before
        self.assertEqual(len(ended), 1)
        self.assertFalse(ended.new_value_datetime)
        self.assertEqual(self.state().debt_level_id, self.levels[0])

    def test_rule5_open_promise_holds_the_ladder_until_date_plus_grace(self):
        self.policy.promise_grace_days = 3
        self.invoice(1000.0, self.days_ago(30))
        promise = self.env["debt.recovery.interaction"].create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "channel": "phone",
                "direction": "inbound",
                "outcome": "promise",
                "promise_date": self.TODAY + timedelta(days=10),
                "promise_amount": 1000.0,
                "promise_state": "open",
                "amount_due": 1000.0,
                "date": self.days_ago(20),
                "summary": "Will pay after the next shipment",
            }
        )
        self.assertEqual(self.run_on(self.TODAY).debt_status, "promise")
        self.assertEqual(
            self.run_on(self.TODAY + timedelta(days=13)).debt_status, "promise"
        )
        self.assertFalse(self.level_interactions())
        # date + grace passed, nothing paid: broken, and the ladder resumes
        partner = self.run_on(self.TODAY + timedelta(days=14))
        self.assertEqual(promise.promise_state, "broken")
        self.assertTrue(self.interactions(event="promise_broken"))
        self.assertEqual(partner.debt_level_id, self.levels[0])

    def test_rule5_core_exclusions_no_followup_and_blocked(self):
        followup_off = self.invoice(1000.0, self.days_ago(30))
        followup_off.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).no_followup = True
        blocked = self.invoice(500.0, self.days_ago(30))
        blocked.payment_state = "blocked"
        partner = self.run_on(self.TODAY)
        self.assertFalse(partner.debt_level_id)
        self.assertFalse(self.level_interactions())

    def test_rule6_escalation_is_proposed_then_approved_by_a_manager(self):
        self.no_spacing()
        self.invoice(1000.0, self.days_ago(80))
        for offset in range(4):
            partner = self.run_on(self.TODAY + timedelta(days=offset))
        self.assertEqual(partner.debt_level_id, self.levels[3])
        self.assertEqual(partner.debt_status, "escalation_proposed")
        self.assertEqual(partner.debt_escalation, "agency")
        self.assertTrue(self.interactions(event="escalation_proposed"))
        # never automatic: the next runs leave it waiting
        partner = self.run_on(self.TODAY + timedelta(days=10))
        self.assertEqual(partner.debt_status, "escalation_proposed")
        collector = new_test_user(
            self.env,
            login="collector_rule6",
            groups="account_debt_recovery.group_debt_recovery_user",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        with self.assertRaises(AccessError):
            partner.with_user(collector).action_debt_approve_escalation()
        self.decide_escalation("approve", reason="Silent for three months")
        self.assertEqual(self.state().debt_status, "escalated")
        approval = self.interactions(event="escalation_approved")
        self.assertEqual(approval.user_id, self.env.user)
        self.assertEqual(approval.escalation, "agency")
        self.assertEqual(approval.amount_due, 1000.0)
        self.assertIn("Silent for three months", str(approval.notes))

    def test_rule6_rejected_escalation_returns_to_the_ladder(self):
        self.no_spacing()
        self.levels[0].escalation = "legal"
        self.invoice(1000.0, self.days_ago(10))
        partner = self.run_on(self.TODAY)
        self.assertEqual(partner.debt_status, "escalation_proposed")
        self.decide_escalation("reject", reason="They called back")
        partner = self.state()
        self.assertEqual(partner.debt_status, "overdue")
        self.assertEqual(partner.debt_escalation_state, "rejected")
        self.assertTrue(self.interactions(event="escalation_rejected"))

    def test_rule7_settled_partner_is_up_to_date_and_starts_again_at_level_one(self):
        self.no_spacing()
        invoice = self.invoice(1000.0, self.days_ago(30))
        self.run_on(self.TODAY)
        self.run_on(self.TODAY + timedelta(days=1))
        self.assertEqual(self.state().debt_level_id, self.levels[1])
        with freeze_time(self.TODAY + timedelta(days=2)):
            self.pay(invoice, payment_date=self.TODAY + timedelta(days=2))
        partner = self.run_on(self.TODAY + timedelta(days=2))
        self.assertEqual(partner.debt_status, "up_to_date")
        self.assertFalse(partner.debt_level_id)
        self.assertEqual(len(self.interactions(event="settled")), 1)
        # a later overdue starts again at the first level
        self.invoice(300.0, self.TODAY + timedelta(days=3))
        partner = self.run_on(self.TODAY + timedelta(days=40))
        self.assertEqual(partner.debt_level_id, self.levels[0])

    def test_rule8_invoice_remembers_highest_level_reached(self):
        self.no_spacing()
        first = self.invoice(1000.0, self.days_ago(30))
        self.run_on(self.TODAY)
        self.assertEqual(first.debt_level_id, self.levels[0])
        self.assertEqual(first.debt_level_date, self.TODAY)
        second = self.invoice(400.0, self.days_ago(2))
        self.run_on(self.TODAY + timedelta(days=1))
        self.assertEqual(first.debt_level_id, self.levels[1])
        self.assertEqual(second.debt_level_id, self.levels[1])
        self.assertEqual(first.debt_level_date, self.TODAY + timedelta(days=1))
