from datetime import timedelta

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html

from .debt_recovery_roles import check_manager


class DebtRecoveryFollowup(models.Model):
    """Rule 6: escalation to an agency, to legal action or to write-off is
    never automatic. The run proposes it and asks the managers; a manager
    approves or rejects it for a reason, explicitly when the customer's final
    deadline has not passed; each step is logged."""

    _inherit = "debt.recovery.followup"

    def action_approve_escalation(self):
        """Rule 6: a manager approves the proposed escalation, saying why."""
        return self._selected()._escalation_wizard("approve")

    def action_reject_escalation(self):
        """Rule 6: a manager rejects it; the customer returns to the ladder."""
        return self._selected()._escalation_wizard("reject")

    def _escalation_wizard(self, decision):
        check_manager(
            self.env,
            self.env._(
                "Only a debt recovery manager can approve or reject escalations."
            ),
        )
        self._check_escalation_proposed()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Approve the Escalation")
            if decision == "approve"
            else self.env._("Reject the Escalation"),
            "res_model": "debt.recovery.escalation.wizard",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_followup_ids": [(6, 0, self.ids)],
                "default_decision": decision,
            },
        }

    def _decide_escalation(self, approved, reason, before_deadline=False):
        """Rule 6: a manager decides, for a reason (logged with the amount due
        now); approving before the customer's final deadline needs an
        explicit ``before_deadline``."""
        check_manager(
            self.env,
            self.env._(
                "Only a debt recovery manager can approve or reject escalations."
            ),
        )
        self._check_escalation_proposed()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why the escalation is decided so."))
        today = fields.Date.context_today(self)
        early = {
            followup: deadline
            for followup, deadline in self._escalation_deadlines().items()
            if deadline and deadline >= today
        }
        if approved and early and not before_deadline:
            raise UserError(
                self.env._(
                    "The final deadline of %(customers)s has not passed (%(date)s): "
                    "confirm that you approve before the deadline.",
                    customers=", ".join(f.partner_id.display_name for f in early),
                    date=max(early.values()),
                )
            )
        self._refresh_figures()
        entries = []
        for followup in self:
            label = followup._escalation_label()
            entries.append(
                followup._event_values(
                    "escalation_approved" if approved else "escalation_rejected",
                    self.env._("Escalation approved: %(escalation)s", escalation=label)
                    if approved
                    else self.env._(
                        "Escalation rejected: %(escalation)s", escalation=label
                    ),
                    automated=False,
                    escalation=followup.escalation,
                    notes=plaintext2html(reason),
                )
            )
        self.env["debt.recovery.interaction"]._log(entries)
        self._close_escalation_activities()
        self._write_state({"escalation_state": "approved" if approved else "rejected"})
        return True

    def _check_escalation_proposed(self):
        not_proposed = self.filtered(lambda f: f.escalation_state != "proposed")
        if not_proposed:
            raise UserError(
                self.env._(
                    "No escalation is awaiting approval for %(partners)s.",
                    partners=", ".join(not_proposed.partner_id.mapped("display_name")),
                )
            )

    def _escalation_deadlines(self):
        """``{followup: the deadline its last reminder gave}`` (the level
        reached's days to pay, from the day it was reached)."""
        reached = (
            self.env["debt.recovery.interaction"]
            .sudo()
            ._read_group(
                [
                    ("followup_id", "in", self.ids),
                    ("event", "=", "level"),
                    ("level_id", "in", self.level_id.ids),
                ],
                groupby=["followup_id"],
                aggregates=["date:max"],
            )
        )
        dates = dict(reached)
        result = {}
        for followup in self:
            days = followup.level_id.deadline_days
            when = dates.get(followup)
            result[followup] = when and days and (when.date() + timedelta(days=days))
        return result

    def _ask_managers(self, today):
        """A proposed escalation gives the company's debt recovery managers an
        activity to approve or reject it."""
        managers = self.env.ref(
            "account_debt_recovery.group_debt_recovery_manager"
        ).all_user_ids.filtered(lambda user: not user.share and user.active)
        todo = self.env.ref("mail.mail_activity_data_todo")
        model = self.env["ir.model"]._get_id(self._name)
        self.env["mail.activity"].sudo().create(
            [
                {
                    "res_model_id": model,
                    "res_id": followup.id,
                    "activity_type_id": todo.id,
                    "summary": self.env._(
                        "Approve or reject the escalation: %(kind)s",
                        kind=followup._escalation_label(),
                    ),
                    "date_deadline": today,
                    "user_id": manager.id,
                }
                for followup in self
                for manager in managers
                if followup.company_id in manager.company_ids
                and manager.id != self.env.ref("base.user_root").id
            ]
        )

    def _close_escalation_activities(self):
        activities = self.activity_ids.filtered(
            lambda activity: (
                activity.summary
                and activity.summary.startswith(
                    self.env._("Approve or reject the escalation")
                )
            )
        )
        activities.sudo().unlink()
