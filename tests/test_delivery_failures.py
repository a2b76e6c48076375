import smtplib
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import DebtRecoveryCommon

TODAY = DebtRecoveryCommon.TODAY


@tagged("post_install", "-at_install")
class TestDeliveryFailures(DebtRecoveryCommon):
    """A contact that failed is no contact: a missing or invalid address, a
    mail the queue failed or that bounced. The follow-up shows the failure,
    the collector gets an activity, and the step falls back to a letter."""

    def run_on(self, day):
        with freeze_time(day):
            self.run_daily()
        return self.followup()

    def fix_activities(self):
        return self.followup().activity_ids.filtered(
            lambda activity: activity.summary == "Fix the customer's contact details"
        )

    def assert_letter_instead_of_email(self, level):
        step = self.interactions(event="level", level_id=level.id)
        self.assertEqual(step.channel, "letter")
        self.assertEqual(step.letter_state, "to_print")
        self.assertIn("cannot be sent", step.summary)
        return step

    def test_missing_address_falls_back_to_a_letter_and_tells_the_collector(self):
        self.no_spacing()
        self.customer.email = False
        self.set_collector(self.customer, self.env.user)
        self.invoice(1000.0, self.days_ago(30))
        followup = self.run_on(TODAY)
        self.assertFalse(self.interactions(event="level", channel="email"))
        self.assert_letter_instead_of_email(self.levels[0])
        self.assertEqual(followup.level_id, self.levels[0], "reached by letter")
        self.assertIn("has no email address", followup.last_failure)
        self.assertTrue(self.interactions(event="failure"))
        self.assertEqual(len(self.fix_activities()), 1)
        self.assertIn("no email address", followup.message_ids[0].body)
        # the next step does not climb by email either, and asks only once
        followup = self.run_on(TODAY + timedelta(days=1))
        self.assertEqual(followup.level_id, self.levels[1])
        self.assert_letter_instead_of_email(self.levels[1])
        self.assertFalse(self.interactions(event="level", channel="email"))
        self.assertEqual(len(self.fix_activities()), 1)

    def test_invalid_address_is_a_failure_not_a_reminder_sent(self):
        self.customer.email = "accounts at bad payer dot com"
        self.invoice(1000.0, self.days_ago(30))
        followup = self.run_on(TODAY)
        self.assertFalse(self.interactions(event="level", channel="email"))
        self.assertIn("is not valid", followup.last_failure)
        self.assertIn("accounts at bad payer dot com", followup.last_failure)
        self.assert_letter_instead_of_email(self.levels[0])
        self.assertTrue(self.fix_activities())
        worklist = self.env["debt.recovery.followup"].search(
            [("last_failure", "!=", False), ("id", "=", followup.id)]
        )
        self.assertEqual(worklist, followup, "on the Failed Actions filter")

    def test_a_mail_the_queue_fails_is_no_contact(self):
        self.invoice(1000.0, self.days_ago(30))
        self.run_on(TODAY)
        entry = self.interactions(event="level")
        self.assertEqual(entry.channel, "email")
        followup = self.followup()
        self.assertTrue(followup.last_contact_date)
        refused = smtplib.SMTPRecipientsRefused(
            {"bad.payer@example.com": (550, b"Mailbox unavailable")}
        )
        MailServer = type(self.env["ir.mail_server"])
        with (
            patch.object(MailServer, "send_email", side_effect=refused),
            patch.object(MailServer, "_disable_send", return_value=False),
            mute_logger("odoo.addons.mail.models.mail_mail"),
        ):
            self.env["mail.mail"].process_email_queue()
        self.env.invalidate_all()
        self.assertTrue(entry.delivery_failed)
        self.assertFalse(followup.last_contact_date, "a failed email is no contact")
        self.assertIn("could not be delivered", followup.last_failure)
        self.assertTrue(self.fix_activities())
        self.assertEqual(len(self.interactions(event="failure")), 1)

    def test_a_bounce_is_no_contact(self):
        self.invoice(1000.0, self.days_ago(30))
        self.run_on(TODAY)
        entry = self.interactions(event="level")
        self.followup()._message_receive_bounce("bad.payer@example.com", self.customer)
        self.assertTrue(entry.delivery_failed)
        self.assertIn("bounced", self.followup().last_failure)

    @freeze_time(TODAY)
    def test_every_document_shows_the_same_figures(self):
        """1,000 overdue and an unallocated 400 credit note: the email, the
        letter and the log all ask for 600, and list the credit."""
        self.set_levels_auto()
        self.invoice(1000.0, self.days_ago(30))
        refund = self.invoice(400.0, self.days_ago(5), move_type="out_refund")
        self.run_daily()
        entry = self.interactions(event="level")
        self.assertEqual(entry.amount_due, 600.0)
        body = str(self.mails().body_html)
        self.assertIn(refund.name, body)
        self.assertIn("Net amount due", body)
        self.assertIn("600.00", body)
        followup = self.followup()
        letter = followup._document_values({followup: self.levels[2]})[followup]
        self.assertEqual(letter["net"], 600.0)
        self.assertEqual(letter["credits"].move_id, refund)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestReviewComposer(DebtRecoveryCommon):
    """Review means review: a level waiting for review opens its email in
    Odoo's composer, pre-filled and editable, with its letter attached; what
    the collector sends is what is logged."""

    def test_the_collector_edits_and_sends_the_composed_reminder(self):
        final = self.levels[3]
        final.execution = "review"
        self.no_spacing()
        self.set_state(level_id=self.levels[2].id)
        self.invoice(1000.0, self.days_ago(90))
        self.run_daily()
        followup = self.followup()
        self.assertEqual(followup.pending_level_id, final)
        action = self.customer.action_debt_send_now()
        self.assertEqual(action["res_model"], "mail.compose.message")
        letters = self.env["ir.attachment"].browse(
            action["context"]["default_attachment_ids"][0][2]
        )
        self.assertEqual(letters.mimetype, "application/pdf", "the letter preview")

        def edit(form):
            self.assertIn("final notice", form.subject)
            self.assertIn("This is our final notice", form.body)
            form.body = form.body.replace(
                "This is our final notice", "This is our final notice, Ms Payer"
            )

        self.send_reviewed(edit=edit)
        followup = self.followup()
        self.assertEqual(followup.level_id, final)
        self.assertFalse(followup.pending_level_id)
        self.assertEqual(followup.escalation_state, "proposed")
        sent = self.interactions(event="level", level_id=final.id)
        self.assertFalse(sent.automated)
        self.assertEqual(sent.channel, "email")
        self.assertIn("final notice, Ms Payer", str(sent.mail_message_id.body))
        self.assertEqual(sent.recipient_ids, self.customer)
        self.assertTrue(sent.letter_attachment_id)
