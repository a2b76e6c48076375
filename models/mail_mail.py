import logging

from odoo import models
from odoo.tools import split_every

_logger = logging.getLogger(__name__)

# The addon's documents whose emails the queue sends in chunks (see _send).
REMINDER_MODELS = (
    "debt.recovery.followup",
    "debt.recovery.interaction",
    "debt.recovery.plan",
)
# Reminders sent between two commits of the queue: what one chunk reads is
# read once for the chunk; a crash in the middle of a chunk may send its
# mails again, as a crash between a mail and its commit does for one mail.
REMINDER_CHUNK = 10


class MailMail(models.Model):
    """The queue's final state of a reminder flows back to its interaction
    and its follow-up: a mail that failed is no contact. The queue sends the
    reminders by chunks, with what they need read once per chunk."""

    _inherit = "mail.mail"

    def _postprocess_sent_message(
        self, success_pids, success_emails, failure_reason=False, failure_type=None
    ):
        # the customer's own mail, not a follower's copy of the same message
        reminders = self.filtered(lambda mail: not mail.is_notification)
        if failure_type and reminders:
            # what the follow-up records never breaks the queue: a write that
            # fails (the daily run holds the row) leaves the chunk's mails
            # sent, and the failure is still on the mail itself
            try:
                with self.env.cr.savepoint():
                    self.env["debt.recovery.interaction"].sudo()._debt_delivery_failed(
                        {
                            mail.mail_message_id: failure_reason or failure_type
                            for mail in reminders
                        }
                    )
            except Exception:  # noqa: BLE001 pylint: disable=broad-except
                _logger.warning(
                    "Debt recovery: a delivery failure could not be recorded on "
                    "its follow-up",
                    exc_info=True,
                )
        return super()._postprocess_sent_message(
            success_pids,
            success_emails,
            failure_reason=failure_reason,
            failure_type=failure_type,
        )

    def _send(
        self,
        auto_commit=False,
        raise_exception=False,
        smtp_session=None,
        alias_domain_id=False,
        mail_server=False,
        post_send_callback=None,
    ):
        """The queue commits after each mail, which empties the cache: the
        next mail reads its message, recipients, attachments, company and
        user again (about 12 queries a mail). Reminders are committed by
        chunks instead, each chunk's records read beforehand in a few
        queries; other mails are sent as the queue sends them."""
        options = {
            "raise_exception": raise_exception,
            "smtp_session": smtp_session,
            "alias_domain_id": alias_domain_id,
            "mail_server": mail_server,
            "post_send_callback": post_send_callback,
        }
        reminders = self.filtered(lambda mail: mail.model in REMINDER_MODELS)
        others = self - reminders
        if others:
            super(MailMail, others)._send(auto_commit=auto_commit, **options)
            others._debt_delivered_again()
        for ids in split_every(REMINDER_CHUNK, reminders.ids):
            chunk = self.browse(ids)
            chunk._debt_prefetch_for_sending()
            super(MailMail, chunk)._send(auto_commit=False, **options)
            chunk._debt_delivered_again()
            if auto_commit is True:
                # the commit the queue asked for (auto_commit), once per chunk
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return True

    def _debt_prefetch_for_sending(self):
        """Read what sending reads for each mail, for all of them at once."""
        messages = self.mail_message_id
        messages.mapped("subject")
        messages.mapped("mail_ids")
        self.mapped("state")
        self.recipient_ids.mapped("email_normalized")
        self.attachment_ids.mapped("name")
        self.author_id.mapped("email")

    def _debt_delivered_again(self):
        """A failed reminder sent after all is a contact again (one look-up
        for the batch)."""
        sent = self.exists().filtered(
            lambda mail: (
                mail.state == "sent"
                and not mail.is_notification
                and not mail.failure_type
            )
        )
        if sent:
            self.env["debt.recovery.interaction"].sudo().search(
                [
                    ("delivery_failed", "=", True),
                    ("mail_message_id", "in", sent.mail_message_id.ids),
                ]
            )._debt_system_write({"delivery_failed": False})
