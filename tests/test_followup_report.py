from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import DebtRecoveryCommon
from .letter_common import plain

USER = "account_debt_recovery.group_debt_recovery_user"
BILLING = "account.group_account_invoice"


@tagged("post_install", "-at_install")
@freeze_time(DebtRecoveryCommon.TODAY)
class TestFollowupReport(DebtRecoveryCommon):
    """The follow-up report: what the customer receives next and why, and
    the collector's buttons on it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        in_company = {"company_id": cls.company.id, "company_ids": [cls.company.id]}
        cls.collector = new_test_user(
            cls.env, login="report_collector", groups=USER, **in_company
        )
        cls.billing = new_test_user(
            cls.env, login="report_billing", groups=BILLING, **in_company
        )

    def report(self, followup=None):
        followup = (followup or self.followup()).with_user(self.collector)
        followup.invalidate_recordset(["report_html"])
        return plain(followup.report_html)

    def compose(self, action, user=None):
        """Send what the composer of ``action`` proposes, as it is."""
        self.assertEqual(action["res_model"], "mail.compose.message")
        Composer = self.env["mail.compose.message"].with_user(user or self.collector)
        with Form(Composer.with_context(**action["context"])) as form:
            pass
        form.record.action_send_mail()
        return form.record

    def test_report_shows_the_next_step_its_date_and_the_figures(self):
        invoice = self.invoice(1000.0, self.days_ago(3))
        refund = self._create_invoice_one_line(
            move_type="out_refund",
            price_unit=250.0,
            tax_ids=[],
            partner_id=self.customer.id,
            invoice_date=self.days_ago(5),
            post=True,
        )
        self.followup()._refresh_figures()
        text = self.report()
        self.assert_in_order(
            text,
            "Next step: Courteous reminder (email)",
            "Courteous reminder on "
            + self.date(self.days_ago(3) + timedelta(days=7))
            + ", when the oldest chased item is 7 days overdue",
            invoice.name,
            refund.name,
            "Net amount due $ 750.00",
        )

    def test_report_says_what_holds_the_next_step(self):
        self.invoice(1000.0, self.days_ago(30))
        self.run_daily()  # the first level goes out today
        self.assertIn(
            "Firm reminder on "
            + self.date(
                self.TODAY + timedelta(days=self.policy.min_days_between_contacts)
            )
            + " at the earliest: the policy leaves 7 days between two contacts",
            self.report(),
        )
        self.followup()._pause(
            self.TODAY + timedelta(days=20), "Waiting for a receiver"
        )
        self.assertIn(
            "Paused until "
            + self.date(self.TODAY + timedelta(days=20))
            + ": Waiting for a receiver.",
            self.report(),
        )

    def test_nothing_is_proposed_while_everything_is_disputed(self):
        invoice = self.invoice(1000.0, self.days_ago(30))
        self.dispute(invoice)
        text = self.report()
        self.assertIn("Next step: none", text)
        self.assertIn("Everything overdue is disputed or in a payment plan", text)
        with self.assertRaisesRegex(UserError, "no next step"):
            self.followup().with_user(self.collector).action_send_next_step()

    def test_send_next_step_now_goes_through_the_review_composer(self):
        invoice = self.invoice(1000.0, self.days_ago(30))
        self.run_daily()
        followup = self.followup()
        self.assertEqual(followup.level_id, self.levels[0])
        # the collector is held as the run is: spacing (rule 3), one a day
        with self.assertRaisesRegex(UserError, "no next step to send"):
            followup.with_user(self.collector).action_send_next_step()
        self.no_spacing()
        with self.assertRaisesRegex(UserError, "reached a level today"):
            followup.with_user(self.collector).action_send_next_step()
        with freeze_time(self.TODAY + timedelta(days=1)):
            self.send_next_step_tomorrow(followup, invoice)

    def send_next_step_tomorrow(self, followup, invoice):
        action = followup.with_user(self.collector).action_send_next_step()
        self.assertEqual(
            action["context"]["default_template_id"],
            self.levels[1].mail_template_id.id,
        )
        self.assertEqual(followup.pending_level_id, self.levels[1])
        self.compose(action)
        self.assertEqual(followup.level_id, self.levels[1])
        self.assertFalse(followup.pending_level_id)
        sent = self.interactions(event="level", level_id=self.levels[1].id)
        self.assertEqual(sent.channel, "email")
        self.assertEqual(sent.invoice_ids, invoice)
        self.assertFalse(sent.automated, "sent by a collector")
        self.assertTrue(self.interactions(event="review"), "bringing it forward")

    def test_a_paused_or_excluded_customer_gets_no_pending_reminder(self):
        self.invoice(1000.0, self.days_ago(30))
        self.levels[0].execution = "review"
        self.run_daily()
        followup = self.followup()
        self.assertEqual(followup.pending_level_id, self.levels[0])
        followup._pause(self.TODAY + timedelta(days=5), "Director ill")
        self.assertFalse(followup.pending_level_id, "the pause holds it")
        with self.assertRaisesRegex(UserError, "awaiting review"):
            followup.with_user(self.collector).action_send_now()
        self.assertFalse(self.mails())

    def test_nothing_to_send_when_nothing_is_overdue(self):
        followup = self.followup()
        with self.assertRaisesRegex(UserError, "up to date"):
            followup.with_user(self.collector).action_send_next_step()

    def test_statement_is_emailed_with_its_pdf_and_logged(self):
        invoice = self.invoice(1000.0, self.days_ago(30))
        followup = self.followup()
        action = followup.with_user(self.collector).action_email_statement()
        composer = self.compose(action)
        self.assertIn("statement of your account", composer.subject)
        entry = self.interactions(event="statement_sent")
        self.assertEqual(entry.channel, "email")
        self.assertEqual(entry.direction, "outbound")
        self.assertEqual(entry.recipient_ids, self.customer)
        message = entry.mail_message_id
        self.assertEqual(message.model, followup._name)
        self.assertEqual(len(message.attachment_ids), 1, "the statement's PDF")
        self.assertEqual(self.state().debt_last_contact_date.date(), self.TODAY)
        self.assertIn(
            invoice.name,
            plain(
                self.env["ir.actions.report"]._render_qweb_html(
                    "account_debt_recovery.action_report_followup_statement",
                    followup.ids,
                )[0]
            ),
        )

    def test_printing_the_statement_is_logged(self):
        self.invoice(1000.0, self.days_ago(30))
        action = self.followup().with_user(self.collector).action_print_statement()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(
            action["report_name"], "account_debt_recovery.report_followup_statement"
        )
        entry = self.interactions(event="statement_printed")
        self.assertEqual((entry.channel, entry.direction), ("note", "internal"))
        self.assertEqual(entry.user_id, self.collector)

    def test_only_collectors_act_from_the_report(self):
        followup = self.followup().with_user(self.billing)
        for action in (
            "action_email_statement",
            "action_print_statement",
            "action_send_next_step",
        ):
            with self.subTest(action=action), self.assertRaises(AccessError):
                getattr(followup, action)()

    # ------------------------------------------------------------------
    def date(self, value):
        return value.strftime("%m/%d/%Y")

    def assert_in_order(self, text, *parts):
        position = 0
        for part in parts:
            found = text.find(part, position)
            self.assertNotEqual(found, -1, f"{part!r} not after {position} in {text}")
            position = found + len(part)
