from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tools import groupby, html2plaintext, plaintext2html

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

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
    ("plan_activated", "Payment Plan Activated"),
    ("plan_reminder", "Instalment Reminder"),
    ("plan_broken", "Payment Plan Broken"),
    ("plan_completed", "Payment Plan Completed"),
    ("plan_cancelled", "Payment Plan Cancelled"),
    ("manual", "Manual Contact"),
]
MANAGER_GROUP = "account_debt_recovery.group_debt_recovery_manager"
# What only the system moves (the daily run checking a promise, a dispute
# being resolved, a letter being printed). Written under sudo only, through
# `_debt_system_write()`; nobody edits them by hand, managers included.
SYSTEM_STATE_FIELDS = frozenset(
    {"promise_state", "dispute_state", "letter_state", "letter_attachment_id"}
)
# What identifies a system entry; never changed after creation, by anyone.
ORIGIN_FIELDS = frozenset({"automated", "event"})


def _plain(html):
    return " ".join(html2plaintext(html or "").split())


class DebtRecoveryInteraction(models.Model):
    """One contact with a customer, or one event of its follow-up (DESIGN §3).

    The log is the evidence file. *System entries* (recorded by the daily run
    or by an action through ``debt.recovery.run._log``: ``automated`` or an
    ``event`` other than "manual") are immutable: only notes can be added.
    *Manual entries* are logged by collectors and corrected or deleted by
    managers only; each correction is tracked in the chatter.
    """

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
        [("to_print", "To Print"), ("printed", "Printed")],
        copy=False,
        index="btree_not_null",
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

    @api.depends("automated", "event")
    def _compute_is_system_entry(self):
        for interaction in self:
            interaction.is_system_entry = interaction._debt_is_system_vals(
                {"automated": interaction.automated, "event": interaction.event}
            )

    @api.depends("is_system_entry")
    @api.depends_context("uid")
    def _compute_can_correct(self):
        manager = self.env.user.has_group(MANAGER_GROUP)
        for interaction in self:
            new = not interaction._origin.id
            interaction.can_correct = new or (
                manager and not interaction.is_system_entry
            )

    @api.model
    def _debt_is_system_vals(self, vals):
        return bool(vals.get("automated")) or vals.get("event", "manual") not in (
            "manual",
            False,
        )

    # ------------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------------
    @api.constrains("outcome", "promise_date", "promise_amount", "date")
    def _check_promise(self):
        for interaction in self:
            if interaction.outcome != "promise" or interaction.is_system_entry:
                continue
            if not interaction.promise_date:
                raise ValidationError(
                    self.env._("A promise to pay needs a payment date.")
                )
            logged_on = fields.Datetime.context_timestamp(
                interaction, interaction.date
            ).date()
            if interaction.promise_date < logged_on:
                raise ValidationError(
                    self.env._(
                        "The promised payment date (%(date)s) is in the past.",
                        date=interaction.promise_date,
                    )
                )
            if (
                interaction.currency_id.compare_amounts(interaction.promise_amount, 0.0)
                < 0
            ):
                raise ValidationError(
                    self.env._("The promised amount cannot be negative.")
                )

    @api.constrains("outcome", "invoice_ids", "dispute_reason", "partner_id")
    def _check_invoices(self):
        for interaction in self.filtered(lambda i: not i.is_system_entry):
            strangers = interaction.invoice_ids.filtered(
                lambda move, i=interaction: move.commercial_partner_id != i.partner_id
            )
            if strangers:
                raise ValidationError(
                    self.env._(
                        "%(invoices)s do not belong to %(partner)s.",
                        invoices=", ".join(strangers.mapped("display_name")),
                        partner=interaction.partner_id.display_name,
                    )
                )
            if interaction.outcome != "dispute":
                continue
            if (
                not interaction.invoice_ids
                or not (interaction.dispute_reason or "").strip()
            ):
                raise ValidationError(
                    self.env._("A dispute needs the disputed invoices and a reason.")
                )
            not_posted = interaction.invoice_ids.filtered(
                lambda move: move.state != "posted"
            )
            if not_posted:
                raise ValidationError(
                    self.env._(
                        "Only posted invoices can be disputed: %(invoices)s.",
                        invoices=", ".join(not_posted.mapped("display_name")),
                    )
                )

    # ------------------------------------------------------------------
    # Recording
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        system = [self._debt_is_system_vals(vals) for vals in vals_list]
        if any(system) and not self.env.su:
            raise UserError(
                self.env._(
                    "Automated entries are recorded by the debt recovery run only."
                )
            )
        for vals, is_system in zip(vals_list, system, strict=True):
            if not is_system:
                self._debt_prepare_manual_vals(vals)
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
    def _debt_prepare_manual_vals(self, vals):
        """Defaults of a manual entry: the commercial partner, its level and
        overdue amount at the time, and the state its outcome opens."""
        # The outcome alone decides which state a manual entry opens.
        vals["promise_state"] = "open" if vals.get("outcome") == "promise" else False
        vals.pop("dispute_state", None)  # set when the invoices are flagged
        if not vals.get("partner_id"):
            return
        partner = (
            self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id
        )
        company = (
            self.env["res.company"].browse(vals.get("company_id")) or self.env.company
        )
        partner = partner.with_company(company)
        vals["partner_id"] = partner.id
        vals.setdefault("amount_due", partner.debt_overdue_amount)
        vals.setdefault("level_id", partner.debt_level_id.id)

    def _debt_apply_outcome(self):
        """The effect each outcome names (DESIGN §3)."""
        for interaction in self:
            if interaction.outcome == "promise":
                interaction._debt_replace_open_promises()
                interaction._debt_show_promise_on_partner()
            elif interaction.outcome == "dispute":
                interaction._debt_open_dispute()
            elif interaction.outcome == "wrong_contact":
                interaction._debt_schedule_contact_fix()

    def _debt_replace_open_promises(self):
        """A new promise supersedes the customer's earlier open ones."""
        older = self.search(
            [
                ("partner_id", "=", self.partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("promise_state", "=", "open"),
                ("id", "!=", self.id),
            ]
        )
        older._debt_system_write({"promise_state": "replaced"})

    def _debt_show_promise_on_partner(self):
        """The ladder holds from the moment the promise is logged: the
        customer shows it at once, not after the next daily run."""
        partner = self.partner_id.with_company(self.company_id)
        if partner.debt_status in ("escalation_proposed", "escalated"):
            return
        # follow-up state is system data: written as superuser (DESIGN §7)
        partner.sudo().write(
            {"debt_status": "promise", "debt_next_action_date": self.promise_date}
        )

    def _debt_open_dispute(self):
        """The disputed invoices leave the ladder until the dispute is resolved."""
        already = self.invoice_ids.filtered("debt_disputed")
        if already:
            raise UserError(
                self.env._(
                    "%(invoices)s are already disputed; resolve that dispute first.",
                    invoices=", ".join(already.mapped("display_name")),
                )
            )
        self.invoice_ids.write(
            {"debt_disputed": True, "debt_dispute_reason": self.dispute_reason}
        )
        self._debt_system_write({"dispute_state": "open"})

    def _debt_schedule_contact_fix(self):
        """Wrong contact: a to-do for the customer's collector to fix it."""
        partner = self.partner_id.with_company(self.company_id)
        user = partner._debt_collector() or self.env.user
        # Collectors may not write on contacts: the to-do is scheduled by the system.
        partner.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=fields.Date.context_today(self) + timedelta(days=1),
            summary=self.env._("Fix the contact details"),
            note=self.env._(
                "%(summary)s (%(channel)s) reached the wrong contact. Find the "
                "right person for accounts payable and update the customer.",
                summary=self.summary,
                channel=self._debt_label("channel", self.channel),
            ),
            user_id=user.id,
        )

    def _action_open_plan_wizard(self):
        """The payment plan wizard for what the customer agreed here, its
        invoices pre-selected and the plan linked to this interaction."""
        self.ensure_one()
        return self.env["debt.recovery.plan.wizard"]._action_open(
            self.partner_id, invoices=self.invoice_ids, interaction=self
        )

    def action_open_plan(self):
        return self._action_open_plan_wizard()

    # ------------------------------------------------------------------
    # Disputes
    # ------------------------------------------------------------------
    def action_resolve_dispute(self):
        """Open the resolution wizard for the invoices this dispute still holds."""
        invoices = self.filtered(lambda i: i.dispute_state == "open").invoice_ids
        return invoices.action_debt_resolve_dispute()

    @api.model
    def _debt_resolve_disputes(self, invoices, resolution):
        """Return disputed ``invoices`` to the ladder and log the resolution,
        once per customer and company."""
        invoices = invoices.filtered("debt_disputed")
        if not invoices:
            raise UserError(self.env._("None of these invoices is disputed."))
        if not (resolution or "").strip():
            raise UserError(self.env._("Say how the dispute was resolved."))
        run = self.env["debt.recovery.run"]
        resolved = self.browse()
        for (partner, company), moves in groupby(
            invoices, key=lambda move: (move.commercial_partner_id, move.company_id)
        ):
            moves = self.env["account.move"].union(*moves)
            moves.write({"debt_disputed": False, "debt_dispute_reason": False})
            resolved |= run.with_company(company)._log(
                [
                    {
                        "partner_id": partner.id,
                        "event": "dispute_resolved",
                        "automated": False,
                        "channel": "note",
                        "direction": "internal",
                        "invoice_ids": [Command.set(moves.ids)],
                        "amount_due": partner.with_company(company).debt_overdue_amount,
                        "summary": self.env._(
                            "Dispute resolved: %(invoices)s",
                            invoices=", ".join(moves.mapped("display_name")),
                        ),
                        "notes": plaintext2html(resolution),
                    }
                ]
            )
            disputes = self.sudo().search(
                [
                    ("partner_id", "=", partner.id),
                    ("company_id", "=", company.id),
                    ("dispute_state", "=", "open"),
                    ("invoice_ids", "in", moves.ids),
                ]
            )
            disputes.filtered(
                lambda dispute: not dispute.invoice_ids.filtered("debt_disputed")
            )._debt_system_write({"dispute_state": "resolved"})
        return resolved

    # ------------------------------------------------------------------
    # Integrity: the log is the evidence file
    # ------------------------------------------------------------------
    def _debt_system_write(self, vals):
        """The only way to move the system states (promise, dispute, letter).

        Used by the dispute and promise logic here and by the daily run, which
        runs as the superuser and may also write these fields directly.
        """
        if set(vals) - SYSTEM_STATE_FIELDS:
            raise UserError(
                self.env._(
                    "Only the state of a promise, dispute or letter is set this way."
                )
            )
        return self.sudo().write(vals)

    def write(self, vals):
        self._debt_check_write(vals)
        if vals.get("partner_id"):
            vals["partner_id"] = (
                self.env["res.partner"]
                .browse(vals["partner_id"])
                .commercial_partner_id.id
            )
        self._debt_correct_outcome(vals)
        old_notes = (
            {interaction: interaction.notes for interaction in self}
            if "notes" in vals
            else {}
        )
        result = super().write(vals)
        for interaction, notes in old_notes.items():
            if _plain(notes) != _plain(interaction.notes):
                interaction._message_log(
                    body=Markup("<p>%s</p>") % self.env._("Notes updated:")
                    + (interaction.notes or "")
                )
        if vals.get("outcome") == "dispute":
            for interaction in self.filtered(lambda i: i.dispute_state != "open"):
                interaction._debt_open_dispute()
        return result

    def _debt_check_write(self, vals):
        changed = set(vals) - set(self.env["mail.thread"]._fields)
        if changed & ORIGIN_FIELDS:
            raise UserError(
                self.env._("The origin of a logged interaction cannot be changed.")
            )
        if changed & SYSTEM_STATE_FIELDS and not self.env.su:
            raise UserError(
                self.env._(
                    "The state of a promise, a dispute or a letter is set by the debt "
                    "recovery run and its actions, not by hand."
                )
            )
        content = changed - SYSTEM_STATE_FIELDS - {"notes"}
        if not content and "notes" not in changed:
            return
        system_entries = self.filtered("is_system_entry")
        if system_entries and content:
            raise UserError(
                self.env._(
                    "%(entry)s was recorded by the system and is part of the evidence "
                    "file: it cannot be changed, only notes can be added.",
                    entry=system_entries[0].display_name,
                )
            )
        manager = self.env.su or self.env.user.has_group(MANAGER_GROUP)
        if content and not manager:
            raise AccessError(
                self.env._(
                    "Only a debt recovery manager can correct a logged interaction."
                )
            )
        if "notes" in changed:
            # Anyone may add to the notes; only managers may rewrite those of
            # manual entries, and nobody those of system entries.
            keep = system_entries if manager else self
            new_notes = _plain(vals["notes"])
            for interaction in keep:
                if _plain(interaction.notes) not in new_notes:
                    raise UserError(
                        self.env._(
                            "Notes of %(entry)s can be added to, not removed.",
                            entry=interaction.display_name,
                        )
                    )

    def _debt_correct_outcome(self, vals):
        """A manager correcting the outcome keeps the promise and dispute
        states consistent with it."""
        if (
            "outcome" not in vals
            and "invoice_ids" not in vals
            and "dispute_reason" not in vals
        ):
            return
        open_disputes = self.filtered(lambda i: i.dispute_state == "open")
        if open_disputes and (
            vals.get("outcome", "dispute") != "dispute" or "invoice_ids" in vals
        ):
            raise UserError(
                self.env._(
                    "Resolve the dispute %(entry)s before changing its outcome "
                    "or invoices.",
                    entry=open_disputes[0].display_name,
                )
            )
        if vals.get("dispute_reason") and open_disputes:
            open_disputes.invoice_ids.write(
                {"debt_dispute_reason": vals["dispute_reason"]}
            )
        if "outcome" not in vals:
            return
        if vals["outcome"] == "promise":
            self.filtered(lambda i: not i.promise_state)._debt_system_write(
                {"promise_state": "open"}
            )
        else:
            self.filtered(lambda i: i.promise_state == "open")._debt_system_write(
                {"promise_state": False}
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_evidence(self):
        system_entries = self.filtered("is_system_entry")
        if system_entries:
            raise UserError(
                self.env._(
                    "%(entry)s was recorded by the system and is part of the evidence "
                    "file: it cannot be deleted.",
                    entry=system_entries[0].display_name,
                )
            )
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._(
                    "Only a debt recovery manager can delete a logged interaction."
                )
            )
        open_disputes = self.filtered(lambda i: i.dispute_state == "open")
        if open_disputes:
            raise UserError(
                self.env._(
                    "Resolve the dispute %(entry)s before deleting it.",
                    entry=open_disputes[0].display_name,
                )
            )

    def unlink(self):
        if self.env.context.get(MODULE_UNINSTALL_FLAG):
            return super().unlink()
        # Nothing disappears silently: the customer's chatter keeps a trace.
        traces = [
            (
                interaction.partner_id,
                self.env._(
                    "Debt recovery interaction deleted by %(user)s: %(date)s, "
                    "%(channel)s, %(outcome)s: %(summary)s",
                    user=self.env.user.name,
                    date=fields.Datetime.to_string(interaction.date),
                    channel=self._debt_label("channel", interaction.channel),
                    outcome=self._debt_label("outcome", interaction.outcome) or "-",
                    summary=interaction.summary,
                ),
            )
            for interaction in self
        ]
        result = super().unlink()
        for partner, trace in traces:
            partner._message_log(body=trace)
        return result

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _debt_label(self, field_name, value):
        return dict(self._fields[field_name]._description_selection(self.env)).get(
            value, ""
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
            partner: (
                last[partner].date() if partner in last else None,
                week.get(partner, 0),
            )
            for partner in partners
        }
