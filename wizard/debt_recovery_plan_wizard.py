from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools.misc import format_amount, format_date

from ..models.debt_recovery_plan_instalment import FREQUENCIES


class DebtRecoveryPlanWizard(models.TransientModel):
    """Propose a payment plan: choose the invoices and the rhythm, preview the
    schedule, create a draft plan (or recompute a draft plan's schedule)."""

    _name = "debt.recovery.plan.wizard"
    _description = "Propose a Payment Plan"
    _check_company_auto = True

    plan_id = fields.Many2one(
        "debt.recovery.plan",
        string="Plan to Reschedule",
        readonly=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        check_company=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
    )
    interaction_id = fields.Many2one(
        "debt.recovery.interaction", string="Agreed In", check_company=True
    )
    invoice_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), "
        "('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('amount_residual', '>', 0), ('debt_plan_id', '=', False)]",
    )
    currency_id = fields.Many2one("res.currency", compute="_compute_amount_total")
    amount_total = fields.Monetary(string="Total", compute="_compute_amount_total")
    frequency = fields.Selection(FREQUENCIES, required=True, default="monthly")
    split_by = fields.Selection(
        [("count", "Number of instalments"), ("amount", "Instalment amount")],
        required=True,
        default="count",
    )
    instalment_count = fields.Integer(string="Number of Instalments", default=3)
    instalment_amount = fields.Monetary()
    date_start = fields.Date(
        string="First Date", required=True, default=fields.Date.context_today
    )
    preview_html = fields.Html(
        string="Schedule", compute="_compute_preview", sanitize=False
    )
    preview_error = fields.Char(compute="_compute_preview")

    @api.model
    def default_get(self, fields_list):
        """Pre-fill from the context: ``default_partner_id`` and
        ``default_invoice_ids``, or the customer, invoices or interaction the
        wizard is opened from. Without invoices, all eligible overdue invoices
        of the customer are chosen."""
        values = super().default_get(fields_list)
        context = self.env.context
        active_model = context.get("active_model")
        active_ids = context.get("active_ids") or (
            [context["active_id"]] if context.get("active_id") else []
        )
        partner = self.env["res.partner"].browse(values.get("partner_id"))
        invoices = self._invoices_from(values.get("invoice_ids"))
        interaction = self.env["debt.recovery.interaction"].browse(
            values.get("interaction_id")
        )
        if not partner and not invoices and active_ids:
            records = (
                self.env[active_model].browse(active_ids) if active_model else None
            )
            if active_model == "account.move":
                invoices = records
            elif active_model == "res.partner":
                partner = records.commercial_partner_id
            elif active_model == "debt.recovery.interaction":
                interaction = records[:1]
        if interaction:
            partner = partner or interaction.partner_id
            invoices = invoices or interaction.invoice_ids
        if invoices and not partner:
            partner = invoices.commercial_partner_id
        if len(partner.commercial_partner_id) > 1:
            raise UserError(
                self.env._(
                    "A payment plan is agreed with one customer: select the invoices "
                    "of one customer."
                )
            )
        partner = partner.commercial_partner_id
        company = (
            invoices.company_id[:1]
            or interaction.company_id
            or self.env["res.company"].browse(values.get("company_id"))
            or self.env.company
        )
        plan = self.env["debt.recovery.plan"].browse(values.get("plan_id"))
        invoices = invoices.filtered(
            lambda move: (
                move.move_type == "out_invoice"
                and move.state == "posted"
                and move.amount_residual > 0
                and (not move.debt_plan_id or move.debt_plan_id == plan)
            )
        )
        if partner and not invoices:
            invoices = self._eligible_invoices(partner, company)
        values.update(
            partner_id=partner.id,
            company_id=company.id,
            invoice_ids=[Command.set(invoices.ids)],
            interaction_id=interaction.id,
        )
        return values

    @api.depends("invoice_ids")
    def _compute_amount_total(self):
        for wizard in self:
            currencies = wizard.invoice_ids.currency_id
            currency = currencies[:1] or wizard.company_id.currency_id
            wizard.currency_id = currency
            wizard.amount_total = (
                currency.round(sum(wizard.invoice_ids.mapped("amount_residual")))
                if len(currencies) <= 1
                else 0.0
            )

    @api.depends(
        "invoice_ids",
        "frequency",
        "split_by",
        "instalment_count",
        "instalment_amount",
        "date_start",
    )
    def _compute_preview(self):
        for wizard in self:
            try:
                schedule = wizard._schedule()
            except UserError as error:
                wizard.preview_html = False
                wizard.preview_error = error.args[0]
                continue
            wizard.preview_html = wizard._preview_table(schedule)
            wizard.preview_error = False

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        """Another customer: their eligible overdue invoices."""
        partner = self.partner_id.commercial_partner_id
        if partner and self.invoice_ids.commercial_partner_id != partner:
            self.invoice_ids = self._eligible_invoices(partner, self.company_id)

    # ------------------------------------------------------------------
    @api.model
    def _action_open(self, partner, invoices=None, interaction=None, plan=None):
        """The wizard for ``partner``, pre-filled with ``invoices`` (default:
        all eligible overdue invoices), linked to the ``interaction`` where the
        plan was agreed, or recomputing the schedule of the draft ``plan``."""
        company = (plan or invoices or interaction or self.env.company)[:1]
        company = company if company._name == "res.company" else company.company_id
        context = {
            "default_partner_id": partner.commercial_partner_id.id,
            "default_company_id": company.id,
        }
        if invoices:
            context["default_invoice_ids"] = [Command.set(invoices.ids)]
        if interaction:
            context["default_interaction_id"] = interaction.id
        if plan:
            context.update(
                default_plan_id=plan.id,
                default_interaction_id=plan.interaction_id.id,
                default_frequency=plan.frequency,
                default_date_start=fields.Date.to_string(plan.date_start),
                default_instalment_count=plan.instalment_count or 3,
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Payment Plan"),
            "res_model": self._name,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": context,
        }

    def action_create_plan(self):
        """Create the draft plan (or rewrite the schedule of the draft being
        rescheduled) and show it."""
        self.ensure_one()
        schedule = [Command.create(values) for values in self._schedule()]
        values = {
            "invoice_ids": [Command.set(self.invoice_ids.ids)],
            "date_start": self.date_start,
            "frequency": self.frequency,
        }
        if self.plan_id:
            plan = self.plan_id
            plan.write({**values, "instalment_ids": [Command.clear(), *schedule]})
        else:
            plan = self.env["debt.recovery.plan"].create(
                {
                    **values,
                    "partner_id": self.partner_id.commercial_partner_id.id,
                    "company_id": self.company_id.id,
                    "interaction_id": self.interaction_id.id,
                    "instalment_ids": schedule,
                }
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": plan._name,
            "res_id": plan.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    # ------------------------------------------------------------------
    def _schedule(self):
        """The instalments of the plan the wizard describes, or a UserError
        saying what to change."""
        self.ensure_one()
        if not self.invoice_ids:
            raise UserError(self.env._("Choose the invoices the payment plan covers."))
        currencies = self.invoice_ids.currency_id
        if len(currencies) > 1:
            raise UserError(
                self.env._(
                    "The invoices of a payment plan must be in one currency; these "
                    "are in %(currencies)s. Make one plan per currency.",
                    currencies=", ".join(currencies.mapped("name")),
                )
            )
        if not self.date_start:
            raise UserError(self.env._("Choose the date of the first instalment."))
        if self.date_start < fields.Date.context_today(self):
            raise UserError(
                self.env._("The first instalment cannot fall due in the past.")
            )
        if self.split_by == "amount":
            if self.currency_id.compare_amounts(self.instalment_amount, 0.0) <= 0:
                raise UserError(self.env._("The instalment amount must be positive."))
            split = {"amount": self.instalment_amount}
        else:
            split = {"count": self.instalment_count}
        return self.env["debt.recovery.plan.instalment"]._schedule(
            self.amount_total,
            self.currency_id,
            self.date_start,
            self.frequency,
            **split,
        )

    def _preview_table(self, schedule):
        env, currency = self.env, self.currency_id
        row = Markup('<tr><td>%s</td><td>%s</td><td class="text-end">%s</td></tr>')
        rows = Markup().join(
            row
            % (
                values["sequence"],
                format_date(env, values["due_date"]),
                format_amount(env, values["amount"], currency),
            )
            for values in schedule
        )
        head = Markup(
            '<table class="table table-sm o_debt_plan_preview"><thead><tr>'
            '<th>#</th><th>%s</th><th class="text-end">%s</th></tr></thead>'
        ) % (env._("Due Date"), env._("Amount"))
        foot = Markup(
            '<tfoot><tr><th></th><th>%s</th><th class="text-end">%s</th></tr></tfoot>'
        ) % (env._("Total"), format_amount(env, self.amount_total, currency))
        return (
            head
            + Markup("<tbody>")
            + rows
            + Markup("</tbody>")
            + foot
            + Markup("</table>")
        )

    @api.model
    def _eligible_invoices(self, partner, company):
        """The customer's invoices the ladder chases today (overdue, not
        disputed, in no plan), in one currency: the company's when some are in
        it, else that of the oldest."""
        AML = self.env["account.move.line"]
        lines = AML.search(
            AML._debt_eligible_overdue_domain(company)
            & Domain("partner_id.commercial_partner_id", "=", partner.id)
            & Domain("move_id.move_type", "=", "out_invoice"),
            order="date_maturity, id",
        )
        invoices = lines.move_id
        if len(invoices.currency_id) > 1:
            currency = (
                company.currency_id
                if company.currency_id in invoices.currency_id
                else invoices[:1].currency_id
            )
            invoices = invoices.filtered(lambda move: move.currency_id == currency)
        return invoices

    @api.model
    def _invoices_from(self, value):
        """Invoices from a default value: ids or x2many commands."""
        ids = []
        for item in value or []:
            if isinstance(item, int):
                ids.append(item)
            elif item[0] == Command.SET:
                ids = list(item[2])
            elif item[0] == Command.LINK:
                ids.append(item[1])
        return self.env["account.move"].browse(ids)
