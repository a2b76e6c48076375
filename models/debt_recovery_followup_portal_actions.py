import math

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import plaintext2html
from odoo.tools.misc import format_amount, format_date

from .debt_recovery_roles import MANAGER_GROUP

# What a customer may attach to a dispute.
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
CONFIRMATION_TEMPLATE = (
    "account_debt_recovery.mail_template_debt_recovery_portal_confirmation"
)


class DebtRecoveryFollowup(models.Model):
    """What the customer does on their own page: pay, promise a date,
    propose a payment plan (in its own file), dispute invoices. Each action
    has the effect it has when a collector records it (the same interaction
    outcomes, the same plan methods), is logged as an inbound portal
    interaction and confirmed by email. The caller (the page's controller)
    runs them as superuser; the token is the role check: a method acts only
    for the holder of a valid link, for this customer and company, and
    nothing else."""

    _inherit = "debt.recovery.followup"

    # ------------------------------------------------------------------
    # What the page shows
    # ------------------------------------------------------------------
    def _portal_open_items(self):
        """The customer's open receivable items in this company that are
        still to pay (overdue or not, disputed or planned), oldest first."""
        self.ensure_one()
        AML = self.env["account.move.line"].with_company(self.company_id)
        return AML.search(
            AML._debt_open_receivable_domain(self.company_id)
            & Domain("amount_residual", ">", 0)
            & Domain("partner_id.commercial_partner_id", "=", self.partner_id.id),
            order="date_maturity, id",
        )

    def _portal_open_invoices(self, items=None):
        """The customer's invoices the page offers to pay or dispute
        (``items``: the open items, when already read)."""
        items = self._portal_open_items() if items is None else items
        return items.move_id.filtered(
            lambda move: move.move_type == "out_invoice" and move.state == "posted"
        )

    # ------------------------------------------------------------------
    # I will pay on...
    # ------------------------------------------------------------------
    def _portal_promise(self, token, promise_date, amount=None):
        """The customer promises to pay (everything overdue, or ``amount``)
        on ``promise_date``: a promise to pay, as a collector logs it."""
        self._portal_check_token(token)
        self._portal_check_may_promise()
        limits = self._portal_limits()
        promise_date = self._portal_date(
            promise_date, self.env._("Choose the day you will pay on.")
        )
        if not limits["today"] <= promise_date <= limits["horizon"]:
            raise UserError(
                self.env._(
                    "Choose a day between today and %(date)s.",
                    date=format_date(self.env, limits["horizon"]),
                )
            )
        amount = self._portal_amount(amount)
        self._refresh_figures()
        if self.currency_id.is_zero(self.chased_amount):
            raise UserError(self.env._("Nothing overdue is left to promise."))
        if self.currency_id.compare_amounts(amount, self.chased_amount) > 0:
            raise UserError(
                self.env._(
                    "The amount is more than what is due (%(amount)s).",
                    amount=format_amount(
                        self.env, self.chased_amount, self.currency_id
                    ),
                )
            )
        staff = self._portal_staff()
        interaction = self._portal_log(
            {
                "outcome": "promise",
                "promise_date": promise_date,
                "promise_amount": amount,
                "summary": staff.env._(
                    "Promise to pay %(amount)s on %(date)s (customer's page)",
                    amount=format_amount(staff.env, amount, self.currency_id)
                    if amount
                    else staff.env._("the overdue balance"),
                    date=format_date(staff.env, promise_date),
                ),
            }
        )
        self._portal_confirm(interaction)
        return interaction

    # ------------------------------------------------------------------
    # Something is wrong
    # ------------------------------------------------------------------
    def _portal_dispute(self, token, invoices, reason, comment="", attachment=None):
        """The customer disputes ``invoices`` for ``reason`` (one of the
        company's), with a comment and an optional ``attachment``
        (``{"name", "raw"}``): a dispute as a collector logs it; the
        invoices leave the ladder and the collector gets an activity."""
        self._portal_check_token(token)
        if not invoices:
            raise UserError(self.env._("Choose the invoices concerned."))
        strangers = invoices - self._portal_open_invoices()
        if strangers:
            raise UserError(self.env._("Choose among your open invoices."))
        disputed = invoices.filtered("debt_disputed")
        if disputed:
            raise UserError(
                self.env._(
                    "We are already looking into %(invoices)s.",
                    invoices=", ".join(disputed.mapped("name")),
                )
            )
        reasons = self.env["debt.recovery.dispute.reason"]._for_company(self.company_id)
        if not reason or reason not in reasons:
            raise UserError(self.env._("Choose what is wrong."))
        comment = (comment or "").strip()
        if attachment and len(attachment["raw"]) > MAX_ATTACHMENT_BYTES:
            raise UserError(
                self.env._(
                    "The file is too large: %(size)s MB at most.",
                    size=MAX_ATTACHMENT_BYTES // (1024 * 1024),
                )
            )
        staff = self._portal_staff()
        reason_name = reason.with_env(staff.env).name
        interaction = self._portal_log(
            {
                "outcome": "dispute",
                "invoice_ids": [Command.set(invoices.ids)],
                "dispute_reason_id": reason.id,
                "dispute_reason": f"{reason_name}: {comment}"
                if comment
                else reason_name,
                "notes": plaintext2html(comment) if comment else False,
                "summary": staff.env._(
                    "Dispute raised on %(invoices)s: %(reason)s (customer's page)",
                    invoices=", ".join(invoices.mapped("name")),
                    reason=reason_name,
                ),
            }
        )
        if attachment:
            # logged with the dispute: in its chatter, as the customer's
            interaction.message_post(
                body=Markup("<p>%s</p>")
                % staff.env._("Sent by the customer with the dispute."),
                attachments=[(attachment["name"] or "attachment", attachment["raw"])],
                author_id=self.partner_id.id,
                subtype_xmlid="mail.mt_note",
            )
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=fields.Date.context_today(self),
            summary=staff.env._("Customer disputes invoices"),
            # the customer's words, escaped: the note is HTML
            note=Markup("<p>%s</p>")
            % staff.env._(
                "%(invoices)s: %(reason)s",
                invoices=", ".join(invoices.mapped("name")),
                reason=interaction.dispute_reason,
            ),
            user_id=self._portal_responsible().id,
        )
        self._portal_confirm(interaction)
        return interaction

    # ------------------------------------------------------------------
    # Pay now
    # ------------------------------------------------------------------
    def _portal_payable_invoices(self, items=None):
        """The invoices the customer can pay online now."""
        return self._portal_open_invoices(items).filtered(
            lambda move: move._has_to_be_paid()
        )

    def _portal_payment_selection(self, token, invoices):
        """``invoices`` the customer chose to pay, checked: theirs, payable
        online, in one currency; returns ``(invoices, currency, amount)``."""
        self._portal_check_token(token)
        if not invoices:
            raise UserError(self.env._("Choose the invoices to pay."))
        if invoices - self._portal_payable_invoices():
            raise UserError(
                self.env._("Some of the invoices you chose cannot be paid online.")
            )
        currency = invoices.currency_id
        if len(currency) > 1:
            raise UserError(self.env._("Pay the invoices of each currency separately."))
        return (
            invoices,
            currency,
            currency.round(sum(invoices.mapped("amount_residual"))),
        )

    def _portal_payments_done(self, transactions):
        """Online payments the customer made from the page went through (Odoo
        reconciled them with the invoices): logged and confirmed."""
        staff = self._portal_staff()
        thanks = self._portal_thanks_just_sent()
        transactions.sudo().write({"debt_recorded": True})
        for tx in transactions:
            interaction = self._portal_log(
                {
                    "outcome": "paid",
                    "invoice_ids": [Command.set(tx.invoice_ids.ids)],
                    "summary": staff.env._(
                        "Paid %(amount)s online, %(reference)s (customer's page)",
                        amount=format_amount(staff.env, tx.amount, tx.currency_id),
                        reference=tx.reference,
                    ),
                    "mail_message_id": thanks.mail_message_id.id,
                }
            )
            # One email per payment: the thank-you the payment triggered
            # (rule 9) is its confirmation; no second "payment received".
            if not thanks:
                self._portal_confirm(interaction)

    def _portal_thanks_just_sent(self):
        """The thank-you this follow-up was sent in the current transaction
        (the payment being confirmed settled it or kept its promise)."""
        self.ensure_one()
        return (
            self.env["debt.recovery.interaction"]
            .sudo()
            .search(
                [
                    ("followup_id", "=", self.id),
                    ("event", "=", "thanks"),
                    ("create_date", "=", self.env.cr.now()),
                ],
                limit=1,
            )
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _portal_log(self, values):
        """An inbound interaction of the customer's page: a manual entry with
        the outcome's effect, as a collector records it, by nobody in the
        company."""
        self.ensure_one()
        return (
            self.env["debt.recovery.interaction"]
            .sudo()
            .with_company(self.company_id)
            .create(
                {
                    "followup_id": self.id,
                    "channel": "portal",
                    "direction": "inbound",
                    "user_id": False,
                    **values,
                }
            )
        )

    def _portal_confirm(self, interaction, template=None, record=None):
        """Email the customer what was recorded (``template`` rendered for
        ``record``: by default the confirmation of ``interaction``); the
        email is linked to the interaction. A customer without an address
        is confirmed on the page only."""
        template = template or self.env.ref(CONFIRMATION_TEMPLATE)
        record = record or interaction
        recipient = self._debt_recipients().filtered("email")[:1]
        if not recipient:
            return
        # threaded on the follow-up, as the reminders: the customer's reply
        # to a confirmation reaches the collector and holds the ladder too
        thread = {
            "model": self._name,
            "res_id": self.id,
            "reply_to": self._notify_get_reply_to_batch(
                defaults={self.id: self.company_id.partner_id.email_formatted}
            ).get(self.id),
        }
        if template.report_template_ids:
            # a document goes with it (the plan agreement): the template's own
            # attachments, as when it is sent from the plan
            mail = (
                self.env["mail.mail"]
                .sudo()
                .browse(template.send_mail(record.id, email_values=thread))
            )
        else:
            notices = self.env["debt.recovery.dispatch"]._send_notices(
                {
                    record: {
                        "template": template,
                        "record": record,
                        "partner": recipient,
                        "email_values": thread,
                    }
                }
            )
            mail = notices[record].get("mail")
        if mail:
            interaction.sudo().write({"mail_message_id": mail.mail_message_id.id})

    def _portal_staff(self):
        """``self`` in the company's language: what the company reads (the
        log, the activities) is written in it, whatever the customer's."""
        lang = self.company_id.partner_id.lang or self.env.lang or "en_US"
        return self.with_context(lang=lang)

    def _portal_responsible(self):
        """Who follows up what the customer did: the collector, else a debt
        recovery manager of the company."""
        self.ensure_one()
        collector = self._collector()
        if collector:
            return collector
        manager_group = self.env.ref(MANAGER_GROUP)
        return (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("all_group_ids", "in", manager_group.ids),
                    ("company_ids", "in", self.company_id.ids),
                    ("share", "=", False),
                    ("id", "!=", self.env.ref("base.user_root").id),
                ],
                order="id",
                limit=1,
            )
        )

    @api.model
    def _portal_date(self, value, message):
        try:
            result = fields.Date.to_date(value or None)
        except (TypeError, ValueError):
            result = None
        if not result:
            raise UserError(message)
        return result

    def _portal_amount(self, value):
        """The amount the customer wrote, in the follow-up's currency (0.0:
        none written, the whole balance)."""
        if value in (None, "", False):
            return 0.0
        try:
            amount = float(str(value).replace(",", "."))
        except ValueError:
            amount = math.nan
        # beyond any balance, a number that rounding cannot handle
        if not math.isfinite(amount) or abs(amount) >= 1e15:
            raise UserError(self.env._("Write the amount as a number."))
        if amount < 0:
            raise ValidationError(self.env._("The amount cannot be negative."))
        amount = self.currency_id.round(amount)
        if self.currency_id.is_zero(amount):
            raise ValidationError(
                self.env._("Write an amount, or leave it empty to pay everything.")
            )
        return amount
