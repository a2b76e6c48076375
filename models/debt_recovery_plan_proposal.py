from odoo import api, fields, models

from .debt_recovery_workflow import check_workflow, workflow


class DebtRecoveryPlan(models.Model):
    """A plan the customer proposed on their page, beyond what the policy
    accepts at once: a draft waiting for a collector. While it waits (the
    policy's hold days) the ladder holds, as for an open promise to pay."""

    _inherit = "debt.recovery.plan"

    proposal_hold_until = fields.Date(
        string="Holds the Ladder Until",
        readonly=True,
        copy=False,
        help="The customer proposed this plan on their page: until this day, "
        "while it is a draft, no reminder goes out.",
    )

    def _check_status_write(self, vals):
        result = super()._check_status_write(vals)
        check_workflow(
            self,
            vals,
            {"proposal_hold_until"},
            self.env._(
                "How long a customer's proposal holds the ladder is set by the "
                "customer's page and the daily checks."
            ),
        )
        return result

    @api.model
    def _waiting_proposals(self, followups, today=None):
        """``{followup id: hold until}`` of the follow-ups whose customer
        proposed a plan still waiting for a collector (one query)."""
        today = today or fields.Date.context_today(self)
        groups = self.sudo()._read_group(
            [
                ("followup_id", "in", followups.ids),
                ("state", "=", "draft"),
                ("proposal_hold_until", ">=", today),
            ],
            groupby=["followup_id"],
            aggregates=["proposal_hold_until:max"],
        )
        return {followup.id: until for followup, until in groups}

    @api.model
    def _end_proposal_holds(self, today):
        """The proposals that waited their hold days no longer hold the
        ladder (logged); they stay drafts for the collector."""
        expired = self.sudo().search(
            [("state", "=", "draft"), ("proposal_hold_until", "<", today)]
        )
        if not expired:
            return
        workflow(expired).write({"proposal_hold_until": False})
        self.env["debt.recovery.interaction"]._log(
            [
                plan._log_values(
                    "proposal_hold_ended",
                    self.env._(
                        "Payment plan %(plan)s proposed by the customer is still "
                        "waiting for a collector: the ladder resumes.",
                        plan=plan.name,
                    ),
                )
                for plan in expired
            ]
        )
