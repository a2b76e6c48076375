from odoo import api, models


class AccountPartialReconcile(models.Model):
    """A payment or a credit note matched with an invoice (or unmatched)
    changes what the customer owes: its follow-up's figures follow at once."""

    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        (partials.debit_move_id | partials.credit_move_id)._debt_refresh_followups()
        return partials

    def unlink(self):
        lines = self.debit_move_id | self.credit_move_id
        result = super().unlink()
        lines.exists()._debt_refresh_followups()
        return result
