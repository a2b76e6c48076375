from collections import defaultdict

from odoo import api, fields, models
from odoo.fields import Domain

from ..models import debt_recovery_aging as aging
from ..models.debt_recovery_roles import check_collector


class ReportDebtRecoveryStatement(models.AbstractModel):
    """Customer statement: every open item of the current company, in its own
    currency, with the aging of the balance in company currency."""

    _name = "report.account_debt_recovery.report_debt_recovery_statement"
    _description = "Debt Recovery Customer Statement"

    @api.model
    def _get_report_values(self, docids, data=None):
        check_collector(self.env)
        partners = self.env["res.partner"].browse(docids)
        company = self.env.company
        today = fields.Date.context_today(self)
        customers = partners.commercial_partner_id
        AML = self.env["account.move.line"]
        lines = AML.search(
            AML._debt_open_receivable_domain(company)
            & Domain("partner_id.commercial_partner_id", "in", customers.ids),
            order="date_maturity, id",
        )
        by_partner = defaultdict(lambda: AML)
        for line in lines:
            by_partner[line.partner_id.commercial_partner_id] |= line
        banks = company._debt_bank_accounts()
        statements = {}
        for partner in partners:
            customer = partner.commercial_partner_id
            partner_lines = by_partner[customer]
            lang = customer.lang or self.env.lang or "en_US"
            statements[partner.id] = {
                "partner": customer.with_context(lang=lang),
                "lang": lang,
                "buckets": aging.selection(self.with_context(lang=lang).env),
                "company": company,
                "date": today,
                "lines": partner_lines,
                "days_overdue": {
                    line: line._debt_days_overdue(today) for line in partner_lines
                },
                "totals": partner_lines._debt_totals_by_currency(),
                "aging": self._debt_aging(partner_lines, today),
                "balance": company.currency_id.round(
                    sum(partner_lines.mapped("amount_residual"))
                ),
                "banks": banks,
                "collector": customer.with_company(company)._debt_collector(),
            }
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": partners,
            "statements": statements,
        }

    @api.model
    def _debt_aging(self, lines, today):
        """Open amounts per aging bucket, in company currency."""
        amounts = dict.fromkeys((key for key, _label in aging.BUCKETS), 0.0)
        for line in lines:
            key = aging.bucket(line._debt_days_overdue(today), line.amount_residual)
            amounts[key] += line.amount_residual
        return amounts
