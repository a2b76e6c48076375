from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import html2plaintext

REPLY_ACTIVITY = "account_debt_recovery.mail_activity_type_debt_reply"


class DebtRecoveryFollowup(models.Model):
    """Rule 10: a customer's reply to a reminder holds the automated ladder
    until a collector has read it (its activity done or dismissed), or for
    the policy's hold days; an auto-reply does not."""

    _inherit = "debt.recovery.followup"

    def message_post(self, **kwargs):
        # the mail gateway's flag (see mail.thread.message_parse) travels to
        # the after-hook in the context: it is not a message field
        auto_reply = kwargs.pop("debt_auto_reply", False)
        return super(
            DebtRecoveryFollowup, self.with_context(debt_auto_reply=auto_reply)
        ).message_post(**kwargs)

    def _message_post_after_hook(self, message, msg_vals):
        result = super()._message_post_after_hook(message, msg_vals)
        if (
            message.message_type == "email"
            and not self.env.context.get("debt_auto_reply")
            and not self._written_by_the_company(message)
        ):
            self._customer_replied(message)
        return result

    def _written_by_the_company(self, message):
        """An email of the company itself or of one of its users (a collector
        copied on a reminder who replies to all) is no customer reply."""
        author = message.author_id
        if not author:
            return False
        return author == self.company_id.partner_id or bool(
            author.sudo()
            .with_context(active_test=False)
            .user_ids.filtered(lambda user: not user.share)
        )

    def _customer_replied(self, message):
        """Log the reply as an inbound email and hold the ladder until a
        collector reads it."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        self.env["debt.recovery.interaction"]._log(
            [
                self._event_values(
                    "reply",
                    message.subject or self.env._("Reply of the customer"),
                    channel="email",
                    direction="inbound",
                    mail_message_id=message.id,
                    notes=message.body,
                )
            ]
        )
        if not self.reply_pending_since:
            self._write_state({"reply_pending_since": today})
        reply_type = self.env.ref(REPLY_ACTIVITY)
        if self.sudo().activity_ids.filtered(
            lambda activity: activity.activity_type_id == reply_type
        ):
            return  # one "read the reply" activity at a time
        text = " ".join(html2plaintext(message.body or "").split())[:300]
        self.sudo().activity_schedule(
            REPLY_ACTIVITY,
            date_deadline=today,
            summary=self.env._("The customer replied: read the reply"),
            note=Markup("<p>%s</p>") % text,
            user_id=(self._collector() or self.env.ref("base.user_admin")).id,
        )

    def _reply_read(self):
        """A collector read the reply (its activity done or dismissed): the
        ladder resumes."""
        waiting = self.filtered("reply_pending_since")
        for followup in waiting:
            followup._write_state({"reply_pending_since": False})
        self.env["debt.recovery.interaction"]._log(
            [
                followup._event_values(
                    "reply_read",
                    self.env._(
                        "Reply read by %(user)s: the ladder resumes.",
                        user=self.env.user.name,
                    ),
                    automated=False,
                )
                for followup in waiting
            ]
        )

    @api.model
    def _reply_released(self, followup, policy, today):
        """Rule 10: nobody read the reply within the policy's hold days."""
        since = followup.reply_pending_since
        return bool(since) and since + timedelta(days=policy.reply_hold_days) < today
