from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _debt_replies_read(self):
        """The follow-ups whose "customer replied" activity this is."""
        reply = self.env.ref(
            "account_debt_recovery.mail_activity_type_debt_reply",
            raise_if_not_found=False,
        )
        activities = self.filtered(
            lambda activity: (
                activity.res_model == "debt.recovery.followup"
                and reply
                and activity.activity_type_id == reply
            )
        )
        return self.env["debt.recovery.followup"].browse(activities.mapped("res_id"))

    def _action_done(self, feedback=False, attachment_ids=None):
        followups = self._debt_replies_read()
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        followups.exists()._reply_read()
        return result

    def unlink(self):
        followups = self._debt_replies_read()
        result = super().unlink()
        followups.exists()._reply_read()
        return result
