from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import DebtRecoveryCommon

TODAY = DebtRecoveryCommon.TODAY


@tagged("post_install", "-at_install")
class TestFollowupOwnership(DebtRecoveryCommon):
    """A customer's follow-up has one owner: its record changes only through
    its own actions, which check the role and log; its status follows from
    the facts by one precedence list; invoices show what their disputes,
    plans and log say."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        contacts = cls.env.ref("base.group_partner_manager")
        cls.collector = new_test_user(
            cls.env,
            login="owner_collector",
            groups="account_debt_recovery.group_debt_recovery_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.collector.group_ids |= contacts
        cls.billing = new_test_user(
            cls.env,
            login="owner_billing",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.billing.group_ids |= contacts

    def test_nobody_writes_the_follow_up_over_rpc(self):
        """A collector who may also edit contacts, a billing user and even
        code running as superuser cannot move the ladder state by ``write``:
        rule 6 (escalation only through a manager's approval) holds."""
        followup = self.set_state(
            level_id=self.levels[1].id, pending_level_id=self.levels[2].id
        )
        attempts = (
            {"status": "escalated"},
            {"escalation": "agency", "escalation_state": "approved"},
            {"level_id": False},
            {"level_id": self.levels[3].id},
            {"pending_level_id": False},
            {"excluded": True},
            {"pause_until": TODAY, "pause_reason": "Because"},
            {"collector_id": self.collector.id},
            {"chased_amount": 0.0},
        )
        for user in (self.collector, self.billing):
            for values in attempts:
                with (
                    self.subTest(user=user.login, values=values),
                    self.assertRaises(AccessError),
                ):
                    followup.with_user(user).write(values)
        for values in attempts:
            with self.subTest(superuser=values), self.assertRaises(AccessError):
                followup.sudo().write(values)
        with self.assertRaises(AccessError):
            self.env["debt.recovery.followup"].with_user(self.collector).create(
                {"partner_id": self.contact.id, "company_id": self.company.id}
            )
        self.env.invalidate_all()
        self.assertEqual(followup.level_id, self.levels[1])
        self.assertEqual(followup.pending_level_id, self.levels[2])
        self.assertEqual(followup.status, "to_review")
        self.assertFalse(self.interactions(), "nothing happened, nothing logged")
        # the chatter and the activities stay the collectors' to work
        followup.with_user(self.collector).message_post(body="Called, no answer")
        followup.with_user(self.collector).activity_schedule(
            "mail.mail_activity_data_call", user_id=self.billing.id
        )

    def test_nobody_marks_an_invoice_disputed_planned_or_at_a_level(self):
        invoice = self.invoice(1000.0, self.days_ago(30))
        plan = self.env["debt.recovery.plan"].create(
            {"partner_id": self.customer.id, "invoice_ids": self.link(invoice)}
        )
        for user in (self.billing, self.collector):
            for values in (
                {"debt_disputed": True},
                {"debt_dispute_reason": "Not received"},
                {"debt_plan_id": plan.id},
                {"debt_level_id": self.levels[3].id},
                {"debt_level_date": TODAY},
            ):
                with (
                    self.subTest(user=user.login, values=values),
                    self.assertRaises(AccessError),
                ):
                    invoice.with_user(user).write(values)
        # nor by saying a logged call holds it, whoever writes, manager too
        call = self.env["debt.recovery.interaction"].create(
            {
                "partner_id": self.customer.id,
                "channel": "phone",
                "direction": "outbound",
                "outcome": "no_answer",
                "summary": "Called",
                "invoice_ids": self.link(invoice),
            }
        )
        for user in (self.collector, self.env.user):
            with (
                self.subTest(user=user.login, field="held_invoice_ids"),
                self.assertRaises(UserError),
            ):
                call.with_user(user).write({"held_invoice_ids": self.link(invoice)})
        self.assertFalse(invoice.debt_disputed)
        self.assertFalse(invoice.debt_plan_id)
        # what the records say: an open dispute, an active plan
        dispute = self.dispute(invoice, "Not received")
        self.assertTrue(invoice.debt_disputed)
        self.assertEqual(invoice.debt_dispute_reason, "Not received")
        self.env["debt.recovery.interaction"]._debt_resolve_disputes(
            invoice, "Proof of delivery sent"
        )
        self.assertEqual(dispute.dispute_state, "resolved")
        self.assertFalse(invoice.debt_disputed)
        plan._write_status({"state": "active"})
        self.assertEqual(invoice.debt_plan_id, plan)

    @freeze_time(TODAY)
    def test_status_follows_one_precedence_list(self):
        """A paused customer who then promises to pay stays paused; the
        promise shows once the pause ends."""
        self.invoice(1000.0, self.days_ago(30))
        followup = self.followup()
        self.assertEqual(followup.status, "overdue")
        followup._pause(TODAY + timedelta(days=10), "Owner in hospital")
        self.assertEqual(followup.status, "paused")
        self.env["debt.recovery.interaction"].create(
            {
                "partner_id": self.customer.id,
                "channel": "phone",
                "direction": "inbound",
                "outcome": "promise",
                "promise_date": TODAY + timedelta(days=20),
                "summary": "Will pay when back",
            }
        )
        self.assertEqual(followup.status, "paused", "a pause comes first")
        self.run_daily()
        self.assertEqual(self.followup().status, "paused")
        followup.action_resume()
        self.assertEqual(followup.status, "promise")

    @freeze_time(TODAY)
    def test_last_contact_is_the_log_s(self):
        """A call logged yesterday is the last contact, wherever it shows."""
        self.invoice(1000.0, self.days_ago(30))
        yesterday = TODAY - timedelta(days=1)
        self.env["debt.recovery.interaction"].create(
            {
                "partner_id": self.customer.id,
                "channel": "phone",
                "direction": "outbound",
                "outcome": "left_message",
                "date": yesterday,
                "summary": "Left a message",
            }
        )
        followup = self.followup()
        self.assertEqual(followup.last_contact_date.date(), yesterday)
        self.assertEqual(self.state().debt_last_contact_date.date(), yesterday)
        # an internal note or a failed delivery is no contact
        self.env["debt.recovery.interaction"].create(
            {
                "partner_id": self.customer.id,
                "channel": "note",
                "direction": "internal",
                "outcome": "other",
                "summary": "Checked the file",
            }
        )
        self.assertEqual(followup.last_contact_date.date(), yesterday)

    def test_a_settled_customer_starts_again_at_the_first_level(self):
        """Formal letter reached, paid in full (settled), then the payment is
        cancelled: the next contact is the first level, not the final
        notice (the invoice's own level memory never skips a level)."""
        self.no_spacing()
        invoice = self.invoice(1000.0, self.days_ago(80))
        for offset in range(3):
            with freeze_time(TODAY + timedelta(days=offset)):
                self.run_daily()
        self.assertEqual(self.state().debt_level_id, self.levels[2])
        self.assertEqual(invoice.debt_level_id, self.levels[2])
        with freeze_time(TODAY + timedelta(days=3)):
            payment = self.pay(invoice, payment_date=TODAY + timedelta(days=3))
            self.run_daily()
        self.assertEqual(self.state().debt_status, "up_to_date")
        self.assertTrue(self.interactions(event="settled"))
        with freeze_time(TODAY + timedelta(days=3)):
            payment.action_draft()  # the payment bounced
            payment.action_cancel()
        self.assertEqual(self.state().debt_status, "overdue", "at once")
        with freeze_time(TODAY + timedelta(days=4)):
            self.run_daily()
        self.assertEqual(self.state().debt_level_id, self.levels[0])
        latest = self.interactions(event="level")[:1]
        self.assertEqual(latest.level_id, self.levels[0])
        self.assertFalse(self.interactions(event="escalation_proposed"))

    def test_portal_users_read_nothing_of_the_follow_up(self):
        self.invoice(1000.0, self.days_ago(30))
        self.set_state(level_id=self.levels[1].id)
        portal = new_test_user(
            self.env,
            login="owner_portal",
            groups="base.group_portal",
            partner_id=self.customer.id,
        )
        customer = self.customer.with_user(portal)
        for name in ("debt_status", "debt_level_id", "debt_priority", "debt_error"):
            with self.subTest(field=name), self.assertRaises(AccessError):
                customer.read([name])
        with self.assertRaises(AccessError):
            self.followup().with_user(portal).read(["status"])
        invoice = self.customer.invoice_ids[:1].with_user(portal)
        with self.assertRaises(AccessError):
            invoice.read(["debt_level_id"])

    def test_an_interaction_quotes_only_an_email_of_the_customer(self):
        other = self.env["res.partner"].create({"name": "Other Customer"})
        foreign = other.message_post(body="Private to another customer")
        foreign.message_type = "email"
        wizard = (
            self.env["debt.recovery.log.wizard"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": self.customer.id,
                    "outcome": "other",
                    "summary": "Quote",
                    "mail_message_id": foreign.id,
                }
            )
        )
        with self.assertRaisesRegex(UserError, "not one of"):
            wizard.action_log()
        self.assertFalse(self.interactions())
