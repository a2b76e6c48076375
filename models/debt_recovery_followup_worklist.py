from odoo import api, fields, models


class DebtRecoveryFollowup(models.Model):
    """What the worklist filters on besides the status: letters to print,
    promises falling due and plans at risk (one search each for a page)."""

    _inherit = "debt.recovery.followup"

    letter_to_print = fields.Boolean(
        compute="_compute_worklist_flags", search="_search_letter_to_print"
    )
    promise_due = fields.Boolean(
        compute="_compute_worklist_flags",
        search="_search_promise_due",
        help="An open promise to pay falls due today or fell due already.",
    )
    plan_at_risk = fields.Boolean(
        compute="_compute_worklist_flags",
        search="_search_plan_at_risk",
        help="An instalment of an active payment plan is late.",
    )

    @api.model
    def _letter_to_print_domain(self):
        return [("letter_state", "=", "to_print")]

    @api.model
    def _promise_due_domain(self):
        return [
            ("promise_state", "=", "open"),
            ("promise_date", "<=", fields.Date.context_today(self)),
        ]

    @api.model
    def _plan_at_risk_domain(self):
        return [("state", "=", "active"), ("at_risk", "=", True)]

    def _compute_worklist_flags(self):
        Interaction = self.env["debt.recovery.interaction"]
        scope = [("followup_id", "in", self.ids)]
        letters = Interaction.search(scope + self._letter_to_print_domain()).followup_id
        promises = Interaction.search(scope + self._promise_due_domain()).followup_id
        at_risk = (
            self.env["debt.recovery.plan"]
            .search(scope + self._plan_at_risk_domain())
            .followup_id
        )
        for followup in self:
            followup.letter_to_print = followup in letters
            followup.promise_due = followup in promises
            followup.plan_at_risk = followup in at_risk

    def _search_flag(self, operator, value, model, domain):
        if operator not in ("in", "not in", "=", "!="):
            return NotImplemented
        records = self.env[model].search(domain)
        positive = (operator in ("in", "=")) == bool(
            value if not isinstance(value, list | tuple) else any(value)
        )
        return [("id", "in" if positive else "not in", records.followup_id.ids)]

    def _search_letter_to_print(self, operator, value):
        return self._search_flag(
            operator, value, "debt.recovery.interaction", self._letter_to_print_domain()
        )

    def _search_promise_due(self, operator, value):
        return self._search_flag(
            operator, value, "debt.recovery.interaction", self._promise_due_domain()
        )

    def _search_plan_at_risk(self, operator, value):
        return self._search_flag(
            operator, value, "debt.recovery.plan", self._plan_at_risk_domain()
        )
