from odoo import fields, models


class DebtRecoveryPlanCancel(models.TransientModel):
    """Cancel payment plans, saying why (managers only)."""

    _name = "debt.recovery.plan.cancel"
    _description = "Cancel Payment Plans"

    plan_ids = fields.Many2many(
        "debt.recovery.plan", string="Payment Plans", required=True
    )
    reason = fields.Text(required=True)

    def action_cancel_plans(self):
        self.ensure_one()
        self.plan_ids._cancel(self.reason)
        return {"type": "ir.actions.act_window_close"}
