from datetime import timedelta

from markupsafe import Markup

from odoo import api, models, tools

from .debt_recovery_level import escalation_label


class DebtRecoveryFollowup(models.Model):
    """Applying the ladder's decisions and the results of the actions to the
    follow-ups: the only writers of the ladder state besides the actions of
    collectors and managers."""

    _inherit = "debt.recovery.followup"

    def _apply_decisions(self, decisions, today):
        """Write what the ladder decided (figures, settlement, holds, reviews,
        ended pauses, expired promises) and log it; return the decisions to
        act on now (``action == "step"``)."""
        Interaction = self.env["debt.recovery.interaction"]
        entries = []
        promises = {True: Interaction, False: Interaction}
        steps = {}
        for followup, decision in decisions.items():
            vals = followup._figure_vals(decision["figures"], decision["priority"])
            vals["last_evaluation_date"] = today
            if decision["resume"]:
                vals.update(pause_until=False, pause_reason=False)
                entries.append(
                    followup._event_values(
                        "resumed",
                        self.env._("Pause ended: the ladder resumes."),
                    )
                )
            if decision.get("reply_released"):
                vals["reply_pending_since"] = False
                entries.append(
                    followup._event_values(
                        "reply_released",
                        self.env._(
                            "The customer's reply was not read within %(days)s days: "
                            "the ladder resumes.",
                            days=decision["policy"].reply_hold_days,
                        ),
                    )
                )
            if decision.get("promise"):
                promise, kept = decision["promise"], decision["promise_kept"]
                promises[kept] |= promise
                entries.append(followup._promise_entry(promise, kept, decision))
            action = decision["action"]
            if action == "settle":
                if followup._needs_settlement():
                    entries.append(followup._settlement_entry())
                vals.update(followup._settled_vals())
            elif action == "review":
                vals.update(
                    pending_level_id=decision["level"].id, next_action_date=today
                )
            elif action == "step":
                # written with the level reached, once the actions ran
                decision["vals"] = vals
                steps[followup] = decision
                continue
            else:
                next_date = decision["next_action_date"]
                vals["next_action_date"] = next_date if next_date is not True else False
            followup._write_changes(vals)
        promises[True]._debt_system_write({"promise_state": "kept"})
        promises[False]._debt_system_write({"promise_state": "broken"})
        Interaction._log(entries, today)
        return steps

    def _promised(self, promise):
        """A promise to pay holds the ladder from the moment it is logged: the
        next action is its date."""
        self.ensure_one()
        self._write_changes({"next_action_date": promise.promise_date})

    def _record_steps(self, done, failed, today, automated):
        """After the dispatcher ran the levels' actions: log each level
        reached (rule 8: with the invoices it concerned) and move the
        follow-ups up; the failures wait for a collector."""
        entries = []
        failures = {}
        escalated = self.browse()
        for followup, data in done.items():
            level = data["level"]
            entries.extend(
                self.env["debt.recovery.interaction"]._level_entries(
                    followup, data, automated
                )
            )
            vals = {
                **data.get("vals", {}),
                "level_id": level.id,
                "pending_level_id": False,
                "last_failure": False,
                "last_failure_date": False,
                "next_action_date": today
                + timedelta(days=data["policy"].min_days_between_contacts),
            }
            if level.escalation != "none":
                # rule 6: proposed by the run, decided by a manager
                vals.update(escalation=level.escalation, escalation_state="proposed")
                escalated |= followup
            if data.get("address_error"):
                vals.update(last_failure=data["address_error"], last_failure_date=today)
                entries.append(
                    followup._failure_entry(
                        dict(data, error=data["address_error"]), automated
                    )
                )
                failures[followup] = data["address_error"]
            followup._write_changes(vals)
        for followup, data in failed.items():
            entries.append(followup._failure_entry(data, automated))
            failures[followup] = data["error"]
            followup._write_changes(
                {
                    **data.get("vals", {}),
                    "pending_level_id": data["level"].id,
                    "last_failure": data["error"],
                    "last_failure_date": today,
                    "next_action_date": today,
                }
            )
        self.env["debt.recovery.interaction"]._log(entries, today)
        self._tell_collectors(failures, today)
        escalated._ask_managers(today)

    def _message_receive_bounce(self, email, partner):
        """A reminder bounced: the latest email to that address is no
        contact."""
        result = super()._message_receive_bounce(email, partner)
        Interaction = self.env["debt.recovery.interaction"].sudo()
        latest = Interaction.search(
            [
                ("followup_id", "in", self.ids),
                ("channel", "=", "email"),
                ("direction", "=", "outbound"),
                ("mail_message_id", "!=", False),
            ],
            order="date desc, id desc",
            limit=1,
        )
        if latest:
            Interaction._debt_delivery_failed(
                {
                    latest.mail_message_id: self.env._(
                        "it bounced from %(email)s", email=email
                    )
                }
            )
        return result

    @api.model
    def _tell_collectors(self, failures, today):
        """A failed action shows on the follow-up (chatter, worklist) and
        gives its collector an activity to fix it, once: ``{followup:
        reason}``."""
        if not failures:
            return
        todo = self.env.ref("mail.mail_activity_data_todo")
        summary = self.env._("Fix the customer's contact details")
        open_ones = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", [followup.id for followup in failures]),
                    ("activity_type_id", "=", todo.id),
                    ("summary", "=", summary),
                ]
            )
        )
        waiting = set(open_ones.mapped("res_id"))
        Activity = self.env["mail.activity"].sudo()
        model = self.env["ir.model"]._get_id(self._name)
        Activity.create(
            [
                {
                    "res_model_id": model,
                    "res_id": followup.id,
                    "activity_type_id": todo.id,
                    "summary": summary,
                    "note": Markup("<p>%s</p>") % reason,
                    "date_deadline": today,
                    "user_id": (followup._collector() or self.env.user).id,
                }
                for followup, reason in failures.items()
                if followup.id not in waiting
            ]
        )
        for followup, reason in failures.items():
            followup.sudo().message_post(
                body=Markup("<p>%s</p>")
                % self.env._("Debt recovery action failed: %(reason)s", reason=reason),
                subtype_xmlid="mail.mt_note",
            )

    def _figure_vals(self, figures, priority):
        return {
            "overdue_amount": figures["overdue_amount"],
            "chased_amount": figures["chased_amount"],
            "oldest_due_date": figures["oldest_due_date"],
            "below_minimum": figures["below_minimum"],
            "priority": priority,
        }

    def _needs_settlement(self):
        """Rule 7: a customer still on the ladder (a level, a status) whose
        settlement is not logged yet."""
        self.ensure_one()
        return bool(self.level_id) or self.status not in ("up_to_date", "below_minimum")

    def _settlement_entry(self):
        return self._event_values(
            "settled", self.env._("Nothing overdue any more: customer up to date.")
        )

    def _settled_vals(self):
        """Rule 7: up to date; a later overdue starts again at level 1."""
        return {
            "level_id": False,
            "pending_level_id": False,
            "escalation": False,
            "escalation_state": False,
            "next_action_date": False,
            "last_failure": False,
            "last_failure_date": False,
        }

    def _write_changes(self, vals):
        """Write the values that differ from the stored ones."""
        self.ensure_one()
        changed = {
            name: value
            for name, value in vals.items()
            if self._fields[name].convert_to_write(self[name], self) != value
        }
        if not changed:
            return
        if self._debt_tracked_fields().isdisjoint(changed):
            # nothing the chatter tracks: no tracking values to prepare
            self = self.with_context(tracking_disable=True)
        self._write_state(changed)

    @tools.ormcache()
    def _debt_tracked_fields(self):
        """The fields the chatter tracks (whoever the user: the state is
        written as superuser), read once per registry."""
        return frozenset(self.sudo()._track_get_fields())

    # ------------------------------------------------------------------
    # Log entries
    # ------------------------------------------------------------------
    def _event_values(self, event, summary, **values):
        """An internal event of this follow-up, for the log writer."""
        self.ensure_one()
        return {
            "followup_id": self.id,
            "event": event,
            "channel": "note",
            "direction": "internal",
            "level_id": self.level_id.id,
            "amount_due": self.chased_amount,
            "summary": summary,
            **values,
        }

    def _promise_entry(self, promise, kept, decision):
        date = promise.promise_date
        return self._event_values(
            "promise_kept" if kept else "promise_broken",
            self.env._("Promise to pay of %(date)s kept", date=date)
            if kept
            else self.env._("Promise to pay of %(date)s broken", date=date),
            amount_due=decision["amount"],
        )

    def _failure_entry(self, data, automated):
        level = data["level"]
        return self._event_values(
            "failure",
            self.env._(
                "%(level)s could not be sent: %(error)s",
                level=level.name,
                error=data["error"],
            ),
            automated=automated,
            level_id=level.id,
            amount_due=data["amount"],
        )

    def _escalation_label(self):
        self.ensure_one()
        return escalation_label(self.env, self.escalation)
