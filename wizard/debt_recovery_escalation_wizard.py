from odoo import api, fields, models

from ..models.debt_recovery_level import escalation_label


class DebtRecoveryEscalationWizard(models.TransientModel):
    """A manager's decision on proposed escalations: the reason, what follows,
    and an explicit confirmation when the customer's final deadline has not
    passed yet."""

    _name = "debt.recovery.escalation.wizard"
    _description = "Decide a Debt Recovery Escalation"

    followup_ids = fields.Many2many(
        "debt.recovery.followup", string="Customers", required=True
    )
    decision = fields.Selection(
        [("approve", "Approve"), ("reject", "Reject")], required=True
    )
    reason = fields.Text(required=True)
    consequence = fields.Html(compute="_compute_deadline", sanitize=False)
    deadline = fields.Date(
        string="Final Deadline",
        compute="_compute_deadline",
        help="The latest deadline the customers were given: approving before it "
        "needs an explicit confirmation.",
    )
    before_deadline = fields.Boolean(
        string="Approve Before the Deadline",
        help="The customers' final deadline has not passed: approve anyway.",
    )

    @api.depends("followup_ids", "decision")
    def _compute_deadline(self):
        today = fields.Date.context_today(self)
        for wizard in self:
            deadlines = wizard.followup_ids._origin._escalation_deadlines()
            pending = [date for date in deadlines.values() if date and date >= today]
            wizard.deadline = max(pending) if pending else False
            kinds = ", ".join(
                sorted(
                    {
                        escalation_label(self.env, f.escalation)
                        for f in wizard.followup_ids
                    }
                )
            )
            wizard.consequence = (
                self.env._(
                    "The customers are handed over: %(kinds)s. The ladder stops "
                    "for them; the decision is logged with the amount due.",
                    kinds=kinds,
                )
                if wizard.decision == "approve"
                else self.env._(
                    "The customers return to the ladder at the level they reached; "
                    "the decision is logged."
                )
            )

    def action_decide(self):
        self.ensure_one()
        self.followup_ids._decide_escalation(
            self.decision == "approve",
            reason=self.reason,
            before_deadline=self.before_deadline,
        )
        return {"type": "ir.actions.act_window_close"}
