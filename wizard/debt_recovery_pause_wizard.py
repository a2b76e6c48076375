from odoo import fields, models


class DebtRecoveryPauseWizard(models.TransientModel):
    """Pause the follow-up of customers until a date, with a reason."""

    _name = "debt.recovery.pause.wizard"
    _description = "Pause Debt Recovery"
    _inherit = ["debt.recovery.customers.wizard"]

    date_until = fields.Date(string="Pause Until", required=True)
    reason = fields.Char(required=True)

    def action_pause(self):
        self.ensure_one()
        self._followups()._pause(self.date_until, self.reason)
        return {"type": "ir.actions.act_window_close"}
