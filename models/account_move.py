from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    debt_level_id = fields.Many2one(
        "debt.recovery.level",
        string="Recovery Level Reached",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Highest follow-up level at which this invoice was included in a "
        "communication to the customer.",
    )
    debt_level_date = fields.Date(
        string="Last Reminder",
        copy=False,
        readonly=True,
        help="Date of the communication in which the invoice reached its level.",
    )
    debt_disputed = fields.Boolean(
        string="Disputed",
        copy=False,
        tracking=True,
        help="Disputed invoices leave the follow-up ladder until the dispute is resolved.",
    )
    debt_dispute_reason = fields.Text(string="Dispute Reason", copy=False)
    debt_plan_id = fields.Many2one(
        "debt.recovery.plan",
        string="Payment Plan",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Active payment plan covering this invoice: it is out of the ladder "
        "while the plan runs.",
    )
