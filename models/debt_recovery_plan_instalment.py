import math
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import format_date

from .debt_recovery_workflow import (
    check_computed,
    check_workflow,
    computed_by_system,
    without_defaults,
)

FREQUENCIES = [
    ("weekly", "Weekly"),
    ("fortnightly", "Fortnightly"),
    ("monthly", "Monthly"),
]
STATES = [
    ("pending", "Pending"),
    ("partial", "Partially Paid"),
    ("paid", "Paid"),
    ("late", "Late"),
    ("missed", "Missed"),
]
# Fields that make the schedule: only a draft plan's schedule may change.
SCHEDULE_FIELDS = {"plan_id", "sequence", "due_date", "amount"}
# What the daily run records: nobody else writes it.
RUN_FIELDS = frozenset({"date_late", "date_missed", "reminder_date"})
MAX_INSTALMENTS = 120


class DebtRecoveryPlanInstalment(models.Model):
    _name = "debt.recovery.plan.instalment"
    _description = "Payment Plan Instalment"
    _order = "plan_id, sequence, due_date, id"
    _check_company_auto = True

    plan_id = fields.Many2one(
        "debt.recovery.plan",
        string="Payment Plan",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="plan_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="plan_id.currency_id")
    partner_id = fields.Many2one(related="plan_id.partner_id")
    plan_state = fields.Selection(related="plan_id.state", string="Plan Status")
    sequence = fields.Integer(default=10)
    due_date = fields.Date(required=True)
    amount = fields.Monetary(required=True, currency_field="currency_id")
    amount_paid = fields.Monetary(
        string="Paid",
        currency_field="currency_id",
        compute="_compute_amount_paid",
        store=True,
        help="Part of the payments made on the covered invoices allocated to this "
        "instalment, the oldest instalments first.",
    )
    amount_due = fields.Monetary(
        string="Left to Pay",
        currency_field="currency_id",
        compute="_compute_amount_paid",
        store=True,
    )
    state = fields.Selection(
        STATES,
        string="Status",
        compute="_compute_state",
        store=True,
        index=True,
    )
    date_late = fields.Date(
        string="Late Since",
        readonly=True,
        copy=False,
        help="Date of the daily run that found this instalment unpaid after its "
        "due date.",
    )
    date_missed = fields.Date(
        string="Missed On",
        readonly=True,
        copy=False,
        help="Date of the daily run that found this instalment still unpaid after "
        "the grace days: the plan broke that day.",
    )
    reminder_date = fields.Date(
        string="Reminder Sent",
        readonly=True,
        copy=False,
        help="Date the courteous reminder for this instalment was sent "
        "(it is sent once).",
    )

    @api.depends("plan_id.name", "due_date")
    def _compute_display_name(self):
        for instalment in self:
            instalment.display_name = self.env._(
                "%(plan)s, instalment of %(date)s",
                plan=instalment.plan_id.name or "",
                date=format_date(self.env, instalment.due_date),
            )

    @api.depends(
        "plan_id.amount_paid",
        "plan_id.instalment_ids.amount",
        "plan_id.instalment_ids.due_date",
        "plan_id.instalment_ids.sequence",
    )
    def _compute_amount_paid(self):
        """Allocate what the customer paid on the covered invoices to the
        instalments, the oldest first; an over-payment flows to the next ones."""
        allocation = {}
        for plan in self.plan_id:
            remaining = plan.amount_paid
            currency = plan.currency_id or self.env.company.currency_id
            ordered = plan.instalment_ids.sorted(
                lambda inst: (inst.due_date or date.max, inst.sequence)
            )
            for instalment in ordered:
                paid = currency.round(min(max(remaining, 0.0), instalment.amount))
                remaining = currency.round(remaining - paid)
                allocation[instalment] = paid
        for instalment in self:
            currency = instalment.currency_id or self.env.company.currency_id
            paid = allocation.get(instalment, 0.0)
            instalment.amount_paid = paid
            instalment.amount_due = currency.round(instalment.amount - paid)

    @api.depends("amount", "amount_paid", "date_late", "date_missed")
    def _compute_state(self):
        for instalment in self:
            currency = instalment.currency_id or self.env.company.currency_id
            if instalment.amount > 0 and (
                currency.compare_amounts(instalment.amount_paid, instalment.amount) >= 0
            ):
                instalment.state = "paid"
            elif instalment.date_missed:
                instalment.state = "missed"
            elif instalment.date_late:
                instalment.state = "late"
            elif currency.compare_amounts(instalment.amount_paid, 0.0) > 0:
                instalment.state = "partial"
            else:
                instalment.state = "pending"

    @api.constrains("amount")
    def _check_amount(self):
        for instalment in self:
            currency = instalment.currency_id or self.env.company.currency_id
            if currency.compare_amounts(instalment.amount, 0.0) <= 0:
                raise ValidationError(
                    self.env._(
                        "Each instalment must be a positive amount: the instalment "
                        "due on %(date)s of %(plan)s is %(amount)s.",
                        date=format_date(self.env, instalment.due_date),
                        plan=instalment.plan_id.name,
                        amount=instalment.amount,
                    )
                )

    # ------------------------------------------------------------------
    # Only a draft plan's schedule changes
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        self = without_defaults(self, RUN_FIELDS | computed_by_system(self))
        for vals in vals_list:
            check_computed(self, vals)
            check_workflow(
                self,
                vals,
                RUN_FIELDS,
                self.env._(
                    "The reminders, late and missed dates of instalments are "
                    "recorded by the daily run."
                ),
            )
        instalments = super().create(vals_list)
        instalments.plan_id._check_draft_for_changes()
        return instalments

    def write(self, vals):
        check_computed(self, vals)
        check_workflow(
            self,
            vals,
            RUN_FIELDS,
            self.env._(
                "The reminders, late and missed dates of instalments are "
                "recorded by the daily run."
            ),
        )
        if SCHEDULE_FIELDS.intersection(vals):
            self.plan_id._check_draft_for_changes()
        result = super().write(vals)
        if "plan_id" in vals:
            self.plan_id._check_draft_for_changes()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_running_plan(self):
        self.plan_id._check_draft_for_changes()

    # ------------------------------------------------------------------
    # Schedule arithmetic
    # ------------------------------------------------------------------
    @api.model
    def _split_amounts(self, total, currency, count=0, amount=0.0):
        """Split ``total`` into instalment amounts rounded to ``currency``.

        Either ``count`` instalments of equal amounts, or instalments of
        ``amount`` each. Amounts are rounded down to the currency, the last
        instalment takes the remainder, so the amounts always add up to the
        total and the last one is never below the others (``count``) nor above
        ``amount``. Computed in whole units of the currency's rounding so that
        no floating-point error can creep into the sum.
        """
        unit = currency.rounding
        total_units = round(total / unit)
        if total_units <= 0:
            raise UserError(
                self.env._(
                    "There is no balance to spread over a payment plan: the total "
                    "to pay must be positive."
                )
            )
        if amount:
            amount_units = round(amount / unit)
            if amount_units <= 0:
                raise UserError(self.env._("The instalment amount must be positive."))
            count = max(math.ceil(total_units / amount_units), 1)
            self._check_instalment_count(count)
            units = [amount_units] * (count - 1)
        else:
            if count < 1:
                raise UserError(
                    self.env._("A payment plan needs at least one instalment.")
                )
            self._check_instalment_count(count)
            base = total_units // count
            if base <= 0:
                raise UserError(
                    self.env._(
                        "%(total)s cannot be split into %(count)s instalments: each "
                        "would be less than %(minimum)s. Choose fewer instalments.",
                        total=currency.format(total),
                        count=count,
                        minimum=currency.format(unit),
                    )
                )
            units = [base] * (count - 1)
        units.append(total_units - sum(units))
        return [currency.round(part * unit) for part in units]

    @api.model
    def _check_instalment_count(self, count):
        if count > MAX_INSTALMENTS:
            raise UserError(
                self.env._(
                    "A payment plan cannot have more than %(maximum)s instalments "
                    "(this one would have %(count)s): choose a larger instalment "
                    "amount or fewer instalments.",
                    maximum=MAX_INSTALMENTS,
                    count=count,
                )
            )

    @api.model
    def _schedule_dates(self, date_start, frequency, count):
        """Due dates from ``date_start``; monthly dates keep the day of the
        month where the month has it (31 Jan, 28 Feb, 31 Mar...)."""
        if frequency == "monthly":
            return [date_start + relativedelta(months=index) for index in range(count)]
        step = 7 if frequency == "weekly" else 14
        return [date_start + timedelta(days=step * index) for index in range(count)]

    @api.model
    def _schedule(self, total, currency, date_start, frequency, count=0, amount=0.0):
        """The instalments of a schedule, as values to create them."""
        amounts = self._split_amounts(total, currency, count=count, amount=amount)
        dates = self._schedule_dates(date_start, frequency, len(amounts))
        return [
            {"sequence": index, "due_date": due_date, "amount": part}
            for index, (due_date, part) in enumerate(zip(dates, amounts), start=1)
        ]
