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
        statements = self._debt_statements(
            partners.commercial_partner_id, self.env.company
        )
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": partners,
            "statements": {
                partner.id: statements[partner.commercial_partner_id]
                for partner in partners
            },
        }

    @api.model
    def _debt_statements(self, customers, company):
        """``{customer: statement values}`` of ``customers`` (commercial
        partners) in ``company``: one search of their open items."""
        today = fields.Date.context_today(self)
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
        for customer in customers:
            partner_lines = by_partner[customer]
            lang = customer.lang or self.env.lang or "en_US"
            statements[customer] = {
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
        return statements

    @api.model
    def _debt_aging(self, lines, today):
        """Open amounts per aging bucket, in company currency."""
        amounts = dict.fromkeys((key for key, _label in aging.BUCKETS), 0.0)
        for line in lines:
            key = aging.bucket(line._debt_days_overdue(today), line.amount_residual)
            amounts[key] += line.amount_residual
        return amounts


class ReportDebtRecoveryFollowupStatement(models.AbstractModel):
    """The same statement printed for a follow-up: its customer in its
    company (what the follow-up report prints and emails)."""

    _name = "report.account_debt_recovery.report_followup_statement"
    _inherit = "report.account_debt_recovery.report_debt_recovery_statement"
    _description = "Debt Recovery Customer Statement of a Follow-up"

    @api.model
    def _get_report_values(self, docids, data=None):
        check_collector(self.env)
        followups = self.env["debt.recovery.followup"].browse(docids)
        statements = {}
        for company in followups.company_id:
            batch = followups.filtered(lambda f, c=company: f.company_id == c)
            by_customer = self.with_company(company)._debt_statements(
                batch.partner_id, company
            )
            statements.update(
                {followup.id: by_customer[followup.partner_id] for followup in batch}
            )
        return {
            "doc_ids": docids,
            "doc_model": "debt.recovery.followup",
            "docs": followups,
            "statements": statements,
        }
