from datetime import timedelta

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date

# A customer whose promise or plan was broken this recently agrees the next
# one with a collector, not alone on the page.
BROKEN_RECENTLY_DAYS = 90


class DebtRecoveryFollowup(models.Model):
    """What the customer may agree alone on their page: the policy's limits
    for promises and plans, and when a person, not the page, agrees."""

    _inherit = "debt.recovery.followup"

    def _portal_limits(self, today=None):
        """The policy's limits for this customer's promises and plans."""
        self.ensure_one()
        today = today or fields.Date.context_today(self)
        policy = self._policy()
        return {
            "today": today,
            "horizon": today + timedelta(days=policy.portal_horizon_days),
            "max_instalments": policy.portal_plan_max_instalments,
            "last_date": today + timedelta(days=policy.portal_plan_max_days),
            "min_instalment": policy.portal_plan_min_instalment,
            "frequencies": self.env["debt.recovery.plan"]
            ._fields["frequency"]
            ._description_selection(self.env),
            "hold_days": policy.portal_proposal_hold_days,
        }

    def _portal_check_may_promise(self):
        """A customer promises alone once: a promise still open, one broken
        recently, or a follow-up out of the ladder's hands (excluded, an
        escalation proposed or approved) is agreed with a collector. Else a
        new promise every month would hold the ladder for ever."""
        self.ensure_one()
        promise = self.env["debt.recovery.interaction"]._open_promises(self).get(self)
        if promise:
            raise UserError(
                self.env._(
                    "You have already promised to pay on %(date)s. To change that "
                    "date, please contact us.",
                    date=format_date(self.env, promise.promise_date),
                )
            )
        if self._portal_broken_recently("promise"):
            raise UserError(
                self.env._(
                    "Your last promise to pay was not kept: please contact us to "
                    "agree a new date."
                )
            )
        if not self._portal_on_the_ladder():
            raise UserError(self.env._("Please contact us to agree a date."))

    def _portal_promise_refusal(self):
        """Why the page offers no promise now (the form is replaced by it),
        or False."""
        try:
            self._portal_check_may_promise()
        except UserError as error:
            return error.args[0]
        return False

    def _portal_on_the_ladder(self):
        """Whether the ladder, not a person, handles this customer now: not
        excluded, no escalation proposed or approved."""
        self.ensure_one()
        return not (self.excluded or self.escalation_state in ("proposed", "approved"))

    def _portal_broken_recently(self, what):
        """Whether a promise (``what`` "promise") or a payment plan ("plan")
        of this customer was broken in the last ``BROKEN_RECENTLY_DAYS``."""
        self.ensure_one()
        since = fields.Date.context_today(self) - timedelta(days=BROKEN_RECENTLY_DAYS)
        if what == "plan":
            model = "debt.recovery.plan"
            domain = [("state", "=", "broken"), ("date_end", ">=", since)]
        else:
            model = "debt.recovery.interaction"
            domain = [("promise_state", "=", "broken"), ("promise_date", ">=", since)]
        return bool(
            self.env[model]
            .sudo()
            .search_count(
                [("partner_id", "=", self.partner_id.id), *domain]
                + [("company_id", "=", self.company_id.id)],
                limit=1,
            )
        )
