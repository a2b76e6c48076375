from odoo import api, fields, models


class DebtRecoveryPlan(models.Model):
    _name = "debt.recovery.plan"
    _description = "Payment Plan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference",
        required=True,
        copy=False,
        readonly=True,
        default=lambda self: self.env._("New"),
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    invoice_ids = fields.Many2many(
        "account.move",
        string="Covered Invoices",
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), "
        "('move_type', '=', 'out_invoice'), ('state', '=', 'posted')]",
    )
    date_start = fields.Date(
        string="First Date", required=True, default=fields.Date.context_today
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("active", "Active"),
            ("completed", "Completed"),
            ("broken", "Broken"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="draft",
        tracking=True,
        copy=False,
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", self.env._("New")) == self.env._("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "debt.recovery.plan"
                ) or self.env._("New")
        return super().create(vals_list)

    def _cover_invoices(self):
        """Take the covered invoices out of the ladder while the plan runs."""
        for plan in self:
            plan.invoice_ids.debt_plan_id = plan

    def _release_invoices(self):
        """Return the covered invoices to the ladder at the level they had."""
        self.invoice_ids.filtered(lambda move: move.debt_plan_id in self).debt_plan_id = False
