from odoo import Command, api, models


class ResCompany(models.Model):
    _inherit = "res.company"

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._debt_recovery_create_default_policy()
        self.env["debt.recovery.dispute.reason"]._create_defaults(companies)
        return companies

    @api.model
    def _debt_recovery_install_default_policies(self):
        """At install: the default ladder for every existing company."""
        companies = self.with_context(active_test=False).search([("id", "!=", 0)])
        return companies._debt_recovery_create_default_policy()

    def _debt_recovery_create_default_policy(self):
        """Give each company without one the default four-level ladder:
        courteous email at 7 days, firm email and call at 21, formal letter at
        45, final notice proposing an agency hand-over at 75."""
        Policy = self.env["debt.recovery.policy"].sudo().with_context(active_test=False)
        with_policy = self.browse()
        for (company,) in Policy._read_group(
            [("company_id", "in", self.ids)], groupby=["company_id"]
        ):
            with_policy |= company
        call = self.env.ref("mail.mail_activity_data_call", raise_if_not_found=False)
        # one email for every level: the level's words around a shared body
        reminder = self.env.ref("account_debt_recovery.mail_template_debt_recovery")
        templates = dict.fromkeys(("courteous", "firm", "formal", "final"), reminder)
        vals_list = []
        for company in self - with_policy:
            vals_list.append(
                {
                    "name": self.env._("Standard"),
                    "company_id": company.id,
                    "is_default": True,
                    "level_ids": [
                        Command.create(vals)
                        for vals in self._debt_recovery_default_levels(templates, call)
                    ],
                }
            )
        policies = Policy.create(vals_list)
        self._debt_recovery_translate_default_levels(
            policies.level_ids, templates, call
        )
        return policies

    def _debt_recovery_default_levels(self, templates, call):
        _ = self.env._
        return [
            {
                "sequence": 10,
                "name": _("Courteous reminder"),
                "tone": "courteous",
                "days_overdue": 7,
                "send_email": True,
                "mail_template_id": templates["courteous"].id,
            },
            {
                "sequence": 20,
                "name": _("Firm reminder"),
                "tone": "firm",
                "days_overdue": 21,
                "send_email": True,
                "mail_template_id": templates["firm"].id,
                "schedule_activity": bool(call),
                "activity_type_id": call.id if call else False,
                "activity_summary": _("Call the customer about the overdue balance"),
                "activity_delay_days": 2,
            },
            {
                "sequence": 30,
                "name": _("Formal letter"),
                "tone": "formal",
                "days_overdue": 45,
                "produce_letter": True,
            },
            {
                "sequence": 40,
                "name": _("Final notice"),
                "tone": "final",
                "days_overdue": 75,
                "send_email": True,
                "mail_template_id": templates["final"].id,
                "produce_letter": True,
                "attach_letter": True,
                "escalation": "agency",
            },
        ]

    def _debt_recovery_translate_default_levels(self, levels, templates, call):
        """Give the default levels their texts in every installed language:
        they are created in the current user's language only."""
        source_lang = self.env.lang or "en_US"
        texts = {}
        for lang, _name in self.env["res.lang"].get_installed():
            levels_in_lang = self.with_context(lang=lang)._debt_recovery_default_levels(
                templates, call
            )
            texts[lang] = {vals["sequence"]: vals for vals in levels_in_lang}
        source = texts.pop(source_lang, None)
        if not source or not texts:
            return
        for level in levels:
            src = source.get(level.sequence)
            if not src:
                continue
            for fname in ("name", "activity_summary"):
                if src.get(fname):
                    translated = {
                        lang: vals[level.sequence][fname]
                        for lang, vals in texts.items()
                    }
                    level.update_field_translations(fname, translated)

    def _debt_bank_accounts(self):
        """Where customers pay: the bank accounts of the company's bank journals."""
        self.ensure_one()
        journals = (
            self.env["account.journal"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.id),
                    ("type", "=", "bank"),
                    ("bank_account_id", "!=", False),
                ],
                order="sequence, id",
            )
        )
        return journals.bank_account_id
