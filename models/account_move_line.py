from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain

# What the ladder and the documents read of each item of a batch.
LINE_FIELDS = [
    "partner_id",
    "move_id",
    "company_id",
    "currency_id",
    "date",
    "date_maturity",
    "amount_residual",
    "amount_residual_currency",
]


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    @api.model
    def _debt_open_receivable_domain(self, company):
        """The unit of debt: posted, open receivable items of ``company``."""
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
    def _debt_overdue_domain(self, company, today=None):
        """Overdue items under follow-up: open receivable items due before
        ``today`` with something to pay, minus what core excludes from
        follow-ups (``no_followup`` items, ``blocked`` invoices)."""
        today = today or fields.Date.context_today(self)
        return self._debt_open_receivable_domain(company) & Domain(
            [
                ("amount_residual", ">", 0),
                ("date_maturity", "<", today),
                ("no_followup", "=", False),
                ("move_id.payment_state", "!=", "blocked"),
            ]
        )

    @api.model
    def _debt_eligible_overdue_domain(self, company, today=None):
        """Overdue items that the ladder chases: minus what the addon
        excludes (disputed invoices, invoices covered by an active payment
        plan)."""
        return (
            self._debt_overdue_domain(company, today)
            & self._debt_ladder_exclusion_domain()
        )

    @api.model
    def _debt_coming_due_domain(self, company, today, days):
        """Rule 9: items falling due within ``days`` from ``today`` that no
        courtesy reminder announced yet, minus what the ladder would not
        chase (``no_followup``, blocked, disputed or planned invoices)."""
        return (
            self._debt_open_receivable_domain(company)
            & Domain(
                [
                    ("amount_residual", ">", 0),
                    ("date_maturity", ">=", today),
                    ("date_maturity", "<=", today + timedelta(days=days)),
                    ("no_followup", "=", False),
                    ("move_id.payment_state", "!=", "blocked"),
                    ("move_id.debt_courtesy_date", "=", False),
                ]
            )
            & self._debt_ladder_exclusion_domain()
        )

    @api.model
    def _debt_ladder_exclusion_domain(self):
        """Items the addon keeps out of the ladder: disputed invoices and
        invoices covered by an active payment plan."""
        return Domain("move_id.debt_disputed", "=", False) & Domain(
            "move_id.debt_plan_id", "=", False
        )

    @api.model
    def _debt_figures(self, company, partners=None, today=None):
        """The figures of each customer's follow-up, in company currency:
        ``{commercial_partner: {overdue_amount, chased_amount, oldest_due_date,
        chased_since}}`` for the customers with something overdue.

        Unallocated credit notes and payments reduce what is owed: when they
        cover the overdue items, nothing is overdue and nothing is chased.
        Three aggregate queries whatever the number of customers, and one
        search of their contacts.
        """
        partner_domain = Domain.TRUE
        if partners is not None:
            partner_domain = self._debt_customers_domain(partners.commercial_partner_id)
        group_by = ["partner_id.commercial_partner_id"]
        overdue = self._read_group(
            self._debt_overdue_domain(company, today) & partner_domain,
            groupby=group_by,
            aggregates=["amount_residual:sum", "date_maturity:min"],
        )
        if not overdue:
            return {}
        # the credits and chased items of the customers owing something
        owing = partner_domain
        if partners is None:
            owing = self._debt_customers_domain(
                self.env["res.partner"].union(*(partner for partner, _a, _d in overdue))
            )
        chased = {
            partner: (amount, since)
            for partner, amount, since in self._read_group(
                self._debt_eligible_overdue_domain(company, today) & owing,
                groupby=group_by,
                aggregates=["amount_residual:sum", "date_maturity:min"],
            )
        }
        credits = self._debt_unallocated_credits(company, owing)
        currency = company.currency_id
        result = {}
        for partner, amount, oldest in overdue:
            credit = credits.get(partner, 0.0)
            chased_amount, since = chased.get(partner, (0.0, False))
            overdue_amount = max(currency.round(amount + credit), 0.0)
            if currency.is_zero(overdue_amount):
                continue
            chased_amount = max(currency.round(chased_amount + credit), 0.0)
            result[partner] = {
                "overdue_amount": overdue_amount,
                "chased_amount": chased_amount,
                "oldest_due_date": oldest,
                "chased_since": since if not currency.is_zero(chased_amount) else False,
            }
        return result

    @api.model
    def _debt_customers_domain(self, customers):
        """The items of ``customers`` (commercial partners) and of their
        contacts, archived ones included: the same items as a domain on
        ``partner_id.commercial_partner_id``, which makes PostgreSQL read the
        open items of every customer to keep a batch's; this one reads the
        batch's items by their partner."""
        partners = (
            self.env["res.partner"]
            .with_context(active_test=False)
            .sudo()
            .search([("commercial_partner_id", "in", customers.ids)])
        )
        return Domain("partner_id", "in", partners.ids)

    @api.model
    def _debt_unallocated_credits(self, company, partner_domain):
        """``{commercial_partner: sum of its unallocated credit notes and
        payments}`` (negative amounts, company currency), one query."""
        return dict(
            self._read_group(
                self._debt_open_receivable_domain(company)
                & Domain("amount_residual", "<", 0)
                & partner_domain,
                groupby=["partner_id.commercial_partner_id"],
                aggregates=["amount_residual:sum"],
            )
        )

    @api.model
    def _debt_lines_by_partner(self, domain):
        """The items of ``domain`` per commercial partner, oldest first, in
        one search; reading an invoice field of one customer's items reads it
        for all (one prefetch set). Only what the documents and the ladder
        read of an item is fetched with it; anything else when first read."""
        lines = self.search_fetch(domain, LINE_FIELDS, order="date_maturity, id")
        ids_by_partner = defaultdict(list)
        for line in lines:
            ids_by_partner[line.partner_id.commercial_partner_id].append(line.id)
        result = defaultdict(lambda: self.browse())
        for partner, line_ids in ids_by_partner.items():
            result[partner] = self.browse(line_ids).with_prefetch(lines._prefetch_ids)
        return result

    def _debt_refresh_followups(self, paid=False):
        """The receivable items of these lines changed (posted, paid,
        cancelled, excluded): refresh the follow-ups of their customers
        (``paid``: by a payment)."""
        receivable = self.filtered(
            lambda line: (
                line.partner_id and line.account_id.account_type == "asset_receivable"
            )
        )
        for company in receivable.company_id:
            partners = receivable.filtered(
                lambda line, c=company: line.company_id == c
            ).partner_id.commercial_partner_id
            self.env["debt.recovery.followup"].sudo()._refresh_customers(
                partners, company, paid=paid
            )

    def write(self, vals):
        result = super().write(vals)
        if "no_followup" in vals:
            self._debt_refresh_followups()
        return result

    def _debt_days_overdue(self, today=None):
        self.ensure_one()
        today = today or fields.Date.context_today(self)
        if not self.date_maturity or self.date_maturity >= today:
            return 0
        return (today - self.date_maturity).days

    def _debt_totals_by_currency(self):
        """``[(currency, amount due)]`` of these items: each invoice is chased
        in its own currency (letters, emails, statements)."""
        totals = defaultdict(float)
        for line in self:
            totals[line.currency_id] += line.amount_residual_currency
        return [
            (currency, currency.round(amount)) for currency, amount in totals.items()
        ]
