from odoo import fields, models


class DebtRecoveryAssignWizard(models.TransientModel):
    """Assign a collector to customers (in the current company)."""

    _name = "debt.recovery.assign.wizard"
    _description = "Assign a Debt Recovery Collector"
    _inherit = ["debt.recovery.customers.wizard"]

    collector_id = fields.Many2one(
        "res.users",
        required=True,
        domain=lambda self: [
            ("share", "=", False),
            ("company_ids", "in", self.env.company.ids),
        ],
    )
    reassign_activities = fields.Boolean(
        string="Reassign Open Activities",
        default=True,
        help="Give the customers' open activities of the former collector to "
        "the new one.",
    )

    def action_assign(self):
        self.ensure_one()
        self._followups()._assign(self.collector_id, self.reassign_activities)
        return {"type": "ir.actions.act_window_close"}
