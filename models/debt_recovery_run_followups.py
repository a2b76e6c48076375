"""The follow-ups a run needs, created when missing: one run at a time
creates a company's missing follow-ups."""

import logging

from odoo import api, models
from odoo.exceptions import ConcurrencyError, UserError
from odoo.tools import SQL

from .debt_recovery_run import CONCURRENCY_ERRORS

_logger = logging.getLogger(__name__)


class DebtRecoveryRun(models.AbstractModel):
    _inherit = "debt.recovery.run"

    @api.model
    def _ensure_followups(self, partners, company):
        """The follow-ups of ``partners``, created when missing. One run at a
        time creates a company's missing follow-ups (a transaction lock).

        A scheduled run (``_as_scheduled_run``) commits what it did so
        far before taking the lock, so that the lock's statement takes a fresh
        snapshot, which sees the follow-ups of a run that held the lock and
        committed; held by another run, it waits for its commit, then reads
        them instead of inserting them again (only a commit in the instant
        between the snapshot and the lock still ends in a failed insert,
        caught, and the next attempt reads them). Any other caller (a user's
        request) is never committed halfway: the lock held elsewhere is a
        UserError, follow-ups created meanwhile by another transaction make
        the request start again (``ConcurrencyError``). Customers whose
        follow-up could still not be created are left to the next run."""
        Partner = self.env["res.partner"].with_context(active_test=False)
        partners = Partner.union(*partners)
        Followup = self.env["debt.recovery.followup"]
        commits = self._is_scheduled_run()
        for _attempt in range(3):
            existing, missing = Followup._existing_for(partners, company)
            if not missing:
                return existing
            if commits:
                self.env["ir.cron"]._commit_progress()
            if self._lock_followup_creation(company):
                existing, missing = Followup._existing_for(partners, company)
                try:
                    return existing | Followup._create_missing(missing, company)
                except (ConcurrencyError, *CONCURRENCY_ERRORS) as error:
                    if not commits:
                        raise  # a request: retried afresh, as by ``retrying``
                    # created meanwhile by a user's action (a payment, a
                    # logged call), which takes no lock
                    _logger.info(
                        "Debt recovery: follow-ups created meanwhile: %s", error
                    )
            if not commits:
                raise UserError(
                    self.env._(
                        "The daily run is working on these customers right "
                        "now: try again in a minute."
                    )
                )
            self._wait_for_followup_creation(company)
        existing, missing = Followup._existing_for(partners, company)
        if missing:
            _logger.warning(
                "Debt recovery: %s customers without a follow-up left to the "
                "next run (another transaction kept creating them)",
                len(missing),
            )
        return existing

    @api.model
    def _followup_creation_lock(self, company):
        return SQL(
            "hashtext('account_debt_recovery.followup_creation'), %s", company.id
        )

    @api.model
    def _lock_followup_creation(self, company):
        """Whether this transaction holds (or now took) the right to create
        ``company``'s follow-ups, until it commits."""
        self.env.cr.execute(
            SQL(
                "SELECT pg_try_advisory_xact_lock(%s)",
                self._followup_creation_lock(company),
            )
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _wait_for_followup_creation(self, company):
        """Wait, a minute at most, until the run creating ``company``'s
        follow-ups committed; then read afresh (what this run did so far is
        committed first)."""
        Cron = self.env["ir.cron"]
        Cron._commit_progress()
        self._wait_for(
            SQL(
                "SELECT pg_advisory_xact_lock(%s)",
                self._followup_creation_lock(company),
            )
        )
        Cron._commit_progress()  # releases the lock; the next read is fresh
        self.env.invalidate_all()
