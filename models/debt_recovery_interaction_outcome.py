from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tools import groupby, plaintext2html


class DebtRecoveryInteraction(models.Model):
    """What a logged outcome means: a promise holds the ladder, a dispute
    takes its invoices off it until resolved, a wrong contact asks the
    collector to fix the address, an agreed plan opens the plan wizard."""

    _inherit = "debt.recovery.interaction"

    resolved_invoice_ids = fields.Many2many(
        "account.move",
        relation="debt_recovery_interaction_resolved_move_rel",
        column1="interaction_id",
        column2="move_id",
        string="Resolved Invoices",
        readonly=True,
        copy=False,
        help="Invoices of this dispute already resolved (back on the ladder).",
    )
    # The invoices an open dispute holds off the ladder: only a dispute's
    # entries fill it, so logging a reminder never recomputes its invoices.
    held_invoice_ids = fields.Many2many(
        "account.move",
        relation="debt_recovery_interaction_held_move_rel",
        column1="interaction_id",
        column2="move_id",
        string="Invoices Held",
        compute="_compute_held_invoice_ids",
        store=True,
        help="Invoices of this open dispute not resolved yet (off the ladder).",
    )

    @api.depends("dispute_state", "invoice_ids", "resolved_invoice_ids")
    def _compute_held_invoice_ids(self):
        for interaction in self:
            interaction.held_invoice_ids = (
                interaction.invoice_ids - interaction.resolved_invoice_ids
                if interaction.dispute_state == "open"
                else False
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
    # Corrections by a manager
    # ------------------------------------------------------------------
    def write(self, vals):
        if "held_invoice_ids" in vals:
            # derived from the dispute and its resolutions, by nobody's hand
            raise UserError(
                self.env._(
                    "The invoices a dispute holds follow from the dispute and its "
                    "resolutions: open, resolve or correct the dispute instead."
                )
            )
        if vals.get("partner_id") or vals.get("company_id"):
            self._debt_move_to_followup(vals)
        self._debt_correct_outcome(vals)
        result = super().write(vals)
        if vals.get("outcome") == "dispute":
            for interaction in self.filtered(lambda i: i.dispute_state != "open"):
                interaction._debt_open_dispute()
        if {"outcome", "invoice_ids", "promise_date", "promise_amount"} & set(vals):
            self.followup_id._refresh_figures()
        return result

    def _debt_move_to_followup(self, vals):
        """A corrected customer or company moves the entry to that follow-up."""
        partner = (
            self.env["res.partner"].browse(vals.get("partner_id")) or self.partner_id
        )
        company = (
            self.env["res.company"].browse(vals.get("company_id")) or self.company_id
        )
        followup = self.env["debt.recovery.followup"]._for_partners(partner, company)
        vals.update(
            partner_id=followup.partner_id.id,
            company_id=followup.company_id.id,
            followup_id=followup.id,
        )

    def _debt_correct_outcome(self, vals):
        """A manager correcting the outcome keeps the promise and dispute
        states consistent with it."""
        if not {"outcome", "invoice_ids"} & set(vals):
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

    # ------------------------------------------------------------------
    # Effects
    # ------------------------------------------------------------------
    def _debt_apply_outcome(self):
        """The effect each outcome names."""
        for interaction in self:
            if interaction.outcome == "promise":
                interaction._debt_replace_open_promises()
                interaction.followup_id._promised(interaction)
            elif interaction.outcome == "dispute":
                interaction._debt_open_dispute()
            elif interaction.outcome == "wrong_contact":
                interaction._debt_schedule_contact_fix()
        # the follow-up's status follows from the promise or dispute at once
        self.followup_id._refresh_figures()

    def _debt_replace_open_promises(self):
        """A new promise supersedes the customer's earlier open ones."""
        older = self.sudo().search(
            [
                ("followup_id", "=", self.followup_id.id),
                ("promise_state", "=", "open"),
                ("id", "!=", self.id),
            ]
        )
        older._debt_system_write({"promise_state": "replaced"})

    def _debt_open_dispute(self):
        """The disputed invoices leave the ladder until the dispute is
        resolved (their dispute flag is derived from the open disputes)."""
        already = self.invoice_ids.filtered("debt_disputed")
        if already:
            raise UserError(
                self.env._(
                    "%(invoices)s are already disputed; resolve that dispute first.",
                    invoices=", ".join(already.mapped("display_name")),
                )
            )
        self._debt_system_write({"dispute_state": "open"})

    def _debt_schedule_contact_fix(self):
        """Wrong contact: a to-do for the customer's collector to fix it."""
        followup = self.followup_id
        user = followup._collector() or self.env.user
        followup.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=fields.Date.context_today(self) + timedelta(days=1),
            summary=self.env._("Fix the contact details"),
            # what the collector typed is text, never live HTML
            note=Markup("<p>%s</p>")
            % self.env._(
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
        disputes = self.filtered(lambda i: i.dispute_state == "open")
        invoices = disputes.invoice_ids - disputes.resolved_invoice_ids
        return invoices.action_debt_resolve_dispute()

    @api.model
    def _debt_resolve_disputes(self, invoices, resolution):
        """Return disputed ``invoices`` to the ladder and log the resolution,
        once per follow-up; a dispute whose invoices are all resolved is
        closed."""
        invoices = invoices.filtered("debt_disputed")
        if not invoices:
            raise UserError(self.env._("None of these invoices is disputed."))
        if not (resolution or "").strip():
            raise UserError(self.env._("Say how the dispute was resolved."))
        disputes = self.sudo().search(
            [("dispute_state", "=", "open"), ("invoice_ids", "in", invoices.ids)]
        )
        for dispute in disputes:
            resolved = dispute.resolved_invoice_ids | (dispute.invoice_ids & invoices)
            vals = {"resolved_invoice_ids": [Command.set(resolved.ids)]}
            if not dispute.invoice_ids - resolved:
                vals["dispute_state"] = "resolved"
            dispute._debt_system_write(vals)
        entries = []
        for followup, moves in groupby(
            invoices,
            key=lambda move: disputes.filtered(
                lambda d, m=move: m in d.invoice_ids
            ).followup_id[:1],
        ):
            moves = self.env["account.move"].union(*moves)
            followup._refresh_figures()
            entries.append(
                followup._event_values(
                    "dispute_resolved",
                    self.env._(
                        "Dispute resolved: %(invoices)s",
                        invoices=", ".join(moves.mapped("display_name")),
                    ),
                    automated=False,
                    invoice_ids=[Command.set(moves.ids)],
                    notes=plaintext2html(resolution),
                )
            )
        return self._log(entries)
