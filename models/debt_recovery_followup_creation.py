"""One follow-up per customer (commercial partner) and company: found, or
created when missing."""

from psycopg2 import errors

from odoo import api, models
from odoo.exceptions import ConcurrencyError

from . import debt_recovery_locks as locks


class DebtRecoveryFollowup(models.Model):
    _inherit = "debt.recovery.followup"

    @api.model
    def _for_partners(self, partners, company=None):
        """The follow-ups of ``partners`` (their commercial partners) in
        ``company`` (default: the current one), created when missing."""
        company = company or self.env.company
        existing, missing = self._existing_for(partners, company)
        if missing:
            existing |= self._create_missing(missing, company)
        return existing.with_env(self.env)

    @api.model
    def _create_missing(self, customers, company):
        """``_create_for``, where another transaction may create the same
        follow-ups at the same moment (a payment, a logged call, a run). One
        that committed them after this transaction began makes the insert
        fail on the one-per-customer index: ``ConcurrencyError``, unlogged.
        A request is then retried as a concurrent update is, and the retry
        reads them; the run reads them on its next attempt."""
        index = self._partner_company_uniq.full_name(self)
        try:
            with self.env.cr.savepoint(), locks.expected_race(index):
                return self._create_for(customers, company)
        except errors.UniqueViolation as error:
            if error.diag.constraint_name != index:
                raise
            raise ConcurrencyError(
                self.env._(
                    "These customers' follow-ups were created by someone else "
                    "at the same moment: please try again."
                )
            ) from error

    @api.model
    def _existing_for(self, partners, company):
        """``(follow-ups, customers without one)`` of ``partners`` (their
        commercial partners) in ``company``."""
        customers = partners.commercial_partner_id
        existing = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [("partner_id", "in", customers.ids), ("company_id", "=", company.id)]
            )
        )
        return existing.with_env(self.env), customers - existing.partner_id

    @api.model
    def _create_for(self, customers, company):
        """New follow-ups of ``customers`` (commercial partners) in
        ``company``."""
        return (
            self._workflow()
            .create(
                [
                    {"partner_id": partner.id, "company_id": company.id}
                    # in one order whoever creates them: two runs creating the
                    # same ones wait for each other instead of deadlocking
                    for partner in customers.sorted("id")
                ]
            )
            .with_env(self.env)
        )
