from odoo import fields, models


class DebtRecoveryDisputeWizard(models.TransientModel):
    """Resolve a dispute: the invoices return to the ladder where they were,
    and the resolution is logged."""

    _name = "debt.recovery.dispute.wizard"
    _description = "Resolve a Debt Recovery Dispute"

    invoice_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        required=True,
        domain="[('debt_disputed', '=', True)]",
    )
    resolution = fields.Text(
        required=True, help="How the dispute was settled with the customer."
    )

    def action_resolve(self):
        self.ensure_one()
        self.env["debt.recovery.interaction"]._debt_resolve_disputes(
            self.invoice_ids, self.resolution
        )
        return {"type": "ir.actions.act_window_close"}
