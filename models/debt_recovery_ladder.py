from datetime import timedelta

from odoo import api, models

# What the ladder decides for a customer on a day (``decision["action"]``):
# settle: nothing chased any more; hold: something keeps the customer off
# the ladder today; wait: the next step is not due yet (delay, spacing, cap)
# or below the minimum; review: the next level waits for a collector; step:
# run the next level's actions now.
ACTIONS = ("settle", "hold", "wait", "review", "step")
# Why (``decision["reason"]``): the rule that decided the action, so that a
# collector can read what the customer receives next and what holds it.
REASONS = (
    "excluded",
    "no_policy",
    "settled",
    "escalation",
    "paused",
    "promise",
    "proposal",
    "reply",
    "review",
    "disputed_or_planned",
    "below_minimum",
    "not_due",
    "last_level",
    "spacing",
    "weekly_cap",
    "step",
)


class DebtRecoveryLadder(models.AbstractModel):
    """The escalation rules, one method each. ``_decide`` reads the facts of
    a batch of follow-ups and returns a decision per follow-up; nothing here
    writes anything: the follow-up applies the decisions, the dispatcher
    runs the actions and the log records them."""

    _name = "debt.recovery.ladder"
    _description = "Debt Recovery Ladder Rules"

    @api.model
    def _decide(self, followups, today):
        """``{followup: decision}``; a decision is a dict: ``action`` (see
        ACTIONS), ``figures`` (the ledger's, to store), ``priority``,
        ``level`` (the level to run or to review), ``lines`` and ``amount``
        (the items chased and their net amount), ``next_action_date``,
        ``reason`` (see REASONS), ``next_level`` and ``next_level_date``
        (the step after the level reached and the day its delay is reached),
        ``resume`` (a pause that ended), ``proposal_hold`` (the day a plan
        the customer proposed stops holding the ladder) and ``promise`` /
        ``promise_kept`` (an open promise whose date plus grace has passed)."""
        facts = self._facts(followups, today)
        return {
            followup: self._decide_one(followup, facts, today) for followup in followups
        }

    @api.model
    def _facts(self, followups, today):
        """Everything the rules read, for the whole batch: one query each."""
        Interaction = self.env["debt.recovery.interaction"]
        AML = self.env["account.move.line"]
        policies = followups._policies()
        facts = {
            "policies": policies,
            # each policy's levels in ladder order, sorted once for the batch
            "ladders": {
                policy: policy._ladder() for policy in set(policies.values()) if policy
            },
            "stats": Interaction._outbound_stats(followups, today),
            "promises": Interaction._open_promises(followups),
            "disputes": followups._open_counts(
                "debt.recovery.interaction", [("dispute_state", "=", "open")]
            ),
            "plans": followups._open_counts(
                "debt.recovery.plan", [("state", "=", "active")]
            ),
            "proposals": self.env["debt.recovery.plan"]._waiting_proposals(
                followups, today
            ),
            "figures": {},
            "lines": {},
        }
        for company in followups.company_id:
            partners = followups.filtered(
                lambda f, c=company: f.company_id == c
            ).partner_id
            figures = AML._debt_figures(company, partners, today)
            facts["figures"][company] = figures
            chased = [p.id for p, data in figures.items() if data["chased_amount"]]
            facts["lines"][company] = AML._debt_lines_by_partner(
                AML._debt_eligible_overdue_domain(company, today)
                & AML._debt_customers_domain(partners.browse(chased))
            )
        return facts

    @api.model
    def _decide_one(self, followup, facts, today):
        company, partner = followup.company_id, followup.partner_id
        policy = facts["policies"][followup]
        figures = facts["figures"][company].get(partner) or {}
        amount = figures.get("chased_amount", 0.0)
        decision = {
            "action": "wait",
            "policy": policy,
            "figures": self._stored_figures(figures, policy, company),
            "priority": self._priority(figures, today),
            "amount": amount,
            "lines": facts["lines"][company][partner],
            "level": self.env["debt.recovery.level"],
            "next_action_date": False,
            "resume": bool(followup.pause_until and followup.pause_until < today),
            "reply_released": bool(policy)
            and followup._reply_released(followup, policy, today),
            "proposal_hold": facts["proposals"].get(followup.id, False),
            "reason": False,
            "next_level": self.env["debt.recovery.level"],
            "next_level_date": False,
        }
        if policy:
            # the step after the level reached, whatever holds it today
            level = self._rule_one_step(
                policy, self._current_level(followup), facts["ladders"][policy]
            )
            since = decision["figures"]["chased_since"]
            decision["next_level"] = level
            if level and since:
                decision["next_level_date"] = since + timedelta(days=level.days_overdue)
        promise = facts["promises"].get(followup)
        if promise and policy:
            kept = self._promise_kept(promise, amount)
            # paid as promised: kept at once; else checked after date + grace
            if kept or self._promise_expired(promise, policy, today):
                decision.update(promise=promise, promise_kept=kept)
                promise = None
        if followup.excluded or not policy:
            decision.update(
                action="hold", reason="excluded" if followup.excluded else "no_policy"
            )
        elif self._rule_settle(followup, decision, facts):
            decision.update(action="settle", reason="settled")
        elif hold := self._rule_exclusions(followup, decision, promise, today):
            reason, next_date = hold
            decision.update(action="hold", reason=reason, next_action_date=next_date)
        elif not amount:
            # what is overdue is disputed or planned
            decision.update(action="hold", reason="disputed_or_planned")
        elif decision["figures"]["below_minimum"]:
            decision.update(action="wait", reason="below_minimum")
        else:
            decision["ladder"] = facts["ladders"][policy]
            self._climb(followup, decision, facts["stats"][followup], today)
        return decision

    @api.model
    def _climb(self, followup, decision, stats, today):
        """The next step of a customer the ladder chases today."""
        policy = decision["policy"]
        current = self._current_level(followup)
        days = (today - decision["figures"]["chased_since"]).days
        ladder = decision["ladder"]
        target = self._rule_target_level(policy, days, ladder)
        level = decision["next_level"]
        if not self._rule_once(current, target):
            # the next action is the day the next level's delay is reached
            decision.update(
                reason="not_due" if level else "last_level",
                next_action_date=decision["next_level_date"] if level else False,
            )
            return
        reason, allowed_from = self._rule_contact_spacing_reason(policy, stats, today)
        if allowed_from > today:
            decision.update(next_action_date=allowed_from, reason=reason)
            return
        decision.update(
            level=level,
            next_action_date=today,
            action="review" if level.execution == "review" else "step",
            reason="review" if level.execution == "review" else "step",
        )

    # ------------------------------------------------------------------
    # The rules
    # ------------------------------------------------------------------
    @api.model
    def _rule_target_level(self, policy, days_overdue, ladder=None):
        """Rule 1: the target is the highest level whose delay is reached,
        measured on the oldest chased overdue item."""
        return policy._target_level(days_overdue, ladder)

    @api.model
    def _rule_one_step(self, policy, current, ladder=None):
        """Rule 2: climb at most one level per evaluation; the first contact
        is always the first level, however old the debt."""
        return policy._next_level(current, ladder)

    @api.model
    def _rule_contact_spacing(self, policy, stats, today):
        """Rule 3: the first day an outbound contact is allowed, given the
        policy's minimum spacing and weekly cap (manual contacts count)."""
        return self._rule_contact_spacing_reason(policy, stats, today)[1]

    @api.model
    def _rule_contact_spacing_reason(self, policy, stats, today):
        """Rule 3, saying which limit holds: ``("spacing" or "weekly_cap",
        first day allowed)``; the day is ``today`` when neither holds."""
        last_contact, contacts_this_week = stats
        reason, allowed = False, today
        if last_contact:
            spaced = last_contact + timedelta(days=policy.min_days_between_contacts)
            if spaced > allowed:
                reason, allowed = "spacing", spaced
        if contacts_this_week >= policy.max_contacts_per_week:
            tomorrow = today + timedelta(days=1)
            if tomorrow > allowed:
                reason, allowed = "weekly_cap", tomorrow
        return reason, allowed

    @api.model
    def _rule_once(self, current, target):
        """Rule 4: a level's actions run once; there is something to do only
        when the target is above the level reached."""
        return bool(target) and target._is_above(current)

    @api.model
    def _rule_exclusions(self, followup, decision, promise, today):
        """Rule 5 (per customer; excluded items are already out of the
        figures): what keeps the customer off the ladder today, as ``(reason,
        date of its next action)`` (the date True when none is known), or
        False."""
        if followup.escalation_state in ("proposed", "approved"):
            return "escalation", True  # rule 6: in a manager's hands
        if followup.pause_until and not decision["resume"]:
            return "paused", followup.pause_until
        if promise:
            return "promise", promise.promise_date
        if decision["proposal_hold"]:
            # a plan proposal waits like a promise
            return "proposal", decision["proposal_hold"]
        if followup.reply_pending_since and not decision["reply_released"]:
            return "reply", True  # rule 10: a reply waits for a collector
        if followup.pending_level_id:
            return "review", today
        return False

    @api.model
    def _rule_settle(self, followup, decision, facts):
        """Rule 7: nothing is chased any more and no dispute or plan is open:
        the customer is up to date (a follow-up keeps its level while a
        dispute or a plan holds its invoices)."""
        return (
            not decision["amount"]
            and not facts["disputes"].get(followup.id)
            and not facts["plans"].get(followup.id)
        )

    @api.model
    def _current_level(self, followup):
        """Rule 8: the customer stands at the level its follow-up reached
        since its last settlement. The levels its invoices remember are a
        record of what each was sent; they never make a customer skip a
        level (an invoice whose payment is cancelled after a settlement
        starts again at level 1 with its customer)."""
        return followup.level_id

    # ------------------------------------------------------------------
    # Promises
    # ------------------------------------------------------------------
    @api.model
    def _promise_expired(self, promise, policy, today):
        return promise.promise_date + timedelta(days=policy.promise_grace_days) < today

    @api.model
    def _promise_kept(self, promise, amount):
        """Kept when the chased balance fell by the promised amount (or to
        zero)."""
        expected = max(
            promise.amount_due - (promise.promise_amount or promise.amount_due), 0.0
        )
        return promise.currency_id.compare_amounts(amount, expected) <= 0

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------
    @api.model
    def _stored_figures(self, figures, policy, company):
        amount = figures.get("chased_amount", 0.0)
        minimum = policy.min_overdue_amount if policy else 0.0
        return {
            "overdue_amount": figures.get("overdue_amount", 0.0),
            "chased_amount": amount,
            "oldest_due_date": figures.get("oldest_due_date", False),
            "chased_since": figures.get("chased_since", False),
            "below_minimum": bool(amount)
            and company.currency_id.compare_amounts(amount, minimum) < 0,
        }

    @api.model
    def _priority(self, figures, today):
        """Worklist priority: overdue amount × days overdue (0 when settled)."""
        oldest = figures.get("oldest_due_date")
        if not oldest:
            return 0.0
        return figures["overdue_amount"] * max((today - oldest).days, 0)
