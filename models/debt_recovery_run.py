import logging
from contextlib import closing

from psycopg2 import errors

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL, split_every

from . import debt_recovery_locks as locks
from .debt_recovery_roles import check_collector, check_manager

_logger = logging.getLogger(__name__)

# Errors of a batch that another run holds or changed since this run looked
# at it: the batch is skipped, the next pass picks up what is left.
CONCURRENCY_ERRORS = (
    errors.SerializationFailure,
    errors.LockNotAvailable,
    errors.DeadlockDetected,
)
# The context of the scheduled runs, which commit between their steps: not
# JSON-serialisable, so no RPC call can put it in a context.
_SCHEDULED_RUN = object()
# How long a run waits for what another run holds before leaving it to the
# next pass.
WAIT_FOR_OTHER_RUN = "60s"


class DebtRecoveryRun(models.AbstractModel):
    """The daily run: the candidates and their batches. Each batch goes
    through decide (``debt.recovery.ladder``), apply (the follow-ups),
    act (``debt.recovery.dispatch``) and record (the interaction log)."""

    _name = "debt.recovery.run"
    _description = "Debt Recovery Daily Run"

    @api.model
    def _cron_daily(self, batch_size=200, today=None):
        """Evaluate every company's customers once a day (``today``: the
        day the run is for, today's date unless a past day is replayed):
        the payment plans, then the ladder, then the courtesy reminders.

        Idempotent: follow-ups evaluated today are skipped, so an interrupted
        run resumes where it stopped, a rerun changes nothing and two runs at
        once share the work without contacting anybody twice. Until the
        courtesy reminders are done the run reports work left, so that the
        scheduler, which stops a job after a few seconds, calls it again the
        same day. The scheduled run shares its ladder batches with a second
        cron worker (``debt_recovery_run_workers``).
        """
        today = today or fields.Date.context_today(self)
        self._check_plans(today)
        work = self._batches(today, batch_size)
        if len(work) > 1:
            self._open_ladder_to_second_worker(today)
        if not self._run_batches(work, today, phases_after=1):
            return
        # a shared ladder is done once nobody is left: the second worker
        # takes no more batches, the last pass waits for those it holds
        if self._close_ladder_to_second_worker(today):
            work = self._batches(today, batch_size)
            if not self._run_batches(work, today, phases_after=1, wait=True):
                return
        # rule 9, after the ladder: a customer it contacted today waits
        self._run_courtesy(today, batch_size)
        self.env["ir.cron"]._commit_progress(remaining=0)

    @api.model
    def _as_scheduled_run(self):
        """This run as the scheduled ones, which may commit between their
        steps (a user's request is never committed halfway)."""
        return self.with_context(debt_run_commits=_SCHEDULED_RUN)

    @api.model
    def _batches(self, today, batch_size):
        """The day's candidates of every company, as (company, ids) batches
        (the scheduled runs, which commit between their steps)."""
        work = []
        run = self._as_scheduled_run()
        for company in self._companies():
            ids = run.with_company(company)._candidate_ids(company, today)
            work.extend((company, batch) for batch in split_every(batch_size, ids))
        return work

    @api.model
    def _run_batches(self, work, today, phases_after=0, wait=False):
        """Run the ladder's batches, each committed; False when the cron's
        time is up. The progress counts ``phases_after`` more items while the
        run has phases left after these batches. ``wait``: wait for what
        another run holds of a batch to be committed, then run it."""
        Cron = self.env["ir.cron"]
        remaining = sum(len(ids) for _company, ids in work)
        # a fresh snapshot for the batches: what another run committed while
        # the candidates were read is seen when each batch is locked
        Cron._commit_progress(remaining=remaining + phases_after)
        for company, ids in work:
            if wait:
                self._wait_until_free(ids)
                Cron._commit_progress()
            self.with_company(company)._run_batch(ids, today)
            remaining -= len(ids)
            if not Cron._commit_progress(len(ids), remaining=remaining + phases_after):
                return False
        return True

    @api.model
    def _wait_until_free(self, ids):
        """Wait until no other transaction holds these follow-ups (the batch
        then reads what was committed and skips what is still held)."""
        self._wait_for(
            SQL(
                "SELECT id FROM debt_recovery_followup WHERE id IN %s "
                "ORDER BY id FOR NO KEY UPDATE",
                tuple(ids),
            )
        )

    @api.model
    def _wait_for(self, statement):
        """Run ``statement``, which waits for what another transaction holds,
        a minute at most, in a savepoint rolled back after it: what it locks
        goes with the savepoint. Still held after the wait (or rows changed
        meanwhile): the caller reads what was committed."""
        try:
            with closing(self.env.cr.savepoint(flush=False)):
                self.env.cr.execute(
                    SQL("SET LOCAL lock_timeout = %s", WAIT_FOR_OTHER_RUN)
                )
                self.env.cr.execute(statement, log_exceptions=False)
        except CONCURRENCY_ERRORS as error:
            _logger.info("Debt recovery: waited for another run: %s", error)

    @api.model
    def _is_scheduled_run(self):
        """Whether this run commits between its steps (``_as_scheduled_run``)."""
        return self.env.context.get("debt_run_commits") is _SCHEDULED_RUN

    @api.model
    def _run_courtesy(self, today, batch_size):
        """The courtesy reminders due today, by batches, each committed, all
        in this call whatever the cron's time: a customer left without a
        reminder stays a candidate, so a call that stopped halfway would
        start again from the same customers."""
        Cron = self.env["ir.cron"]
        work = []
        Courtesy = self._as_scheduled_run().env["debt.recovery.courtesy"]
        for company in self._companies():
            courtesy = Courtesy.with_company(company)
            ids = courtesy._candidate_ids(company, today)
            work.extend((courtesy, batch) for batch in split_every(batch_size, ids))
        remaining = sum(len(ids) for _courtesy, ids in work)
        for courtesy, ids in work:
            courtesy._run_batch(ids, today)
            remaining -= len(ids)
            Cron._commit_progress(len(ids), remaining=remaining + 1)

    @api.model
    def _check_plans(self, today):
        """Payment plans first: the invoices of a plan broken today are back
        on the ladder today."""
        try:
            with self.env.cr.savepoint():
                self.env["debt.recovery.plan.monitor"]._cron_check_plans(today)
        except CONCURRENCY_ERRORS as error:
            _logger.info("Debt recovery: plans checked by another run: %s", error)

    # ------------------------------------------------------------------
    # Run now: the daily run's steps, in the collector's transaction
    # ------------------------------------------------------------------
    @api.model
    def _run_now(self, followups):
        """Run the ladder now for the selected customers (collectors): each
        goes through what the daily run does today for it, the ladder then
        the courtesy reminder, and only if the daily run would evaluate it;
        an evaluated customer is left as it is (idempotent). Returns the
        follow-ups evaluated."""
        check_collector(
            self.env,
            self.env._("Only debt recovery collectors can run the ladder."),
        )
        followups.check_access("read")
        today = fields.Date.context_today(self)
        evaluated = followups.browse()
        for company in followups.company_id:
            run = self.with_company(company)
            batch = followups.filtered(lambda f, c=company: f.company_id == c)
            candidates = set(run._candidate_ids(company, today, batch.partner_id))
            todo = batch.filtered(lambda f, ids=candidates: f.id in ids)
            run._run_batch(todo.ids, today)
            courtesy = run.env["debt.recovery.courtesy"]
            courtesy._run_batch(
                courtesy._candidate_ids(company, today, batch.partner_id), today
            )
            evaluated |= todo
        _logger.info(
            "Debt recovery: run now by %s for %s customers",
            self.env.user.login,
            len(evaluated),
        )
        return evaluated

    @api.model
    def _run_now_company(self, company, batch_size=200):
        """Run the ladder now for the whole of ``company`` (managers): the
        daily run's steps for that company (plans, ladder, courtesy
        reminders), in this transaction. Returns the follow-ups evaluated."""
        check_manager(
            self.env,
            self.env._(
                "Only a debt recovery manager can run the ladder for the whole company."
            ),
        )
        if company not in self.env.companies:
            raise UserError(
                self.env._("You are not allowed in %(company)s.", company=company.name)
            )
        today = fields.Date.context_today(self)
        run = self.with_company(company).with_context(allowed_company_ids=company.ids)
        run._check_plans(today)
        ids = run._candidate_ids(company, today)
        for batch in split_every(batch_size, ids):
            run._run_batch(batch, today)
        courtesy = run.env["debt.recovery.courtesy"]
        for batch in split_every(batch_size, courtesy._candidate_ids(company, today)):
            courtesy._run_batch(batch, today)
        _logger.info(
            "Debt recovery: run now by %s for company %s (%s customers)",
            self.env.user.login,
            company.name,
            len(ids),
        )
        return self.env["debt.recovery.followup"].browse(ids)

    @api.model
    def _companies(self):
        groups = (
            self.env["debt.recovery.policy"]
            .sudo()
            ._read_group([], groupby=["company_id"])
        )
        return [company for (company,) in groups]

    @api.model
    def _candidate_ids(self, company, today, customers=None):
        """Follow-ups to evaluate today, oldest id first: the customers with
        something overdue (one aggregate over the receivable items; their
        follow-up is created when missing) and the follow-ups the ladder still
        tracks (to settle them, end a pause, check a promise), minus those
        evaluated today. ``customers`` (commercial partners): among those
        only (run now)."""
        AML = self.env["account.move.line"]
        overdue = AML._debt_overdue_domain(company, today)
        tracked = Domain("company_id", "=", company.id) & (
            Domain("status", "!=", "up_to_date")
            | Domain("level_id", "!=", False)
            | Domain("pause_until", "!=", False)
        )
        if customers is not None:
            overdue &= Domain("partner_id.commercial_partner_id", "in", customers.ids)
            tracked &= Domain("partner_id", "in", customers.ids)
        owing = [
            partner
            for (partner,) in AML._read_group(
                overdue, groupby=["partner_id.commercial_partner_id"]
            )
        ]
        Followup = self.env["debt.recovery.followup"]
        followups = self._ensure_followups(owing, company)
        tracked = Followup.search(tracked)
        todo = (followups | tracked).filtered_domain(
            Domain("last_evaluation_date", "=", False)
            | Domain("last_evaluation_date", "!=", today)
        )
        return sorted(todo.ids)

    @api.model
    def _run_batch(self, ids, today):
        """Lock the batch (skipping what another run holds), drop what was
        evaluated today since the candidates were read, then decide, apply,
        act and record. A batch another run changed meanwhile is skipped."""
        followups = self.env["debt.recovery.followup"].browse(ids)
        try:
            with self.env.cr.savepoint():
                locked = locks.try_lock(followups)
                locked.invalidate_recordset()
                todo = locked.filtered(lambda f: f.last_evaluation_date != today)
                self._evaluate(todo, today)
        except CONCURRENCY_ERRORS as error:
            _logger.info("Debt recovery: batch skipped, held by another run: %s", error)

    @api.model
    def _evaluate(self, followups, today, automated=True):
        if not followups:
            return
        decisions = self.env["debt.recovery.ladder"]._decide(followups, today)
        steps = followups._apply_decisions(decisions, today)
        done, failed = self.env["debt.recovery.dispatch"]._run_levels(steps, today)
        followups._record_steps(done, failed, today, automated)

    @api.model
    def _send_pending(self, followups):
        """Send the levels waiting for review, as the run would have sent
        them (by a collector: logged as manual)."""
        today = fields.Date.context_today(self)
        locked = locks.try_lock(followups)
        if locked != followups:
            raise UserError(
                self.env._(
                    "The daily run is working on these customers right now: try "
                    "again in a minute."
                )
            )
        for company in followups.company_id:
            batch = followups.filtered(lambda f, c=company: f.company_id == c)
            run = self.with_company(company)
            ladder = run.env["debt.recovery.ladder"]
            facts = ladder._facts(batch, today)
            steps = {}
            for followup in batch:
                decision = ladder._decide_one(followup, facts, today)
                followup._check_pending_sendable(decision)
                decision["level"] = followup.pending_level_id
                steps[followup] = decision
            done, failed = run.env["debt.recovery.dispatch"]._run_levels(steps, today)
            batch._record_steps(done, failed, today, automated=False)
