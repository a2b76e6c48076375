from odoo import fields, models
from odoo.exceptions import UserError

# Statuses a pause replaces right away; the others (settled, in a manager's
# hands, out of the ladder) keep theirs until the next daily run.
PAUSABLE_STATUSES = ("overdue", "to_review", "promise", "paused")


class DebtRecoveryPauseWizard(models.TransientModel):
    """Pause the follow-up of customers until a date, with a reason."""

    _name = "debt.recovery.pause.wizard"
    _description = "Pause Debt Recovery"
    _inherit = ["debt.recovery.customers.wizard"]

    date_until = fields.Date(string="Pause Until", required=True)
    reason = fields.Char(required=True)

    def action_pause(self):
        self.ensure_one()
        today = fields.Date.context_today(self)
        if self.date_until < today:
            raise UserError(self.env._("A pause ends today or later."))
        # The follow-up state of a customer is the ladder's, not contact data:
        # collectors (no right to edit contacts) set it through this wizard,
        # in the current company only (company-dependent fields).
        partners = self.partner_ids.commercial_partner_id.sudo()
        partners.write(
            {"debt_pause_until": self.date_until, "debt_pause_reason": self.reason}
        )
        partners.filtered(lambda p: p.debt_status in PAUSABLE_STATUSES).write(
            {"debt_status": "paused", "debt_next_action_date": self.date_until}
        )
        self.env["debt.recovery.run"]._log(
            [
                {
                    "partner_id": partner.id,
                    "event": "paused",
                    "channel": "note",
                    "direction": "internal",
                    "automated": False,
                    "level_id": partner.debt_level_id.id,
                    "summary": self.env._(
                        "Follow-up paused until %(date)s: %(reason)s",
                        date=self.date_until,
                        reason=self.reason,
                    ),
                }
                for partner in partners
            ]
        )
        return {"type": "ir.actions.act_window_close"}
