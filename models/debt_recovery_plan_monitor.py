from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import format_date

from . import debt_recovery_locks as locks
from .debt_recovery_workflow import workflow


class DebtRecoveryPlanMonitor(models.AbstractModel):
    """The daily checks of payment plans, called by the daily run before the
    ladder: completion, late and missed instalments, reminders before each
    instalment, customers' proposals that waited their hold days. Set-based
    and idempotent: a rerun, or a second run at the same time, changes
    nothing more (each step locks what it changes and checks it again)."""

    _name = "debt.recovery.plan.monitor"
    _description = "Payment Plans Daily Checks"

    @api.model
    def _cron_check_plans(self, today=None):
        """Called by the daily run before the ladder, so that the invoices of a
        plan broken today are back on the ladder today."""
        today = today or fields.Date.context_today(self)
        paid = self.env["debt.recovery.plan"].search(
            [("state", "=", "active"), ("amount_residual", "<=", 0.0)]
        )
        self._locked(paid, lambda plan: plan.state == "active")._complete(today)
        self._mark_late_instalments(today)
        self._break_missed_instalments(today)
        self._send_broken_notices(today)
        self._send_instalment_reminders(today)
        self.env["debt.recovery.plan"]._end_proposal_holds(today)

    @api.model
    def _locked(self, records, still_due):
        """``records`` locked by this run, skipping those another run holds,
        and read again: those ``still_due`` says are still to do."""
        locked = locks.try_lock(records)
        locked.invalidate_recordset()
        return locked.filtered(still_due)

    @api.model
    def _contact_allowed(self, plans, today):
        """The plans whose customer may be contacted today: plan notices are
        outbound contacts, they respect the policy's spacing and weekly cap
        like the ladder's (and are deferred otherwise)."""
        followups = plans.followup_id
        stats = self.env["debt.recovery.interaction"]._outbound_stats(followups, today)
        policies = followups._policies()
        ladder = self.env["debt.recovery.ladder"]
        return plans.filtered(
            lambda plan: (
                ladder._rule_contact_spacing(
                    policies[plan.followup_id], stats[plan.followup_id], today
                )
                <= today
            )
        )

    @api.model
    def _send_broken_notices(self, today):
        due = self.env["debt.recovery.plan"].search(
            [("state", "=", "broken"), ("broken_notice_due", "=", True)]
        )
        due = self._locked(due, lambda plan: plan.broken_notice_due)
        self._contact_allowed(due, today)._send_broken_notices()

    @api.model
    def _running_instalments(self, domain):
        return self.env["debt.recovery.plan.instalment"].search(
            Domain("plan_id.state", "=", "active") & Domain(domain)
        )

    @api.model
    def _mark_late_instalments(self, today):
        """An instalment not fully paid after its due date is late."""
        late = self._running_instalments(
            [("state", "in", ("pending", "partial")), ("due_date", "<", today)]
        )
        workflow(self._locked(late, lambda inst: not inst.date_late)).write(
            {"date_late": today}
        )

    @api.model
    def _break_missed_instalments(self, today):
        """An instalment still unpaid after the plan's grace days is missed,
        and the plan breaks."""
        overdue = self._running_instalments(
            [("state", "in", ("pending", "partial", "late")), ("due_date", "<", today)]
        )
        missed = overdue.filtered(
            lambda inst: (today - inst.due_date).days > inst.plan_id.grace_days
        )
        plans = self._locked(missed.plan_id, lambda plan: plan.state == "active")
        missed = missed.filtered(lambda inst: inst.plan_id in plans)
        workflow(missed).write({"date_missed": today})
        plans._break(today, missed)

    @api.model
    def _send_instalment_reminders(self, today):
        """A courteous reminder a few days (the policy's reminder days) before
        each instalment falls due, once per instalment."""
        groups = (
            self.env["debt.recovery.policy"]
            .sudo()
            ._read_group(
                [("plan_reminder_days", ">", 0)], aggregates=["plan_reminder_days:max"]
            )
        )
        longest = groups[0][0] if groups else 0
        if not longest:
            return
        candidates = self._running_instalments(
            [
                ("state", "in", ("pending", "partial")),
                ("reminder_date", "=", False),
                ("due_date", ">=", today),
                ("due_date", "<=", today + timedelta(days=longest)),
            ]
        )
        candidates = self._locked(candidates, lambda inst: not inst.reminder_date)

        def reminder_due(instalment):
            days = instalment.plan_id._policy().plan_reminder_days
            return days > 0 and instalment.due_date - timedelta(days=days) <= today

        due = candidates.filtered(reminder_due)
        allowed = self._contact_allowed(due.plan_id, today)
        due = due.filtered(lambda instalment: instalment.plan_id in allowed)
        default_template = self.env.ref(
            "account_debt_recovery.mail_template_debt_recovery_plan_reminder"
        )
        notices = {}
        for instalment in due:
            plan = instalment.plan_id
            notices[instalment] = {
                "template": plan._policy().plan_reminder_template_id
                or default_template,
                "record": instalment,
                "partner": plan.partner_id,
                # one email per instalment, threaded on its plan
                "email_values": {"model": plan._name, "res_id": plan.id},
                "summary": self.env._(
                    "Reminder of the instalment of %(amount)s due on %(date)s "
                    "(%(plan)s)",
                    amount=plan.currency_id.format(instalment.amount_due),
                    date=format_date(self.env, instalment.due_date),
                    plan=plan.name,
                ),
            }
        self.env["debt.recovery.dispatch"]._send_notices(notices)
        workflow(due).write({"reminder_date": today})
        self.env["debt.recovery.interaction"]._log(
            [
                instalment.plan_id._notice_entry("plan_reminder", data)
                for instalment, data in notices.items()
            ]
        )
