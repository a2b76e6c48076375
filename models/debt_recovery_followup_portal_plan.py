from datetime import timedelta

from odoo import Command, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_amount, format_date

from .debt_recovery_plan_instalment import FREQUENCIES
from .debt_recovery_workflow import workflow

AGREEMENT_TEMPLATE = "account_debt_recovery.mail_template_debt_recovery_plan_agreement"


class DebtRecoveryFollowup(models.Model):
    """A payment plan the customer proposes on their page: the invoices the
    ladder chases today, spread with the plans' own split rule, within the
    policy's limits; activated at once within its auto-accept limits, else a
    draft for the collector that holds the ladder."""

    _inherit = "debt.recovery.followup"

    def _portal_plan_proposal(self, count, date_start, frequency):
        """The plan the customer describes (the invoices chased today, spread
        with the plans' own split rule), checked against the policy's
        limits: ``{invoices, currency, total, schedule, auto_accept}``; a
        UserError says what to change."""
        self.ensure_one()
        limits = self._portal_limits()
        policy = self._policy()
        try:
            count = int(count)
        except (TypeError, ValueError, OverflowError):  # OverflowError: infinity
            raise UserError(self.env._("Choose the number of instalments.")) from None
        date_start = self._portal_date(
            date_start, self.env._("Choose the date of the first instalment.")
        )
        if not isinstance(frequency, str) or frequency not in dict(FREQUENCIES):
            raise UserError(self.env._("Choose how often you will pay."))
        if not 1 <= count <= limits["max_instalments"]:
            raise UserError(
                self.env._(
                    "Choose between 1 and %(count)s instalments.",
                    count=limits["max_instalments"],
                )
            )
        if not limits["today"] <= date_start <= limits["horizon"]:
            raise UserError(
                self.env._(
                    "The first instalment falls due between today and %(date)s.",
                    date=format_date(self.env, limits["horizon"]),
                )
            )
        if self.plan_ids.filtered(
            lambda p: p.state == "draft" and p.proposal_hold_until
        ):
            raise UserError(
                self.env._(
                    "Your proposal of a payment plan is with us already: we will "
                    "come back to you shortly."
                )
            )
        invoices = (
            self.env["debt.recovery.plan.wizard"]
            .with_company(self.company_id)
            ._eligible_invoices(self.partner_id, self.company_id)
        )
        if not invoices:
            raise UserError(
                self.env._("Nothing overdue is left to spread over a payment plan.")
            )
        currency = invoices.currency_id
        total = currency.round(sum(invoices.mapped("amount_residual")))
        schedule = self.env["debt.recovery.plan.instalment"]._schedule(
            total, currency, date_start, frequency, count=count
        )
        last = schedule[-1]["due_date"]
        if last > limits["last_date"]:
            raise UserError(
                self.env._(
                    "The last instalment would fall due on %(last)s; a plan ends by "
                    "%(date)s at the latest. Choose fewer instalments or an earlier "
                    "first date.",
                    last=format_date(self.env, last),
                    date=format_date(self.env, limits["last_date"]),
                )
            )
        company_currency = self.company_id.currency_id
        minimum = company_currency._convert(
            limits["min_instalment"], currency, self.company_id, limits["today"]
        )
        if currency.compare_amounts(min(v["amount"] for v in schedule), minimum) < 0:
            raise UserError(
                self.env._(
                    "Each instalment must be at least %(minimum)s: choose fewer "
                    "instalments.",
                    minimum=format_amount(self.env, minimum, currency),
                )
            )
        total_company = currency._convert(
            total, company_currency, self.company_id, limits["today"]
        )
        auto_amount = policy.portal_plan_auto_amount
        # agreed alone only by a customer the ladder handles and whose last
        # plan was not broken recently; else a collector decides
        auto_accept = bool(
            self._portal_on_the_ladder()
            and not self._portal_broken_recently("plan")
            and policy.portal_plan_auto_instalments
            and count <= policy.portal_plan_auto_instalments
            and last <= limits["today"] + timedelta(days=policy.portal_plan_auto_days)
            and (
                not auto_amount
                or company_currency.compare_amounts(total_company, auto_amount) <= 0
            )
        )
        return {
            "invoices": invoices,
            "currency": currency,
            "total": total,
            "frequency": frequency,
            "date_start": date_start,
            "schedule": schedule,
            "auto_accept": auto_accept,
        }

    def _portal_propose_plan(self, token, count, date_start, frequency):
        """The customer proposes a payment plan. Within the policy's limits
        for accepting at once it is activated (the agreement emailed);
        beyond them it is a draft for a collector, holding the ladder the
        policy's hold days."""
        self._portal_check_token(token)
        proposal = self._portal_plan_proposal(count, date_start, frequency)
        staff = self._portal_staff()
        currency = proposal["currency"]
        interaction = self._portal_log(
            {
                "outcome": "plan",
                "invoice_ids": [Command.set(proposal["invoices"].ids)],
                "summary": staff.env._(
                    "Payment plan proposed: %(count)s instalments of %(total)s "
                    "from %(date)s (customer's page)",
                    count=len(proposal["schedule"]),
                    total=format_amount(staff.env, proposal["total"], currency),
                    date=format_date(staff.env, proposal["date_start"]),
                ),
            }
        )
        values = {
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "user_id": self._portal_responsible().id,
            "interaction_id": interaction.id,
            "invoice_ids": [Command.set(proposal["invoices"].ids)],
            "date_start": proposal["date_start"],
            "frequency": proposal["frequency"],
            "instalment_ids": [Command.create(vals) for vals in proposal["schedule"]],
        }
        Plan = self.env["debt.recovery.plan"].with_company(self.company_id)
        if proposal["auto_accept"]:
            plan = Plan.create(values)
            plan.action_activate()  # as a manager would, inside the policy's limits
            self._portal_confirm(
                interaction, template=self.env.ref(AGREEMENT_TEMPLATE), record=plan
            )
            return interaction
        hold = fields.Date.context_today(self) + timedelta(
            days=self._portal_limits()["hold_days"]
        )
        plan = workflow(Plan).create({**values, "proposal_hold_until": hold})
        plan.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=fields.Date.context_today(self),
            summary=staff.env._("Review the customer's payment plan proposal"),
            note=staff.env._(
                "%(partner)s proposed this plan on their page; it is beyond what "
                "the policy accepts at once. The ladder holds until %(date)s.",
                partner=self.partner_id.display_name,
                date=format_date(staff.env, hold),
            ),
            user_id=plan.user_id.id,
        )
        self._refresh_figures()
        self._portal_confirm(interaction)
        return interaction
