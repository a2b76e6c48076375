from odoo import api, fields, models


class DebtRecoveryDisputeReason(models.Model):
    """Why a customer disputes invoices, from the list the company offers on
    the customer's page."""

    _name = "debt.recovery.dispute.reason"
    _description = "Debt Recovery Dispute Reason"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )

    @api.model
    def _for_company(self, company):
        """The reasons ``company`` offers, in their order."""
        return self.sudo().search([("company_id", "=", company.id)])

    @api.model
    def _install_defaults(self):
        """At install: the default reasons for every existing company."""
        companies = (
            self.env["res.company"]
            .with_context(active_test=False)
            .search([("id", "!=", 0)])
        )
        return self._create_defaults(companies)

    @api.model
    def _default_names(self):
        """The default reasons, in the current language."""
        _ = self.env._
        return [
            _("Not received"),
            _("Damaged"),
            _("Wrong price"),
            _("Already paid"),
            _("Other"),
        ]

    @api.model
    def _create_defaults(self, companies):
        """Give each of ``companies`` without reasons the default list, in
        every installed language."""
        Reason = self.sudo().with_context(active_test=False)
        with_reasons = {
            company
            for (company,) in Reason._read_group(
                [("company_id", "in", companies.ids)], groupby=["company_id"]
            )
        }
        names = self._default_names()
        reasons = Reason.create(
            [
                {"name": name, "sequence": 10 * index, "company_id": company.id}
                for company in companies
                if company not in with_reasons
                for index, name in enumerate(names, start=1)
            ]
        )
        translations = {
            lang: self.with_context(lang=lang)._default_names()
            for lang, _label in self.env["res.lang"].get_installed()
            if lang != (self.env.lang or "en_US")
        }
        for reason in reasons if translations else ():
            index = reason.sequence // 10 - 1
            reason.update_field_translations(
                "name", {lang: texts[index] for lang, texts in translations.items()}
            )
        return reasons
