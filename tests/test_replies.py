from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import DebtRecoveryCommon

TODAY = DebtRecoveryCommon.TODAY
REPLY = """From: {sender}
To: catchall@company.example.com
Subject: {subject}
Message-ID: <{message_id}@example.com>
In-Reply-To: {parent}
References: {parent}
{headers}Content-Type: text/plain; charset=utf-8

{body}
"""


@tagged("post_install", "-at_install")
class TestReplies(DebtRecoveryCommon):
    """Rule 10: a customer's reply holds the automated ladder until a
    collector has read it, or for the policy's hold days; an auto-reply does
    not."""

    def setUp(self):
        super().setUp()
        self.no_spacing()
        self.invoice(1000.0, self.days_ago(30))
        self.run_on(TODAY)
        self.reminder = self.interactions(event="level").mail_message_id
        self.assertTrue(self.reminder)

    def run_on(self, day):
        with freeze_time(day):
            self.run_daily()
        return self.followup()

    def reply(
        self,
        body,
        headers="",
        message_id="reply",
        subject=None,
        sender="Bad Payer <bad.payer@example.com>",
    ):
        with freeze_time(TODAY):
            self.env["mail.thread"].message_process(
                None,
                REPLY.format(
                    subject=subject or f"Re: {self.reminder.subject}",
                    message_id=message_id,
                    parent=self.reminder.message_id,
                    headers=headers,
                    body=body,
                    sender=sender,
                ),
            )

    def reply_activities(self):
        reply = self.env.ref("account_debt_recovery.mail_activity_type_debt_reply")
        return self.followup().activity_ids.filtered(
            lambda activity: activity.activity_type_id == reply
        )

    def test_a_reply_holds_the_ladder_until_a_collector_reads_it(self):
        self.reply("We dispute the second line; call me on Monday.")
        entry = self.interactions(event="reply")
        self.assertEqual((entry.channel, entry.direction), ("email", "inbound"))
        self.assertIn("call me on Monday", str(entry.notes))
        followup = self.followup()
        self.assertEqual(followup.status, "replied")
        self.assertEqual(len(self.reply_activities()), 1)
        self.reply("And the third line too.", message_id="reply2")
        self.assertEqual(len(self.interactions(event="reply")), 2, "both logged")
        self.assertEqual(len(self.reply_activities()), 1, "one activity to read them")
        # no automated step while it waits
        followup = self.run_on(TODAY + timedelta(days=2))
        self.assertEqual(followup.level_id, self.levels[0])
        self.assertEqual(followup.status, "replied")
        # read: the ladder resumes
        self.reply_activities().action_feedback(feedback="Called back")
        self.assertTrue(self.interactions(event="reply_read"))
        self.assertNotEqual(self.followup().status, "replied")
        followup = self.run_on(TODAY + timedelta(days=3))
        self.assertEqual(followup.level_id, self.levels[1])

    def test_an_unread_reply_holds_for_the_policy_s_days_only(self):
        self.policy.reply_hold_days = 4
        self.reply("Please send me a copy of the invoice.")
        followup = self.run_on(TODAY + timedelta(days=4))
        self.assertEqual(followup.level_id, self.levels[0], "held")
        followup = self.run_on(TODAY + timedelta(days=5))
        self.assertTrue(self.interactions(event="reply_released"))
        self.assertEqual(followup.level_id, self.levels[1], "the ladder resumed")

    def test_an_auto_reply_does_not_hold_the_ladder(self):
        self.reply(
            "I am out of the office until the 20th.",
            headers="Auto-Submitted: auto-replied\n",
            message_id="ooo1",
            subject="Automatic reply: your account",
        )
        self.assertFalse(self.interactions(event="reply"))
        self.assertNotEqual(self.followup().status, "replied")
        followup = self.run_on(TODAY + timedelta(days=1))
        self.assertEqual(followup.level_id, self.levels[1])

    def test_a_colleague_replying_to_all_does_not_hold_the_ladder(self):
        """A collector copied on the reminder who answers it is no customer."""
        self.env["res.users"].create(
            {
                "name": "Colin Copied",
                "login": "colin.copied",
                "email": "colin@company.example.com",
                "company_id": self.company.id,
                "company_ids": [(6, 0, self.company.ids)],
                "group_ids": [
                    (
                        4,
                        self.env.ref(
                            "account_debt_recovery.group_debt_recovery_user"
                        ).id,
                    )
                ],
            }
        )
        self.reply(
            "Noted, I will call them.",
            message_id="colleague",
            sender="Colin Copied <colin@company.example.com>",
        )
        self.assertFalse(self.interactions(event="reply"))
        self.assertNotEqual(self.followup().status, "replied")
        self.assertFalse(self.reply_activities())
