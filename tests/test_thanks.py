from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import DebtRecoveryCommon

TODAY = DebtRecoveryCommon.TODAY


@tagged("post_install", "-at_install")
class TestThanks(DebtRecoveryCommon):
    """A customer who settles everything overdue, or keeps a promise to pay,
    gets a short thank-you email when the policy says so (on by default),
    and it is logged; the settlement itself is logged as soon as the payment
    is recorded."""

    def setUp(self):
        super().setUp()
        self.no_spacing()
        self.overdue = self.invoice(1000.0, self.days_ago(30))
        with freeze_time(TODAY):
            self.run_daily()
        self.assertEqual(self.followup().level_id, self.levels[0])

    def thanks(self):
        return self.interactions(event="thanks")

    def test_a_customer_who_pays_everything_is_settled_and_thanked_at_once(self):
        with freeze_time(TODAY):
            self.pay(self.overdue)
        followup = self.followup()
        self.assertEqual(followup.status, "up_to_date")
        self.assertFalse(followup.level_id, "settled without waiting for the run")
        self.assertEqual(len(self.interactions(event="settled")), 1)
        entry = self.thanks()
        self.assertEqual(len(entry), 1)
        self.assertEqual((entry.channel, entry.direction), ("email", "outbound"))
        mail = self.mails().filtered(
            lambda m: m.mail_message_id == entry.mail_message_id
        )
        self.assertIn("thank you for your payment", mail.subject)
        self.assertIn("now up to date", mail.body_html)
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertEqual(entry.recipient_ids, self.customer)
        # the next run neither settles again nor thanks twice
        with freeze_time(TODAY + timedelta(days=1)):
            self.run_daily()
        self.assertEqual(len(self.interactions(event="settled")), 1)
        self.assertEqual(len(self.thanks()), 1)

    def test_a_kept_promise_is_thanked(self):
        with freeze_time(TODAY):
            self.env["debt.recovery.interaction"].create(
                {
                    "partner_id": self.customer.id,
                    "channel": "phone",
                    "direction": "inbound",
                    "outcome": "promise",
                    "promise_date": TODAY + timedelta(days=7),
                    "promise_amount": 400.0,
                    "summary": "Will pay 400 next week",
                }
            )
        with freeze_time(TODAY + timedelta(days=2)):
            self.pay(self.overdue, amount=400.0)
        self.assertTrue(self.interactions(event="promise_kept"))
        self.assertFalse(self.interactions(event="settled"), "600 still overdue")
        entry = self.thanks()
        self.assertEqual(len(entry), 1)
        self.assertIn("just as you promised", entry.mail_message_id.body)

    def test_a_promise_kept_by_a_cancelled_payment_is_open_again(self):
        with freeze_time(TODAY):
            promise = self.env["debt.recovery.interaction"].create(
                {
                    "partner_id": self.customer.id,
                    "channel": "phone",
                    "direction": "inbound",
                    "outcome": "promise",
                    "promise_date": TODAY + timedelta(days=7),
                    "promise_amount": 400.0,
                    "summary": "Will pay 400 next week",
                }
            )
        with freeze_time(TODAY + timedelta(days=2)):
            payment = self.pay(self.overdue, amount=400.0)
            self.assertEqual(promise.promise_state, "kept")
            payment.action_draft()
            payment.action_cancel()
        self.assertEqual(promise.promise_state, "open", "kept is what was paid")
        self.assertTrue(self.interactions(event="promise_reopened"))
        self.assertEqual(self.followup().status, "promise")
        # the run checks it at its date plus grace, as any other promise
        grace = self.policy.promise_grace_days
        with freeze_time(TODAY + timedelta(days=8 + grace)):
            self.run_daily()
        self.assertEqual(promise.promise_state, "broken")

    def test_a_cancelled_invoice_settles_without_thanks(self):
        with freeze_time(TODAY):
            self.overdue.button_draft()
            self.overdue.button_cancel()
        self.assertEqual(len(self.interactions(event="settled")), 1)
        self.assertFalse(self.followup().level_id)
        self.assertFalse(self.thanks(), "nothing was paid")

    def test_a_credit_note_settles_without_thanks(self):
        with freeze_time(TODAY):
            reversal = self.overdue._reverse_moves(cancel=True)
        self.assertTrue(reversal)
        self.assertEqual(len(self.interactions(event="settled")), 1)
        self.assertFalse(self.thanks(), "nothing was paid")

    def test_a_policy_may_not_thank(self):
        self.policy.send_thanks = False
        with freeze_time(TODAY):
            self.pay(self.overdue)
        self.assertEqual(len(self.interactions(event="settled")), 1)
        self.assertFalse(self.thanks())

    def test_no_address_no_thanks_and_the_payment_is_recorded(self):
        self.customer.email = False
        self.contact.email = False
        with freeze_time(TODAY):
            self.pay(self.overdue)
        self.assertEqual(self.overdue.payment_state, "paid")
        self.assertEqual(len(self.interactions(event="settled")), 1)
        self.assertFalse(self.thanks())

    def test_a_broken_template_never_stops_the_payment(self):
        template = self.env.ref(
            "account_debt_recovery.mail_template_debt_recovery_thanks"
        )
        # saved before an upgrade removed the field it reads (the form refuses it)
        self.env.cr.execute(
            "UPDATE mail_template SET subject = %s WHERE id = %s",
            ['{"en_US": "{{ object.no_such_field }}"}', template.id],
        )
        template.invalidate_recordset()
        with freeze_time(TODAY):
            self.pay(self.overdue)
        self.assertEqual(self.overdue.payment_state, "paid")
        self.assertEqual(len(self.interactions(event="settled")), 1)
        self.assertFalse(self.thanks())
        failure = self.interactions(event="failure")
        self.assertIn("thank-you email could not be sent", failure.summary)
        self.assertIn("no_such_field", failure.summary)

    def test_a_disputed_remainder_is_not_a_settlement(self):
        other = self.invoice(500.0, self.days_ago(20))
        self.dispute(other)
        with freeze_time(TODAY):
            self.pay(self.overdue)
        self.assertFalse(self.interactions(event="settled"))
        self.assertFalse(self.thanks())
        self.assertEqual(self.followup().status, "disputed")
