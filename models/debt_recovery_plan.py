from datetime import date

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import groupby
from odoo.tools.misc import format_date

from .debt_recovery_plan_instalment import FREQUENCIES

MANAGER_GROUP = "account_debt_recovery.group_debt_recovery_manager"
STATES = [
    ("draft", "Draft"),
    ("active", "Active"),
    ("completed", "Completed"),
    ("broken", "Broken"),
    ("cancelled", "Cancelled"),
]
# What the customer agreed to: frozen once the plan is no longer a draft.
# Moved only by the plan's actions (managers) and by the daily run.
STATUS_FIELDS = {"state", "date_activated", "date_end", "cancel_reason"}
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
            collector = self.env["res.users"]
            if plan.partner_id:
                partner = plan.partner_id.with_company(plan.company_id)
                collector = partner._debt_collector()
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
            plan.grace_days = plan._debt_policy().instalment_grace_days

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
    # Validation
    # ------------------------------------------------------------------
    @api.constrains("invoice_ids", "partner_id", "company_id")
    def _check_invoices(self):
        """Covered invoices: posted customer invoices of this customer and
        company, in one currency, with something left to pay (no plan on a
        zero balance), in no other running plan."""
        for plan in self:
            partner = plan.partner_id.commercial_partner_id
            for invoice in plan.invoice_ids:
                plan._check_invoice(invoice, partner)
            currencies = plan.invoice_ids.currency_id
            if len(currencies) > 1:
                raise ValidationError(
                    self.env._(
                        "The invoices of a payment plan must be in one currency; "
                        "these are in %(currencies)s. Make one plan per currency.",
                        currencies=", ".join(currencies.mapped("name")),
                    )
                )

    def _check_invoice(self, invoice, partner):
        self.ensure_one()
        if invoice.move_type != "out_invoice" or invoice.state != "posted":
            raise ValidationError(
                self.env._(
                    "%(invoice)s is not a posted customer invoice: a payment plan "
                    "only covers posted customer invoices.",
                    invoice=invoice.display_name,
                )
            )
        if invoice.commercial_partner_id != partner:
            raise ValidationError(
                self.env._(
                    "%(invoice)s is an invoice of %(other)s, not of %(partner)s.",
                    invoice=invoice.name,
                    other=invoice.commercial_partner_id.display_name,
                    partner=partner.display_name,
                )
            )
        if invoice.company_id != self.company_id:
            raise ValidationError(
                self.env._(
                    "%(invoice)s belongs to %(other)s: a payment plan of %(company)s "
                    "only covers invoices of %(company)s.",
                    invoice=invoice.name,
                    other=invoice.company_id.name,
                    company=self.company_id.name,
                )
            )
        if (
            self.state == "draft"
            and invoice.currency_id.compare_amounts(invoice.amount_residual, 0.0) <= 0
        ):
            raise ValidationError(
                self.env._(
                    "%(invoice)s has nothing left to pay: remove it from the plan.",
                    invoice=invoice.name,
                )
            )
        other = invoice.debt_plan_id
        if self.state in ("draft", "active") and other and other != self:
            raise ValidationError(
                self.env._(
                    "%(invoice)s is already covered by the active payment plan "
                    "%(plan)s.",
                    invoice=invoice.name,
                    plan=other.name,
                )
            )

    @api.constrains("instalment_ids", "amount_total")
    def _check_schedule(self):
        """Instalments in date order and adding up to the total (each one
        positive is checked on the instalment)."""
        for plan in self:
            instalments = plan.instalment_ids.sorted(
                lambda inst: (inst.sequence, inst.id)
            )
            if not instalments:
                continue
            for previous, instalment in zip(instalments, instalments[1:]):
                if instalment.due_date <= previous.due_date:
                    raise ValidationError(
                        self.env._(
                            "The instalments of %(plan)s must fall due in date "
                            "order, one per date: the instalment of %(date)s comes "
                            "after the one of %(previous)s.",
                            plan=plan.name,
                            date=format_date(self.env, instalment.due_date),
                            previous=format_date(self.env, previous.due_date),
                        )
                    )
            scheduled = sum(instalments.mapped("amount"))
            if plan.currency_id.compare_amounts(scheduled, plan.amount_total):
                raise ValidationError(
                    self.env._(
                        "The instalments of %(plan)s add up to %(scheduled)s but the "
                        "plan total is %(total)s: adjust them so that they add up to "
                        "the total.",
                        plan=plan.name,
                        scheduled=plan.currency_id.format(scheduled),
                        total=plan.currency_id.format(plan.amount_total),
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", self.env._("New")) == self.env._("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "debt.recovery.plan"
                ) or self.env._("New")
        return super().create(vals_list)

    def write(self, vals):
        if STATUS_FIELDS.intersection(vals) and not self.env.su:
            self._check_manager(
                self.env._(
                    "Only a debt recovery manager can change the status of a "
                    "payment plan."
                )
            )
        if AGREEMENT_FIELDS.intersection(vals):
            self._check_draft_for_changes()
        return super().write(vals)

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

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_activate(self):
        """Start the plans: their invoices leave the ladder (manager only)."""
        self._check_manager(
            self.env._("Only a debt recovery manager can activate a payment plan.")
        )
        for plan in self:
            plan._check_can_activate()
        if sum(len(plan.invoice_ids) for plan in self) != len(self.invoice_ids):
            raise UserError(
                self.env._(
                    "These payment plans cover the same invoices: activate only one "
                    "of them."
                )
            )
        today = fields.Date.context_today(self)
        self.write({"state": "active", "date_activated": today})
        self._cover_invoices()
        self.env["debt.recovery.run"]._log(
            [
                plan._log_values(
                    "plan_activated",
                    self.env._(
                        "Payment plan %(plan)s activated: %(count)s instalments, "
                        "%(total)s, from %(date)s.",
                        plan=plan.name,
                        count=plan.instalment_count,
                        total=plan.currency_id.format(plan.amount_total),
                        date=format_date(self.env, plan.date_start),
                    ),
                    automated=False,
                )
                for plan in self
            ]
        )
        self._refresh_partners(today)
        return True

    def _check_can_activate(self):
        self.ensure_one()
        if self.state != "draft":
            raise UserError(
                self.env._(
                    "Payment plan %(plan)s is %(state)s: only a draft plan can be "
                    "activated.",
                    plan=self.name,
                    state=self._state_label(),
                )
            )
        if not self.invoice_ids:
            raise UserError(
                self.env._(
                    "Payment plan %(plan)s covers no invoice: choose them.",
                    plan=self.name,
                )
            )
        if not self.instalment_ids:
            raise UserError(
                self.env._(
                    "Payment plan %(plan)s has no instalment: compute or enter its "
                    "schedule.",
                    plan=self.name,
                )
            )
        past = self.instalment_ids.filtered(
            lambda inst: inst.due_date < fields.Date.context_today(self)
        )
        if past:
            raise UserError(
                self.env._(
                    "Payment plan %(plan)s has an instalment due on %(date)s, in the "
                    "past: reschedule it before activating the plan.",
                    plan=self.name,
                    date=format_date(self.env, past[0].due_date),
                )
            )
        # no plan on a zero balance: each invoice must still owe something
        self._check_invoices()
        self._check_schedule()
        self.instalment_ids._check_amount()

    def action_cancel(self):
        """Ask for the reason, then cancel (manager only)."""
        self._check_manager(
            self.env._("Only a debt recovery manager can cancel a payment plan.")
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Cancel Payment Plan"),
            "res_model": "debt.recovery.plan.cancel",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_plan_ids": [Command.set(self.ids)]},
        }

    def _cancel(self, reason):
        """Cancel the plans for ``reason``: their invoices return to the ladder
        at the level they had."""
        self._check_manager(
            self.env._("Only a debt recovery manager can cancel a payment plan.")
        )
        reason = (reason or "").strip()
        if not reason:
            raise UserError(
                self.env._("Give the reason for cancelling the payment plan.")
            )
        for plan in self:
            if plan.state not in ("draft", "active"):
                raise UserError(
                    self.env._(
                        "Payment plan %(plan)s is %(state)s: only draft and active "
                        "plans can be cancelled.",
                        plan=plan.name,
                        state=plan._state_label(),
                    )
                )
        today = fields.Date.context_today(self)
        self.write({"state": "cancelled", "cancel_reason": reason, "date_end": today})
        self._release_invoices()
        self.env["debt.recovery.run"]._log(
            [
                plan._log_values(
                    "plan_cancelled",
                    self.env._(
                        "Payment plan %(plan)s cancelled: %(reason)s",
                        plan=plan.name,
                        reason=reason,
                    ),
                    automated=False,
                )
                for plan in self
            ]
        )
        return True

    def action_reschedule(self):
        """Compute the schedule of a draft plan again with the plan wizard."""
        self.ensure_one()
        self._check_draft_for_changes()
        return self.env["debt.recovery.plan.wizard"]._action_open(
            self.partner_id, invoices=self.invoice_ids, plan=self
        )

    def action_print_agreement(self):
        return self.env.ref(
            "account_debt_recovery.action_report_debt_recovery_plan"
        ).report_action(self)

    def action_send_agreement(self):
        """Email the plan agreement (PDF attached) with the composer."""
        self.ensure_one()
        template = self.env.ref(
            "account_debt_recovery.mail_template_debt_recovery_plan_agreement",
            raise_if_not_found=False,
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send Plan Agreement"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id if template else False,
                "default_composition_mode": "comment",
                "default_email_layout_xmlid": (
                    "mail.mail_notification_layout_with_responsible_signature"
                ),
                "force_email": True,
            },
        }

    def action_view_invoices(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Covered Invoices"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", self.invoice_ids.ids)],
            "context": {"create": False, "default_move_type": "out_invoice"},
        }

    # ------------------------------------------------------------------
    # State changes made by the daily run (debt.recovery.plan.run)
    # ------------------------------------------------------------------
    def _break(self, today, missed):
        """The plans break: invoices back on the ladder where they were, a
        courteous notice to the customer, an activity for the collector."""
        self.write({"state": "broken", "date_end": today})
        self._release_invoices()
        policies = self._debt_policies()
        default_template = self.env.ref(
            "account_debt_recovery.mail_template_debt_recovery_plan_broken"
        )
        call = self.env.ref("mail.mail_activity_data_call", raise_if_not_found=False)
        todo = self.env.ref("mail.mail_activity_data_todo")
        entries = []
        for plan in self:
            first_missed = missed.filtered(
                lambda inst, plan=plan: inst.plan_id == plan
            ).sorted("due_date")[:1]
            summary = self.env._(
                "Payment plan %(plan)s broken: the instalment of %(amount)s due on "
                "%(date)s was not paid within %(days)s days.",
                plan=plan.name,
                amount=plan.currency_id.format(first_missed.amount),
                date=format_date(self.env, first_missed.due_date),
                days=plan.grace_days,
            )
            template = policies[plan].plan_broken_template_id or default_template
            message, error = plan._queue_mail(template, plan.id)
            if error:
                entries.append(
                    plan._log_values(
                        "plan_broken",
                        self.env._(
                            "%(summary)s The customer could not be told: %(error)s",
                            summary=summary,
                            error=error,
                        ),
                    )
                )
            else:
                entries.append(
                    plan._log_values(
                        "plan_broken",
                        summary,
                        channel="email",
                        direction="outbound",
                        mail_message_id=message.id,
                    )
                )
            plan.activity_schedule(
                activity_type_id=(call or todo).id,
                summary=self.env._("Payment plan broken: call the customer"),
                note=summary,
                date_deadline=today,
                user_id=(plan.user_id or self.env.user).id,
            )
        self.env["debt.recovery.run"]._log(entries)

    def _complete(self, today):
        """The covered invoices are paid: the plans complete and their customers
        are up to date (unless something else is overdue)."""
        if not self:
            return
        self.write({"state": "completed", "date_end": today})
        self._release_invoices()
        self.env["debt.recovery.run"]._log(
            [
                plan._log_values(
                    "plan_completed",
                    self.env._(
                        "Payment plan %(plan)s completed: %(total)s paid.",
                        plan=plan.name,
                        total=plan.currency_id.format(plan.amount_total),
                    ),
                )
                for plan in self
            ]
        )
        self._refresh_partners(today)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _cover_invoices(self):
        """Take the covered invoices out of the ladder while the plan runs."""
        for plan in self:
            plan._mark_invoices(plan.invoice_ids, plan)

    def _release_invoices(self):
        """Return the covered invoices to the ladder at the level they had."""
        self._mark_invoices(
            self.invoice_ids.filtered(lambda move: move.debt_plan_id in self),
            self.browse(),
        )

    @api.model
    def _mark_invoices(self, invoices, plan):
        # A follow-up mark, not an edit of the invoice: keep it out of the
        # invoice's "manually modified" flag.
        invoices.with_context(skip_is_manually_modified=True).write(
            {"debt_plan_id": plan.id}
        )

    def _refresh_partners(self, today):
        """Customers of these plans with nothing else overdue take their status
        at once, as the daily run would: "In Payment Plan" while a plan runs,
        "Up to Date" (settlement logged) once it is paid. The others are left
        to the ladder."""
        AML = self.env["account.move.line"]
        for company, plans in groupby(self, key=lambda plan: plan.company_id):
            # the customer's follow-up state is the run's bookkeeping, not an
            # edit of the contact by the user who activated the plan
            run = self.env["debt.recovery.run"].sudo().with_company(company)
            partners = (
                self.browse([plan.id for plan in plans])
                .partner_id.commercial_partner_id.sudo()
                .with_company(company)
            )
            figures = AML.with_company(company)._debt_overdue_by_partner(
                company, partners=partners, today=today
            )
            excluded = run._excluded_overdue_status(company, today, partners)
            for partner in partners:
                if partner not in figures and not partner.debt_excluded:
                    run._rule_settle(partner, excluded.get(partner), today)

    def _debt_policy(self):
        self.ensure_one()
        if not self.partner_id:
            return self.env["debt.recovery.policy"]
        return self.partner_id.with_company(self.company_id)._debt_policy()

    def _debt_policies(self):
        """``{plan: policy}``: the customer's policy in the plan's company, or
        that company's default policy (one search per company)."""
        Policy = self.env["debt.recovery.policy"].sudo()
        defaults = {}
        result = {}
        for plan in self:
            company = plan.company_id
            partner = plan.partner_id.commercial_partner_id.with_company(company)
            policy = partner.debt_policy_id
            if not policy:
                if company not in defaults:
                    defaults[company] = Policy._default_for_company(company)
                policy = defaults[company]
            result[plan] = policy
        return result

    def _outstanding(self, invoices):
        """What ``invoices`` still owe, in the plan's currency."""
        self.ensure_one()
        currency = self.currency_id or self.company_id.currency_id
        total = 0.0
        for invoice in invoices:
            residual = invoice.amount_residual
            if invoice.currency_id != currency:
                residual = invoice.currency_id._convert(
                    residual, currency, self.company_id, fields.Date.context_today(self)
                )
            total += residual
        return currency.round(total)

    def _queue_mail(self, template, res_id, email_values=None):
        """Queue an email to the customer; returns ``(message, error)``. A
        failure (no address, template error) is reported, not raised, so that
        one customer does not stop the run."""
        self.ensure_one()
        partner = self.partner_id
        if not partner.email:
            return (
                None,
                self.env._(
                    "%(partner)s has no email address.", partner=partner.display_name
                ),
            )
        try:
            with self.env.cr.savepoint():
                mail_id = template.with_company(self.company_id).send_mail(
                    res_id, email_values=email_values
                )
        except Exception as error:  # noqa: BLE001 - reported on this plan only
            return None, error.args[0] if isinstance(error, UserError) else repr(error)
        return self.env["mail.mail"].sudo().browse(mail_id).mail_message_id, None

    def _log_values(self, event, summary, **values):
        """An interaction about this plan, for ``debt.recovery.run._log``."""
        self.ensure_one()
        return {
            "partner_id": self.partner_id.commercial_partner_id.id,
            "company_id": self.company_id.id,
            "event": event,
            "channel": "note",
            "direction": "internal",
            "invoice_ids": [Command.set(self.invoice_ids.ids)],
            "amount_due": sum(self.invoice_ids.mapped("amount_residual_signed")),
            "summary": summary,
            **values,
        }

    def _check_manager(self, message):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(message)

    def _state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]
