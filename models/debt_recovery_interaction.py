from datetime import timedelta

from odoo import api, fields, models

from .debt_recovery_level import ESCALATIONS

CHANNELS = [
    ("email", "Email"),
    ("phone", "Phone"),
    ("letter", "Letter"),
    ("meeting", "Meeting"),
    ("sms", "SMS"),
    ("portal", "Portal"),
    ("note", "Note"),
]
DIRECTIONS = [
    ("outbound", "Outbound"),
    ("inbound", "Inbound"),
    ("internal", "Internal"),
]
OUTCOMES = [
    ("no_answer", "No Answer"),
    ("left_message", "Left Message"),
    ("promise", "Promise to Pay"),
    ("dispute", "Dispute Raised"),
    ("plan", "Payment Plan Agreed"),
    ("paid", "Paid"),
    ("wrong_contact", "Wrong Contact"),
    ("other", "Other"),
]
EVENTS = [
    ("level", "Level Reached"),
    ("review", "Level Awaiting Review"),
    ("failure", "Action Failed"),
    ("escalation_proposed", "Escalation Proposed"),
    ("escalation_approved", "Escalation Approved"),
    ("escalation_rejected", "Escalation Rejected"),
    ("settled", "Settled"),
    ("promise_kept", "Promise Kept"),
    ("promise_broken", "Promise Broken"),
    ("dispute_opened", "Dispute Opened"),
    ("dispute_resolved", "Dispute Resolved"),
    ("paused", "Paused"),
    ("manual", "Manual Contact"),
]


class DebtRecoveryInteraction(models.Model):
    _name = "debt.recovery.interaction"
    _description = "Debt Recovery Interaction"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_name = "summary"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="restrict",
        domain="[('is_company', '=', True)]",
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Datetime(
        required=True, default=fields.Datetime.now, index=True, tracking=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="User",
        default=lambda self: self.env.user,
        tracking=True,
    )
    channel = fields.Selection(CHANNELS, required=True, default="phone", tracking=True)
    direction = fields.Selection(
        DIRECTIONS, required=True, default="outbound", tracking=True
    )
    automated = fields.Boolean(readonly=True, copy=False)
    event = fields.Selection(EVENTS, default="manual", readonly=True, copy=False)
    level_id = fields.Many2one("debt.recovery.level", index="btree_not_null")
    escalation = fields.Selection(ESCALATIONS)
    invoice_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), "
        "('move_type', 'in', ('out_invoice', 'out_refund', 'out_receipt'))]",
    )
    amount_due = fields.Monetary(
        string="Amount Due",
        currency_field="currency_id",
        help="Overdue amount at the time of the interaction, in company currency.",
    )
    outcome = fields.Selection(OUTCOMES, tracking=True)
    promise_date = fields.Date(tracking=True)
    promise_amount = fields.Monetary(currency_field="currency_id", tracking=True)
    promise_state = fields.Selection(
        [("open", "Open"), ("kept", "Kept"), ("broken", "Broken")],
        copy=False,
        index="btree_not_null",
    )
    summary = fields.Char(required=True, tracking=True)
    notes = fields.Html()
    mail_message_id = fields.Many2one(
        "mail.message", string="Email", readonly=True, ondelete="set null"
    )
    letter_attachment_id = fields.Many2one(
        "ir.attachment", string="Letter", readonly=True, ondelete="set null"
    )
    letter_state = fields.Selection(
        [("to_print", "To Print"), ("printed", "Printed")],
        copy=False,
        index="btree_not_null",
    )

    @api.model
    def _outbound_stats(self, partners, company, today):
        """Last outbound contact date and number of outbound contacts in the
        7 days ending ``today``, per commercial partner (one query each)."""
        domain = [
            ("partner_id", "in", partners.ids),
            ("company_id", "=", company.id),
            ("direction", "=", "outbound"),
        ]
        last = dict(
            self._read_group(domain, groupby=["partner_id"], aggregates=["date:max"])
        )
        week_start = fields.Datetime.to_datetime(today) - timedelta(days=6)
        week = dict(
            self._read_group(
                [*domain, ("date", ">=", week_start)],
                groupby=["partner_id"],
                aggregates=["__count"],
            )
        )
        return {
            partner: (last[partner].date() if partner in last else None, week.get(partner, 0))
            for partner in partners
        }

