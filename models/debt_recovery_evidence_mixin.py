from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import html2plaintext

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

from .debt_recovery_roles import is_manager
from .debt_recovery_workflow import check_workflow, workflow

# What only the system moves (the run checking a promise, a dispute being
# resolved, a letter being printed, a delivery failing). Written under sudo
# only, through ``_debt_system_write()``; nobody edits them by hand.
SYSTEM_STATE_FIELDS = frozenset(
    {
        "promise_state",
        "dispute_state",
        "resolved_invoice_ids",
        "letter_state",
        "letter_attachment_id",
        "delivery_failed",
    }
)
# What identifies an entry; never changed after creation, by anyone.
ORIGIN_FIELDS = frozenset({"automated", "event"})
# What the system records on an entry, besides its origin: the states it
# moves, the email it sent and to whom.
SYSTEM_FIELDS = SYSTEM_STATE_FIELDS | {"mail_message_id", "recipient_ids"}


def plain_text(html):
    """HTML as one line of text: what notes are compared on."""
    return " ".join(html2plaintext(html or "").split())


class DebtRecoveryEvidenceMixin(models.AbstractModel):
    """Entries of an evidence file: system entries (``is_system_entry``) are
    immutable, only notes can be added to them; manual entries are corrected
    or deleted by managers only, and nothing disappears without a trace."""

    _name = "debt.recovery.evidence.mixin"
    _description = "Debt Recovery Evidence Entries"

    def _debt_system_write(self, vals):
        """The only way to move the system states (promise, dispute, letter,
        delivery): used by the run and the actions after their checks."""
        if set(vals) - SYSTEM_STATE_FIELDS:
            raise UserError(
                self.env._(
                    "Only the state of a promise, dispute or letter is set this way."
                )
            )
        return workflow(self).write(vals)

    def write(self, vals):
        self._debt_check_write(vals)
        old_notes = {entry: entry.notes for entry in self} if "notes" in vals else {}
        result = super().write(vals)
        for entry, notes in old_notes.items():
            if plain_text(notes) != plain_text(entry.notes):
                entry._message_log(
                    body=Markup("<p>%s</p>") % self.env._("Notes updated:")
                    + (entry.notes or "")
                )
        return result

    def _debt_check_write(self, vals):
        changed = set(vals) - set(self.env["mail.thread"]._fields)
        if changed & ORIGIN_FIELDS:
            raise UserError(
                self.env._("The origin of a logged interaction cannot be changed.")
            )
        check_workflow(
            self,
            changed,
            SYSTEM_STATE_FIELDS,
            self.env._(
                "The state of a promise, a dispute or a letter is set by the debt "
                "recovery run and its actions, not by hand."
            ),
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
        manager = is_manager(self.env)
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
            new_notes = plain_text(vals["notes"])
            for interaction in keep:
                if plain_text(interaction.notes) not in new_notes:
                    raise UserError(
                        self.env._(
                            "Notes of %(entry)s can be added to, not removed.",
                            entry=interaction.display_name,
                        )
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
        if not is_manager(self.env):
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
                entry.partner_id,
                self.env._(
                    "Debt recovery interaction deleted by %(user)s: %(date)s, "
                    "%(channel)s, %(outcome)s: %(summary)s",
                    user=self.env.user.name,
                    date=fields.Datetime.to_string(entry.date),
                    channel=entry._debt_label("channel", entry.channel),
                    outcome=entry._debt_label("outcome", entry.outcome) or "-",
                    summary=entry.summary,
                ),
            )
            for entry in self
        ]
        result = super().unlink()
        for partner, trace in traces:
            partner.sudo()._message_log(body=trace)
        return result
