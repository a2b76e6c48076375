from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_amount, format_date

from .debt_recovery_roles import check_collector

# The ladder's reasons (``debt.recovery.ladder`` REASONS) for which there is
# no next step to bring forward: nothing is chased (or too little), or the
# ladder is in a manager's hands.
NOTHING_TO_SEND = (
    "excluded",
    "no_policy",
    "settled",
    "escalation",
    "last_level",
    "disputed_or_planned",
    "below_minimum",
)


# What a collector may bring forward: a level not due yet, or one the run
# would send today. Whatever holds the customer (spacing, weekly cap, pause,
# promise, plan proposal, reply: rules 3, 5 and 10) holds the collector too.
BRING_FORWARD = ("not_due", "step", "review")


class DebtRecoveryFollowup(models.Model):
    """The follow-up report: what the customer receives next and why. It
    shows the figures every reminder shows (``_documents``) and the ladder's
    decision for today (``debt.recovery.ladder._decide``, which writes
    nothing), and the collector acts from it: send the next step, print the
    letter, email or print the statement."""

    _inherit = "debt.recovery.followup"

    report_html = fields.Html(
        string="Follow-up Report",
        compute="_compute_report_html",
        sanitize=False,
        help="What the customer receives next and why, with the overdue items.",
    )

    @api.depends_context("lang")
    def _compute_report_html(self):
        followups = self.filtered("id")
        steps = followups._next_steps()
        documents = followups._documents(
            [(followup, followup, step["level"]) for followup, step in steps.items()],
            preview=True,
        )
        QWeb = self.env["ir.qweb"]
        helpers = self.env["mail.render.mixin"]._render_eval_context()
        for followup in self:
            if followup not in steps:
                followup.report_html = False
                continue
            followup.report_html = QWeb._render(
                "account_debt_recovery.followup_report",
                dict(
                    helpers,
                    followup=followup,
                    step=steps[followup],
                    debt=documents[followup],
                ),
            )

    # ------------------------------------------------------------------
    # The next step, as the ladder decides it today
    # ------------------------------------------------------------------
    def _next_steps(self):
        """``{followup: {"level", "channels", "reason", "explanation"}}``:
        the level the customer receives next (empty when none), what it does,
        and when and why in a sentence, from the ladder's decision of today
        (one batch of facts)."""
        today = fields.Date.context_today(self)
        decisions = self.env["debt.recovery.ladder"]._decide(self, today)
        steps = {}
        for followup, decision in decisions.items():
            level = followup.pending_level_id or decision["level"]
            if not level and decision["reason"] not in NOTHING_TO_SEND:
                level = decision["next_level"]
            steps[followup] = {
                "level": level,
                "channels": self._step_channels(level),
                "reason": decision["reason"],
                "explanation": followup._explain(decision, level, today),
            }
        return steps

    @api.model
    def _step_channels(self, level):
        """What a level does, in words: "email, letter, call"."""
        _ = self.env._
        channels = [
            label
            for done, label in (
                (level.send_email, _("email")),
                (level.produce_letter, _("letter")),
                (level.schedule_activity, level.activity_type_id.name or ""),
            )
            if done and label
        ]
        return ", ".join(channels)

    def _explain(self, decision, level, today):
        """The ladder's decision in a sentence for the collector."""
        self.ensure_one()
        _ = self.env._
        policy = decision["policy"]
        reason = decision["reason"]

        def day(value):
            return format_date(self.env, value) if value and value is not True else ""

        level_name = level.name or ""
        if reason == "step":
            return _(
                "%(level)s goes out with the next daily run, today.", level=level_name
            )
        if reason == "review":
            return _(
                "%(level)s waits for a collector to review and send it.",
                level=level_name,
            )
        if reason == "not_due":
            return _(
                "%(level)s on %(date)s, when the oldest chased item is %(days)s "
                "days overdue.",
                level=level_name,
                date=day(decision["next_level_date"]),
                days=level.days_overdue,
            )
        if reason == "spacing":
            return _(
                "%(level)s on %(date)s at the earliest: the policy leaves %(days)s "
                "days between two contacts.",
                level=level_name,
                date=day(decision["next_action_date"]),
                days=policy.min_days_between_contacts,
            )
        if reason == "weekly_cap":
            return _(
                "%(level)s on %(date)s at the earliest: the policy allows %(count)s "
                "contacts in 7 days.",
                level=level_name,
                date=day(decision["next_action_date"]),
                count=policy.max_contacts_per_week,
            )
        if reason == "paused":
            return _(
                "Paused until %(date)s: %(reason)s.",
                date=day(self.pause_until),
                reason=self.pause_reason or "",
            )
        if reason == "promise":
            return _(
                "The customer promised to pay by %(date)s: nothing is sent until "
                "then, plus %(days)s days of grace.",
                date=day(decision["next_action_date"]),
                days=policy.promise_grace_days,
            )
        if reason == "proposal":
            return _(
                "The customer proposed a payment plan: the ladder waits until "
                "%(date)s for a collector to answer it.",
                date=day(decision["next_action_date"]),
            )
        if reason == "reply":
            return _(
                "The customer replied on %(date)s: the ladder waits until a "
                "collector reads the reply, at most %(days)s days.",
                date=day(self.reply_pending_since),
                days=policy.reply_hold_days,
            )
        if reason == "escalation":
            return _(
                "%(escalation)s is %(state)s: the ladder stops here, in a "
                "manager's hands.",
                escalation=self._escalation_label(),
                state=dict(
                    self._fields["escalation_state"]._description_selection(self.env)
                ).get(self.escalation_state, ""),
            )
        if reason == "disputed_or_planned":
            return _(
                "Everything overdue is disputed or in a payment plan: nothing is "
                "chased."
            )
        if reason == "below_minimum":
            return _(
                "The amount chased is below the policy's minimum of %(amount)s: "
                "nothing is sent.",
                amount=format_amount(
                    self.env, policy.min_overdue_amount, self.currency_id
                ),
            )
        if reason == "last_level":
            return _(
                "The last level of the ladder is reached: nothing more is sent "
                "automatically."
            )
        if reason == "excluded":
            return _(
                "Excluded from debt recovery: %(reason)s.",
                reason=self.exclusion_reason or "",
            )
        if reason == "no_policy":
            return _(
                "No policy applies: give the customer a policy, or the company a "
                "default policy."
            )
        return _("Nothing is overdue: the customer is up to date.")

    # ------------------------------------------------------------------
    # Buttons of the report
    # ------------------------------------------------------------------
    def action_send_next_step(self):
        """Send the next step now, through the review composer: the level
        waiting for review, else the ladder's next level, brought forward
        by the collector (logged) whatever holds it today."""
        check_collector(
            self.env,
            self.env._("Only debt recovery collectors can send reminders."),
        )
        followup = self._one_customer(
            self.env._("Send the next step one customer at a time.")
        )
        if not followup.pending_level_id:
            followup._bring_forward_next_step()
        return followup.action_send_now()

    def _bring_forward_next_step(self):
        """The ladder's next level waits for review from now on, as if the
        run had reached it (what the collector then sends is logged)."""
        self.ensure_one()
        step = self._next_steps()[self]
        level = step["level"]
        if step["reason"] not in BRING_FORWARD or not level:
            raise UserError(
                self.env._(
                    "There is no next step to send to %(customer)s now: %(why)s",
                    customer=self.partner_id.display_name,
                    why=step["explanation"],
                )
            )
        if self._level_reached_today():
            # rule 2: one step at a time, at most one a day
            raise UserError(
                self.env._(
                    "%(customer)s reached a level today: the next one can be sent "
                    "tomorrow at the earliest.",
                    customer=self.partner_id.display_name,
                )
            )
        self._write_state({"pending_level_id": level.id})
        self._log_events(
            "review",
            lambda f: self.env._(
                "%(level)s brought forward by %(user)s: %(why)s",
                level=level.name,
                user=self.env.user.name,
                why=step["explanation"],
            ),
        )

    def _level_reached_today(self):
        self.ensure_one()
        return bool(
            self.env["debt.recovery.interaction"]
            .sudo()
            .search_count(
                [
                    ("followup_id", "=", self.id),
                    ("event", "=", "level"),
                    ("date", ">=", fields.Date.context_today(self)),
                ],
                limit=1,
            )
        )

    def action_print_letter(self):
        """The letter of the level the customer receives next (preview: it
        is logged when the level is sent)."""
        check_collector(self.env)
        return self.env.ref(
            "account_debt_recovery.action_report_debt_recovery_level_letter"
        ).report_action(self._selected())

    def action_print_statement(self):
        """Print the customer statement; each print is logged."""
        check_collector(self.env)
        followups = self._selected()
        followups._log_events(
            "statement_printed",
            lambda f: self.env._("Statement of account printed"),
            # printed is not posted: a note, no contact for the spacing or cap
            channel="note",
            direction="internal",
        )
        return self.env.ref(
            "account_debt_recovery.action_report_followup_statement"
        ).report_action(followups)

    def action_email_statement(self):
        """Email the customer statement from Odoo's composer (editable); once
        sent it is logged with the email (``_statement_sent``)."""
        check_collector(self.env)
        followup = self._one_customer(
            self.env._("Email statements one customer at a time.")
        )
        template = self.env.ref(
            "account_debt_recovery.mail_template_debt_recovery_statement"
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Email the Statement"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": followup._name,
                "default_res_ids": followup.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "debt_recovery_statement": followup.id,
            },
        }

    def _statement_sent(self, message):
        """The statement went out with ``message``: an outbound email contact."""
        check_collector(self.env)
        self.ensure_one()
        self._log_events(
            "statement_sent",
            lambda f: message.subject or self.env._("Statement of account"),
            channel="email",
            direction="outbound",
            mail_message_id=message.id,
            recipient_ids=[fields.Command.set(message.partner_ids.ids)],
        )
