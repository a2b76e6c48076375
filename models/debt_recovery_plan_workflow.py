from markupsafe import escape

from odoo import Command, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date

from .debt_recovery_roles import check_manager
from .debt_recovery_workflow import workflow


class DebtRecoveryPlan(models.Model):
    """The life of a payment plan: activated and cancelled by managers,
    broken or completed by the daily checks; each step is logged. The covered
    invoices leave the ladder while the plan is active (their plan is derived
    from the plan's state) and return to it where they were."""

    _inherit = "debt.recovery.plan"

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_activate(self):
        """Start the plans: their invoices leave the ladder (manager only)."""
        check_manager(
            self.env,
            self.env._("Only a debt recovery manager can activate a payment plan."),
        )
        for plan in self:
            plan._check_can_activate()
        if sum(len(plan.invoice_ids) for plan in self) != len(self.invoice_ids):
            raise UserError(
                self.env._(
                    "These payment plans cover the same invoices: activate only one "
                    "of them."
                )
            )
        today = fields.Date.context_today(self)
        self._write_status({"state": "active", "date_activated": today})
        self.env["debt.recovery.interaction"]._log(
            [
                plan._log_values(
                    "plan_activated",
                    self.env._(
                        "Payment plan %(plan)s activated: %(count)s instalments, "
                        "%(total)s, from %(date)s.",
                        plan=plan.name,
                        count=plan.instalment_count,
                        total=plan.currency_id.format(plan.amount_total),
                        date=format_date(self.env, plan.date_start),
                    ),
                    automated=False,
                )
                for plan in self
            ]
        )
        self.followup_id._refresh_figures(today)
        return True

    def _check_can_activate(self):
        self.ensure_one()
        if self.state != "draft":
            raise UserError(
                self.env._(
                    "Payment plan %(plan)s is %(state)s: only a draft plan can be "
                    "activated.",
                    plan=self.name,
                    state=self._state_label(),
                )
            )
        if not self.invoice_ids:
            raise UserError(
                self.env._(
                    "Payment plan %(plan)s covers no invoice: choose them.",
                    plan=self.name,
                )
            )
        if not self.instalment_ids:
            raise UserError(
                self.env._(
                    "Payment plan %(plan)s has no instalment: compute or enter its "
                    "schedule.",
                    plan=self.name,
                )
            )
        past = self.instalment_ids.filtered(
            lambda inst: inst.due_date < fields.Date.context_today(self)
        )
        if past:
            raise UserError(
                self.env._(
                    "Payment plan %(plan)s has an instalment due on %(date)s, in the "
                    "past: reschedule it before activating the plan.",
                    plan=self.name,
                    date=format_date(self.env, past[0].due_date),
                )
            )
        # no plan on a zero balance: each invoice must still owe something
        self._check_invoices()
        self._check_schedule()
        self.instalment_ids._check_amount()

    def action_cancel(self):
        """Ask for the reason, then cancel (manager only)."""
        check_manager(
            self.env,
            self.env._("Only a debt recovery manager can cancel a payment plan."),
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Cancel Payment Plan"),
            "res_model": "debt.recovery.plan.cancel",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_plan_ids": [Command.set(self.ids)]},
        }

    def _cancel(self, reason):
        """Cancel the plans for ``reason``: their invoices return to the ladder
        at the level they had."""
        check_manager(
            self.env,
            self.env._("Only a debt recovery manager can cancel a payment plan."),
        )
        reason = (reason or "").strip()
        if not reason:
            raise UserError(
                self.env._("Give the reason for cancelling the payment plan.")
            )
        for plan in self:
            if plan.state not in ("draft", "active"):
                raise UserError(
                    self.env._(
                        "Payment plan %(plan)s is %(state)s: only draft and active "
                        "plans can be cancelled.",
                        plan=plan.name,
                        state=plan._state_label(),
                    )
                )
        today = fields.Date.context_today(self)
        self._write_status(
            {"state": "cancelled", "cancel_reason": reason, "date_end": today}
        )
        self.env["debt.recovery.interaction"]._log(
            [
                plan._log_values(
                    "plan_cancelled",
                    self.env._(
                        "Payment plan %(plan)s cancelled: %(reason)s",
                        plan=plan.name,
                        reason=reason,
                    ),
                    automated=False,
                )
                for plan in self
            ]
        )
        self.followup_id._refresh_figures(today)
        return True

    def action_reschedule(self):
        """Compute the schedule of a draft plan again with the plan wizard."""
        self.ensure_one()
        self._check_draft_for_changes()
        return self.env["debt.recovery.plan.wizard"]._action_open(
            self.partner_id, invoices=self.invoice_ids, plan=self
        )

    def action_print_agreement(self):
        return self.env.ref(
            "account_debt_recovery.action_report_debt_recovery_plan"
        ).report_action(self)

    def action_send_agreement(self):
        """Email the plan agreement (PDF attached) with the composer."""
        self.ensure_one()
        template = self.env.ref(
            "account_debt_recovery.mail_template_debt_recovery_plan_agreement",
            raise_if_not_found=False,
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send Plan Agreement"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id if template else False,
                "default_composition_mode": "comment",
                "default_email_layout_xmlid": (
                    "mail.mail_notification_layout_with_responsible_signature"
                ),
                "force_email": True,
            },
        }

    def action_view_invoices(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Covered Invoices"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", self.invoice_ids.ids)],
            "context": {"create": False, "default_move_type": "out_invoice"},
        }

    # ------------------------------------------------------------------
    # State changes of the daily checks (debt.recovery.plan.monitor)
    # ------------------------------------------------------------------
    def _break(self, today, missed):
        """The plans break: invoices back on the ladder where they were, an
        activity for the collector, and a courteous notice to the customer,
        sent on the first day the policy's spacing and weekly cap allow
        (``broken_notice_due``)."""
        self._write_status(
            {"state": "broken", "date_end": today, "broken_notice_due": True}
        )
        call = self.env.ref("mail.mail_activity_data_call", raise_if_not_found=False)
        todo = self.env.ref("mail.mail_activity_data_todo")
        entries = []
        for plan in self:
            first_missed = missed.filtered(
                lambda inst, plan=plan: inst.plan_id == plan
            ).sorted("due_date")[:1]
            summary = self.env._(
                "Payment plan %(plan)s broken: the instalment of %(amount)s due on "
                "%(date)s was not paid within %(days)s days.",
                plan=plan.name,
                amount=plan.currency_id.format(first_missed.amount),
                date=format_date(self.env, first_missed.due_date),
                days=plan.grace_days,
            )
            entries.append(plan._log_values("plan_broken", summary))
            plan.activity_schedule(
                activity_type_id=(call or todo).id,
                summary=self.env._("Payment plan broken: call the customer"),
                note=escape(summary),
                date_deadline=today,
                user_id=(plan.user_id or self.env.user).id,
            )
        self.env["debt.recovery.interaction"]._log(entries)
        self.followup_id._refresh_figures(today)

    def _send_broken_notices(self):
        """Tell the customers their plan is broken (a contact)."""
        default_template = self.env.ref(
            "account_debt_recovery.mail_template_debt_recovery_plan_broken"
        )
        notices = {
            plan: {
                "template": plan._policy().plan_broken_template_id or default_template,
                "record": plan,
                "partner": plan.partner_id,
                "summary": self.env._(
                    "Payment plan %(plan)s ended: the customer is told.",
                    plan=plan.name,
                ),
            }
            for plan in self
        }
        self.env["debt.recovery.dispatch"]._send_notices(notices)
        self._write_status({"broken_notice_due": False})
        self.env["debt.recovery.interaction"]._log(
            [
                plan._notice_entry("plan_broken_notice", data)
                for plan, data in notices.items()
            ]
        )

    def _complete(self, today):
        """The covered invoices are paid: the plans complete (the ladder
        then settles customers with nothing else overdue)."""
        if not self:
            return
        self._write_status({"state": "completed", "date_end": today})
        self.env["debt.recovery.interaction"]._log(
            [
                plan._log_values(
                    "plan_completed",
                    self.env._(
                        "Payment plan %(plan)s completed: %(total)s paid.",
                        plan=plan.name,
                        total=plan.currency_id.format(plan.amount_total),
                    ),
                )
                for plan in self
            ]
        )
        self.followup_id._refresh_figures(today)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _write_status(self, vals):
        return workflow(self).write(vals)

    def _outstanding(self, invoices):
        """What ``invoices`` still owe, in the plan's currency."""
        self.ensure_one()
        currency = self.currency_id or self.company_id.currency_id
        total = 0.0
        for invoice in invoices:
            residual = invoice.amount_residual
            if invoice.currency_id != currency:
                residual = invoice.currency_id._convert(
                    residual, currency, self.company_id, fields.Date.context_today(self)
                )
            total += residual
        return currency.round(total)

    def _log_values(self, event, summary, **values):
        """An interaction about this plan, for the log writer."""
        self.ensure_one()
        return {
            "followup_id": self.followup_id.id,
            "event": event,
            "channel": "note",
            "direction": "internal",
            "invoice_ids": [Command.set(self.invoice_ids.ids)],
            "amount_due": sum(self.invoice_ids.mapped("amount_residual_signed")),
            "summary": summary,
            **values,
        }

    def _notice_entry(self, event, data):
        """The log entry of a notice to the customer: the email sent, or the
        reason it could not be."""
        if data.get("error"):
            return self._log_values(
                "failure" if event == "plan_reminder" else event,
                self.env._(
                    "%(summary)s The customer could not be told: %(error)s",
                    summary=data["summary"],
                    error=data["error"],
                ),
            )
        return self._log_values(
            event,
            data["summary"],
            channel="email",
            direction="outbound",
            mail_message_id=data["mail"].mail_message_id.id,
        )

    def _state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]
