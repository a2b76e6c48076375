import logging

from odoo import Command, api, models
from odoo.fields import Domain

from . import debt_recovery_locks as locks
from .debt_recovery_run import CONCURRENCY_ERRORS

_logger = logging.getLogger(__name__)


class DebtRecoveryCourtesy(models.AbstractModel):
    """Rule 9: a policy may start with a courtesy reminder, a level with
    negative days: a friendly email that many days before an invoice falls
    due. It is not a step of the ladder: the follow-up keeps its level (none)
    and the first overdue contact is still the first level. It announces each
    invoice once, goes only to a customer the ladder does not chase or hold,
    and it is a contact (the policy's spacing and cap apply to it and after
    it)."""

    _name = "debt.recovery.courtesy"
    _description = "Debt Recovery Courtesy Reminders"

    @api.model
    def _candidate_ids(self, company, today, customers=None):
        """The customers with invoices inside the longest courtesy days of
        ``company``'s policies that no courtesy reminder announced yet (one
        aggregate). ``customers`` (commercial partners): among those only
        (run now)."""
        levels = (
            self.env["debt.recovery.level"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("days_overdue", "<", 0),
                    ("policy_id.active", "=", True),
                ]
            )
        )
        if not levels:
            return []
        AML = self.env["account.move.line"]
        horizon = max(-level.days_overdue for level in levels)
        domain = AML._debt_coming_due_domain(company, today, horizon)
        if customers is not None:
            domain &= Domain("partner_id.commercial_partner_id", "in", customers.ids)
        groups = AML._read_group(domain, groupby=["partner_id.commercial_partner_id"])
        return sorted(partner.id for (partner,) in groups)

    @api.model
    def _run_batch(self, partner_ids, today):
        """Send the courtesy reminders due today to these customers. What
        another run holds is its own to send; a batch another run changed
        meanwhile is left to it."""
        company = self.env.company
        partners = self.env["res.partner"].browse(partner_ids)
        Run = self.env["debt.recovery.run"]
        followups = Run._ensure_followups(list(partners), company)
        try:
            with self.env.cr.savepoint():
                locked = locks.try_lock(followups)
                locked.invalidate_recordset()
                AML = self.env["account.move.line"]
                horizon = max(
                    (-level.days_overdue for level in self._levels(locked)), default=0
                )
                lines = AML._debt_lines_by_partner(
                    AML._debt_coming_due_domain(company, today, horizon)
                    & AML._debt_customers_domain(partners)
                )
                steps = self._steps(locked, lines, today)
                if steps:
                    dispatch = self.env["debt.recovery.dispatch"]
                    done, failed = dispatch._run_levels(steps, today)
                    self._record(done, failed, today)
        except CONCURRENCY_ERRORS as error:
            _logger.info("Debt recovery: courtesy batch held by another run: %s", error)

    @api.model
    def _levels(self, followups):
        policies = followups._policies()
        return [
            policy._courtesy_level()
            for policy in set(policies.values())
            if policy and policy._courtesy_level()
        ]

    @api.model
    def _steps(self, followups, lines, today):
        """``{followup: step}`` of the customers to remind today: those with
        invoices inside their policy's courtesy days, on no rung of the
        ladder, held by nothing, and whom the policy's pace allows to
        contact today."""
        ladder = self.env["debt.recovery.ladder"]
        company = self.env.company
        policies = followups._policies()
        AML = self.env["account.move.line"]
        figures = AML._debt_figures(company, followups.partner_id, today)
        credits = AML._debt_unallocated_credits(
            company, AML._debt_customers_domain(followups.partner_id)
        )
        promises = self.env["debt.recovery.interaction"]._open_promises(followups)
        stats = self.env["debt.recovery.interaction"]._outbound_stats(followups, today)
        steps = {}
        for followup in followups:
            policy = policies[followup]
            level = policy._courtesy_level() if policy else None
            if not level or not self._may_remind(followup, figures, promises, today):
                continue
            coming = lines[followup.partner_id].filtered(
                lambda line, level=level: (
                    (line.date_maturity - today).days <= -level.days_overdue
                )
            )
            amount = company.currency_id.round(sum(coming.mapped("amount_residual")))
            if (
                company.currency_id.compare_amounts(
                    amount + credits.get(followup.partner_id, 0.0), 0.0
                )
                <= 0
            ):
                continue  # its credits already cover it: nothing to announce
            if ladder._rule_contact_spacing(policy, stats[followup], today) > today:
                continue  # rule 3: tomorrow, if the due date has not passed
            steps[followup] = {
                "level": level,
                "policy": policy,
                "lines": coming,
                "amount": amount,
            }
        return steps

    @api.model
    def _may_remind(self, followup, figures, promises, today):
        """A customer the ladder chases hears from the ladder; one it holds
        (excluded, paused, a promise, a reply, an escalation) hears nothing."""
        return not (
            followup.excluded
            or followup.level_id
            or followup.pending_level_id
            or followup.escalation_state in ("proposed", "approved")
            or (followup.pause_until and followup.pause_until >= today)
            or followup.reply_pending_since
            or followup in promises
            or (figures.get(followup.partner_id) or {}).get("chased_amount")
        )

    @api.model
    def _record(self, done, failed, today):
        """Log each reminder sent (the invoices it announced) and each
        failure; a customer without a valid address gets the collector an
        activity to fix it, and no letter (a courtesy is no demand)."""
        Interaction = self.env["debt.recovery.interaction"]
        entries = []
        failures = {}
        for followup, data in done.items():
            if data.get("address_error"):
                failed[followup] = dict(data, error=data["address_error"])
                continue
            entry = Interaction._level_entries(followup, data, automated=True)[0]
            entry.update(event="courtesy")
            entries.append(entry)
        for followup, data in failed.items():
            failure = followup._failure_entry(data, automated=True)
            # tried once: the invoices are not announced again tomorrow
            failure["invoice_ids"] = [Command.set(data["lines"].move_id.ids)]
            entries.append(failure)
            failures[followup] = data["error"]
        Interaction._log(entries, today)
        self.env["debt.recovery.followup"]._tell_collectors(failures, today)
