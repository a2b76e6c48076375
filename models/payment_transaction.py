from odoo import fields, models


class PaymentTransaction(models.Model):
    """Online payments made from a customer's page: once Odoo has posted and
    reconciled them, the customer's follow-up logs and confirms them."""

    _inherit = "payment.transaction"

    debt_followup_id = fields.Many2one(
        "debt.recovery.followup",
        string="Paid from the Customer's Page",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    debt_recorded = fields.Boolean(
        string="Logged in the Customer's History",
        readonly=True,
        copy=False,
        help="The payment is logged and confirmed once, however often Odoo "
        "processes the transaction.",
    )

    def _post_process(self):
        result = super()._post_process()
        done = self.filtered(
            lambda tx: (
                tx.state == "done" and tx.debt_followup_id and not tx.debt_recorded
            )
        )
        for followup in done.debt_followup_id:
            followup.sudo()._portal_payments_done(
                done.filtered(lambda tx, f=followup: tx.debt_followup_id == f)
            )
        return result
