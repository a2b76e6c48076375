from datetime import date

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .debt_recovery_plan_instalment import FREQUENCIES
from .debt_recovery_workflow import (
    check_computed,
    check_workflow,
    computed_by_system,
    without_defaults,
)

STATES = [
    ("draft", "Draft"),
    ("active", "Active"),
    ("completed", "Completed"),
    ("broken", "Broken"),
    ("cancelled", "Cancelled"),
]
# Moved only by the plan's actions (managers) and by the daily run.
STATUS_FIELDS = frozenset(
    {"state", "date_activated", "date_end", "cancel_reason", "broken_notice_due"}
)
# What the customer agreed to: frozen once the plan is no longer a draft.
AGREEMENT_FIELDS = {
    "partner_id",
    "company_id",
    "invoice_ids",
    "instalment_ids",
    "date_start",
    "frequency",
}


class DebtRecoveryPlan(models.Model):
    _name = "debt.recovery.plan"
    _description = "Payment Plan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["name", "partner_id"]

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
    followup_id = fields.Many2one(
        "debt.recovery.followup",
        string="Follow-up",
        readonly=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Collector",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    interaction_id = fields.Many2one(
        "debt.recovery.interaction",
        string="Agreed In",
        check_company=True,
        index="btree_not_null",
        ondelete="set null",
        copy=False,
        help="The contact with the customer in which the plan was agreed.",
    )
    invoice_ids = fields.Many2many(
        "account.move",
        relation="debt_recovery_plan_account_move_rel",
        column1="plan_id",
        column2="move_id",
        string="Covered Invoices",
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), "
        "('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('amount_residual', '>', 0)]",
    )
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
        store=True,
        precompute=True,
        help="Currency of the covered invoices.",
    )
    amount_total = fields.Monetary(
        string="Total",
        compute="_compute_amount_total",
        store=True,
        precompute=True,
        tracking=True,
        help="What the covered invoices still owed when they were chosen.",
    )
    amount_residual = fields.Monetary(
        string="Left to Pay",
        compute="_compute_amount_residual",
        store=True,
        help="What the covered invoices still owe. A closed plan keeps the figure "
        "it closed with.",
    )
    amount_paid = fields.Monetary(
        string="Paid",
        compute="_compute_amount_residual",
        store=True,
        help="Payments reconciled with the covered invoices since the plan total was "
        "set, however they were registered.",
    )
    date_start = fields.Date(
        string="First Date", required=True, default=fields.Date.context_today
    )
    frequency = fields.Selection(FREQUENCIES, required=True, default="monthly")
    instalment_ids = fields.One2many(
        "debt.recovery.plan.instalment", "plan_id", string="Instalments", copy=True
    )
    instalment_count = fields.Integer(
        string="Number of Instalments", compute="_compute_instalment_count", store=True
    )
    instalment_difference = fields.Monetary(
        string="Not Scheduled",
        compute="_compute_instalment_difference",
        help="Plan total minus the sum of the instalments: must be zero.",
    )
    grace_days = fields.Integer(
        compute="_compute_grace_days",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="Days an instalment may stay unpaid after its due date before the plan "
        "breaks. Taken from the customer's recovery policy; can be changed.",
    )
    next_instalment_id = fields.Many2one(
        "debt.recovery.plan.instalment", compute="_compute_next_instalment"
    )
    next_due_date = fields.Date(compute="_compute_next_instalment")
    next_amount_due = fields.Monetary(compute="_compute_next_instalment")
    at_risk = fields.Boolean(
        compute="_compute_at_risk",
        store=True,
        help="An instalment of this running plan is late.",
    )
    state = fields.Selection(
        STATES,
        required=True,
        default="draft",
        tracking=True,
        copy=False,
    )
    date_activated = fields.Date(string="Activated On", readonly=True, copy=False)
    date_end = fields.Date(
        string="Closed On",
        readonly=True,
        copy=False,
        help="Date the plan was completed, broken or cancelled.",
    )
    cancel_reason = fields.Text(readonly=True, copy=False, tracking=True)
    broken_notice_due = fields.Boolean(
        readonly=True,
        copy=False,
        help="The customer is still to be told that the plan broke: on the first "
        "day the policy's spacing and weekly cap allow a contact.",
    )
    notes = fields.Html()

    _grace_days_positive = models.Constraint(
        "CHECK (grace_days >= 0)",
        "The grace days of a payment plan cannot be negative.",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("partner_id", "company_id")
    def _compute_user_id(self):
        for plan in self:
            followup = plan._followup()
            collector = followup._collector() if followup else plan.partner_id.user_id
            plan.user_id = collector or self.env.user

    @api.depends("invoice_ids", "company_id")
    def _compute_currency_id(self):
        for plan in self:
            plan.currency_id = (
                plan.invoice_ids[:1].currency_id or plan.company_id.currency_id
            )

    @api.depends("invoice_ids", "currency_id")
    def _compute_amount_total(self):
        """Frozen when the invoices are chosen: later payments count as paid."""
        for plan in self:
            plan.amount_total = plan._outstanding(plan.invoice_ids)

    @api.depends("invoice_ids.amount_residual", "amount_total", "state")
    def _compute_amount_residual(self):
        """Payments are whatever reduced the covered invoices' residual since the
        total was set (payment wizard, bank reconciliation, credit note...), so a
        stored compute on ``amount_residual`` follows every way of paying. Closed
        plans are left out: they keep the figures they closed with."""
        for plan in self.filtered(lambda p: p.state in ("draft", "active") or not p.id):
            currency = plan.currency_id or plan.company_id.currency_id
            residual = plan._outstanding(plan.invoice_ids)
            plan.amount_residual = residual
            plan.amount_paid = currency.round(
                min(max(plan.amount_total - residual, 0.0), plan.amount_total)
            )

    @api.depends("instalment_ids")
    def _compute_instalment_count(self):
        for plan in self:
            plan.instalment_count = len(plan.instalment_ids)

    @api.depends("amount_total", "instalment_ids.amount")
    def _compute_instalment_difference(self):
        for plan in self:
            currency = plan.currency_id or plan.company_id.currency_id
            plan.instalment_difference = currency.round(
                plan.amount_total - sum(plan.instalment_ids.mapped("amount"))
            )

    @api.depends("partner_id", "company_id")
    def _compute_grace_days(self):
        for plan in self:
            plan.grace_days = plan._policy().instalment_grace_days

    @api.depends("instalment_ids.state", "instalment_ids.due_date")
    def _compute_next_instalment(self):
        for plan in self:
            unpaid = plan.instalment_ids.filtered(lambda inst: inst.state != "paid")
            instalment = unpaid.sorted(
                lambda inst: (inst.due_date or date.max, inst.sequence)
            )[:1]
            plan.next_instalment_id = instalment
            plan.next_due_date = instalment.due_date
            plan.next_amount_due = instalment.amount_due

    @api.depends("state", "instalment_ids.state")
    def _compute_at_risk(self):
        for plan in self:
            plan.at_risk = (
                plan.state == "active" and "late" in plan.instalment_ids.mapped("state")
            )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        self = without_defaults(self, STATUS_FIELDS | computed_by_system(self))
        for vals in vals_list:
            self._check_status_write(vals)
            if vals.get("name", self.env._("New")) == self.env._("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "debt.recovery.plan"
                ) or self.env._("New")
            if vals.get("partner_id"):
                vals["followup_id"] = self._followup_for(vals).id
        return super().create(vals_list)

    def write(self, vals):
        self._check_status_write(vals)
        if (
            vals.get("company_id")
            and not self.env.su
            and vals["company_id"] not in self.env.companies.ids
        ):
            # the record rules judge a plan where it is, not where it goes
            raise AccessError(
                self.env._("A payment plan moves only to a company you work in.")
            )
        if AGREEMENT_FIELDS.intersection(vals):
            self._check_draft_for_changes()
        if vals.get("partner_id") or vals.get("company_id"):
            vals["followup_id"] = self._followup_for(
                {
                    "partner_id": vals.get("partner_id", self.partner_id.id),
                    "company_id": vals.get("company_id", self.company_id.id),
                }
            ).id
        return super().write(vals)

    def _check_status_write(self, vals):
        # the follow-up comes from the customer and company
        check_computed(self, vals)
        check_workflow(
            self,
            vals,
            STATUS_FIELDS | {"followup_id"},
            self.env._(
                "The status of a payment plan changes only through its actions "
                "(activate, cancel) and the daily checks."
            ),
        )

    @api.model
    def _followup_for(self, vals):
        partner = self.env["res.partner"].browse(vals["partner_id"])
        company = (
            self.env["res.company"].browse(vals.get("company_id")) or self.env.company
        )
        return self.env["debt.recovery.followup"]._for_partners(partner, company)

    def _followup(self):
        """The follow-up of the plan's customer in its company (also before
        the plan is saved)."""
        self.ensure_one()
        if self.followup_id:
            return self.followup_id
        if not self.partner_id:
            return self.env["debt.recovery.followup"]
        return (
            self.env["debt.recovery.followup"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", self.partner_id.commercial_partner_id.id),
                    ("company_id", "=", (self.company_id or self.env.company).id),
                ],
                limit=1,
            )
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_draft_or_cancelled(self):
        for plan in self:
            if plan.state not in ("draft", "cancelled"):
                raise UserError(
                    self.env._(
                        "Payment plan %(plan)s is %(state)s: only draft and cancelled "
                        "plans can be deleted.",
                        plan=plan.name,
                        state=plan._state_label(),
                    )
                )

    def _check_draft_for_changes(self):
        for plan in self:
            if plan.state != "draft":
                raise UserError(
                    self.env._(
                        "Payment plan %(plan)s is %(state)s: only a draft plan can be "
                        "changed. Cancel it and draft a new one if the agreement "
                        "changes.",
                        plan=plan.name,
                        state=plan._state_label(),
                    )
                )

    def _policy(self):
        """The policy of the plan's customer in its company."""
        self.ensure_one()
        followup = self._followup()
        if followup:
            return followup._policy()
        return (
            self.env["debt.recovery.policy"]
            .sudo()
            ._default_for_company(self.company_id or self.env.company)
        )
