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
        # Collectors may not edit contacts; the collector is follow-up state
        # of the current company (company-dependent), set through this wizard.
        partners = self.partner_ids.commercial_partner_id.sudo()
        if self.reassign_activities:
            for partner in partners:
                former = partner.debt_collector_id
                if former and former != self.collector_id:
                    partner.activity_ids.filtered(
                        lambda activity, user=former: activity.user_id == user
                    ).write({"user_id": self.collector_id.id})
        partners.write({"debt_collector_id": self.collector_id.id})
        return {"type": "ir.actions.act_window_close"}
