from odoo import models


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    def _action_send_mail(self, auto_commit=False):
        """What a collector sends from the composer takes effect once sent: a
        reminder reviewed makes its follow-up reach the level that waited for
        review, a statement is logged as a contact (the follow-up checks the
        sender's role)."""
        result = super()._action_send_mail(auto_commit=auto_commit)
        if self.model != "debt.recovery.followup":
            return result
        _mails, messages = result
        context = self.env.context
        for key, method in (
            ("debt_recovery_review", "_review_sent"),
            ("debt_recovery_statement", "_statement_sent"),
        ):
            followup_id = context.get(key)
            if not followup_id:
                continue
            followup = self.env["debt.recovery.followup"].browse(followup_id)
            sent = messages.filtered(lambda message: message.res_id == followup.id)
            if sent:
                getattr(followup, method)(sent[:1])
        return result
