from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import DebtRecoveryCommon

TODAY = DebtRecoveryCommon.TODAY


@tagged("post_install", "-at_install")
class TestCourtesyReminder(DebtRecoveryCommon):
    """Rule 9: a level with negative days is a courtesy reminder before the
    due date: it is not an escalation and the first overdue contact is still
    level 1."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.courtesy = cls.env["debt.recovery.level"].create(
            {
                "policy_id": cls.policy.id,
                "name": "Heads-up",
                "tone": "courteous",
                "days_overdue": -3,
                "send_email": True,
            }
        )
        cls.due = TODAY + timedelta(days=5)

    def setUp(self):
        super().setUp()
        self.no_spacing()
        self.coming = self.invoice(800.0, self.due)

    def run_on(self, day):
        with freeze_time(day):
            self.run_daily()
        return self.followup()

    def courtesy_entries(self):
        return self.interactions(event="courtesy")

    def test_a_courtesy_reminder_goes_out_before_the_due_date_once(self):
        self.run_on(self.due - timedelta(days=4))
        self.assertFalse(self.courtesy_entries(), "not yet: 4 days before")
        followup = self.run_on(self.due - timedelta(days=3))
        entry = self.courtesy_entries()
        self.assertEqual(len(entry), 1)
        self.assertEqual((entry.channel, entry.direction), ("email", "outbound"))
        self.assertEqual(entry.level_id, self.courtesy)
        self.assertEqual(entry.invoice_ids, self.coming)
        mail = self.mails().filtered(
            lambda m: m.mail_message_id == entry.mail_message_id
        )
        self.assertIn("invoices coming due soon", mail.subject)
        self.assertIn(self.coming.name, mail.body_html)
        self.assertIn("will fall due shortly", mail.body_html)
        self.assertNotIn("Days overdue", mail.body_html)
        self.assertIn("Total coming due", mail.body_html)
        # not an escalation: no level, up to date, the invoice reached none
        self.assertFalse(followup.level_id)
        self.assertEqual(followup.status, "up_to_date")
        self.assertFalse(self.coming.debt_level_id)
        self.assertEqual(self.coming.debt_courtesy_date, self.due - timedelta(days=3))
        # once per invoice
        self.run_on(self.due - timedelta(days=2))
        self.run_on(self.due)
        self.assertEqual(len(self.courtesy_entries()), 1)

    def test_run_now_sends_the_courtesy_reminder_of_the_selected_only(self):
        other = self.env["res.partner"].create(
            {"name": "Also Coming", "email": "coming@example.com", "is_company": True}
        )
        self.invoice(500.0, self.due, partner=other)
        with freeze_time(self.due - timedelta(days=3)):
            self.followup().action_run_now()
        self.assertEqual(len(self.courtesy_entries()), 1, "the selected customer")
        self.assertFalse(self.interactions(other, event="courtesy"), "not the other")
        with freeze_time(self.due - timedelta(days=3)):
            self.run_daily()
        self.assertEqual(len(self.courtesy_entries()), 1, "once")
        self.assertEqual(len(self.interactions(other, event="courtesy")), 1)

    def test_a_customer_whose_credits_cover_it_hears_nothing(self):
        refund = self.invoice(800.0, TODAY, move_type="out_refund")
        self.assertEqual(refund.state, "posted")
        self.run_on(self.due - timedelta(days=3))
        self.assertFalse(self.courtesy_entries(), "nothing to announce")

    def test_the_first_overdue_contact_is_still_level_one(self):
        self.run_on(self.due - timedelta(days=3))
        self.assertTrue(self.courtesy_entries())
        first = self.levels[0]
        followup = self.run_on(self.due + timedelta(days=first.days_overdue))
        self.assertEqual(followup.level_id, first)
        self.assertEqual(self.coming.debt_level_id, first)
        followup = self.run_on(self.due + timedelta(days=self.levels[1].days_overdue))
        self.assertEqual(followup.level_id, self.levels[1])

    def test_a_courtesy_reminder_is_a_contact_for_the_pace(self):
        self.policy.min_days_between_contacts = 10
        early = self.invoice(300.0, TODAY + timedelta(days=1))
        self.run_on(TODAY)  # only `early` falls due within 3 days
        entry = self.courtesy_entries()
        self.assertEqual(entry.invoice_ids, early)
        # `coming` enters its courtesy days 2 days later: the pace waits
        self.run_on(self.due - timedelta(days=3))
        self.assertEqual(len(self.courtesy_entries()), 1)
        # the first reminder of `early` waits 10 days after the courtesy one
        followup = self.run_on(TODAY + timedelta(days=1 + self.levels[0].days_overdue))
        self.assertFalse(followup.level_id)
        self.assertEqual(followup.next_action_date, TODAY + timedelta(days=10))

    def test_a_customer_on_the_ladder_hears_from_the_ladder_only(self):
        self.invoice(500.0, self.days_ago(30))
        followup = self.run_on(TODAY)
        self.assertEqual(followup.level_id, self.levels[0])
        self.run_on(self.due - timedelta(days=3))
        self.assertFalse(self.courtesy_entries())

    def test_held_invoices_and_customers_get_no_courtesy(self):
        self.dispute(self.coming)
        self.run_on(self.due - timedelta(days=3))
        self.assertFalse(self.courtesy_entries())
        other = self.env["res.partner"].create(
            {"name": "Paused Ltd", "email": "paused@example.com"}
        )
        self.invoice(200.0, self.due, partner=other)
        self.followup(other)._write_state(
            {"pause_until": self.due + timedelta(days=10), "pause_reason": "Audit"}
        )
        self.run_on(self.due - timedelta(days=2))
        self.assertFalse(self.interactions(partner=other, event="courtesy"))

    def test_no_address_is_a_failure_with_an_activity_and_no_letter(self):
        self.customer.email = "not an address"
        self.contact.email = False
        followup = self.run_on(self.due - timedelta(days=3))
        self.assertFalse(self.courtesy_entries())
        failure = self.interactions(event="failure")
        self.assertEqual(len(failure), 1)
        self.assertIn("not valid", failure.summary)
        self.assertFalse(self.interactions(letter_state="to_print"))
        self.assertTrue(
            followup.activity_ids.filtered(
                lambda a: a.summary == "Fix the customer's contact details"
            )
        )
        self.run_on(self.due - timedelta(days=2))
        self.assertEqual(len(self.interactions(event="failure")), 1, "tried once")

    def test_a_courtesy_level_is_one_email_sent_by_the_run(self):
        with self.assertRaisesRegex(ValidationError, "more than one courtesy"):
            self.env["debt.recovery.level"].create(
                {
                    "policy_id": self.policy.id,
                    "name": "Second heads-up",
                    "days_overdue": -1,
                    "send_email": True,
                }
            )
        for values in (
            {"produce_letter": True},
            {"execution": "review"},
            {"escalation": "agency"},
            {"send_email": False},
        ):
            with self.subTest(values=values), self.assertRaises(ValidationError):
                self.courtesy.write(values)
        self.assertNotIn(self.courtesy, self.policy._ladder())
        self.assertEqual(self.policy._first_level(), self.levels[0])
