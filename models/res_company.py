from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models

from .debt_recovery_level import TONE_REPLY_DAYS


class ResCompany(models.Model):
    _inherit = "res.company"

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._debt_recovery_create_default_policy()
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
        templates = {
            tone: self.env.ref(
                f"account_debt_recovery.mail_template_debt_recovery_{tone}"
            )
            for tone in ("courteous", "firm", "formal", "final")
        }
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
                "letter_body": self._debt_default_letter_body("courteous"),
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
                "letter_body": self._debt_default_letter_body("firm"),
            },
            {
                "sequence": 30,
                "name": _("Formal letter"),
                "tone": "formal",
                "days_overdue": 45,
                "produce_letter": True,
                "letter_body": self._debt_default_letter_body("formal"),
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
                "letter_body": self._debt_default_letter_body("final"),
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
            # letter_body is translated paragraph by paragraph (html_translate)
            paragraphs = {
                lang: self.with_context(lang=lang)._debt_default_letter_paragraphs(
                    src["tone"]
                )
                for lang in [source_lang, *texts]
            }
            terms = paragraphs[source_lang]
            level.update_field_translations(
                "letter_body",
                {
                    lang: dict(zip(terms, paragraphs[lang], strict=True))
                    for lang in texts
                },
            )

    def _debt_default_letter_body(self, tone):
        """The default body of a letter of ``tone``: what a manager edits in
        the level form. The letter adds the invoices, the total, how to pay,
        the deadline and the collector's contact around it."""
        paragraphs = self._debt_default_letter_paragraphs(tone)
        return Markup("").join(Markup("<p>%s</p>") % text for text in paragraphs)

    def _debt_default_letter_paragraphs(self, tone):
        _ = self.env._
        paragraphs = {
            "courteous": [
                _(
                    "We hope all is well with you. Our records show that the invoices "
                    "listed below have passed their due date. It may simply have "
                    "crossed in the post: if you have already paid, please accept our "
                    "thanks and disregard this letter."
                ),
                _(
                    "If not, we would be grateful if you could arrange payment at your "
                    "earliest convenience. Thank you for your business; we value "
                    "working with you."
                ),
            ],
            "firm": [
                _(
                    "We recently reminded you about the invoices listed below and have "
                    "not yet received payment or heard from you. We ask you to settle "
                    "the overdue balance within seven days."
                ),
                _(
                    "If something is making payment difficult, please get in touch: "
                    "we are happy to talk it through and, if it helps, to arrange a "
                    "payment plan."
                ),
            ],
            "formal": [
                _(
                    "Despite our previous reminders, the invoices listed below remain "
                    "unpaid. This letter is a formal statement of the amounts overdue "
                    "on your account."
                ),
                _(
                    "We ask you to pay the full balance within ten days. If we receive "
                    "neither payment nor a reply by then, we will have to suspend "
                    "credit on your account and consider further recovery action, "
                    "which may add costs. We would much prefer to agree a solution "
                    "with you, including a payment plan."
                ),
            ],
            "final": [
                _(
                    "Despite our reminders, the invoices listed below remain unpaid. "
                    "This is our final notice."
                ),
                _(
                    "Unless the balance is paid, or a payment plan agreed with us, by "
                    "the date given below, the matter will be passed to a collection "
                    "agency without further notice. This is the last opportunity to "
                    "settle the account directly with us: if you cannot pay in full, "
                    "contact us now and we will agree a payment plan."
                ),
            ],
        }
        return paragraphs[tone]

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

    def _debt_reply_date(self, tone):
        """The date by which a letter or email of ``tone`` asks the customer to
        pay (or, for a final notice, after which the matter goes to a collection
        agency); False for courteous reminders."""
        days = TONE_REPLY_DAYS.get(tone)
        return days and fields.Date.context_today(self) + timedelta(days=days)
