from odoo import api, fields, models


class DebtRecoveryInteraction(models.Model):
    """Where a contact's email or letter stands: who it went to, its place in
    the outgoing queue, the letter to print, and whether it reached the
    customer (a failed or bounced email is no contact)."""

    _inherit = "debt.recovery.interaction"

    recipient_ids = fields.Many2many(
        "res.partner",
        relation="debt_recovery_interaction_recipient_rel",
        column1="interaction_id",
        column2="partner_id",
        string="Sent To",
        readonly=True,
        copy=False,
        help="Who the email was sent to.",
    )
    mail_message_id = fields.Many2one(
        "mail.message", string="Email", readonly=True, ondelete="set null"
    )
    mail_state = fields.Selection(
        [
            ("outgoing", "Queued"),
            ("sent", "Sent"),
            ("exception", "Delivery Failed"),
            ("cancel", "Cancelled"),
        ],
        string="Email Status",
        compute="_compute_mail_state",
        help="Where the email of this interaction stands in the outgoing queue.",
    )
    mail_failure_reason = fields.Text(
        string="Email Failure", compute="_compute_mail_state"
    )
    letter_attachment_id = fields.Many2one(
        "ir.attachment", string="Letter", readonly=True, ondelete="set null"
    )
    letter_state = fields.Selection(
        [("to_print", "To Print"), ("printed", "Printed"), ("withdrawn", "Withdrawn")],
        copy=False,
        index="btree_not_null",
    )
    delivery_failed = fields.Boolean(
        readonly=True,
        copy=False,
        help="The contact did not reach the customer (no valid address, or the "
        "email failed or bounced): it is not a contact.",
    )

    @api.depends("mail_message_id")
    def _compute_mail_state(self):
        """The state of the queued email; a sent email leaves the queue (it is
        deleted once delivered), so a linked message without one was sent."""
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search([("mail_message_id", "in", self.mail_message_id.ids)])
        )
        by_message = {mail.mail_message_id: mail for mail in mails}
        for interaction in self:
            mail = by_message.get(interaction.mail_message_id)
            if mail:
                state = "sent" if mail.state == "received" else mail.state
            else:
                state = "sent" if interaction.mail_message_id else False
            interaction.mail_state = state
            interaction.mail_failure_reason = mail.failure_reason if mail else False

    @api.model
    def _debt_delivery_failed(self, reasons):
        """The emails of ``reasons`` (``{mail.message: reason}``) failed or
        bounced: their interactions are no contact any more, and their
        follow-ups show why and ask the collector to fix it."""
        interactions = self.search(
            [
                ("mail_message_id", "in", [message.id for message in reasons]),
                ("delivery_failed", "=", False),
            ]
        )
        if not interactions:
            return
        interactions._debt_system_write({"delivery_failed": True})
        today = fields.Date.context_today(self)
        failures = {}
        for interaction in interactions:
            reason = self.env._(
                "The email %(subject)s could not be delivered: %(reason)s",
                subject=interaction.summary,
                reason=reasons[interaction.mail_message_id]
                or self.env._("no reason given"),
            )
            failures[interaction.followup_id] = reason
            interaction.followup_id._write_changes(
                {"last_failure": reason, "last_failure_date": today}
            )
        self._log(
            [
                followup._event_values("failure", reason)
                for followup, reason in failures.items()
            ]
        )
        self.env["debt.recovery.followup"]._tell_collectors(failures, today)
