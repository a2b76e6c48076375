from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command, Domain
from odoo.tools import html2plaintext, is_html_empty

from ..models.debt_recovery_interaction import CHANNELS, DIRECTIONS, OUTCOMES


class DebtRecoveryLogWizard(models.TransientModel):
    """Log a call, a meeting, a letter or a customer's email reply, with the
    effect its outcome names (promise, dispute, payment plan, wrong contact)."""

    _name = "debt.recovery.log.wizard"
    _description = "Log a Debt Recovery Interaction"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        check_company=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    channel = fields.Selection(CHANNELS, required=True, default="phone")
    direction = fields.Selection(DIRECTIONS, required=True, default="outbound")
    outcome = fields.Selection(OUTCOMES, required=True)
    invoice_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), ('state', '=', 'posted'), "
        "('move_type', 'in', ('out_invoice', 'out_receipt')), "
        "('payment_state', 'not in', ('paid', 'reversed'))]",
    )
    amount_due = fields.Monetary(
        compute="_compute_amount_due",
        store=True,
        readonly=False,
        currency_field="currency_id",
        help="Overdue amount of the customer now, in company currency.",
    )
    promise_date = fields.Date()
    promise_amount = fields.Monetary(
        currency_field="currency_id",
        help="Leave empty when the customer promised to pay everything overdue.",
    )
    dispute_reason = fields.Text()
    summary = fields.Char(help="Left empty, the channel and the outcome are used.")
    notes = fields.Html()
    mail_message_id = fields.Many2one(
        "mail.message",
        string="Customer Email",
        domain="[('id', 'in', available_message_ids)]",
        help="An email the customer sent to this customer's thread, to log as "
        "an inbound interaction.",
    )
    available_message_ids = fields.Many2many(
        "mail.message", compute="_compute_available_message_ids"
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        model, ids = context.get("active_model"), context.get("active_ids") or []
        if (
            values.get("partner_id")
            or model not in ("res.partner", "account.move")
            or not ids
        ):
            return values
        records = self.env[model].browse(ids)
        partners = records.commercial_partner_id
        if len(partners) != 1:
            raise UserError(self.env._("Log interactions one customer at a time."))
        values["partner_id"] = partners.id
        if model == "account.move" and "invoice_ids" in fields_list:
            values["invoice_ids"] = [Command.set(records.ids)]
        return values

    @api.model
    def _action_open(self, context):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log an Interaction"),
            "res_model": self._name,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": context,
        }

    @api.depends("partner_id", "company_id")
    def _compute_amount_due(self):
        AML = self.env["account.move.line"]
        for wizard in self:
            partner = wizard.partner_id.commercial_partner_id
            figures = AML._debt_figures(wizard.company_id, partner) if partner else {}
            wizard.amount_due = figures.get(partner, {}).get("chased_amount", 0.0)

    @api.depends("partner_id")
    def _compute_available_message_ids(self):
        """Emails received on the customer's thread and not logged yet."""
        Message = self.env["mail.message"]
        for wizard in self:
            partner = wizard.partner_id.commercial_partner_id
            if not partner:
                wizard.available_message_ids = Message
                continue
            followups = self.env["debt.recovery.followup"].search(
                [("partner_id", "=", partner.id)]
            )
            messages = Message.search(
                Domain("message_type", "=", "email")
                & (
                    Domain("model", "=", "res.partner")
                    & Domain("res_id", "in", (partner | partner.child_ids).ids)
                    | Domain("model", "=", followups._name)
                    & Domain("res_id", "in", followups.ids)
                ),
                limit=50,
            )
            # a reply the run recorded may still be logged with its outcome
            logged = self.env["debt.recovery.interaction"].search(
                [("mail_message_id", "in", messages.ids), ("event", "=", "manual")]
            )
            wizard.available_message_ids = messages - logged.mail_message_id

    @api.onchange("mail_message_id")
    def _onchange_mail_message_id(self):
        if self.mail_message_id:
            self.update(self._values_from_message(self.mail_message_id))

    @api.model
    def _values_from_message(self, message):
        return {
            "channel": "email",
            "direction": "inbound",
            "date": message.date,
            "summary": message.subject or html2plaintext(message.body or "")[:80],
            "notes": message.body,
        }

    def _prepare_interaction_vals(self):
        self.ensure_one()
        vals = {
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "date": self.date,
            "channel": self.channel,
            "direction": self.direction,
            "outcome": self.outcome,
            "invoice_ids": [Command.set(self.invoice_ids.ids)],
            "amount_due": self.amount_due,
            "summary": self.summary,
            "notes": self.notes,
        }
        if self.mail_message_id:
            message_vals = self._values_from_message(self.mail_message_id)
            vals.update(
                {key: message_vals[key] for key in ("channel", "direction", "date")},
                mail_message_id=self.mail_message_id.id,
            )
            vals["summary"] = vals["summary"] or message_vals["summary"]
            if is_html_empty(vals["notes"]):
                vals["notes"] = message_vals["notes"]
        if self.outcome == "promise":
            vals.update(
                promise_date=self.promise_date, promise_amount=self.promise_amount
            )
        elif self.outcome == "dispute":
            vals["dispute_reason"] = self.dispute_reason
        if not vals["summary"]:
            Interaction = self.env["debt.recovery.interaction"]
            vals["summary"] = self.env._(
                "%(channel)s: %(outcome)s",
                channel=Interaction._debt_label("channel", self.channel),
                outcome=Interaction._debt_label("outcome", self.outcome),
            )
        return vals

    def action_log(self):
        """Record the interaction; an agreed plan then opens the plan wizard."""
        self.ensure_one()
        # only an email of this customer's threads that the user may read
        if self.mail_message_id and self.mail_message_id not in (
            self.available_message_ids
        ):
            raise UserError(
                self.env._(
                    "That email is not one of %(partner)s's: choose one of the "
                    "customer's emails.",
                    partner=self.partner_id.display_name,
                )
            )
        interaction = self.env["debt.recovery.interaction"].create(
            self._prepare_interaction_vals()
        )
        if interaction.outcome == "plan":
            return interaction._action_open_plan_wizard()
        return {"type": "ir.actions.act_window_close"}
