"""Row locks of the runs: a batch is worked on by the run that locks it.

Two runs (the daily run and its second worker, a collector's "run now", a
payment) may reach the same rows at once: each locks what is free and skips
what another holds (SKIP LOCKED). A row another transaction changed and
committed since this one's snapshot cannot be locked (PostgreSQL: "could not
serialize access"): the caller skips its batch, which the next pass reads
again. That race is expected, so it is not logged as a failed query."""

from odoo.tools import SQL


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
