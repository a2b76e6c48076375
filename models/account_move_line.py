from collections import defaultdict

from odoo import api, fields, models
from odoo.fields import Domain


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    @api.model
    def _debt_open_receivable_domain(self, company):
        """Posted, open receivable items of ``company`` (DESIGN §1)."""
        return Domain(
            [
                ("company_id", "=", company.id),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
                ("amount_residual", "!=", 0),
                ("partner_id", "!=", False),
            ]
        )

    @api.model
    def _debt_eligible_overdue_domain(self, company, today=None):
        """Open receivable items that the ladder may chase today.

        Overdue (positive residual, due before today), minus what core already
        excludes (``no_followup`` items, ``blocked`` invoices) and what the
        addon excludes (disputed invoices, invoices covered by an active
        payment plan).
        """
        today = today or fields.Date.context_today(self)
        return (
            self._debt_open_receivable_domain(company)
            & Domain(
                [
                    ("amount_residual", ">", 0),
                    ("date_maturity", "<", today),
                    ("no_followup", "=", False),
                    ("move_id.payment_state", "!=", "blocked"),
                ]
            )
            & self._debt_ladder_exclusion_domain()
        )

    @api.model
    def _debt_ladder_exclusion_domain(self):
        """Items the addon keeps out of the ladder: disputed invoices and
        invoices covered by an active payment plan (rule 5)."""
        return Domain("move_id.debt_disputed", "=", False) & Domain(
            "move_id.debt_plan_id", "=", False
        )

    @api.model
    def _debt_overdue_by_partner(self, company, partners=None, today=None):
        """Overdue figures per commercial partner, in company currency.

        Two aggregate queries whatever the number of partners. Returns
        ``{commercial_partner: (amount, oldest_due_date)}`` for partners that
        owe something overdue once their unallocated credits (credit notes,
        payments) are deducted (DESIGN §1: net balance <= 0, nothing chased).
        """
        partner_domain = Domain.TRUE
        if partners is not None:
            partner_domain = Domain(
                "partner_id.commercial_partner_id",
                "in",
                partners.commercial_partner_id.ids,
            )
        group_by = ["partner_id.commercial_partner_id"]
        overdue = self._read_group(
            self._debt_eligible_overdue_domain(company, today) & partner_domain,
            groupby=group_by,
            aggregates=["amount_residual:sum", "date_maturity:min"],
        )
        if not overdue:
            return {}
        credits = dict(
            self._read_group(
                self._debt_open_receivable_domain(company)
                & Domain("amount_residual", "<", 0)
                & Domain(
                    "partner_id.commercial_partner_id",
                    "in",
                    [partner.id for partner, _amount, _date in overdue],
                ),
                groupby=group_by,
                aggregates=["amount_residual:sum"],
            )
        )
        currency = company.currency_id
        result = {}
        for partner, amount, oldest in overdue:
            amount = currency.round(amount + credits.get(partner, 0.0))
            if currency.compare_amounts(amount, 0.0) > 0:
                result[partner] = (amount, oldest)
        return result

    def _debt_days_overdue(self, today=None):
        self.ensure_one()
        today = today or fields.Date.context_today(self)
        if not self.date_maturity or self.date_maturity >= today:
            return 0
        return (today - self.date_maturity).days

    def _debt_totals_by_currency(self):
        """``[(currency, amount due)]`` of these items: each invoice is chased
        in its own currency (letters, statements)."""
        totals = defaultdict(float)
        for line in self:
            totals[line.currency_id] += line.amount_residual_currency
        return [
            (currency, currency.round(amount)) for currency, amount in totals.items()
        ]
