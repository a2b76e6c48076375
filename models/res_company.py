from odoo import Command, api, models


class ResCompany(models.Model):
    _inherit = "res.company"

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._debt_recovery_create_default_policy()
        return companies

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
            tone: self.env.ref(f"account_debt_recovery.mail_template_debt_recovery_{tone}")
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
                        Command.create(vals) for vals in self._debt_recovery_default_levels(templates, call)
                    ],
                }
            )
        return Policy.create(vals_list)

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
                "escalation": "agency",
            },
        ]
