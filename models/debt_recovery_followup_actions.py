from odoo import api, fields, models
from odoo.exceptions import UserError

from .debt_recovery_roles import check_collector, check_manager


class DebtRecoveryFollowup(models.Model):
    """What collectors and managers do to a follow-up. Each method checks the
    caller's role on the server, changes the state and logs what it did."""

    _inherit = "debt.recovery.followup"

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------
    def action_open_customer(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_log_interaction(self):
        """Log a call (or any contact) with this customer."""
        followup = self._one_customer(self.env._("Log interactions one at a time."))
        return self.env["debt.recovery.log.wizard"]._action_open(
            {
                "default_partner_id": followup.partner_id.id,
                "default_company_id": followup.company_id.id,
            }
        )

    def action_pause(self):
        check_collector(self.env)
        return self.env["debt.recovery.pause.wizard"]._action_open(self._selected())

    def action_change_policy(self):
        check_collector(self.env)
        return self.env["debt.recovery.policy.wizard"]._action_open(self._selected())

    def action_assign_collector(self):
        check_collector(self.env)
        return self.env["debt.recovery.assign.wizard"]._action_open(self._selected())

    def action_propose_plan(self):
        followup = self._one_customer(
            self.env._("Propose payment plans one customer at a time.")
        )
        return (
            self.env["debt.recovery.plan.wizard"]
            .with_company(followup.company_id)
            ._action_open(followup.partner_id)
        )

    def action_send_now(self):
        """Send the levels waiting for review, exactly as the run would."""
        check_collector(
            self.env,
            self.env._("Only debt recovery collectors can send reviewed reminders."),
        )
        waiting = self._selected().filtered("pending_level_id")
        if not waiting:
            raise UserError(
                self.env._(
                    "None of the selected customers has a reminder awaiting review."
                )
            )
        if len(waiting) == 1 and waiting.pending_level_id.send_email:
            return waiting._review_composer()
        # a selection: the collector sends them as the run would have
        self.env["debt.recovery.run"]._send_pending(waiting)
        return True

    def _review_composer(self):
        """The email of the level waiting for review, composed and editable in
        Odoo's composer, its letter attached when the level sends one; sending
        it reaches the level (``_review_sent``)."""
        self.ensure_one()
        level = self.pending_level_id
        letters = self.env["ir.attachment"]
        if level.attach_letter:
            letters = self.env[
                "report.account_debt_recovery.report_debt_recovery_level_letter"
            ]._debt_render_attachments(self, level)[self]
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Review and Send: %(level)s", level=level.name),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": level.mail_template_id.id,
                "default_composition_mode": "comment",
                "default_attachment_ids": [(6, 0, letters.ids)],
                "debt_recovery_review": self.id,
            },
        }

    def _review_sent(self, message):
        """The collector sent the level waiting for review (``message``, from
        the composer): the level is reached, logged with that email."""
        check_collector(
            self.env,
            self.env._("Only debt recovery collectors can send reviewed reminders."),
        )
        self.ensure_one()
        level = self.pending_level_id
        if not level:
            # sent meanwhile (another collector, a second click): this email
            # is not sent, the customer gets the level once
            raise UserError(
                self.env._(
                    "This reminder to %(customer)s was sent already.",
                    customer=self.partner_id.display_name,
                )
            )
        today = fields.Date.context_today(self)
        ladder = self.env["debt.recovery.ladder"]
        data = ladder._decide_one(self, ladder._facts(self, today), today)
        self._check_pending_sendable(data)
        letter = message.attachment_ids.filtered(
            lambda attachment: attachment.mimetype == "application/pdf"
        )[:1]
        data.update(level=level, message=message, letter=letter)
        self._record_steps({self: data}, {}, today, automated=False)

    def _check_pending_sendable(self, decision):
        """A level waiting for review is sent only while the ladder would
        still send it today: nothing holds the customer (excluded, settled,
        paused, a promise, a proposal, a reply, an escalation) and something
        is still chased. Else nothing is sent and the collector is told."""
        self.ensure_one()
        if decision["reason"] != "review" or not decision["amount"]:
            raise UserError(
                self.env._(
                    "The reminder waiting for review can no longer be sent to "
                    "%(customer)s: their follow-up changed since (open its "
                    "follow-up report to see what holds it).",
                    customer=self.partner_id.display_name,
                )
            )

    def action_run_now(self):
        """Run the ladder now for the selected customers, as the daily run."""
        evaluated = self.env["debt.recovery.run"]._run_now(self._selected())
        return self._run_now_notification(evaluated)

    @api.model
    def action_run_now_company(self):
        """Run the ladder now for the whole current company (managers)."""
        evaluated = self.env["debt.recovery.run"]._run_now_company(self.env.company)
        return self._run_now_notification(evaluated)

    @api.model
    def _run_now_notification(self, evaluated):
        """What the run did, said to the user, and the worklist reloaded."""
        reached = evaluated.filtered(lambda f: f.status == "to_review")
        message = self.env._(
            "%(count)s customers evaluated; %(review)s now wait for review.",
            count=len(evaluated),
            review=len(reached),
        )
        if not evaluated:
            message = self.env._(
                "Nothing to do: these customers were already evaluated today, or "
                "nothing of theirs is followed up."
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Debt recovery run"),
                "message": message,
                "type": "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_resume(self):
        """End the pause now."""
        check_collector(self.env)
        paused = self._selected().filtered("pause_until")
        if not paused:
            raise UserError(self.env._("None of the selected customers is paused."))
        paused._log_events(
            "resumed",
            lambda f: self.env._("Pause ended by %(user)s.", user=self.env.user.name),
        )
        for followup in paused:
            followup._write_state({"pause_until": False, "pause_reason": False})
        return True

    # ------------------------------------------------------------------
    # State changes
    # ------------------------------------------------------------------
    def _pause(self, until, reason):
        """Pause the ladder of these customers until a date, for a reason."""
        check_collector(self.env)
        reason = (reason or "").strip()
        if not until or until < fields.Date.context_today(self):
            raise UserError(self.env._("A pause ends today or later."))
        if not reason:
            raise UserError(self.env._("Say why the follow-up is paused."))
        # a reminder waiting for review waits no more: the pause holds it
        self._write_state(
            {
                "pause_until": until,
                "pause_reason": reason,
                "next_action_date": until,
                "pending_level_id": False,
            }
        )
        self._log_events(
            "paused",
            lambda f: self.env._(
                "Follow-up paused until %(date)s: %(reason)s", date=until, reason=reason
            ),
        )
        return True

    def _assign(self, collector, reassign_activities=True):
        """Make ``collector`` the collector of these customers."""
        check_collector(self.env)
        if collector.share:
            raise UserError(
                self.env._(
                    "%(user)s is a portal user: a collector works for the company.",
                    user=collector.name,
                )
            )
        for followup in self:
            former = followup.collector_id
            if reassign_activities and former and former != collector:
                (followup.activity_ids | followup.partner_id.activity_ids).filtered(
                    lambda activity, user=former: activity.user_id == user
                ).sudo().write({"user_id": collector.id})
            followup._write_state({"collector_id": collector.id})
        self._log_events(
            "assigned",
            lambda f: self.env._("Collector: %(user)s", user=collector.name or "-"),
        )
        return True

    def _set_policy(self, policy):
        """Follow these customers with ``policy`` (empty: the company's default).
        The level reached stays; the next step is the new policy's next level.
        Which ladder a customer is on is the managers' choice, as the ladders
        themselves are."""
        check_manager(
            self.env,
            self.env._("Only a debt recovery manager can change a customer's policy."),
        )
        for followup in self:
            if policy and policy.company_id != followup.company_id:
                raise UserError(
                    self.env._(
                        "Policy %(policy)s belongs to %(company)s.",
                        policy=policy.display_name,
                        company=policy.company_id.name,
                    )
                )
        changed = self.filtered(lambda f: f.policy_id != policy)
        before = {f: (f._policy().name or "-", f.level_id.name or "-") for f in changed}
        for followup in changed:
            vals = {"policy_id": policy.id}
            if followup.level_id and followup.level_id.policy_id != (
                policy or followup._policy_default()
            ):
                # the level reached is kept as a position on the new ladder
                vals["level_id"] = followup._equivalent_level(policy).id
            followup._write_state(vals)
        changed._log_events(
            "policy_changed",
            lambda f: self.env._(
                "Policy: %(old)s → %(policy)s; level reached: %(old_level)s → "
                "%(level)s",
                old=before[f][0],
                policy=f._policy().name or "-",
                old_level=before[f][1],
                level=f.level_id.name or "-",
            ),
        )
        return True

    def _exclude(self, reason):
        """Take these customers off the ladder (managers only)."""
        check_manager(
            self.env,
            self.env._("Only a debt recovery manager can exclude a customer."),
        )
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why the customer is excluded."))
        self._write_state(
            {"excluded": True, "exclusion_reason": reason, "pending_level_id": False}
        )
        self._log_events(
            "excluded",
            lambda f: self.env._(
                "Excluded from debt recovery: %(reason)s", reason=reason
            ),
        )
        return True

    def _include(self):
        check_manager(
            self.env,
            self.env._("Only a debt recovery manager can exclude a customer."),
        )
        excluded = self.filtered("excluded")
        excluded._write_state({"excluded": False, "exclusion_reason": False})
        excluded._log_events(
            "included", lambda f: self.env._("Back on the debt recovery ladder.")
        )
        return True

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _selected(self):
        if not self:
            raise UserError(self.env._("Select at least one customer."))
        return self

    def _one_customer(self, message):
        if len(self) != 1:
            raise UserError(message)
        return self

    def _log_events(self, event, summary, **values):
        """Log ``event`` on each follow-up; ``summary(followup)`` says it
        (``values``: more fields of the entries, e.g. a contact's channel)."""
        self.env["debt.recovery.interaction"]._log(
            [
                followup._event_values(
                    event, summary(followup), automated=False, **values
                )
                for followup in self
            ]
        )

    def _policy_default(self):
        return (
            self.env["debt.recovery.policy"]
            .sudo()
            ._default_for_company(self.company_id)
        )

    def _equivalent_level(self, policy):
        """The level of ``policy`` (or the default one) at the same place on
        the ladder as the level reached: the highest whose delay is not above
        it."""
        self.ensure_one()
        target = policy or self._policy_default()
        return target._target_level(self.level_id.days_overdue)
