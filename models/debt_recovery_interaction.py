from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from .debt_recovery_evidence_mixin import ORIGIN_FIELDS, SYSTEM_FIELDS
from .debt_recovery_interaction_kinds import (
    CHANNELS,
    CONTACT_CHANNELS,
    DIRECTIONS,
    EVENTS,
    OUTCOMES,
)
from .debt_recovery_level import ESCALATIONS, escalation_label
from .debt_recovery_roles import is_manager
from .debt_recovery_workflow import without_defaults


class DebtRecoveryInteraction(models.Model):
    """One contact with a customer, or one event of its follow-up.

    The log is the evidence file. *System entries* (recorded by the run or by
    an action through ``_log``: ``automated`` or an ``event`` other than
    "manual") are immutable: only notes can be added. *Manual entries* are
    logged by collectors and corrected or deleted by managers only; each
    correction is tracked in the chatter (``debt.recovery.evidence.mixin``).
    """

    _name = "debt.recovery.interaction"
    _description = "Debt Recovery Interaction"
    _inherit = ["mail.thread", "debt.recovery.evidence.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_name = "summary"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    followup_id = fields.Many2one(
        "debt.recovery.followup",
        string="Follow-up",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Datetime(
        required=True, default=fields.Datetime.now, index=True, tracking=True
    )
    user_id = fields.Many2one(
        "res.users",
        default=lambda self: self.env.user,
        tracking=True,
    )
    channel = fields.Selection(CHANNELS, required=True, default="phone", tracking=True)
    direction = fields.Selection(
        DIRECTIONS, required=True, default="outbound", tracking=True
    )
    automated = fields.Boolean(readonly=True, copy=False)
    event = fields.Selection(EVENTS, default="manual", readonly=True, copy=False)
    is_system_entry = fields.Boolean(
        string="Recorded by the System",
        compute="_compute_is_system_entry",
        help="Entries recorded by the debt recovery run or by an action cannot "
        "be changed; only notes can be added.",
    )
    can_correct = fields.Boolean(
        compute="_compute_can_correct",
        help="Manual entries can be corrected by debt recovery managers only.",
    )
    level_id = fields.Many2one(
        "debt.recovery.level",
        index="btree_not_null",
        check_company=True,
        tracking=True,
        help="Follow-up level of the customer at the time of the interaction.",
    )
    escalation = fields.Selection(ESCALATIONS)
    invoice_ids = fields.Many2many(
        "account.move",
        relation="debt_recovery_interaction_account_move_rel",
        column1="interaction_id",
        column2="move_id",
        string="Invoices",
        check_company=True,
        tracking=True,
        domain="[('commercial_partner_id', '=', partner_id), "
        "('move_type', 'in', ('out_invoice', 'out_refund', 'out_receipt'))]",
    )
    amount_due = fields.Monetary(
        currency_field="currency_id",
        tracking=True,
        help="Overdue amount at the time of the interaction, in company currency.",
    )
    outcome = fields.Selection(OUTCOMES, tracking=True)
    promise_date = fields.Date(tracking=True)
    promise_amount = fields.Monetary(
        currency_field="currency_id",
        tracking=True,
        help="Amount promised; empty means the whole overdue amount.",
    )
    promise_state = fields.Selection(
        [
            ("open", "Open"),
            ("kept", "Kept"),
            ("broken", "Broken"),
            ("replaced", "Replaced"),
        ],
        copy=False,
        readonly=True,
        index="btree_not_null",
        tracking=True,
    )
    dispute_reason = fields.Text(tracking=True)
    dispute_state = fields.Selection(
        [("open", "Open"), ("resolved", "Resolved")],
        copy=False,
        readonly=True,
        index="btree_not_null",
        tracking=True,
    )
    summary = fields.Char(required=True, tracking=True)
    notes = fields.Html()

    @api.depends("automated", "event")
    def _compute_is_system_entry(self):
        for interaction in self:
            interaction.is_system_entry = interaction._debt_is_system_vals(
                {"automated": interaction.automated, "event": interaction.event}
            )

    @api.depends("is_system_entry")
    @api.depends_context("uid")
    def _compute_can_correct(self):
        manager = is_manager(self.env)
        for interaction in self:
            new = not interaction._origin.id
            interaction.can_correct = new or (
                manager and not interaction.is_system_entry
            )

    # ------------------------------------------------------------------
    # Recording
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self = without_defaults(self, ORIGIN_FIELDS | SYSTEM_FIELDS)
        system = [self._debt_is_system_vals(vals) for vals in vals_list]
        if any(system) and not self.env.su:
            raise UserError(
                self.env._(
                    "Automated entries are recorded by the debt recovery run only."
                )
            )
        self._debt_set_followups(vals_list)
        manual = [vals for vals, is_system in zip(vals_list, system) if not is_system]
        self._debt_prepare_manual_vals(manual)
        if all(system):
            # Immutable evidence: no creation message, no follower, no tracking.
            interactions = super(
                DebtRecoveryInteraction, self.with_context(tracking_disable=True)
            ).create(vals_list)
            return interactions.with_env(self.env)
        interactions = super().create(vals_list)
        interactions.filtered(lambda i: not i.is_system_entry)._debt_apply_outcome()
        return interactions

    @api.model
    def _debt_set_followups(self, vals_list):
        """Each entry belongs to the follow-up of its customer and company
        (created when needed); the customer is the commercial partner."""
        Followup = self.env["debt.recovery.followup"]
        for vals in vals_list:
            if vals.get("followup_id"):
                followup = Followup.sudo().browse(vals["followup_id"])
            elif vals.get("partner_id"):
                partner = self.env["res.partner"].browse(vals["partner_id"])
                company = (
                    self.env["res.company"].browse(vals.get("company_id"))
                    or self.env.company
                )
                followup = Followup._for_partners(partner, company)
            else:
                continue
            vals.update(
                followup_id=followup.id,
                partner_id=followup.partner_id.id,
                company_id=followup.company_id.id,
            )

    def _check_company(self, fnames=None):
        # The log writer builds system entries from their follow-up (its
        # customer, company, levels and invoices): consistent by
        # construction. Manual entries are checked.
        manual = self.filtered(lambda interaction: not interaction.automated)
        return super(DebtRecoveryInteraction, manual)._check_company(fnames)

    @api.model
    def _log(self, entries, today=None):
        """The one writer of the log's system entries (``entries``: values
        with the ``followup_id`` they belong to). ``today``: the day of the
        run that records them; a run for a past day (the ladder's history
        replayed day by day) dates its entries on that day, so that the
        spacing and the weekly cap of its later days read them as contacts
        of that day."""
        if not entries:
            return self.browse()
        dated = {}
        if today and today < fields.Date.context_today(self):
            dated["date"] = datetime.combine(today, time(12))
        return (
            self.sudo()
            .create([{"automated": True, **dated, **entry} for entry in entries])
            .with_env(self.env)
        )

    @api.model
    def _level_entries(self, followup, data, automated):
        """The entries that record a level reached: the email or letter sent
        (or an internal note), and the escalation it proposes.

        Rule 8: the invoices concerned are linked to the entry, from which
        each invoice computes the highest level it reached."""
        level, mail, letter = data["level"], data.get("mail"), data.get("letter")
        # a queued email (the run), or a message posted from the composer
        message = mail.mail_message_id if mail else data.get("message")
        recipients = (
            mail.recipient_ids if mail else message.partner_ids if message else None
        )
        base = {
            "followup_id": followup.id,
            "automated": automated,
            "level_id": level.id,
            "invoice_ids": [fields.Command.set(data["lines"].move_id.ids)],
            "amount_due": data["amount"],
            "event": "level",
        }
        entry = dict(
            base,
            channel="note",
            direction="internal",
            summary=self.env._("%(level)s reached", level=level.name),
        )
        if message:
            entry.update(
                channel="email",
                direction="outbound",
                mail_message_id=message.id,
                recipient_ids=[fields.Command.set(recipients.ids)],
                summary=message.subject or level.name,
            )
        if letter:  # the letter the email carries; printing it reuses it
            entry["letter_attachment_id"] = letter.id
        if data.get("address_error"):
            # no email reached anybody: the step goes out as a letter instead
            entry["summary"] = self.env._(
                "%(level)s: a letter to print, as the email cannot be sent "
                "(%(reason)s)",
                level=level.name,
                reason=data["address_error"],
            )
        if level.produce_letter or data.get("address_error"):
            entry.update(letter_state="to_print", direction="outbound")
            if not message:
                entry["channel"] = "letter"
        entries = [entry]
        if level.escalation != "none":
            entries.append(
                dict(
                    base,
                    event="escalation_proposed",
                    channel="note",
                    direction="internal",
                    escalation=level.escalation,
                    summary=self.env._(
                        "Escalation proposed, awaiting a manager's approval: "
                        "%(escalation)s",
                        escalation=escalation_label(self.env, level.escalation),
                    ),
                )
            )
        return entries

    # ------------------------------------------------------------------
    # What the ladder reads
    # ------------------------------------------------------------------
    @api.model
    def _contact_domain(self):
        """A contact: an exchange with the customer, either way, by any channel
        but an internal note, that reached them."""
        return [
            ("channel", "in", CONTACT_CHANNELS),
            ("direction", "in", ("outbound", "inbound")),
            ("delivery_failed", "=", False),
        ]

    @api.model
    def _outbound_stats(self, followups, today):
        """``{followup: (last outbound contact date, outbound contacts in the
        7 days ending today)}`` (rule 3; manual contacts count), two queries."""
        domain = [
            ("followup_id", "in", followups.ids),
            *self._contact_domain(),
            ("direction", "=", "outbound"),
        ]
        Interaction = self.sudo()
        last = dict(
            Interaction._read_group(
                domain, groupby=["followup_id"], aggregates=["date:max"]
            )
        )
        week_start = fields.Datetime.to_datetime(today) - timedelta(days=6)
        week = dict(
            Interaction._read_group(
                [*domain, ("date", ">=", week_start)],
                groupby=["followup_id"],
                aggregates=["__count"],
            )
        )
        followups = followups.sudo()
        return {
            followup.with_env(self.env): (
                last[followup].date() if followup in last else None,
                week.get(followup, 0),
            )
            for followup in followups
        }

    @api.model
    def _open_promises(self, followups):
        """``{followup: its latest open promise to pay}`` (one search)."""
        promises = self.sudo().search(
            [("followup_id", "in", followups.ids), ("promise_state", "=", "open")],
            order="promise_date desc, id desc",
        )
        result = {}
        for promise in promises:
            result.setdefault(promise.followup_id.with_env(self.env), promise)
        return result

    def _debt_label(self, field_name, value):
        return dict(self._fields[field_name]._description_selection(self.env)).get(
            value, ""
        )

    @api.model
    def _debt_is_system_vals(self, vals):
        return bool(vals.get("automated")) or vals.get("event", "manual") not in (
            "manual",
            False,
        )
