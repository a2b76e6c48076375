from odoo import api, models


class AccountPartialReconcile(models.Model):
    """A payment or a credit note matched with an invoice (or unmatched)
    changes what the customer owes: its follow-up's figures follow at once."""

    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        lines = partials.debit_move_id | partials.credit_move_id
        paying = lines.move_id.filtered(lambda move: move._is_debt_payment())
        paid = partials.filtered(
            lambda partial: (
                (partial.debit_move_id | partial.credit_move_id).move_id & paying
            )
        )
        (lines - (paid.debit_move_id | paid.credit_move_id))._debt_refresh_followups()
        (paid.debit_move_id | paid.credit_move_id)._debt_refresh_followups(paid=True)
        return partials

    def unlink(self):
        lines = self.debit_move_id | self.credit_move_id
        result = super().unlink()
        lines.exists()._debt_refresh_followups()
        return result
