"""Manual entries of the log, as a collector records them: what the entry
starts with, and what only the system records on it."""

from odoo import api, models
from odoo.exceptions import UserError

from .debt_recovery_evidence_mixin import SYSTEM_FIELDS


class DebtRecoveryInteraction(models.Model):
    _inherit = "debt.recovery.interaction"

    @api.model
    def _debt_prepare_manual_vals(self, vals_list):
        """Defaults of a manual entry: the level and the amount asked at the
        time, and the state its outcome opens."""
        followups = (
            self.env["debt.recovery.followup"]
            .sudo()
            .browse(
                {vals["followup_id"] for vals in vals_list if vals.get("followup_id")}
            )
        )
        followups._refresh_figures()
        for vals in vals_list:
            # The outcome alone decides which state a manual entry opens.
            vals["promise_state"] = (
                "open" if vals.get("outcome") == "promise" else False
            )
            vals.pop("dispute_state", None)  # opened with the dispute
            vals.pop("delivery_failed", None)
            if not self.env.su:
                # a letter, its recipients, what a dispute resolved: the
                # system's to record
                for name in SYSTEM_FIELDS - {"mail_message_id", "promise_state"}:
                    vals.pop(name, None)
            if not vals.get("followup_id"):
                continue
            followup = followups.browse(vals["followup_id"])
            if vals.get("mail_message_id") and not self.env.su:
                self._debt_check_own_email(followup, vals["mail_message_id"])
            vals.setdefault("amount_due", followup.chased_amount)
            vals.setdefault("level_id", followup.level_id.id)

    @api.model
    def _debt_check_own_email(self, followup, message_id):
        """A manual entry logs an email of the customer's own threads (its
        contacts', its follow-up's) that the user may read."""
        message = self.env["mail.message"].browse(message_id)
        partners = followup.partner_id | followup.partner_id.child_ids
        origin = message.sudo()
        if not (
            (origin.model == "res.partner" and origin.res_id in partners.ids)
            or (origin.model == followup._name and origin.res_id == followup.id)
        ):
            raise UserError(
                self.env._(
                    "That email is not one of %(partner)s's: choose one of the "
                    "customer's emails.",
                    partner=followup.partner_id.display_name,
                )
            )
        message.check_access("read")
