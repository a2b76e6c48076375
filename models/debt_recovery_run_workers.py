from odoo import api, fields, models

DAILY_CRON = "account_debt_recovery.ir_cron_debt_recovery_daily"
SECOND_WORKER_CRON = "account_debt_recovery.ir_cron_debt_recovery_daily_second_worker"
# "<day>:open" while the second worker may take the day's ladder batches,
# "<day>:closed" once the daily run took the rest (system parameter)
SHARED_LADDER = "account_debt_recovery.shared_ladder"


class DebtRecoveryRun(models.AbstractModel):
    """The daily run in two cron workers: the scheduled run opens the day's
    ladder to a second worker, each batch taken by the worker that locks it
    first (``_run_batch``), so that the ladder takes about half the time
    where Odoo has two cron workers. The plans before the ladder and the
    courtesy reminders after it stay the daily run's: it closes the ladder
    to the second worker, then takes what is left, waiting for what the
    second worker holds, before it sends them."""

    _inherit = "debt.recovery.run"

    @api.model
    def _cron_daily_second_worker(self, batch_size=200):
        """The second worker: the ladder batches of the day the daily run
        opened, until it closes them (checked before each batch)."""
        today = self._shared_ladder_day()
        if not today:
            return
        Cron = self.env["ir.cron"]
        work = self._batches(today, batch_size)
        remaining = sum(len(ids) for _company, ids in work)
        Cron._commit_progress(remaining=remaining)
        for company, ids in work:
            if self._shared_ladder_day() != today:
                break
            self.with_company(company)._run_batch(ids, today)
            remaining -= len(ids)
            if not Cron._commit_progress(len(ids), remaining=remaining):
                return
        Cron._commit_progress(remaining=0)

    @api.model
    def _open_ladder_to_second_worker(self, today):
        """When this run is the scheduled daily run, open the day's ladder to
        the second worker and start it, once a day."""
        daily = self.env.ref(DAILY_CRON, raise_if_not_found=False)
        second = self.env.ref(SECOND_WORKER_CRON, raise_if_not_found=False)
        if not (daily and second) or self.env.context.get("cron_id") != daily.id:
            return
        if not second.sudo().active or self._shared_ladder(today):
            return
        self.env["ir.config_parameter"].sudo().set_param(
            SHARED_LADDER, f"{today.isoformat()}:open"
        )
        second.sudo()._trigger()

    @api.model
    def _close_ladder_to_second_worker(self, today):
        """When this run is the scheduled daily run, close the day's ladder
        to the second worker; whether it was opened today (the second worker
        may still hold a batch)."""
        daily = self.env.ref(DAILY_CRON, raise_if_not_found=False)
        if not daily or self.env.context.get("cron_id") != daily.id:
            return False
        state = self._shared_ladder(today)
        if state == "open":
            self.env["ir.config_parameter"].sudo().set_param(
                SHARED_LADDER, f"{today.isoformat()}:closed"
            )
        return bool(state)

    @api.model
    def _shared_ladder(self, today):
        """The state of ``today``'s shared ladder: open, closed or nothing."""
        day, _colon, state = (self._shared_ladder_value() or "").partition(":")
        return state if day == today.isoformat() else ""

    @api.model
    def _shared_ladder_day(self):
        """Today, when today's ladder is open to the second worker (a ladder
        left open by a daily run that stopped is not another day's)."""
        today = fields.Date.context_today(self)
        return today if self._shared_ladder(today) == "open" else None

    @api.model
    def _shared_ladder_value(self):
        # read from the table: the other worker's change, committed since
        # this process cached the parameters, is what counts
        self.env["ir.config_parameter"].flush_model(["value"])
        self.env.cr.execute(
            "SELECT value FROM ir_config_parameter WHERE key = %s", [SHARED_LADDER]
        )
        row = self.env.cr.fetchone()
        return row and row[0]
