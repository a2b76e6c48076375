from datetime import timedelta

from odoo import api, fields, models

from . import debt_recovery_locks as locks


class DebtRecoveryFollowup(models.Model):
    """The ledger changed (a payment, a credit, a cancelled invoice): the
    follow-ups of its customers read it again at once. A customer with
    nothing chased any more is settled at once (rule 7) and a promise paid
    as promised is kept at once; when a payment did it, the customer is
    thanked (if the policy says so)."""

    _inherit = "debt.recovery.followup"

    @api.model
    def _refresh_customers(self, partners, company, paid=False):
        """The ledger of ``partners`` changed in ``company`` (``paid``: by a
        payment): refresh their follow-ups, and start one for a customer who
        now owes something overdue. Follow-ups the daily run holds right now
        are left to it."""
        figures = self.env["account.move.line"].sudo()._debt_figures(company, partners)
        followups = self.sudo().search(
            [("partner_id", "in", partners.ids), ("company_id", "=", company.id)]
        )
        owing = self.env["res.partner"].browse(p.id for p in figures)
        missing = owing - followups.partner_id
        if missing:
            followups |= self._for_partners(missing, company)
        locked = locks.try_lock(followups)
        locked._refresh_figures()
        locked._reopen_unpaid_promises(figures)
        thanks = dict.fromkeys(locked._keep_paid_promises(figures), "promise")
        thanks.update(dict.fromkeys(locked._settle_cleared(figures), "settled"))
        if paid:
            self._thank(thanks)

    def _keep_paid_promises(self, figures):
        """A promise paid as promised (the chased balance fell by the promised
        amount) is kept at once, not at its date: the customer leaves
        "promise to pay". Returns the follow-ups whose promise was kept."""
        Interaction = self.env["debt.recovery.interaction"]
        ladder = self.env["debt.recovery.ladder"]
        kept = Interaction
        entries = []
        for followup, promise in Interaction._open_promises(self).items():
            amount = (figures.get(followup.partner_id) or {}).get("chased_amount", 0.0)
            if ladder._promise_kept(promise, amount):
                kept |= promise
                entries.append(
                    followup._promise_entry(promise, True, {"amount": amount})
                )
        kept._debt_system_write({"promise_state": "kept"})
        Interaction._log(entries)
        return kept.followup_id

    def _reopen_unpaid_promises(self, figures):
        """A promise kept at once by a payment since cancelled (the chased
        balance is back) is open again until its date plus grace, when the
        run checks it as any other: kept is what was paid, not what was
        once recorded."""
        today = fields.Date.context_today(self)
        Interaction = self.env["debt.recovery.interaction"]
        ladder = self.env["debt.recovery.ladder"]
        policies = self._policies()
        promises = Interaction.sudo().search(
            [
                ("followup_id", "in", self.ids),
                ("outcome", "=", "promise"),
                ("promise_date", ">=", today - timedelta(days=365)),
            ],
            order="promise_date desc, id desc",
        )
        latest = {}
        for promise in promises:
            latest.setdefault(promise.followup_id, promise)
        reopened = Interaction
        entries = []
        for followup, promise in latest.items():
            policy = policies.get(followup)
            grace = timedelta(days=policy.promise_grace_days if policy else 0)
            amount = (figures.get(followup.partner_id) or {}).get("chased_amount", 0.0)
            if (
                promise.promise_state == "kept"
                and promise.promise_date + grace >= today
                and not ladder._promise_kept(promise, amount)
            ):
                reopened |= promise
                entries.append(
                    followup._event_values(
                        "promise_reopened",
                        self.env._(
                            "The payment that kept the promise to pay of %(date)s "
                            "was cancelled: the promise is open again.",
                            date=promise.promise_date,
                        ),
                        amount_due=amount,
                    )
                )
        reopened._debt_system_write({"promise_state": "open"})
        Interaction._log(entries)

    def _settle_cleared(self, figures):
        """Rule 7 at once: nothing is chased any more and no dispute or plan
        is open; the customer is up to date and the settlement logged.
        Returns the follow-ups settled."""
        disputes = self._open_counts(
            "debt.recovery.interaction", [("dispute_state", "=", "open")]
        )
        plans = self._open_counts("debt.recovery.plan", [("state", "=", "active")])
        policies = self._policies()
        settled = self.filtered(
            lambda followup: (
                policies[followup]
                and not followup.excluded
                and followup._needs_settlement()
                and not (figures.get(followup.partner_id) or {}).get("chased_amount")
                and not disputes.get(followup.id)
                and not plans.get(followup.id)
            )
        )
        for followup in settled:
            followup._write_changes(followup._settled_vals())
        self.env["debt.recovery.interaction"]._log(
            [followup._settlement_entry() for followup in settled]
        )
        return settled

    def _refresh_figures(self, today=None):
        """Read the ledger again for these follow-ups and store the figures
        (a payment, a dispute, a plan changed them)."""
        today = today or fields.Date.context_today(self)
        ladder = self.env["debt.recovery.ladder"]
        policies = self._policies()
        for company in self.company_id:
            followups = self.filtered(lambda f, c=company: f.company_id == c)
            figures = (
                self.env["account.move.line"]
                .sudo()
                ._debt_figures(company, followups.partner_id, today)
            )
            for followup in followups:
                data = figures.get(followup.partner_id) or {}
                stored = ladder._stored_figures(data, policies[followup], company)
                followup._write_changes(
                    followup._figure_vals(stored, ladder._priority(data, today))
                )
