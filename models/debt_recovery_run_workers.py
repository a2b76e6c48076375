import logging
from contextlib import closing

from odoo import api, fields, models

from .debt_recovery_run import CONCURRENCY_ERRORS

_logger = logging.getLogger(__name__)

DAILY_CRON = "account_debt_recovery.ir_cron_debt_recovery_daily"
SECOND_WORKER_CRON = "account_debt_recovery.ir_cron_debt_recovery_daily_second_worker"


class DebtRecoveryRun(models.AbstractModel):
    """The daily run in two cron workers: the scheduled run starts a second
    worker on the day's ladder batches, each batch taken by the worker that
    locks it first (``_run_batch``), so that the ladder takes about half the
    time where Odoo has two cron workers. The plans before the ladder and
    the courtesy reminders after it stay the daily run's."""

    _inherit = "debt.recovery.run"

    @api.model
    def _cron_daily_second_worker(self, batch_size=200):
        """The second worker: the day's ladder batches, only while the daily
        run runs (it checked the plans first and sends the courtesy
        reminders once the ladder is done)."""
        if not self._daily_run_running():
            return
        today = fields.Date.context_today(self)
        self._run_batches(self._batches(today, batch_size), today)

    @api.model
    def _start_second_worker(self, today):
        """When this run is the scheduled daily run, start the second worker,
        once a day: not again while it is due to start, nor once it ran
        today (it then goes on by itself while it has batches left)."""
        daily = self.env.ref(DAILY_CRON, raise_if_not_found=False)
        second = self.env.ref(SECOND_WORKER_CRON, raise_if_not_found=False)
        if not (daily and second) or self.env.context.get("cron_id") != daily.id:
            return
        second = second.sudo()
        ran_today = (
            second.lastcall
            and fields.Datetime.context_timestamp(self, second.lastcall).date() >= today
        )
        due = (
            self.env["ir.cron.trigger"]
            .sudo()
            .search_count([("cron_id", "=", second.id)], limit=1)
        )
        if second.active and not ran_today and not due:
            second._trigger()

    @api.model
    def _wait_for_second_worker(self):
        """Wait until the second worker is not running: the cron worker that
        runs a job holds its row locked. This run commits first, so that it
        holds nothing the second worker may wait for."""
        second = self.env.ref(SECOND_WORKER_CRON, raise_if_not_found=False)
        if not second:
            return
        self.env["ir.cron"]._commit_progress()
        try:
            # the savepoint is rolled back: the lock is released with it
            with closing(self.env.cr.savepoint(flush=False)):
                self.env.cr.execute("SET LOCAL lock_timeout = '5min'")
                self.env.cr.execute(
                    "SELECT id FROM ir_cron WHERE id = %s FOR NO KEY UPDATE",
                    [second.id],
                )
        except CONCURRENCY_ERRORS as error:
            _logger.info("Debt recovery: the second worker still runs: %s", error)

    @api.model
    def _daily_run_running(self):
        """Whether a cron worker runs the daily run now (it holds its row)."""
        daily = self.env.ref(DAILY_CRON, raise_if_not_found=False)
        if not daily:
            return False
        with closing(self.env.cr.savepoint(flush=False)):
            self.env.cr.execute(
                "SELECT id FROM ir_cron WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED",
                [daily.id],
            )
            return not self.env.cr.fetchone()
