from odoo import api, fields, models
from odoo.fields import Command


class DebtRecoveryCustomersWizard(models.AbstractModel):
    """A wizard acting on selected customers (their commercial partners)."""

    _name = "debt.recovery.customers.wizard"
    _description = "Debt Recovery Wizard on Customers"

    partner_ids = fields.Many2many(
        "res.partner",
        string="Customers",
        required=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if (
            "partner_ids" in fields_list
            and not values.get("partner_ids")
            and context.get("active_model") in ("res.partner", "debt.recovery.followup")
            and context.get("active_ids")
        ):
            records = self.env[context["active_model"]].browse(context["active_ids"])
            partners = records.partner_id if records._name != "res.partner" else records
            values["partner_ids"] = [Command.set(partners.commercial_partner_id.ids)]
        return values

    def _followups(self):
        """The follow-ups of the selected customers in the current company."""
        return self.env["debt.recovery.followup"]._for_partners(self.partner_ids)

    @api.model
    def _action_open(self, records):
        """The wizard on ``records`` (customers or follow-ups)."""
        partners = records.partner_id if records._name != "res.partner" else records
        return {
            "type": "ir.actions.act_window",
            "name": self._description,
            "res_model": self._name,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_partner_ids": [Command.set(partners.ids)]},
        }
