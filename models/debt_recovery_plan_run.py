from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import format_date


class DebtRecoveryPlanRun(models.AbstractModel):
    """The daily checks of payment plans (DESIGN §4 and §5), called by the
    daily run before the ladder: set-based, idempotent on a rerun."""

    _name = "debt.recovery.plan.run"
    _description = "Payment Plans Daily Checks"

    @api.model
    def _cron_check_plans(self, today=None):
        """Called by the daily run before the ladder, so that the invoices of a
        plan broken today are back on the ladder today."""
        today = today or fields.Date.context_today(self)
        self.env["debt.recovery.plan"].search(
            [("state", "=", "active"), ("amount_residual", "<=", 0.0)]
        )._complete(today)
        self._mark_late_instalments(today)
        self._break_missed_instalments(today)
        self._send_instalment_reminders(today)

    @api.model
    def _running_instalments(self, domain):
        return self.env["debt.recovery.plan.instalment"].search(
            Domain("plan_id.state", "=", "active") & Domain(domain)
        )

    @api.model
    def _mark_late_instalments(self, today):
        """An instalment not fully paid after its due date is late."""
        self._running_instalments(
            [("state", "in", ("pending", "partial")), ("due_date", "<", today)]
        ).write({"date_late": today})

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
        missed.write({"date_missed": today})
        missed.plan_id._break(today, missed)

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
        policies = candidates.plan_id._debt_policies()

        def reminder_due(instalment):
            days = policies[instalment.plan_id].plan_reminder_days
            return days > 0 and instalment.due_date - timedelta(days=days) <= today

        due = candidates.filtered(reminder_due)
        default_template = self.env.ref(
            "account_debt_recovery.mail_template_debt_recovery_plan_reminder"
        )
        entries = []
        for instalment in due:
            plan = instalment.plan_id
            template = policies[plan].plan_reminder_template_id or default_template
            # One email per instalment, threaded on its plan.
            message, error = plan._queue_mail(
                template,
                instalment.id,
                email_values={"model": plan._name, "res_id": plan.id},
            )
            summary = self.env._(
                "Reminder of the instalment of %(amount)s due on %(date)s (%(plan)s)",
                amount=plan.currency_id.format(instalment.amount_due),
                date=format_date(self.env, instalment.due_date),
                plan=plan.name,
            )
            if error:
                entries.append(
                    plan._log_values(
                        "failure",
                        self.env._(
                            "%(summary)s could not be sent: %(error)s",
                            summary=summary,
                            error=error,
                        ),
                    )
                )
            else:
                entries.append(
                    plan._log_values(
                        "plan_reminder",
                        summary,
                        channel="email",
                        direction="outbound",
                        mail_message_id=message.id,
                    )
                )
        due.write({"reminder_date": today})
        self.env["debt.recovery.run"]._log(entries)
