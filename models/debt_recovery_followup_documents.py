from collections import defaultdict

from odoo import api, fields, models
from odoo.fields import Domain


class DebtRecoveryFollowup(models.Model):
    """What a reminder of a follow-up says (its email, its letter): one
    computation of the figures shown everywhere, for a whole batch: the
    chased overdue items, the unallocated credits and payments, and the net
    amount asked; with the level's words in the customer's language."""

    _inherit = "debt.recovery.followup"

    def _document_level(self):
        """The level a reminder of this follow-up speaks at now: the one
        waiting for review, else the one reached, else the first."""
        self.ensure_one()
        return self.pending_level_id or self.level_id or self._policy()._first_level()

    def _document_values(self, levels=None, today=None, chased=None):
        """``{followup: values}`` (see ``_documents``), each at the level given
        in ``levels`` (``{followup: level}``) or at its current one."""
        levels = levels or {}
        return self._documents(
            [(followup, followup, levels.get(followup)) for followup in self],
            today,
            chased=chased,
        )

    @api.model
    def _documents(self, requests, today=None, preview=False, chased=None):
        """``requests``: ``[(key, followup, level)]``; returns ``{key: values}``.
        ``preview``: for a screen, not for a reminder sent (nothing written).
        ``chased``: ``{followup: (items, net amount)}`` when the caller read
        them already, as on the same day (the run's decisions).

        Reads the ledger once per company for the whole batch: the chased
        overdue items, the unallocated credits, the figures, the invoice
        contacts and the bank accounts.
        """
        chased = chased or {}
        today = today or fields.Date.context_today(self)
        followups = self.env["debt.recovery.followup"].union(
            *(followup for _key, followup, _level in requests)
        )
        # rule 9: a courtesy reminder shows the invoices coming due
        coming_due_days = max(
            (-level.days_overdue for _k, _f, level in requests if level),
            default=0,
        )
        ledger = {
            company: self._document_ledger(
                company,
                followups.filtered(lambda f, c=company: f.company_id == c).partner_id,
                today,
                coming_due_days,
                known=all(f in chased for f in followups if f.company_id == company),
            )
            for company in followups.company_id
        }
        # what the tables show of the items' invoices, for the whole batch
        items = self.env["account.move.line"].union(
            *(lines for data in ledger.values() for lines in data["lines"].values()),
            *(lines for lines, _net in chased.values()),
        )
        items.move_id.fetch(["name", "payment_reference"])
        texts = {}
        result = {}
        for key, followup, level in requests:
            company, partner = followup.company_id, followup.partner_id
            data = ledger[company]
            level = level or followup._document_level()
            lang = partner.lang or self.env.lang or "en_US"
            if (level, lang) not in texts:
                texts[level, lang] = level._texts(lang, today)
            credits = data["credits"][partner].with_context(lang=lang)
            if followup in chased:
                lines, net = chased[followup]
            else:
                net = data["figures"].get(partner, {}).get("chased_amount", 0.0)
                lines = data["lines"][partner]
            if level._is_courtesy():
                lines = data["coming_due"][partner].filtered(
                    lambda line, days=-level.days_overdue: (
                        (line.date_maturity - today).days <= days
                    )
                )
                net = max(
                    company.currency_id.round(
                        sum(lines.mapped("amount_residual"))
                        + sum(credits.mapped("amount_residual"))
                    ),
                    0.0,
                )
            lines = lines.with_context(lang=lang)
            contacts = data["contacts"].get(partner, partner)
            people = contacts.filtered(lambda contact: not contact.is_company)
            addressee = people[:1].with_context(lang=lang)
            result[key] = {
                "followup": followup,
                "partner": partner.with_context(lang=lang),
                "contacts": contacts,
                "addressee": people[:1],
                "salutation": (
                    addressee or partner.with_context(lang=lang)
                )._debt_salutation(),
                "company": company,
                "currency": company.currency_id,
                "level": level.with_context(lang=lang),
                "tone": level.tone,
                "before_due": level._is_courtesy(),
                "texts": texts[level, lang],
                "lang": lang,
                "date": today,
                "lines": lines,
                "days_overdue": {
                    line: line._debt_days_overdue(today) for line in lines
                },
                "totals": lines._debt_totals_by_currency(),
                "credits": credits,
                "credit_totals": credits._debt_totals_by_currency(),
                "net": net,
                "banks": data["banks"],
                "collector": followup._collector(),
            }
        return result

    @api.model
    def _document_ledger(
        self, company, partners, today, coming_due_days=0, known=False
    ):
        """What the documents of ``partners`` show, read once; ``known``: the
        chased items and figures were handed over (not read again)."""
        AML = self.env["account.move.line"].with_company(company)
        scope = AML._debt_customers_domain(partners)
        return {
            "coming_due": AML._debt_lines_by_partner(
                AML._debt_coming_due_domain(company, today, coming_due_days) & scope
            )
            if coming_due_days
            else defaultdict(AML.browse),
            "lines": defaultdict(AML.browse)
            if known
            else AML._debt_lines_by_partner(
                AML._debt_eligible_overdue_domain(company, today) & scope
            ),
            "credits": AML._debt_lines_by_partner(
                AML._debt_open_receivable_domain(company)
                & Domain("amount_residual", "<", 0)
                & scope
            ),
            "figures": {} if known else AML._debt_figures(company, partners, today),
            "contacts": self._invoice_contacts(partners),
            "banks": company._debt_bank_accounts(),
        }

    def _debt_recipients(self, contacts=None):
        """Who a reminder goes to: the customer's invoice-address contacts
        that have an email address, else the customer itself."""
        self.ensure_one()
        if contacts is None:
            contacts = self._invoice_contacts(self.partner_id).get(
                self.partner_id, self.partner_id
            )
        with_email = contacts.filtered("email")
        return with_email or self.partner_id

    @api.model
    def _invoice_contacts(self, partners):
        """``{customer: its invoice-address contacts}`` for those that have
        some (one search): where reminders go."""
        contacts = self.env["res.partner"].search(
            [("parent_id", "in", partners.ids), ("type", "=", "invoice")], order="id"
        )
        result = {}
        for contact in contacts:
            parent = contact.parent_id
            result[parent] = result.get(parent, contacts.browse()) | contact
        return result
