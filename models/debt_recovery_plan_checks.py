from odoo import api, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import format_date

from .debt_recovery_plan_instalment import MAX_INSTALMENTS


class DebtRecoveryPlan(models.Model):
    """What a payment plan must be: its invoices and its schedule."""

    _inherit = "debt.recovery.plan"

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
        """Instalments in date order, at most MAX_INSTALMENTS of them, adding
        up to the total (each one positive is checked on the instalment),
        however the plan is written (wizard, form, import, RPC)."""
        for plan in self:
            instalments = plan.instalment_ids.sorted(
                lambda inst: (inst.sequence, inst.id)
            )
            if not instalments:
                continue
            if len(instalments) > MAX_INSTALMENTS:
                raise ValidationError(
                    self.env._(
                        "A payment plan cannot have more than %(maximum)s "
                        "instalments; %(plan)s has %(count)s.",
                        maximum=MAX_INSTALMENTS,
                        plan=plan.name,
                        count=len(instalments),
                    )
                )
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
