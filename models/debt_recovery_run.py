import logging
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import groupby, split_every

_logger = logging.getLogger(__name__)

# Statuses in which a customer is followed by the ladder.
TRACKED_STATUSES = [
    "overdue",
    "to_review",
    "promise",
    "plan",
    "paused",
    "disputed",
    "escalation_proposed",
    "escalated",
]


class DebtRecoveryRun(models.AbstractModel):
    """The daily run: climbs the ladder of DESIGN.md §2, one method per rule."""

    _name = "debt.recovery.run"
    _description = "Debt Recovery Daily Run"

    # ------------------------------------------------------------------
    # Entry point
    # ------------------------------------------------------------------
    @api.model
    def _cron_daily(self, batch_size=200):
        """Evaluate every company's customers once a day.

        Idempotent: customers already evaluated today are skipped, so an
        interrupted run resumes where it stopped and a rerun changes nothing.
        """
        today = fields.Date.context_today(self)
        # Payment plans first (DESIGN §4): invoices of a plan broken today are
        # back on the ladder today.
        self.env["debt.recovery.plan.run"]._cron_check_plans(today)
        work = []
        companies = (
            self.env["debt.recovery.policy"]
            .sudo()
            ._read_group([], groupby=["company_id"])
        )
        for (company,) in companies:
            run = self.with_company(company)
            figures = run._overdue_figures(company, today)
            candidates = run._candidates(company, today, figures)
            work.extend(
                (company, ids) for ids in split_every(batch_size, candidates.ids)
            )
        remaining = sum(len(ids) for _company, ids in work)
        for company, ids in work:
            run = self.with_company(company)
            batch = run.env["res.partner"].browse(ids).try_lock_for_update()
            # The figures are read again once the batch is locked: a payment
            # registered since the candidates were chosen counts.
            figures = run._overdue_figures(company, today, partners=batch)
            run._evaluate(batch, company, today, figures)
            remaining -= len(ids)
            if not self.env["ir.cron"]._commit_progress(len(ids), remaining=remaining):
                return

    @api.model
    def _overdue_figures(self, company, today, partners=None):
        return self.env["account.move.line"]._debt_overdue_by_partner(
            company, partners=partners, today=today
        )

    @api.model
    def _candidates(self, company, today, figures):
        """Customers to evaluate today: those with something overdue, those the
        ladder follows (to settle them), minus those already evaluated today."""
        partners = self.env["res.partner"].with_context(active_test=False)
        overdue = partners.browse([partner.id for partner in figures])
        out_of_ladder = partners.browse(
            [partner.id for partner in self._excluded_overdue_status(company, today)]
        )
        tracked = partners.search([("debt_status", "in", TRACKED_STATUSES)])
        promised = (
            self.env["debt.recovery.interaction"]
            .search([("company_id", "=", company.id), ("promise_state", "=", "open")])
            .partner_id
        )
        candidates = overdue | out_of_ladder | tracked | promised
        done = partners.search(
            [("id", "in", candidates.ids), ("debt_last_run_date", "=", today)]
        )
        return (candidates - done).sorted("id")

    # ------------------------------------------------------------------
    # Evaluation of a batch
    # ------------------------------------------------------------------
    @api.model
    def _evaluate(self, partners, company, today, figures):
        default_policy = self.env["debt.recovery.policy"]._default_for_company(company)
        stats = self.env["debt.recovery.interaction"]._outbound_stats(
            partners, company, today
        )
        lines = self._overdue_lines_by_partner(partners, company, today)
        promises = self._open_promises(partners, company)
        excluded = self._excluded_overdue_status(company, today, partners)
        steps = []
        for partner in partners:
            policy = partner.debt_policy_id or default_policy
            amount, oldest = figures.get(partner, (0.0, None))
            partner_lines = lines[partner]
            if partner.debt_excluded or not policy:
                partner.debt_last_run_date = today
                continue
            promise = promises.get(partner)
            if promise and self._promise_expired(promise, policy, today):
                self._check_promise(promise, amount)
                promise = None
            if not amount:
                self._rule_settle(partner, excluded.get(partner), today)
            elif (
                company.currency_id.compare_amounts(amount, policy.min_overdue_amount)
                < 0
            ):
                self._set_state(
                    partner,
                    today,
                    debt_status="overdue",
                    debt_priority=self._priority(amount, oldest, today),
                )
            else:
                step = self._climb(
                    partner,
                    policy,
                    amount,
                    oldest,
                    partner_lines,
                    promise,
                    stats[partner],
                    today,
                )
                if step:
                    steps.append(step)
        self._execute_steps(steps, today, automated=True)

    @api.model
    def _climb(self, partner, policy, amount, oldest, lines, promise, stats, today):
        """Decide the next step of one customer who owes money.

        Returns the step to execute, ``(partner, level, lines, amount)``, or
        None when the customer waits (its state is updated).
        """
        priority = self._priority(amount, oldest, today)
        status = self._rule_exclusions(partner, promise, today)
        if status:
            self._set_state(partner, today, debt_status=status, debt_priority=priority)
            return
        current = self._current_level(partner, lines)
        target = self._rule_target_level(policy, (today - oldest).days)
        if not target or (current and not target._is_above(current)):
            # Rule 4: the actions of the level reached ran once; nothing to resend.
            self._set_state(
                partner,
                today,
                debt_status="overdue",
                debt_level_id=current.id,
                debt_priority=priority,
            )
            return
        level = self._rule_one_step(policy, current)
        allowed_from = self._rule_contact_spacing(policy, stats, today)
        if allowed_from > today:
            self._set_state(
                partner,
                today,
                debt_status="overdue",
                debt_level_id=current.id,
                debt_next_action_date=allowed_from,
                debt_priority=priority,
            )
            return
        if level.execution == "review":
            self._set_state(
                partner,
                today,
                debt_status="to_review",
                debt_level_id=current.id,
                debt_pending_level_id=level.id,
                debt_next_action_date=today,
                debt_priority=priority,
            )
            return
        return (partner, level, lines, amount)

    # ------------------------------------------------------------------
    # The rules of DESIGN.md §2
    # ------------------------------------------------------------------
    @api.model
    def _rule_target_level(self, policy, days_overdue):
        """Rule 1: the highest level whose delay is reached."""
        return policy._target_level(days_overdue)

    @api.model
    def _rule_one_step(self, policy, current):
        """Rule 2: climb at most one level per evaluation; the first contact
        is always the first level, however old the debt."""
        return policy._next_level(current)

    @api.model
    def _rule_contact_spacing(self, policy, stats, today):
        """Rule 3: the first day an outbound contact is allowed, given the
        minimum spacing and the weekly cap (manual contacts count too)."""
        last_contact, contacts_this_week = stats
        allowed = today
        if last_contact:
            allowed = max(
                allowed, last_contact + timedelta(days=policy.min_days_between_contacts)
            )
        if contacts_this_week >= policy.max_contacts_per_week:
            allowed = max(allowed, today + timedelta(days=1))
        return allowed

    @api.model
    def _rule_exclusions(self, partner, promise, today):
        """Rule 5 (per customer): the status that keeps the customer off the
        ladder today, or False. Excluded items are already out of the figures."""
        if partner.debt_status in ("escalation_proposed", "escalated"):
            return partner.debt_status  # rule 6: in a manager's hands
        if partner.debt_pause_until and partner.debt_pause_until >= today:
            return "paused"
        if promise:
            return "promise"
        if partner.debt_pending_level_id:
            return "to_review"
        return False

    @api.model
    def _rule_settle(self, partner, excluded_status, today):
        """Rule 7: nothing eligible is overdue any more.

        When overdue items remain out of the ladder (dispute, plan) the customer
        shows why and keeps its level; otherwise it is up to date, the
        settlement is logged and a later overdue starts again at level 1.
        """
        if excluded_status:
            self._set_state(
                partner, today, debt_status=excluded_status, debt_priority=0.0
            )
            return
        if partner.debt_status in TRACKED_STATUSES or partner.debt_level_id:
            self._log(
                [
                    {
                        "partner_id": partner.id,
                        "event": "settled",
                        "channel": "note",
                        "direction": "internal",
                        "level_id": partner.debt_level_id.id,
                        "summary": self.env._(
                            "Nothing overdue any more: customer up to date."
                        ),
                    }
                ]
            )
        self._set_state(
            partner,
            today,
            debt_status="up_to_date",
            debt_level_id=False,
            debt_pending_level_id=False,
            debt_escalation=False,
            debt_next_action_date=False,
            debt_error=False,
            debt_priority=0.0,
        )

    # ------------------------------------------------------------------
    # Actions of a level
    # ------------------------------------------------------------------
    @api.model
    def _execute_steps(self, steps, today, automated):
        """Run the actions of the levels reached (rule 4: once).

        The whole batch runs in one savepoint; if anything fails, each step is
        retried alone so that the failure (no email address, template error)
        stays on its customer: rolled back, reported on the customer and
        logged, the level then waits for a collector. The batch goes on.
        """
        ready = []
        for step in steps:
            partner, level, _lines, _amount = step
            if level.send_email and not partner.email:
                self._report_failure(
                    step,
                    self.env._(
                        "%(partner)s has no email address.",
                        partner=partner.display_name,
                    ),
                    today,
                    automated,
                )
            else:
                ready.append(step)
        if not ready:
            return self.env["res.partner"]
        try:
            with self.env.cr.savepoint():
                self._run_steps(ready, today, automated)
            return self.env["res.partner"].union(*(step[0] for step in ready))
        except Exception as error:  # noqa: BLE001 - isolated below, step by step
            if len(ready) == 1:
                self._report_failure(
                    ready[0], self._error_message(error), today, automated
                )
                return self.env["res.partner"]
        done = self.env["res.partner"]
        for step in ready:
            done |= self._execute_steps([step], today, automated)
        return done

    @api.model
    def _run_steps(self, steps, today, automated):
        """Email, letter, activity and escalation proposal of each level
        reached, set-based per level; then one log call for the batch."""
        entries = []
        for level, level_steps in groupby(steps, key=lambda step: step[1]):
            partners = self.env["res.partner"].union(*(step[0] for step in level_steps))
            mails = {}
            letters = {}
            if level.send_email:
                lines_by_partner = {step[0]: step[2] for step in level_steps}
                if level.attach_letter:
                    letters = self._render_letters(partners, level, lines_by_partner)
                mails = self._send_emails(partners, level, lines_by_partner, letters)
            if level.schedule_activity:
                self._schedule_activities(partners, level, today)
            for partner, _level, lines, amount in level_steps:
                entries.extend(
                    self._level_entries(
                        partner,
                        level,
                        lines,
                        amount,
                        mails.get(partner),
                        automated,
                        letter=letters.get(partner),
                    )
                )
        self._log(entries)
        for partner, level, lines, amount in steps:
            state = {
                "debt_priority": self._lines_priority(amount, lines, today),
                "debt_status": "escalation_proposed"
                if level.escalation != "none"
                else "overdue",
                "debt_level_id": level.id,
                "debt_pending_level_id": False,
                "debt_escalation": level.escalation
                if level.escalation != "none"
                else False,
                "debt_error": False,
                "debt_next_action_date": today
                + timedelta(days=level.policy_id.min_days_between_contacts),
            }
            if level.send_email or level.produce_letter:
                state["debt_last_contact_date"] = today
            self._set_state(partner, today, **state)

    @api.model
    def _error_message(self, error):
        """The first line of an error, short enough for the worklist."""
        lines = str(error).strip().splitlines() or [repr(error)]
        return lines[0][:240]

    @api.model
    def _report_failure(self, step, message, today, automated):
        partner, level, lines, amount = step
        _logger.info(
            "Debt recovery: level %s failed for partner %s: %s",
            level.id,
            partner.id,
            message,
        )
        self._log(
            [
                {
                    "partner_id": partner.id,
                    "event": "failure",
                    "channel": "note",
                    "direction": "internal",
                    "automated": automated,
                    "level_id": level.id,
                    "amount_due": amount,
                    "summary": self.env._(
                        "%(level)s could not be sent: %(error)s",
                        level=level.name,
                        error=message,
                    ),
                }
            ]
        )
        self._set_state(
            partner,
            today,
            debt_status="to_review",
            debt_pending_level_id=level.id,
            debt_next_action_date=today,
            debt_error=message,
            debt_priority=self._lines_priority(amount, lines, today),
        )

    @api.model
    def _level_entries(
        self, partner, level, lines, amount, mail, automated, letter=None
    ):
        """The interactions that record a level reached by ``partner``.

        Rule 8: the invoices concerned are linked to the entry, from which
        each invoice computes the highest level it reached
        (``account.move.debt_level_id``).
        """
        base = {
            "partner_id": partner.id,
            "automated": automated,
            "level_id": level.id,
            "invoice_ids": [fields.Command.set(lines.move_id.ids)],
            "amount_due": amount,
            "event": "level",
        }
        entry = dict(
            base,
            channel="note",
            direction="internal",
            summary=self.env._("%(level)s reached", level=level.name),
        )
        if mail:
            entry.update(
                channel="email",
                direction="outbound",
                mail_message_id=mail.mail_message_id.id,
                summary=mail.subject or level.name,
            )
        if letter:  # the letter the email carries; printing it reuses it
            entry["letter_attachment_id"] = letter.id
        if level.produce_letter:
            entry.update(letter_state="to_print", direction="outbound")
            if not mail:
                entry["channel"] = "letter"
        entries = [entry]
        if level.escalation != "none":
            entries.append(
                dict(
                    base,
                    event="escalation_proposed",
                    channel="note",
                    direction="internal",
                    escalation=level.escalation,
                    summary=self.env._(
                        "Escalation proposed, awaiting a manager's approval: "
                        "%(escalation)s",
                        escalation=self._escalation_label(level.escalation),
                    ),
                )
            )
        return entries

    @api.model
    def _send_emails(self, partners, level, lines_by_partner, letters=None):
        """Queue the level's email for ``partners``, each in its language,
        with its letter attached when the level says so (``letters``:
        ``{partner: ir.attachment}``, see ``_render_letters``).

        The overdue items the emails list are handed to the rendering, which
        saves a search per customer (see ``res.partner._debt_overdue_lines``).
        """
        known_lines = self._known_lines(lines_by_partner)
        template = level.mail_template_id.with_company(self.env.company).with_context(
            debt_recovery_lines=known_lines
        )
        mails = template.send_mail_batch(partners.ids, force_send=False)
        mails_by_partner = {
            mail.res_id and partners.browse(mail.res_id): mail for mail in mails
        }
        for partner, letter in (letters or {}).items():
            if partner in mails_by_partner:
                mail = mails_by_partner[partner]
                mail.attachment_ids = [fields.Command.link(letter.id)]
        return mails_by_partner

    @api.model
    def _known_lines(self, lines_by_partner):
        return tuple(
            (partner.id, tuple(lines.ids))
            for partner, lines in lines_by_partner.items()
        )

    @api.model
    def _render_letters(self, partners, level, lines_by_partner):
        """The letters of ``partners`` at ``level``, rendered once for the
        whole batch (one report call): ``{partner: ir.attachment}``."""
        report = self.env[
            "report.account_debt_recovery.report_debt_recovery_level_letter"
        ].with_context(debt_recovery_lines=self._known_lines(lines_by_partner))
        return report._debt_render_attachments(partners, level)

    @api.model
    def _schedule_activities(self, partners, level, today):
        """The level's activity for each customer's collector (or the level's
        user), created in one go."""
        model = self.env["ir.model"]._get_id("res.partner")
        self.env["mail.activity"].create(
            [
                {
                    "res_model_id": model,
                    "res_id": partner.id,
                    "activity_type_id": level.activity_type_id.id,
                    "summary": level.activity_summary or level.name,
                    "date_deadline": today + timedelta(days=level.activity_delay_days),
                    "user_id": (
                        (
                            level.activity_user_id
                            if level.activity_user_mode == "fixed"
                            else partner._debt_collector()
                        )
                        or self.env.user
                    ).id,
                }
                for partner in partners
            ]
        )

    @api.model
    def _send_pending(self, partners):
        """Send the levels awaiting review, as the run would have sent them."""
        today = fields.Date.context_today(self)
        company = self.env.company
        figures = self.env["account.move.line"]._debt_overdue_by_partner(
            company, partners=partners, today=today
        )
        lines = self._overdue_lines_by_partner(partners, company, today)
        steps = [
            (
                partner,
                partner.debt_pending_level_id,
                lines[partner],
                figures.get(partner, (0.0,))[0],
            )
            for partner in partners
        ]
        return self._execute_steps(steps, today, automated=False)

    # ------------------------------------------------------------------
    # Promises
    # ------------------------------------------------------------------
    @api.model
    def _open_promises(self, partners, company):
        promises = self.env["debt.recovery.interaction"].search(
            [
                ("partner_id", "in", partners.ids),
                ("company_id", "=", company.id),
                ("promise_state", "=", "open"),
            ],
            order="promise_date desc, id desc",
        )
        result = {}
        for promise in promises:
            result.setdefault(promise.partner_id, promise)
        return result

    @api.model
    def _promise_expired(self, promise, policy, today):
        return promise.promise_date + timedelta(days=policy.promise_grace_days) < today

    @api.model
    def _check_promise(self, promise, amount):
        """Kept when the overdue balance fell by the promised amount (or to zero)."""
        currency = promise.currency_id
        expected = max(
            promise.amount_due - (promise.promise_amount or promise.amount_due), 0.0
        )
        kept = currency.compare_amounts(amount, expected) <= 0
        promise.promise_state = "kept" if kept else "broken"
        self._log(
            [
                {
                    "partner_id": promise.partner_id.id,
                    "event": "promise_kept" if kept else "promise_broken",
                    "channel": "note",
                    "direction": "internal",
                    "amount_due": amount,
                    "summary": self.env._(
                        "Promise to pay of %(date)s kept", date=promise.promise_date
                    )
                    if kept
                    else self.env._(
                        "Promise to pay of %(date)s broken", date=promise.promise_date
                    ),
                }
            ]
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    @api.model
    def _overdue_lines_by_partner(self, partners, company, today):
        """Eligible overdue items of ``partners``, per commercial partner."""
        AML = self.env["account.move.line"]
        lines = AML.search(
            AML._debt_eligible_overdue_domain(company, today)
            & fields.Domain("partner_id.commercial_partner_id", "in", partners.ids)
        )
        ids_by_partner = defaultdict(list)
        for line in lines:
            ids_by_partner[line.partner_id.commercial_partner_id].append(line.id)
        result = defaultdict(lambda: AML)
        for partner, line_ids in ids_by_partner.items():
            # one prefetch set for the batch: reading an invoice field of one
            # customer's items reads it for the whole batch
            result[partner] = AML.browse(line_ids).with_prefetch(lines._prefetch_ids)
        return result

    @api.model
    def _excluded_overdue_status(self, company, today, partners=None):
        """Customers with overdue items kept out of the ladder (rule 5): the
        status that says why, "disputed" before "plan" (one query)."""
        AML = self.env["account.move.line"]
        domain = (
            AML._debt_open_receivable_domain(company)
            & fields.Domain(
                [("amount_residual", ">", 0), ("date_maturity", "<", today)]
            )
            & (
                fields.Domain("move_id.debt_disputed", "=", True)
                | fields.Domain("move_id.debt_plan_id", "!=", False)
            )
        )
        if partners is not None:
            domain &= fields.Domain(
                "partner_id.commercial_partner_id", "in", partners.ids
            )
        groups = AML._read_group(
            domain,
            groupby=["partner_id.commercial_partner_id", "move_id.debt_disputed"],
        )
        result = {}
        for partner, disputed in groups:
            if disputed or partner not in result:
                result[partner] = "disputed" if disputed else "plan"
        return result

    @api.model
    def _current_level(self, partner, lines):
        """Where the customer stands: its own level, or the highest level its
        overdue invoices reached (an invoice back from a broken plan or a
        resolved dispute returns to the ladder where it was)."""
        level = partner.debt_level_id
        for invoice_level in lines.move_id.debt_level_id:
            if invoice_level._is_above(level):
                level = invoice_level
        return level

    @api.model
    def _priority(self, amount, oldest, today):
        """Worklist priority: overdue amount × days overdue (0 when settled)."""
        if not amount or not oldest:
            return 0.0
        return amount * max((today - oldest).days, 0)

    @api.model
    def _lines_priority(self, amount, lines, today):
        """Worklist priority of a step, from the overdue items it covers."""
        oldest = min(lines.mapped("date_maturity"), default=None)
        return self._priority(amount, oldest, today)

    @api.model
    def _set_state(self, partner, today, **values):
        values["debt_last_run_date"] = today
        changed = {
            name: value
            for name, value in values.items()
            if partner._fields[name].convert_to_write(partner[name], partner) != value
        }
        if changed:
            # ladder state is system state: whoever triggers the step (a
            # collector sending a reviewed reminder) need not edit contacts
            partner.sudo().write(changed)

    @api.model
    def _log(self, entries):
        """The one place where debt recovery events are recorded."""
        return (
            self.env["debt.recovery.interaction"]
            .sudo()
            .create(
                [
                    {"automated": True, "company_id": self.env.company.id, **entry}
                    for entry in entries
                ]
            )
        )

    @api.model
    def _escalation_label(self, escalation):
        selection = dict(
            self.env["debt.recovery.level"]
            ._fields["escalation"]
            ._description_selection(self.env)
        )
        return selection.get(escalation, escalation)
