from odoo import models


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    def _action_send_mail(self, auto_commit=False):
        """A reminder reviewed in the composer: once sent, its follow-up
        reaches the level that waited for review (the follow-up checks the
        sender's role and that this level was waiting)."""
        result = super()._action_send_mail(auto_commit=auto_commit)
        followup_id = self.env.context.get("debt_recovery_review")
        if followup_id and self.model == "debt.recovery.followup":
            _mails, messages = result
            followup = self.env["debt.recovery.followup"].browse(followup_id)
            sent = messages.filtered(lambda message: message.res_id == followup.id)
            if sent:
                followup._review_sent(sent[:1])
        return result
