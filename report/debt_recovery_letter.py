from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import html2plaintext, is_html_empty
from odoo.tools.safe_eval import safe_eval, time

LETTER_REPORT = "account_debt_recovery.action_report_debt_recovery_letter"
LEVEL_LETTER_REPORT = "account_debt_recovery.action_report_debt_recovery_level_letter"


class ReportDebtRecoveryLetter(models.AbstractModel):
    """The letters to print: one letter per interaction that asks for one,
    for the customer, the company and the level it records.

    Set-based: whatever the number of letters, the overdue items, the net
    balances, the invoice contacts and the bank accounts are read with one
    query per company.
    """

    _name = "report.account_debt_recovery.report_debt_recovery_letter"
    _description = "Debt Recovery Letter"

    @api.model
    def _get_report_values(self, docids, data=None):
        interactions = self.env["debt.recovery.interaction"].browse(docids)
        requests = [
            (
                interaction,
                interaction.partner_id,
                interaction.company_id,
                interaction.level_id,
            )
            for interaction in interactions
        ]
        return {
            "doc_ids": docids,
            "doc_model": "debt.recovery.interaction",
            "docs": interactions,
            "letters": self._debt_letters(requests),
        }

    # ------------------------------------------------------------------
    # Content of the letters
    # ------------------------------------------------------------------
    @api.model
    def _debt_letters(self, requests):
        """What each letter says, keyed by the id of its document.

        ``requests`` lists ``(document, partner, company, level)``; the
        document is the record the letter is printed for (an interaction or
        a customer) and gives the letter its reference.
        """
        today = fields.Date.context_today(self)
        by_company = defaultdict(lambda: self.env["res.partner"])
        for _doc, partner, company, _level in requests:
            by_company[company] |= partner.commercial_partner_id
        company_data = {
            company: self._debt_company_data(company, partners, today)
            for company, partners in by_company.items()
        }
        bodies = {}
        letters = {}
        for doc, partner, company, level in requests:
            partner = partner.commercial_partner_id
            data = company_data[company]
            lines = data["lines"][partner]
            lang = partner.lang or self.env.lang or "en_US"
            level = level or data["policies"][partner]._first_level()
            tone = level.tone or "courteous"
            contact = data["contacts"].get(partner, partner)
            letters[doc.id] = {
                "partner": partner.with_context(lang=lang),
                "contact": contact.with_context(lang=lang),
                "addressee": contact
                if contact != partner or not partner.is_company
                else False,
                "company": company,
                "level": level.with_context(lang=lang),
                "tone": tone,
                "body": self._debt_letter_body(level, company, tone, lang, bodies),
                "lang": lang,
                "date": today,
                "reply_date": company.with_context(lang=lang)._debt_reply_date(tone),
                "reference": self._debt_reference(doc),
                "lines": lines.with_context(lang=lang),
                "days_overdue": {
                    line: line._debt_days_overdue(today) for line in lines
                },
                "totals": lines._debt_totals_by_currency(),
                "total_company": sum(lines.mapped("amount_residual")),
                "net_total": data["net"].get(partner, {}).get("chased_amount", 0.0),
                "banks": data["banks"],
                "collector": data["collectors"].get(partner),
            }
        return letters

    @api.model
    def _debt_letter_body(self, level, company, tone, lang, cache):
        """The level's letter body in the customer's language. The default
        body of a tone, left as it was, is given in the customer's language
        even when the level has no translation of it (languages installed
        after the level was created); a body edited by a manager is printed
        as written (and translated) in the level form."""
        body = level.with_context(lang=lang).letter_body
        key = (company, tone, lang)
        if key not in cache:
            cache[key] = (
                self._debt_plain(
                    company.with_context(lang="en_US")._debt_default_letter_body(tone)
                ),
                company.with_context(lang=lang)._debt_default_letter_body(tone),
            )
        default_source, default_translated = cache[key]
        if is_html_empty(body) or self._debt_plain(body) == default_source:
            return default_translated
        return body

    @api.model
    def _debt_plain(self, html):
        return " ".join(html2plaintext(html or "").split())

    @api.model
    def _debt_company_data(self, company, partners, today):
        """Everything the letters of ``company`` need, read in one go."""
        partners = partners.with_company(company)
        AML = self.env["account.move.line"].with_company(company)
        followups = (
            self.env["debt.recovery.followup"]
            .with_company(company)
            ._for_partners(partners, company)
        )
        policies = followups._policies()
        return {
            "lines": AML._debt_lines_by_partner(
                AML._debt_eligible_overdue_domain(company, today)
                & Domain("partner_id.commercial_partner_id", "in", partners.ids)
            ),
            "net": AML._debt_figures(company, partners, today),
            "contacts": self._debt_invoice_contacts(partners),
            "banks": company._debt_bank_accounts(),
            "collectors": {f.partner_id: f._collector() for f in followups},
            "policies": {f.partner_id: policy for f, policy in policies.items()},
        }

    @api.model
    def _debt_invoice_contacts(self, partners):
        """The invoice address of each customer, when it has one (one search)."""
        contacts = self.env["res.partner"].search(
            [("parent_id", "in", partners.ids), ("type", "=", "invoice")], order="id"
        )
        result = {}
        for contact in contacts:
            result.setdefault(contact.parent_id, contact)
        return result

    @api.model
    def _debt_reference(self, doc):
        """Our reference: the interaction the letter records, if any."""
        if doc._name == "debt.recovery.interaction":
            return "DR-%05d" % doc.id
        return False

    # ------------------------------------------------------------------
    # Letters to print
    # ------------------------------------------------------------------
    @api.model
    def _debt_print_letters(self, interactions):
        """Print the selected letters as one PDF.

        The letters not printed yet are rendered in one wkhtmltopdf call and
        stored, each attached to its interaction; all are marked printed.
        The returned report action downloads them from the stored files (see
        ``ir.actions.report.retrieve_attachment``), so a reprint gives the
        very letter that was sent.
        """
        letters = interactions.filtered("letter_state")
        if not letters:
            raise UserError(
                self.env._("None of the selected interactions has a letter to print.")
            )
        report = self.env.ref(LETTER_REPORT)
        missing = letters.filtered(lambda letter: not letter.letter_attachment_id)
        if missing:
            # Stores one attachment per letter (the report's "attachment" name).
            self.env["ir.actions.report"]._render_qweb_pdf(report, missing.ids)
            self._debt_link_letters(missing, report)
        letters._debt_system_write({"letter_state": "printed"})
        return report.report_action(letters, config=False)

    @api.model
    def _debt_link_letters(self, interactions, report):
        """Link the letters just stored to their interactions (one search)."""
        names = {
            interaction.id: safe_eval(
                report.attachment, {"object": interaction, "time": time}
            )
            for interaction in interactions
        }
        attachments = self.env["ir.attachment"].search(
            [
                ("res_model", "=", interactions._name),
                ("res_id", "in", interactions.ids),
                ("name", "in", list(set(names.values()))),
            ],
            order="id desc",
        )
        latest = {}
        for attachment in attachments:
            if attachment.name == names[attachment.res_id]:
                latest.setdefault(attachment.res_id, attachment)
        for interaction in interactions:
            if interaction.id in latest:
                interaction._debt_system_write(
                    {"letter_attachment_id": latest[interaction.id].id}
                )


class ReportDebtRecoveryLevelLetter(models.AbstractModel):
    """The letter of a follow-up at a level: the one its email carries, or a
    letter printed from the customer. The level comes from the report data
    (``level_id``), else it is the follow-up's current level."""

    _name = "report.account_debt_recovery.report_debt_recovery_level_letter"
    _inherit = "report.account_debt_recovery.report_debt_recovery_letter"
    _description = "Debt Recovery Letter of a Customer"

    @api.model
    def _get_report_values(self, docids, data=None):
        followups = self.env["debt.recovery.followup"].browse(docids)
        level = self.env["debt.recovery.level"].browse((data or {}).get("level_id"))
        requests = [
            (
                followup,
                followup.partner_id,
                followup.company_id,
                level or followup.level_id,
            )
            for followup in followups
        ]
        return {
            "doc_ids": docids,
            "doc_model": "debt.recovery.followup",
            "docs": followups,
            "letters": self._debt_letters(requests),
        }

    @api.model
    def _debt_render_attachments(self, followups, level):
        """The letter of each follow-up at ``level`` as a PDF attachment,
        rendered in one report call for the whole batch:
        ``{followup: attachment}``."""
        report = self.env.ref(LEVEL_LETTER_REPORT)
        Report = self.env["ir.actions.report"].with_company(self.env.company)
        data = {"level_id": level.id}
        rendered, report_format = Report._pre_render_qweb_pdf(
            report, followups.ids, data=data
        )
        if report_format == "pdf":
            contents = {
                res_id: stream["stream"].getvalue()
                for res_id, stream in rendered.items()
                if res_id and stream["stream"]
            }
            for followup in followups.filtered(lambda f: f.id not in contents):
                # the PDF could not be split per customer: render this one alone
                alone = Report._pre_render_qweb_pdf(report, followup.ids, data=data)[0]
                contents[followup.id] = alone[followup.id]["stream"].getvalue()
        else:  # tests without PDF rendering: HTML, as core does for mail templates
            contents = dict.fromkeys(followups.ids, rendered)
        # the letters are the system's documents, whoever sends them
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                [
                    {
                        "name": self._debt_letter_filename(level, followup.partner_id),
                        "raw": contents[followup.id],
                        "mimetype": "application/pdf",
                        "res_model": followup._name,
                        "res_id": followup.id,
                    }
                    for followup in followups
                ]
            )
        )
        return dict(zip(followups, attachments, strict=True))

    @api.model
    def _debt_letter_filename(self, level, partner):
        name = f"{level.with_context(lang=partner.lang).name} - {partner.name}.pdf"
        return name.replace("/", "-")
