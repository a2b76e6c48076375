from odoo import api, fields, models
from odoo.tools import email_normalize

THANKS_TEMPLATE = "account_debt_recovery.mail_template_debt_recovery_thanks"


class DebtRecoveryFollowup(models.Model):
    """A payment that settles everything overdue, or keeps a promise to pay,
    gets the customer a short thank-you email when the policy says so (on by
    default), logged as an outbound email. A cancelled invoice or a credit
    note settles too, and is thanked for nothing."""

    _inherit = "debt.recovery.followup"

    @api.model
    def _thank(self, reasons):
        """``reasons``: ``{followup: "settled" or "promise"}``. One email per
        follow-up whose policy thanks and that has a valid address. A failure
        is logged on the follow-up and never undoes what the customer did."""
        template = self.env.ref(THANKS_TEMPLATE, raise_if_not_found=False)
        if not reasons or not template:
            return
        followups = self.union(*reasons)
        policies = followups._policies()
        contacts = self._invoice_contacts(followups.partner_id)
        batch = {}
        for followup, reason in reasons.items():
            if not (policies[followup] and policies[followup].send_thanks):
                continue
            partner = followup.partner_id
            recipients = followup._debt_recipients(
                contacts.get(partner, partner)
            ).filtered(lambda r: email_normalize(r.email or ""))
            if recipients:
                batch[followup] = {"reason": reason, "recipients": recipients}
        dispatch = self.env["debt.recovery.dispatch"]
        dispatch._isolated(self._thank_batch, batch, template)
        self.env["debt.recovery.interaction"]._log(
            [followup._thanks_entry(data) for followup, data in batch.items()]
        )

    @api.model
    def _thank_batch(self, batch, template):
        dispatch = self.env["debt.recovery.dispatch"]
        followups = self.union(*batch)
        for company in followups.company_id:
            items = {f: d for f, d in batch.items() if f.company_id == company}
            mails = dispatch.with_company(company)._queue_template(
                template.with_company(company),
                [followup.id for followup in items],
                add_context={
                    "debt_thanks": {f.id: d["reason"] for f, d in items.items()}
                },
                recipients={f.id: d["recipients"] for f, d in items.items()},
            )
            for followup, data in items.items():
                data["mail"] = mails[followup.id]

    def _thanks_entry(self, data):
        if data.get("error"):
            return self._event_values(
                "failure",
                self.env._(
                    "The thank-you email could not be sent: %(error)s",
                    error=data["error"],
                ),
            )
        mail = data["mail"]
        return self._event_values(
            "thanks",
            mail.subject,
            channel="email",
            direction="outbound",
            mail_message_id=mail.mail_message_id.id,
            recipient_ids=[fields.Command.set(mail.recipient_ids.ids)],
        )
