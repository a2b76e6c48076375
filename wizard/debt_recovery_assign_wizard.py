from odoo import api, fields, models
from odoo.fields import Command


class DebtRecoveryAssignWizard(models.TransientModel):
    """Assign a collector to customers (in the current company)."""

    _name = "debt.recovery.assign.wizard"
    _description = "Assign a Debt Recovery Collector"

    partner_ids = fields.Many2many(
        "res.partner",
        string="Customers",
        required=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
    )
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

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if (
            "partner_ids" in fields_list
            and not values.get("partner_ids")
            and context.get("active_model") == "res.partner"
            and context.get("active_ids")
        ):
            partners = self.env["res.partner"].browse(context["active_ids"])
            values["partner_ids"] = [Command.set(partners.commercial_partner_id.ids)]
        return values

    @api.model
    def _action_open(self, partners):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Assign Collector"),
            "res_model": self._name,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_partner_ids": [Command.set(partners.ids)]},
        }

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
