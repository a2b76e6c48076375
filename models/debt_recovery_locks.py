"""Row locks of the runs: a batch is worked on by the run that locks it.

Two runs (the daily run and its second worker, a collector's "run now", a
payment) may reach the same rows at once: each locks what is free and skips
what another holds (SKIP LOCKED). A row another transaction changed and
committed since this one's snapshot cannot be locked (PostgreSQL: "could not
serialize access"): the caller skips its batch, which the next pass reads
again. That race is expected, so it is not logged as a failed query; nor is the
insert of a row that another transaction inserted first, where the caller
expects it."""

import contextlib
import contextvars
import logging

from psycopg2 import errors

from odoo.tools import SQL

# The unique index whose violation the code running now expects from a
# concurrent insert (``expected_race``), if any.
_EXPECTED_RACE = contextvars.ContextVar("debt_recovery_expected_race", default=None)


class _ExpectedRaceFilter(logging.Filter):
    """Drops the "bad query" error of an insert that another transaction
    beat, where the code expects that race and handles it
    (``expected_race``); any other failed query is logged as ever."""

    def filter(self, record):
        index = _EXPECTED_RACE.get()
        if index is None or record.levelno != logging.ERROR:
            return True
        error = record.args[-1] if isinstance(record.args, tuple) else None
        return not (
            isinstance(error, errors.UniqueViolation)
            and error.diag.constraint_name == index
        )


logging.getLogger("odoo.sql_db").addFilter(_ExpectedRaceFilter())


@contextlib.contextmanager
def expected_race(index):
    """Inside the block, a violation of the unique index ``index`` (its
    name) is a race the caller handles: not logged as a failed query. For
    this thread (or task) only, unlike muting the logger."""
    token = _EXPECTED_RACE.set(index)
    try:
        yield
    finally:
        _EXPECTED_RACE.reset(token)


def try_lock(records):
    """``records`` that this transaction could lock (FOR NO KEY UPDATE SKIP
    LOCKED, as core's ``try_lock_for_update(allow_referencing=True)``; new
    records are kept); raises ``SerializationFailure``, unlogged, for rows
    changed since the snapshot."""
    ids = tuple(id_ for id_ in records._ids if isinstance(id_, int))
    if not ids:
        return records
    cr = records.env.cr
    cr.execute(
        SQL(
            "SELECT id FROM %s WHERE id IN %s FOR NO KEY UPDATE SKIP LOCKED",
            SQL.identifier(records._table),
            ids,
        ),
        log_exceptions=False,
    )
    locked = {row[0] for row in cr.fetchall()}
    # new records are nobody else's: they stay
    return records.browse(
        id_ for id_ in records._ids if id_ in locked or not isinstance(id_, int)
    )
