from odoo import models


class MailMail(models.Model):
    """The queue's final state of a reminder flows back to its interaction
    and its follow-up: a mail that failed is no contact."""

    _inherit = "mail.mail"

    def _postprocess_sent_message(
        self, success_pids, success_emails, failure_reason=False, failure_type=None
    ):
        if failure_type:
            self.env["debt.recovery.interaction"].sudo()._debt_delivery_failed(
                {mail.mail_message_id: failure_reason or failure_type for mail in self}
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
        result = super()._send(
            auto_commit=auto_commit,
            raise_exception=raise_exception,
            smtp_session=smtp_session,
            alias_domain_id=alias_domain_id,
            mail_server=mail_server,
            post_send_callback=post_send_callback,
        )
        # a failed reminder sent after all is a contact again (one look-up
        # for the batch)
        sent = self.exists().filtered(lambda mail: mail.state == "sent")
        if sent:
            self.env["debt.recovery.interaction"].sudo().search(
                [
                    ("delivery_failed", "=", True),
                    ("mail_message_id", "in", sent.mail_message_id.ids),
                ]
            )._debt_system_write({"delivery_failed": False})
        return result
