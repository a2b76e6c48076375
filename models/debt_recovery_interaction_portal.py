from odoo import fields, models


class DebtRecoveryInteraction(models.Model):
    """What the customer's page adds to the log: the reason a customer chose
    from the company's list when disputing invoices on their page."""

    _inherit = "debt.recovery.interaction"

    dispute_reason_id = fields.Many2one(
        "debt.recovery.dispute.reason",
        string="Dispute Category",
        check_company=True,
        ondelete="restrict",
        help="The reason the customer chose on their page.",
    )
